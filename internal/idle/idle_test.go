package idle

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/internal/testutil"
)

// parkedGate is a gate whose program just turned idle: the filter has
// turned the idle timer's message into the marker. Its MaxPark timer runs
// on clk. No idle timer runs (send is nil): the tests deliver idleMsg.
func parkedGate(t *testing.T, clk *testutil.FakeClock) *Gate {
	t.Helper()
	g := New(true)
	g.newTimer = clk.NewTimer
	g.Filter(nil, tea.KeyPressMsg{Code: 'j', Text: "j"})
	raw, ok := g.Filter(nil, idleMsg{gen: g.gen}).(tea.RawMsg)
	if !ok || raw.Msg != marker {
		t.Fatalf("the idle message became %#v, want the marker", raw)
	}
	return g
}

// writeAsync writes p as the renderer would, and reports on the returned
// channel when the write returns.
func writeAsync(w *bytes.Buffer, g *Gate, done1, done2 <-chan struct{}, p string) <-chan struct{} {
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		g.Writer(w, done1, done2).Write([]byte(p))
	}()
	return returned
}

func waitParked(t *testing.T, g *Gate) {
	t.Helper()
	if err := testutil.Poll(5*time.Second, g.Parked); err != nil {
		t.Fatalf("the renderer was not parked: %v", err)
	}
}

// advancePastMaxPark moves clk to the parked renderer's MaxPark, once the
// renderer has set its timer (it does so just after it shows as parked).
func advancePastMaxPark(clk *testutil.FakeClock) {
	clk.WaitForTimer(clk.Now().Add(MaxPark), 5*time.Second)
	clk.Advance(MaxPark)
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
		release func(g *Gate, clk *testutil.FakeClock, done chan struct{})
		parkOK  bool // the gate parks again afterwards
	}{
		{"a key", func(g *Gate, _ *testutil.FakeClock, _ chan struct{}) {
			g.Filter(nil, tea.KeyPressMsg{Code: 'k', Text: "k"})
		}, true},
		{"any message (a command's result)", func(g *Gate, _ *testutil.FakeClock, _ chan struct{}) {
			g.Filter(nil, tea.WindowSizeMsg{Width: 80, Height: 24})
		}, true},
		{"a suspend (ctrl+z), before the program stops its renderer", func(g *Gate, _ *testutil.FakeClock, _ chan struct{}) {
			g.Filter(nil, tea.SuspendMsg{})
		}, true},
		{"quit", func(g *Gate, _ *testutil.FakeClock, _ chan struct{}) { g.Filter(nil, tea.QuitMsg{}) }, false},
		{"the program's end (a done channel)", func(_ *Gate, _ *testutil.FakeClock, done chan struct{}) { close(done) }, true},
		{"a read error (close)", func(g *Gate, _ *testutil.FakeClock, _ chan struct{}) { g.Close() }, false},
		{"MaxPark", func(_ *Gate, clk *testutil.FakeClock, _ chan struct{}) { advancePastMaxPark(clk) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := testutil.NewFakeClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
			g := parkedGate(t, clk)
			var out bytes.Buffer
			done := make(chan struct{})
			returned := writeAsync(&out, g, done, never, "frame"+marker+"tail")
			waitParked(t, g)
			select {
			case <-returned:
				t.Fatal("the write returned while the program was idle")
			default:
			}
			if got := out.String(); got != "frametail" {
				t.Fatalf("the terminal got %q, want the bytes around the marker", got)
			}
			tt.release(g, clk, done)
			waitReturned(t, returned, tt.name)
			if g.Parked() {
				t.Fatal("still parked")
			}
			// The next idle spell parks again, unless the program ends.
			idle, _ := g.Filter(nil, idleMsg{gen: g.gen}).(tea.RawMsg)
			if (idle.Msg == marker) != tt.parkOK {
				t.Fatalf("after %s the idle message became %#v", tt.name, idle)
			}
		})
	}
}

