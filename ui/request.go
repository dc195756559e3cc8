package ui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
)

// Every request the console makes goes through request: it runs in a
// tea.Cmd, is counted in flight while it runs, and comes back as one
// replyMsg tagged with the account generation that asked. The root takes
// it off the in-flight count when it lands (arrived) and then runs the
// continuation the asker gave. A reply for an account the session has left
// is not counted (the switch started the count afresh) and is dropped,
// unless the asker said it must see it anyway (a write is journaled in the
// account it was made in, whenever its answer lands).

// tag says who asked: the frame (0 for none) and the account generation.
type tag struct {
	view int
	gen  int
}

// ask describes one request of type T.
type ask[T any] struct {
	view int    // the frame it is for, if any
	what string // names it in the reply ("list", "save", "delete", …)
	// origin, when set, is the request whose failure the error pane shows:
	// an error the continuation puts in the pane belongs to it, and a
	// success resolves an earlier failure of it (errorPane.settle).
	origin origin
	// noClient runs do without the session's client (nil): connecting,
	// the switcher's own clients, the journal.
	noClient bool
	do       func(ctx context.Context, c *api.Client) (T, error)
	// always runs with every answer, also one for an account the session
	// has left; then runs after it, only for the account the session is in.
	always func(T, error)
	then   func(T, error) tea.Cmd
}

// replyMsg is the answer to any request.
type replyMsg struct {
	tag
	what   string
	origin origin
	err    error
	always func()
	then   func() tea.Cmd
}

// String names the reply by what was asked ("reply:list").
func (r replyMsg) String() string { return "reply:" + r.what }

// request runs a in the background. With no connection a request that
// needs the client is not sent (and nothing is counted in flight).
func request[T any](h host, a ask[T]) tea.Cmd {
	return h.send(a.view, a.what, a.noClient, func(ctx context.Context, c *api.Client) replyMsg {
		v, err := a.do(ctx, c)
		r := replyMsg{what: a.what, origin: a.origin, err: err}
		if a.always != nil {
			r.always = func() { a.always(v, err) }
		}
		if a.then != nil {
			r.then = func() tea.Cmd { return a.then(v, err) }
		}
		return r
	})
}

// send counts a request in flight and runs it in a tea.Cmd, in the
// current generation's context.
func (m *Model) send(view int, what string, noClient bool, run func(context.Context, *api.Client) replyMsg) tea.Cmd {
	if m.client == nil && !noClient {
		m.setNotice(notConnected)
		return nil
	}
	m.inflight++
	t, ctx, c := tag{view: view, gen: m.gen}, m.genCtx, m.client
	return func() tea.Msg {
		r := run(ctx, c)
		r.tag = t
		return r
	}
}

// onReply accounts for a reply and runs its continuations.
func (m *Model) onReply(r replyMsg) tea.Cmd {
	current := m.arrived(r.gen)
	if r.always != nil {
		r.always()
	}
	if !current || r.then == nil {
		return nil
	}
	seq := m.errs.seq
	cmd := r.then()
	if r.origin != (origin{}) && m.errs.settle(r.origin, seq, r.err) {
		m.layout()
	}
	return cmd
}

// arrived accounts for a reply: false when it belongs to an account
// generation the session has left (drop it), else it is no longer in flight.
func (m *Model) arrived(gen int) bool {
	if gen != m.gen {
		return false
	}
	m.inflight = max(0, m.inflight-1)
	if m.inflight == 0 {
		m.retry = nil // nothing left that could be retrying
	}
	return true
}

// tokenMsg is a token state published by the refresher.
type tokenMsg struct {
	gen   int
	state api.TokenState
	ch    <-chan api.TokenState
}

// watchToken waits for the refresher's next state.
func watchToken(gen int, ch <-chan api.TokenState) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return tokenMsg{gen: gen, state: s, ch: ch}
	}
}

// retryMsg reports a retry the client is about to make, for the status bar.
type retryMsg struct{ ev api.RetryEvent }

// observeRetry is called by the client (on its goroutine) before each
// retry of this session's requests; it never blocks.
func (m *Model) observeRetry(ev api.RetryEvent) {
	select {
	case m.retries <- ev:
	default:
	}
}

// watchRetries waits for the next retry report.
func (m *Model) watchRetries() tea.Cmd {
	ch, done := m.retries, m.ctx.Done()
	return func() tea.Msg {
		select {
		case ev := <-ch:
			return retryMsg{ev: ev}
		case <-done:
			return nil
		}
	}
}

// retryText is the status bar's note about a retry in progress.
func retryText(ev *api.RetryEvent) string {
	why := "failed"
	if ev.Err != nil {
		if ev.Err.Status != 0 {
			why = strconv.Itoa(ev.Err.Status)
		} else if ev.Err.Kind != nil {
			why = ev.Err.Kind.Error()
		}
	}
	return fmt.Sprintf("retrying %s %s in %s (attempt %d: %s)", ev.Method, ev.Path, ev.Wait.Round(10*time.Millisecond), ev.Attempt, why)
}

// tickMsg drives the spinner and the token countdown. Only the newest
// scheduled tick (id) schedules the next one.
type tickMsg struct{ id int }

// Tick rates: fast while the spinner turns (a retry is shown only then) or
// a notice is up; once a second while a live view says "updated 12s ago"
// (liveRate); slow otherwise, just enough for the token countdown. An idle
// session (dozens of them on an SSH bastion) costs next to nothing.
const (
	fastTick = time.Second / 8
	slowTick = 30 * time.Second
)

// busy reports whether the screen animates: the spinner (and the retry
// note, shown only while a request is in flight), a notice, or the hint of
// the too-small screen (both go away on a tick).
func (m *Model) busy() bool { return m.inflight > 0 || m.noticeShowing() || m.smallHintShowing() }

// noticeShowing reports whether the status bar shows the notice: it is
// recent, and the view that made it is the one in front.
func (m *Model) noticeShowing() bool {
	return m.notice != "" && m.noticeView == m.viewID() && m.noticeLayer == m.overlay &&
		m.opts.Now().Sub(m.noticeAt) < noticeFor
}

// retrying reports whether the status bar shows the last retry: a request
// is still in flight and the retry is recent.
func (m *Model) retrying() bool {
	return m.retry != nil && m.inflight > 0 && m.opts.Now().Sub(m.retryAt) < noticeFor
}

// schedule starts the next tick at the rate the screen needs, unless one at
// that rate is already pending.
func (m *Model) schedule() tea.Cmd {
	d := slowTick
	switch {
	case m.busy():
		d = fastTick
	case m.liveShowing():
		d = liveRate
	}
	if m.tickPending && m.tickRate == d {
		return nil
	}
	m.tickID++
	m.tickPending, m.tickRate = true, d
	id := m.tickID
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{id: id} })
}
