// Package idle parks a Bubble Tea program's renderer while nothing
// happens, so an idle console costs no CPU, in a local terminal as over
// SSH.
//
// Bubble Tea's renderer runs on a ticker, FPS times a second, whether or
// not the screen changed, and offers no way to stop it (WithFPS only sets
// the rate). At 60 frames a second that is 60 wake-ups a second, each a
// few tens of microseconds of scheduler work, for frames that are all the
// same: a console left open in a terminal used about 14 ms of CPU a
// second, twenty idle SSH sessions 1 200 wake-ups a second.
//
// The screen only changes after a message, though, and every message goes
// through the program's filter first. So a Gate parks the renderer:
//
//  1. Each message the filter sees counts as activity, releases a parked
//     renderer and pushes the idle timer back by After.
//  2. When After passes without a message, the timer sends idleMsg; the
//     filter turns it into a tea.RawMsg carrying marker, which the program
//     queues for its output.
//  3. On its next tick the renderer writes that queue to the program's
//     output, the gate's writer: it drops the marker, writes the rest, and
//     holds the renderer's goroutine there until the next message (or the
//     program's end). While it is held, nothing waits on the ticker, so
//     the runtime does not wake for it.
//
// The renderer had After worth of ticks to draw the last frame before it
// is parked, and the message that releases it comes before any new frame,
// so no frame is lost or delayed by more than a tick. (The one frame that
// would wait is the one the marker's own Update draws; a model that does
// not know the message leaves its frame as it was.)
//
// Bubble Tea stops the renderer, and waits for it, on a suspend (ctrl+z),
// for an external process (tea.ExecProcess) and when the program ends. The
// first two come as messages, which release it on their way through the
// filter; so do a quit and an interrupt, which also close the gate. A
// cancelled context releases it through the done channels given to
// Writer. What remains ends a program without a message: an input that
// fails, a command that panics. For those a parked renderer is released
// after MaxPark at the latest, then parked again while nothing happens.
package idle

import (
	"bytes"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
)

const (
	// After is how long a program goes without a message before its
	// renderer is parked.
	After = 250 * time.Millisecond
	// MaxPark is the longest a renderer stays parked without a message:
	// how long a program ended without one (its input failed, a command
	// panicked) may wait for its renderer. Each time it passes, an idle
	// program wakes for a frame and parks again.
	MaxPark = 10 * time.Second
)

// marker is queued for output when the program turns idle. The gate's
// writer removes it: the terminal never sees it. It is an APC string,
// which a terminal would ignore anyway.
const marker = "\x1b_mpconsole:idle\x1b\\"

// idleMsg says the program had no message for After since activity number
// gen.
type idleMsg struct{ gen uint64 }

// A Gate parks one program's renderer while the program is idle. Give the
// program its Filter and an output from Writer or Terminal, then Start it
// with the program's Send.
type Gate struct {
	send  func(tea.Msg) // the program's Send, set by Start; nil: no idle timer
	parks bool          // park at all (off for measurements of the renderer)
	// newTimer starts the MaxPark timer (a fake clock's in tests).
	newTimer func(time.Duration) (<-chan time.Time, func() bool)

	mu      sync.Mutex
	gen     uint64        // messages seen
	idleGen uint64        // gen when the program last turned idle
	idle    bool          // no message since idleGen
	wake    chan struct{} // closed to release the parked renderer; nil when none is
	closed  bool          // the program ends: never park again
	timer   *time.Timer
}

// New returns a gate; with park false it never parks (the renderer runs as
// Bubble Tea made it, for measurements).
func New(park bool) *Gate { return &Gate{newTimer: realTimer, parks: park} }

// Start arms the gate for the program whose Send it is given: from the
// next message on, After without one parks the renderer.
func (g *Gate) Start(send func(tea.Msg)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.send = send
}

func realTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// Filter is the program's message filter (tea.WithFilter). It notes
// activity and turns the idle timer's message into the marker.
func (g *Gate) Filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg := msg.(type) {
	case idleMsg:
		g.mu.Lock()
		defer g.mu.Unlock()
		if msg.gen != g.gen || g.closed || !g.parks {
			return nil // a message came since the timer fired
		}
		g.idle, g.idleGen = true, g.gen
		return tea.RawMsg{Msg: marker}
	case tea.QuitMsg, tea.InterruptMsg:
		g.Close() // the program ends: the renderer must be free to stop
		return msg
	}
	g.activity()
	return msg
}

// activity releases a parked renderer and restarts the idle timer.
func (g *Gate) activity() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gen++
	g.idle = false
	g.release()
	if g.closed || g.send == nil {
		return
	}
	if g.timer == nil {
		g.timer = time.AfterFunc(After, g.fire)
		return
	}
	g.timer.Reset(After)
}

// fire sends idleMsg for the activity it was armed after. It runs on the
// timer's goroutine; Send returns once the program took the message or
// ended.
func (g *Gate) fire() {
	g.mu.Lock()
	gen, send, closed := g.gen, g.send, g.closed
	g.mu.Unlock()
	if !closed {
		send(idleMsg{gen})
	}
}

// release frees a parked renderer. g.mu is held.
func (g *Gate) release() {
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
}

// Close releases the renderer for good and stops the timer: the program
// ends (a read error on its input, for one, ends it without a message).
func (g *Gate) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	g.release()
	if g.timer != nil {
		g.timer.Stop()
	}
}

// Parked reports whether the renderer is held.
func (g *Gate) Parked() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.wake != nil
}

// park holds the calling goroutine (the renderer's) while the program
// stays idle since the marker was queued: until a message, the program's
// end, either done channel closing, or MaxPark. After MaxPark with no
// message the idle message is sent again, so the renderer parks again
// once it has drawn (or the program, if it ended, ignores it).
func (g *Gate) park(done1, done2 <-chan struct{}) {
	g.mu.Lock()
	if g.closed || !g.idle || g.gen != g.idleGen {
		g.mu.Unlock()
		return
	}
	wake := make(chan struct{})
	g.wake = wake
	g.mu.Unlock()
	timeout, stop := g.newTimer(MaxPark)
	defer stop()
	timedOut := false
	select {
	case <-wake:
	case <-done1:
	case <-done2:
	case <-timeout:
		timedOut = true
	}
	g.mu.Lock()
	if g.wake == wake {
		g.wake = nil
	}
	gen, send, again := g.gen, g.send, timedOut && !g.closed && g.idle && g.gen == g.idleGen
	g.mu.Unlock()
	if again && send != nil {
		// Not from here: Send waits for the program's loop, which may be
		// waiting for this renderer.
		go send(idleMsg{gen})
	}
}

// Writer returns w as the program's output (tea.WithOutput): the marker is
// dropped, and the write that carried it parks the renderer (released
// early when done1 or done2 closes; a nil channel never does).
func (g *Gate) Writer(w io.Writer, done1, done2 <-chan struct{}) io.Writer {
	return &writer{w: w, g: g, done1: done1, done2: done2}
}

// Terminal is Writer for a terminal's file: the program still sees a
// terminal (its descriptor, for the window's size, the colour profile and,
// on Windows, the console's mode) and reads and closes the file itself;
// only writes go through the gate. Nothing else of the file shows (an
// *os.File's WriteString or ReadFrom would write past the gate).
func (g *Gate) Terminal(f term.File, done1, done2 <-chan struct{}) term.File {
	return terminal{File: f, w: &writer{w: f, g: g, done1: done1, done2: done2}}
}

type terminal struct {
	term.File
	w *writer
}

func (t terminal) Write(p []byte) (int, error) { return t.w.Write(p) }

type writer struct {
	w            io.Writer
	g            *Gate
	done1, done2 <-chan struct{}
}

func (w *writer) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte(marker)) {
		return w.w.Write(p)
	}
	rest := bytes.ReplaceAll(p, []byte(marker), nil)
	if len(rest) > 0 {
		if _, err := w.w.Write(rest); err != nil {
			return 0, err
		}
	}
	w.g.park(w.done1, w.done2)
	return len(p), nil
}