// A message between the idle message and the write it causes means the
// program is not idle any more: the write does not park. An idle message
// older than the last message is dropped.
func TestActivityBeforeTheMarkerIsWrittenKeepsTheRendererRunning(t *testing.T) {
	clk := testutil.NewFakeClock(time.Now())
	g := parkedGate(t, clk)
	stale := g.gen
	g.Filter(nil, tea.KeyPressMsg{Code: 'j', Text: "j"})
	var out bytes.Buffer
	returned := writeAsync(&out, g, nil, nil, marker)
	waitReturned(t, returned, "activity came first")
	if out.Len() != 0 {
		t.Fatalf("the terminal got %q", out.String())
	}
	if msg := g.Filter(nil, idleMsg{gen: stale}); msg != nil {
		t.Fatalf("a stale idle message became %#v", msg)
	}
	// Without the marker, a write goes through whatever the state.
	g.Filter(nil, idleMsg{gen: g.gen})
	returned = writeAsync(&out, g, nil, nil, "frame")
	waitReturned(t, returned, "a plain frame")
	if out.String() != "frame" {
		t.Fatalf("the terminal got %q", out.String())
	}
}

// A suspend goes on to the program as it came: in a local terminal the
// program suspends (over SSH the session's own filter turns it into a
// resume first).
func TestSuspendGoesThrough(t *testing.T) {
	if _, ok := New(true).Filter(nil, tea.SuspendMsg{}).(tea.SuspendMsg); !ok {
		t.Fatal("the gate changed a suspend")
	}
}

// Terminal keeps the file's descriptor, reading and closing for the
// program, and sends every write through the gate: nothing of the file
// that writes (WriteString, ReadFrom) shows past it.
func TestTerminalWritesThroughTheGate(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	clk := testutil.NewFakeClock(time.Now())
	g := parkedGate(t, clk)
	out := g.Terminal(w, nil, nil)
	if out.Fd() != w.Fd() {
		t.Fatalf("Fd %d, want the file's %d", out.Fd(), w.Fd())
	}
	if _, ok := out.(io.StringWriter); ok {
		t.Error("the terminal shows a WriteString that would bypass the gate")
	}
	if _, ok := out.(io.ReaderFrom); ok {
		t.Error("the terminal shows a ReadFrom that would bypass the gate")
	}
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		io.WriteString(out, "frame"+marker)
	}()
	waitParked(t, g)
	g.Filter(nil, tea.KeyPressMsg{Code: 'k', Text: "k"})
	waitReturned(t, returned, "a key")
	if err := out.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	got, err := io.ReadAll(r)
	if err != nil || string(got) != "frame" {
		t.Fatalf("the file got %q (%v), want the frame without the marker", got, err)
	}
}

// A renderer released by MaxPark, with no message since, parks again: the
// gate sends the idle message anew.
func TestMaxParkParksAgain(t *testing.T) {
	clk := testutil.NewFakeClock(time.Now())
	g := parkedGate(t, clk)
	sent := make(chan tea.Msg, 1)
	g.Start(func(msg tea.Msg) { sent <- msg })
	var out bytes.Buffer
	returned := writeAsync(&out, g, nil, nil, marker)
	waitParked(t, g)
	advancePastMaxPark(clk)
	waitReturned(t, returned, "MaxPark")
	var msg tea.Msg
	select {
	case msg = <-sent:
	case <-time.After(5 * time.Second):
		t.Fatal("nothing was sent after MaxPark")
	}
	if raw, ok := g.Filter(nil, msg).(tea.RawMsg); !ok || raw.Msg != marker {
		t.Fatalf("after MaxPark the gate sent %#v, which the filter did not make the marker", msg)
	}
	returned = writeAsync(&out, g, nil, nil, marker)
	waitParked(t, g)
	g.Close()
	waitReturned(t, returned, "close")
}
