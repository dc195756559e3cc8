//go:build unix

package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/mpconsole/mpconsole/internal/testutil"
	"github.com/mpconsole/mpconsole/ui"
)

// TestIdleConsoleParksItsRenderer: the console on a real pseudo-terminal
// parks its renderer once nothing happens (so it costs no CPU while left
// open), a key releases it and its frame arrives, it parks again, the
// terminal never sees the gate's marker, and q quits a parked console.
func TestIdleConsoleParksItsRenderer(t *testing.T) {
	isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := openSession(ctx, sessionFlags{sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptm.Close()
	defer tty.Close()
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 30, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	screen, raw := testutil.NewScreen(100, 30), &testutil.SyncBuffer{}
	defer screen.Close()
	go screen.Answer(ptm)
	go io.Copy(io.MultiWriter(screen, raw), ptm)

	p, gate := consoleProgram(ctx, ui.Options{Context: ctx, Accounts: s.Accounts, Profile: s.Profile,
		StateDir: s.StateDir, StateTemporary: s.StateTemporary}, tty, tty)
	ran := make(chan error, 1)
	go func() { _, err := p.Run(); gate.Close(); ran <- err }()
	parked := func(when string) {
		t.Helper()
		testutil.Eventually(t, 10*time.Second, gate.Parked, "the renderer was not parked %s", when)
	}
	has := func(want ...string) func(string) bool {
		return func(s string) bool {
			for _, w := range want {
				if !strings.Contains(s, w) {
					return false
				}
			}
			return true
		}
	}

	screen.Until(t, "the apps", has("Acme Shop", "Acme Kiosk", "4 rows"))
	parked("once the apps were listed")
	io.WriteString(ptm, "/kiosk")
	screen.Until(t, "the filter's frame", func(s string) bool { return has("/kiosk", "Acme Kiosk")(s) && !strings.Contains(s, "Acme Shop") })
	parked("after the filter")
	io.WriteString(ptm, "\x1b") // cancels the prompt and its filter
	screen.Until(t, "the whole list", func(s string) bool { return has("Acme Shop")(s) && !strings.Contains(s, "/kiosk") })
	parked("after esc")
	if strings.Contains(raw.String(), "mpconsole:idle") {
		t.Fatal("the idle marker reached the terminal")
	}
	io.WriteString(ptm, "q")
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("the console ended with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("q did not quit a parked console")
	}
}
