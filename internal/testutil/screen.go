package testutil

import (
	"image/color"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
)

// Screen is a terminal emulator a program's output is applied to, so a
// test reads the screen a person would see. Like a terminal, it answers the
// queries the program sends (device attributes, cursor position, background
// colour); Answer sends the replies to the program's input.
type Screen struct {
	mu      sync.Mutex // the emulator is not safe for concurrent use
	em      *vt.Emulator
	changed chan struct{} // signalled after each write
}

// NewScreen is a w × h screen.
func NewScreen(w, h int) *Screen {
	return &Screen{em: vt.NewEmulator(w, h), changed: make(chan struct{}, 1)}
}

// Write feeds output from the program.
func (s *Screen) Write(b []byte) (int, error) {
	s.mu.Lock()
	n, err := s.em.Write(b)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return n, err
}

// String is the screen as text, one line per row, trailing spaces trimmed.
func (s *Screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.em.String()
}

// Styled is the screen with its colours and attributes as escape sequences.
func (s *Screen) Styled() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.em.Render()
}

// Resize changes the size as a terminal window would.
func (s *Screen) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.em.Resize(w, h)
}

// SetDefaultBackgroundColor is the colour the terminal reports as its
// background; set it before anything is written.
func (s *Screen) SetDefaultBackgroundColor(c color.Color) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.em.SetDefaultBackgroundColor(c)
}

// Answer copies the emulator's replies to in until Close. It keeps
// reading after in fails: the emulator writes its replies to a pipe, and
// an unread reply would hold Write.
func (s *Screen) Answer(in io.Writer) {
	buf := make([]byte, 256)
	for {
		n, err := s.em.Read(buf)
		if err != nil {
			return
		}
		in.Write(buf[:n])
	}
}

// Close ends Answer. Closing the reply pipe rather than the emulator
// leaves the emulator's own state to Write, which may still run.
func (s *Screen) Close() {
	if c, ok := s.em.InputPipe().(io.Closer); ok {
		c.Close()
	}
}

// Until waits for the screen to satisfy cond and returns it; it fails the
// test, naming what, when 20 s of real time pass first (a deadlock bound,
// not a timing assertion).
func (s *Screen) Until(t testing.TB, what string, cond func(screen string) bool) string {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	for {
		text := s.String()
		if cond(text) {
			return text
		}
		select {
		case <-s.changed:
		case <-poll.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; screen:\n%s", what, text)
		}
	}
}
