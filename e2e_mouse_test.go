package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEndMouseWheel runs the built console in a real terminal: it
// turns the terminal's mouse reporting on (SGR), and a wheel step, as the
// terminal writes it (button 65 is the wheel down, at column 10, row 6),
// moves the table's cursor three rows down; 64 moves it back up.
func TestEndToEndMouseWheel(t *testing.T) {
	tm := startTerm(t)
	s := tm.waitFor("Acme Shop", "4 rows")
	if !strings.Contains(s, "›1 ") {
		t.Fatalf("the cursor is not on the first app:\n%s", s)
	}
	if flag := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "e2e", "#{mouse_sgr_flag}")); flag != "1" {
		t.Fatalf("the console did not turn SGR mouse reporting on (mouse_sgr_flag %q)", flag)
	}
	tm.tmux("send-keys", "-t", "e2e", "-l", "\x1b[<65;10;6M")
	tm.waitFor("›4 ")
	tm.tmux("send-keys", "-t", "e2e", "-l", "\x1b[<64;10;6M")
	tm.waitFor("›1 ")
	tm.keys("C-c")
	if code := tm.exitCode(); code != "0" {
		t.Fatalf("exit code %s", code)
	}
}

// TestEndToEndMouseOff: mouse = false in the profiles file leaves the
// terminal's mouse alone (its own selection keeps working).
func TestEndToEndMouseOff(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte("mouse = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, "MPCONSOLE_CONFIG="+cfg)
	tm.waitFor("Acme Shop", "4 rows")
	if flag := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "e2e", "#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag}")); flag != "000" {
		t.Fatalf("mouse reporting is on with mouse = false (flags %q)", flag)
	}
	tm.keys("C-c")
	tm.exitCode()
}
