package sshd

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/internal/idle"
	"github.com/mpconsole/mpconsole/internal/testutil"
)

// The filter replaces wish's: a suspend (ctrl+z) resumes at once; other
// messages go through the idle gate unchanged.
func TestSuspendResumesAtOnce(t *testing.T) {
	st := &session{idle: idle.New(true)}
	if _, ok := st.filter(nil, tea.SuspendMsg{}).(tea.ResumeMsg); !ok {
		t.Fatal("a suspend was not turned into a resume")
	}
	if _, ok := st.filter(nil, tea.KeyPressMsg{Code: 'j', Text: "j"}).(tea.KeyPressMsg); !ok {
		t.Fatal("a key did not go through")
	}
}

// Over SSH: an idle session's renderer parks; a key releases it and its
// frame arrives; it parks again; the marker never reaches the client; a
// parked session quits, and a client that hangs up on a parked session
// ends it.
func TestIdleSessionParksItsRenderer(t *testing.T) {
	h := newHarness(t, setup{})
	parked := func(n int) {
		t.Helper()
		if err := testutil.Poll(10*time.Second, func() bool { return h.srv.parkedSessions() == n }); err != nil {
			t.Fatalf("%d sessions parked, want %d (%v)", h.srv.parkedSessions(), n, err)
		}
	}
	a := h.open(h.anyKey, 100, 30)
	a.waitFor("Acme Shop", "Acme Kiosk", "4 rows")
	parked(1)

	a.key("/")
	a.typ("kiosk")
	s := a.waitFor("/kiosk", "Acme Kiosk")
	if strings.Contains(s, "Acme Shop") {
		t.Fatalf("the filter's frame did not arrive:\n%s", s)
	}
	a.key("esc") // cancels the prompt and its filter
	a.until("the whole list", func(s string) bool { return strings.Contains(s, "Acme Shop") && !strings.Contains(s, "/kiosk") })
	parked(1)

	b := h.open(h.newKey(true), 100, 30)
	b.waitFor("Acme Shop")
	parked(2)
	if raw := a.raw.String() + b.raw.String(); strings.Contains(raw, "mpconsole:idle") {
		t.Fatal("the idle marker reached a client")
	}

	a.key("q")
	if code := a.waitExit(); code != 0 {
		t.Errorf("exit status %d after q on a parked session", code)
	}
	b.close()
	if err := testutil.Poll(10*time.Second, func() bool { return h.srv.Sessions() == 0 }); err != nil {
		t.Fatalf("%d sessions open after the client of a parked one hung up", h.srv.Sessions())
	}
}

// Shutdown does not wait on parked renderers.
func TestShutdownReleasesParkedSessions(t *testing.T) {
	h := newHarness(t, setup{})
	a := h.open(h.anyKey, 100, 30)
	b := h.open(h.newKey(true), 100, 30)
	a.waitFor("Acme Shop")
	b.waitFor("Acme Shop")
	if err := testutil.Poll(10*time.Second, func() bool { return h.srv.parkedSessions() == 2 }); err != nil {
		t.Fatalf("%d sessions parked, want 2", h.srv.parkedSessions())
	}
	h.cancel()
	for _, tm := range []*term{a, b} {
		if code := tm.waitExit(); code != 0 {
			t.Errorf("exit status %d on shutdown, want 0", code)
		}
		tm.waitFor(msgClosing)
		tm.close()
	}
	select {
	case <-h.srv.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
}
