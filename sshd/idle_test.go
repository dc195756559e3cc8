package sshd

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/internal/testutil"
)

// parkedGate is a gate whose session just turned idle: the filter has
// turned the idle timer's message into the marker. Its maxPark timer runs
// on clk. No idle timer runs (send is nil): the tests deliver idleMsg.
func parkedGate(t *testing.T, clk *testutil.FakeClock) *idleGate {
	t.Helper()
	g := newIdleGate()
	g.newTimer = clk.NewTimer
	g.filter(nil, tea.KeyPressMsg{Code: 'j', Text: "j"})
	raw, ok := g.filter(nil, idleMsg{gen: g.gen}).(tea.RawMsg)
	if !ok || raw.Msg != idleMarker {
		t.Fatalf("the idle message became %#v, want the marker", raw)
	}
	return g
}

// writeAsync writes p as the renderer would, and reports on the returned
// channel when the write returns.
func writeAsync(w *bytes.Buffer, g *idleGate, done1, done2 <-chan struct{}, p string) <-chan struct{} {
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		g.writer(w, done1, done2).Write([]byte(p))
	}()
	return returned
}

func waitParked(t *testing.T, g *idleGate) {
	t.Helper()
	if err := testutil.Poll(5*time.Second, g.parked); err != nil {
		t.Fatalf("the renderer was not parked: %v", err)
	}
}

func waitReturned(t *testing.T, returned <-chan struct{}, why string) {
	t.Helper()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatalf("the parked write did not return after %s", why)
	}
}

// The write that carries the marker parks the renderer until whatever
// comes next releases it; the terminal never sees the marker.
func TestParkedRendererIsReleased(t *testing.T) {
	never := make(chan struct{})
	tests := []struct {
		name    string
		release func(g *idleGate, clk *testutil.FakeClock, done chan struct{})
		parkOK  bool // the gate parks again afterwards
	}{
		{"a key", func(g *idleGate, _ *testutil.FakeClock, _ chan struct{}) {
			g.filter(nil, tea.KeyPressMsg{Code: 'k', Text: "k"})
		}, true},
		{"any message (a command's result)", func(g *idleGate, _ *testutil.FakeClock, _ chan struct{}) {
			g.filter(nil, tea.WindowSizeMsg{Width: 80, Height: 24})
		}, true},
		{"quit", func(g *idleGate, _ *testutil.FakeClock, _ chan struct{}) { g.filter(nil, tea.QuitMsg{}) }, false},
		{"the session's end", func(_ *idleGate, _ *testutil.FakeClock, done chan struct{}) { close(done) }, true},
		{"a read error (close)", func(g *idleGate, _ *testutil.FakeClock, _ chan struct{}) { g.close() }, false},
		{"maxPark", func(_ *idleGate, clk *testutil.FakeClock, _ chan struct{}) { clk.Advance(maxPark) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := testutil.NewFakeClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
			g := parkedGate(t, clk)
			var out bytes.Buffer
			done := make(chan struct{})
			returned := writeAsync(&out, g, done, never, "frame"+idleMarker+"tail")
			waitParked(t, g)
			select {
			case <-returned:
				t.Fatal("the write returned while the session was idle")
			default:
			}
			if got := out.String(); got != "frametail" {
				t.Fatalf("the terminal got %q, want the bytes around the marker", got)
			}
			tt.release(g, clk, done)
			waitReturned(t, returned, tt.name)
			if g.parked() {
				t.Fatal("still parked")
			}
			// The next idle spell parks again, unless the program ends.
			idle, _ := g.filter(nil, idleMsg{gen: g.gen}).(tea.RawMsg)
			if (idle.Msg == idleMarker) != tt.parkOK {
				t.Fatalf("after %s the idle message became %#v", tt.name, idle)
			}
		})
	}
}

// A message between the idle message and the write it causes means the
// session is not idle any more: the write does not park. An idle message
// older than the last message is dropped.
func TestActivityBeforeTheMarkerIsWrittenKeepsTheRendererRunning(t *testing.T) {
	clk := testutil.NewFakeClock(time.Now())
	g := parkedGate(t, clk)
	stale := g.gen
	g.filter(nil, tea.KeyPressMsg{Code: 'j', Text: "j"})
	var out bytes.Buffer
	returned := writeAsync(&out, g, nil, nil, idleMarker)
	waitReturned(t, returned, "activity came first")
	if out.Len() != 0 {
		t.Fatalf("the terminal got %q", out.String())
	}
	if msg := g.filter(nil, idleMsg{gen: stale}); msg != nil {
		t.Fatalf("a stale idle message became %#v", msg)
	}
	// Without the marker, a write goes through whatever the state.
	g.filter(nil, idleMsg{gen: g.gen})
	returned = writeAsync(&out, g, nil, nil, "frame")
	waitReturned(t, returned, "a plain frame")
	if out.String() != "frame" {
		t.Fatalf("the terminal got %q", out.String())
	}
}

// The filter replaces wish's: a suspend (ctrl+z) resumes at once.
func TestSuspendResumesAtOnce(t *testing.T) {
	g := newIdleGate()
	if _, ok := g.filter(nil, tea.SuspendMsg{}).(tea.ResumeMsg); !ok {
		t.Fatal("a suspend was not turned into a resume")
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
