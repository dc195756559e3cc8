//go:build unix

package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/creack/pty"

	"github.com/mpconsole/mpconsole/internal/idle"
	"github.com/mpconsole/mpconsole/internal/testutil"
	"github.com/mpconsole/mpconsole/ui"
)

// ptyConsole is the console's program (consoleProgram) running on the
// embedded sandbox in a real pseudo-terminal of 100×30.
type ptyConsole struct {
	t      *testing.T
	ptm    io.Writer            // the terminal's side: what is typed
	screen *testutil.Screen     // what it shows
	raw    *testutil.SyncBuffer // every byte the console wrote
	gate   *idle.Gate
	ran    chan error         // Run's error, once it returned
	cancel context.CancelFunc // the console's context
}

func startPTYConsole(t *testing.T) *ptyConsole {
	t.Helper()
	isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := openSession(ctx, sessionFlags{sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { ptm.Close(); tty.Close() })
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 30, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	c := &ptyConsole{t: t, ptm: ptm, screen: testutil.NewScreen(100, 30), raw: &testutil.SyncBuffer{},
		ran: make(chan error, 1), cancel: cancel}
	t.Cleanup(c.screen.Close)
	go c.screen.Answer(ptm)
	go io.Copy(io.MultiWriter(c.screen, c.raw), ptm)
	p, gate := consoleProgram(ctx, ui.Options{Context: ctx, Accounts: s.Accounts, Profile: s.Profile,
		StateDir: s.StateDir, StateTemporary: s.StateTemporary}, tty, tty)
	c.gate = gate
	go func() { _, err := p.Run(); gate.Close(); c.ran <- err }()
	return c
}

func (c *ptyConsole) until(what string, want ...string) string {
	c.t.Helper()
	return c.screen.Until(c.t, what, func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
}

// parked waits for the renderer to be parked; the bound only catches a
// renderer that never parks.
func (c *ptyConsole) parked(when string) {
	c.t.Helper()
	testutil.Eventually(c.t, 10*time.Second, c.gate.Parked, "the renderer was not parked %s", when)
}

// ended waits for Run to return, within less than idle.MaxPark: a parked
// renderer must not hold the program's end back until it times out.
func (c *ptyConsole) ended(after string) error {
	c.t.Helper()
	select {
	case err := <-c.ran:
		return err
	case <-time.After(4 * time.Second):
		c.t.Fatalf("the console did not end after %s", after)
		return nil
	}
}

// TestIdleConsoleParksItsRenderer: the console on a real pseudo-terminal
// parks its renderer once nothing happens (so it costs no CPU while left
// open), a key releases it and its frame arrives, it parks again, the
// terminal never sees the gate's marker, and q quits a parked console.
func TestIdleConsoleParksItsRenderer(t *testing.T) {
	c := startPTYConsole(t)
	c.until("the apps", "Acme Shop", "Acme Kiosk", "4 rows")
	c.parked("once the apps were listed")
	io.WriteString(c.ptm, "/kiosk")
	c.screen.Until(t, "the filter's frame", func(s string) bool {
		return strings.Contains(s, "/kiosk") && strings.Contains(s, "Acme Kiosk") && !strings.Contains(s, "Acme Shop")
	})
	c.parked("after the filter")
	io.WriteString(c.ptm, "\x1b") // cancels the prompt and its filter
	c.screen.Until(t, "the whole list", func(s string) bool {
		return strings.Contains(s, "Acme Shop") && !strings.Contains(s, "/kiosk")
	})
	c.parked("after esc")
	if strings.Contains(c.raw.String(), "mpconsole:idle") {
		t.Fatal("the idle marker reached the terminal")
	}
	io.WriteString(c.ptm, "q")
	if err := c.ended("q"); err != nil {
		t.Fatalf("the console ended with %v", err)
	}
}

// TestCancelledIdleConsoleEnds: the console's context cancelled while its
// renderer is parked (a signal does that) ends it at once, with no
// message to release the renderer.
func TestCancelledIdleConsoleEnds(t *testing.T) {
	c := startPTYConsole(t)
	c.until("the apps", "Acme Shop", "4 rows")
	c.parked("once the apps were listed")
	c.cancel()
	if err := c.ended("its context was cancelled"); !errors.Is(err, tea.ErrProgramKilled) {
		t.Fatalf("the console ended with %v, want the program killed", err)
	}
}
