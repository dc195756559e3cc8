package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/internal/testutil"
)

// TestEndToEndKeysDoNothingWhileTooSmall runs the built console in tmux:
// on apps › Acme Shop › platforms, the window is shrunk below the minimum,
// ctrl+d and y are typed blind, and the window is enlarged again. Nothing
// was deleted: the refreshed list, from the server, still has iOS.
func TestEndToEndKeysDoNothingWhileTooSmall(t *testing.T) {
	tm := startTerm(t)
	tm.tmux("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
	tm.waitFor("Acme Shop", "token valid for", "4 rows")
	tm.keys("/", "s", "h", "o", "p", "Enter")
	tm.waitFor("1 of 4 rows")
	tm.keys("Enter") // Acme Shop: platforms, data points
	tm.waitFor("Platforms", "Data points")
	tm.keys("Enter")
	tm.waitFor("apps › Acme Shop › platforms", "iOS", "MobileWeb")
	tm.keys("/", "i", "o", "s", "Enter")
	tm.waitFor("/ios")

	tm.tmux("resize-window", "-t", "e2e", "-x", "59", "-y", "20")
	tm.waitFor("Terminal too small: 59×20.", "at least 60×16")
	tm.keys("C-d")
	tm.waitFor("keys are ignored")
	tm.keys("y")
	tm.tmux("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
	s := tm.waitFor("apps › Acme Shop › platforms", "/ios")
	if strings.Contains(s, "Delete platform") || strings.Contains(s, "delete platform") {
		t.Fatalf("a key typed on the too-small screen acted:\n%s", s)
	}
	tm.keys("C-r")
	tm.waitFor("iOS", "1 of 3 rows")
	tm.keys("Escape") // clears the filter
	s = tm.waitFor("3 rows", "MobileWeb")
	if !strings.Contains(s, "iOS") {
		t.Fatalf("iOS is gone:\n%s", s)
	}
	tm.keys("C-c")
	if code := tm.exitCode(); code != "0" {
		t.Fatalf("exit code %s", code)
	}
}

// TestEndToEndClosedTerminalCleansUp: a terminal closed under the console
// (SIGHUP, as when an SSH connection or a terminal window goes away) ends
// it like a quit: the embedded sandbox's temporary state directory, which
// may hold drafts, is removed.
func TestEndToEndClosedTerminalCleansUp(t *testing.T) {
	tmp := t.TempDir()
	tm := startTerm(t, "TMPDIR="+tmp)
	tm.waitFor("Acme Shop", "token valid for")
	dirs, _ := filepath.Glob(filepath.Join(tmp, "mpconsole-sandbox-*"))
	if len(dirs) != 1 {
		t.Fatalf("want the embedded sandbox's state directory in %s, got %v", tmp, dirs)
	}
	tm.tmux("kill-session", "-t", "e2e")
	err := testutil.Poll(10*time.Second, func() bool {
		left, _ := filepath.Glob(filepath.Join(tmp, "mpconsole-sandbox-*"))
		return len(left) == 0
	})
	if err != nil {
		t.Fatalf("the state directory outlived the closed terminal: %v", dirs)
	}
}
