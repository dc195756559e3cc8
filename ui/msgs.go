package ui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
)

// Replies from background work carry the view and the account generation
// that asked (gh-dash's SectionMsg idea): a reply for a view that is gone, or
// for the account the user has switched away from, is dropped, never shown
// in the wrong place.
type tag struct {
	view int // frame id
	gen  int // account generation
}

// listMsg is the answer to a List.
type listMsg struct {
	tag
	items []api.Entity
	err   error
}

// entityMsg is the answer to a Get made for the inspector.
type entityMsg struct {
	tag
	entity api.Entity
	err    error
}

// accountMsg carries the current account's display name.
type accountMsg struct {
	gen  int
	name string
	err  error
}

// tokenMsg is a token state published by the refresher.
type tokenMsg struct {
	gen   int
	state api.TokenState
	ch    <-chan api.TokenState
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

// tickMsg drives the spinner and the token countdown. Only the newest
// scheduled tick (id) schedules the next one.
type tickMsg struct{ id int }

// Tick rates: fast while the spinner turns (a retry is shown only then) or
// a notice is up; slow otherwise, just enough for the token countdown. An idle
// session (dozens of them on an SSH bastion) costs next to nothing.
const (
	fastTick = time.Second / 8
	slowTick = 30 * time.Second
)

func listCmd(ctx context.Context, c *api.Client, t tag, d *api.Descriptor, parent api.Ref) tea.Cmd {
	return func() tea.Msg {
		items, err := c.List(ctx, d, parent)
		return listMsg{tag: t, items: items, err: err}
	}
}

func getCmd(ctx context.Context, c *api.Client, t tag, e api.Entity) tea.Cmd {
	return func() tea.Msg {
		got, err := c.Get(ctx, e.Kind, e.Parents, e.ID)
		return entityMsg{tag: t, entity: got, err: err}
	}
}

func accountCmd(ctx context.Context, c *api.Client, gen int, cat *api.Catalog) tea.Cmd {
	d, ok := cat.Lookup("accounts")
	if !ok {
		return nil
	}
	return func() tea.Msg {
		e, err := c.Get(ctx, d, nil, itoa(c.AccountID()))
		return accountMsg{gen: gen, name: e.Name, err: err}
	}
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

// busy reports whether the screen animates: the spinner (and the retry
// note, shown only while a request is in flight), a notice, or the hint of
// the too-small screen (both go away on a tick).
func (m *Model) busy() bool { return m.inflight > 0 || m.noticeShowing() || m.smallHintShowing() }

// noticeShowing reports whether the status bar shows the notice.
func (m *Model) noticeShowing() bool {
	return m.notice != "" && m.opts.Now().Sub(m.noticeAt) < noticeFor
}

// retrying reports whether the status bar shows the last retry: a request
// is still in flight and the retry is recent.
func (m *Model) retrying() bool {
	return m.retry != nil && m.inflight > 0 && m.opts.Now().Sub(m.retryAt) < noticeFor
}

// schedule starts the next tick at the rate the screen needs, unless one at
// that rate is already pending.
func (m *Model) schedule() tea.Cmd {
	fast := m.busy()
	if m.tickPending && m.tickFast == fast {
		return nil
	}
	m.tickID++
	m.tickPending, m.tickFast = true, fast
	d, id := slowTick, m.tickID
	if fast {
		d = fastTick
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{id: id} })
}
