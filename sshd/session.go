package sshd

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"

	"github.com/mpconsole/mpconsole/internal/idle"
)

// session is one open SSH session: its rights, its program and why it
// ended.
type session struct {
	sess     ssh.Session
	conn     *conn // the connection it is on
	id       int
	profile  string   // where it starts
	allowed  []string // profiles it may use; nil: every one
	readOnly bool
	plugins  bool // its key's plugins right
	start    time.Time

	// ctx bounds the console's requests; cancelled when the session ends.
	ctx    context.Context
	cancel context.CancelFunc
	// killCtx is the program's context: cancelling it kills the program
	// without waiting for it (the last resort of a shutdown).
	killCtx context.Context
	kill    context.CancelFunc

	lastInput atomic.Int64 // unix nanoseconds of the last byte typed
	done      chan struct{}
	idle      *idle.Gate // parks the renderer while the session is idle

	mu      sync.Mutex
	prog    *tea.Program
	stopped bool
	reason  string
}

func newSession(sess ssh.Session, c *conn, id int, profile string, allowed []string, readOnly, park bool) *session {
	st := &session{sess: sess, conn: c, id: id, profile: profile, allowed: allowed, readOnly: readOnly,
		start: time.Now(), done: make(chan struct{}), idle: idle.New(park)}
	st.ctx, st.cancel = context.WithCancel(sess.Context())
	st.killCtx, st.kill = context.WithCancel(context.Background())
	st.lastInput.Store(st.start.UnixNano())
	return st
}

// setProgram records the session's program; a stop that came first quits
// it at once.
func (st *session) setProgram(p *tea.Program) {
	st.idle.Start(p.Send)
	st.mu.Lock()
	st.prog = p
	stopped := st.stopped
	st.mu.Unlock()
	if stopped {
		go p.Quit()
	}
}

// stop asks the program to quit, for a reason the user is told; the first
// reason wins. Quit is sent from a goroutine: it waits for the program's
// loop, and returns when the program ends.
func (st *session) stop(reason string) {
	st.mu.Lock()
	if !st.stopped {
		st.stopped, st.reason = true, reason
	}
	p := st.prog
	st.mu.Unlock()
	if p != nil {
		go p.Quit()
	}
}

// why is the reason the session was stopped, "" when the user quit or the
// client went away.
func (st *session) why() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reason
}

// filter is the program's message filter: the idle gate's, and a suspend
// (ctrl+z) must not suspend the server, so it resumes at once (as wish's
// own filter does).
func (st *session) filter(m tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.SuspendMsg); ok {
		msg = tea.ResumeMsg{}
	}
	return st.idle.Filter(m, msg)
}

// end releases the session's contexts once its handler is done.
func (st *session) end() {
	st.idle.Close()
	close(st.done)
	st.cancel()
	st.kill()
}

// watchIdle stops the session once no input arrived for d. It sleeps until
// the earliest moment the session could be idle, so a busy session costs a
// timer reset per d, not per keystroke.
func (st *session) watchIdle(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-st.done:
			return
		case <-t.C:
			idle := time.Since(time.Unix(0, st.lastInput.Load()))
			if idle >= d {
				st.stop(reasonIdle)
				return
			}
			t.Reset(d - idle)
		}
	}
}

// input is the session's input as the program reads it, noting when the
// user last typed, for the session and its connection.
func (st *session) input() io.Reader { return activityReader{st} }

type activityReader struct{ st *session }

func (r activityReader) Read(p []byte) (int, error) {
	n, err := r.st.sess.Read(p)
	if n > 0 {
		now := time.Now()
		r.st.lastInput.Store(now.UnixNano())
		r.st.conn.input(now)
	}
	if err != nil {
		// The program stops on a read error: its renderer must not be
		// parked then.
		r.st.idle.Close()
	}
	return n, err
}
