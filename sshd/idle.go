package sshd

import (
	"bytes"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// An idle session costs no CPU: its renderer is parked.
//
// Bubble Tea's renderer runs on a ticker, FPS times a second, whether or
// not the screen changed, and offers no way to stop it (WithFPS only sets
// the rate). Twenty idle sessions at 60 frames a second are 1 200 wake-ups
// a second, each a few tens of microseconds of scheduler work, for frames
// that are all the same.
//
// The screen only changes after a message, though, and every message goes
// through the program's filter first. So the session parks the renderer:
//
//  1. Each message the filter sees counts as activity, releases a parked
//     renderer and pushes the idle timer back by idleAfter.
//  2. When idleAfter passes without a message, the timer sends idleMsg; the
//     filter turns it into a tea.RawMsg carrying idleMarker, which the
//     program queues for its output.
//  3. On its next tick the renderer writes that queue to the session's
//     output, the idleWriter: it drops the marker, writes the rest, and
//     holds the renderer's goroutine there until the next message (or the
//     session's end). While it is held, nothing waits on the ticker, so the
//     runtime does not wake for it.
//
// The renderer had idleAfter worth of ticks to draw the last frame before
// it is parked, and the message that releases it comes before any new
// frame, so no frame is lost or delayed by more than a tick. A parked
// renderer is also released after maxPark, in case the program ends by a
// way that sends no message (a command's panic cancels it silently): the
// program's shutdown waits for the renderer.
const (
	idleAfter = 250 * time.Millisecond
	maxPark   = 30 * time.Second
)

// idleMarker is queued for output when the session turns idle. The
// idleWriter removes it: the terminal never sees it. It is an APC string,
// which a terminal would ignore anyway.
const idleMarker = "\x1b_mpconsole:idle\x1b\\"

// idleMsg says the session had no message for idleAfter since activity
// number gen.
type idleMsg struct{ gen uint64 }

// idleGate parks one session's renderer while the session is idle.
type idleGate struct {
	send  func(tea.Msg) // the program's Send, set once the program exists; nil: no idle timer
	parks bool          // park at all (Options.KeepRendering turns it off for measurements)
	// newTimer starts the maxPark timer (a fake clock's in tests).
	newTimer func(time.Duration) (<-chan time.Time, func() bool)

	mu      sync.Mutex
	gen     uint64        // messages seen
	idleGen uint64        // gen when the session last turned idle
	idle    bool          // no message since idleGen
	wake    chan struct{} // closed to release the parked renderer; nil when none is
	closed  bool          // the program ends: never park again
	timer   *time.Timer
}

func newIdleGate() *idleGate { return &idleGate{newTimer: realTimer, parks: true} }

func realTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// filter is the program's message filter. It notes activity, turns the
// idle timer's message into the marker, and keeps a suspend (ctrl+z) from
// suspending the server: it resumes at once (as wish's own filter does).
func (g *idleGate) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg := msg.(type) {
	case idleMsg:
		g.mu.Lock()
		defer g.mu.Unlock()
		if msg.gen != g.gen || g.closed || !g.parks {
			return nil // a message came since the timer fired
		}
		g.idle, g.idleGen = true, g.gen
		return tea.RawMsg{Msg: idleMarker}
	case tea.QuitMsg, tea.InterruptMsg:
		g.close() // the program ends: the renderer must be free to stop
		return msg
	case tea.SuspendMsg:
		g.activity()
		return tea.ResumeMsg{}
	}
	g.activity()
	return msg
}

// activity releases a parked renderer and restarts the idle timer.
func (g *idleGate) activity() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gen++
	g.idle = false
	g.release()
	if g.closed || g.send == nil {
		return
	}
	if g.timer == nil {
		g.timer = time.AfterFunc(idleAfter, g.fire)
		return
	}
	g.timer.Reset(idleAfter)
}

// fire sends idleMsg for the activity it was armed after. It runs on the
// timer's goroutine; Send returns once the program took the message or
// ended.
func (g *idleGate) fire() {
	g.mu.Lock()
	gen, send, closed := g.gen, g.send, g.closed
	g.mu.Unlock()
	if !closed {
		send(idleMsg{gen})
	}
}

// release frees a parked renderer. g.mu is held.
func (g *idleGate) release() {
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
}

// close releases the renderer for good and stops the timer.
func (g *idleGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	g.release()
	if g.timer != nil {
		g.timer.Stop()
	}
}

// parked reports whether the renderer is held.
func (g *idleGate) parked() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.wake != nil
}

// park holds the calling goroutine (the renderer's) while the session
// stays idle since the marker was queued: until a message, the program's
// end, either done channel closing, or maxPark.
func (g *idleGate) park(done1, done2 <-chan struct{}) {
	g.mu.Lock()
	if g.closed || !g.idle || g.gen != g.idleGen {
		g.mu.Unlock()
		return
	}
	wake := make(chan struct{})
	g.wake = wake
	g.mu.Unlock()
	timeout, stop := g.newTimer(maxPark)
	defer stop()
	select {
	case <-wake:
	case <-done1:
	case <-done2:
	case <-timeout:
	}
	g.mu.Lock()
	if g.wake == wake {
		g.wake = nil
	}
	g.mu.Unlock()
}

// writer returns the session's output as the program writes it: the
// marker is dropped, and the write that carried it parks the renderer
// (released early when done1 or done2 closes).
func (g *idleGate) writer(w io.Writer, done1, done2 <-chan struct{}) io.Writer {
	return &idleWriter{w: w, g: g, done1: done1, done2: done2}
}

type idleWriter struct {
	w            io.Writer
	g            *idleGate
	done1, done2 <-chan struct{}
}

func (w *idleWriter) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte(idleMarker)) {
		return w.w.Write(p)
	}
	rest := bytes.ReplaceAll(p, []byte(idleMarker), nil)
	if len(rest) > 0 {
		if _, err := w.w.Write(rest); err != nil {
			return 0, err
		}
	}
	w.g.park(w.done1, w.done2)
	return len(p), nil
}
