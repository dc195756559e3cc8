package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/views/errview"
	"github.com/mpconsole/mpconsole/views/inspector"
)

// Live views: a list (or an inspector) of a kind whose entities change by
// themselves refreshes itself in the background while it is in front.
//
// Every frame of a kind has a live: its interval is the one :refresh set
// for that view, else the profile's refresh (for the kinds that refresh at
// all), else the kind's (api.Descriptor.Refresh; 0 for configuration
// kinds). An inspector of such a kind's entity (or the answer of a read
// action on it, a calculated attribute's calculation status) gets its own
// live, the watch, which reads the entity again.
//
// Only the view in front refreshes: the frame on top of the stack while no
// overlay hides it, or the watched inspector in front. After every message
// syncLive makes sure that view, and only it, has a timer: one at a time,
// on the session's clock (Options.Clock), tagged with the view's id and a
// sequence, so a tick of a timer since stopped or replaced is dropped. A
// view hidden keeps when its next refresh is due; shown again, it is
// refreshed at once if that time has passed. No refresh starts while a
// read of the view is in flight (a load, a stream, a refresh).
//
// A refresh that fails waits twice as long as the one before (from twice
// the interval, up to maxBackoff, or the server's Retry-After when longer)
// and the status bar says "refresh paused: 503, retry in 40s"; the first
// failure of such a streak goes to the error log, the rest do not, and the
// error pane is left to what the user asked for. A success returns to the
// interval. The status bar of a live view says "updated 12s ago": the
// screen then ticks once a second (schedule), and only then.
//
// A list's refresh merges the new rows into the table (table.ApplyMerge,
// planned in the request's goroutine): the cursor stays on its entity, and
// the rows that changed or came are highlighted for freshFor.

// maxBackoff is the longest wait between failing refreshes, unless the
// interval itself is longer.
const maxBackoff = 2 * time.Minute

// freshFor is how long the rows a refresh changed stay highlighted.
const freshFor = 3 * time.Second

// liveRate is how often the screen ticks while a live view is in front,
// for its "updated 12s ago".
const liveRate = time.Second

// readShare bounds the time spent refreshing a view: the next refresh
// waits at least readShare times what the last one took (a list of 100 000
// rows that takes 3 s to read is refreshed every 30 s at most).
const readShare = 10

// live is the refresh state of one view: a frame's list, or a watched
// inspector.
type live struct {
	id   int             // the view's: the frame's id, or the watch's own
	kind *api.Descriptor // whose interval applies
	// custom is the interval :refresh set for this view (0: off); nil
	// leaves the profile's and the kind's.
	custom *time.Duration
	last   time.Time     // when the view was last read whole
	next   time.Time     // when the next refresh is due; zero: an interval after last
	fails  int           // refreshes failed in a row
	why    string        // the last failure, in a word ("503")
	wait   time.Duration // the wait after the last failure
	quiet  bool          // the read being started is the timer's
	// started is when the timer's last read began, took how long it took:
	// a view is not refreshed more often than every readShare times that.
	started time.Time
	took    time.Duration
	seq     int    // the armed timer's; a tick of another is dropped
	stop    func() // stops the armed timer; nil when none is
	// run starts one refresh of the view, which reports back with
	// Model.liveRead; busy says a read of the view is in flight.
	run  func() tea.Cmd
	busy func() bool
	// freshUntil: rows a refresh changed are highlighted until then.
	freshUntil time.Time
}

// lives is the session's part of it: the clock timers run on, and the one
// live whose timer is armed.
type lives struct {
	clock api.Clock
	armed *live
}

// liveTick says the refresh of view id is due (timer seq).
type liveTick struct{ id, seq int }

func (t liveTick) String() string { return "live:tick" }

// fadeMsg says the highlight of frame view's changed rows may end.
type fadeMsg struct{ view int }

func (fadeMsg) String() string { return "live:fade" }

// newLive makes the live of a view of kind d.
func (m *Model) newLive(id int, d *api.Descriptor, run func() tea.Cmd, busy func() bool) *live {
	return &live{id: id, kind: d, run: run, busy: busy}
}

// every is how often l refreshes; 0 when it does not.
func (m *Model) every(l *live) time.Duration {
	d, _ := m.interval(l)
	return d
}

// interval is how often l refreshes, and what says so.
func (m *Model) interval(l *live) (time.Duration, string) {
	switch {
	case l.custom != nil:
		return *l.custom, "set with :refresh"
	case l.kind == nil:
		return 0, "a list of kinds"
	case l.kind.Refresh <= 0:
		return 0, strings.ToLower(l.kind.Title) + " change only when edited"
	case m.profile.Refresh.Set:
		return m.profile.Refresh.Every, "profile " + m.profile.Name + "'s refresh"
	}
	return l.kind.Refresh, "the kind's default"
}

// liveInFront is the live of the view in front, nil when that view has
// none: an overlay that is no watched inspector hides the list under it;
// a list refreshes once it was loaded, unless its load was cancelled (the
// user stopped a long list: ctrl+r reads it again).
func (m *Model) liveInFront() *live {
	if o := m.overlay; o != nil {
		return o.live
	}
	f := m.top()
	if f == nil || f.live == nil || !f.loaded || f.incomplete == "cancelled" {
		return nil
	}
	return f.live
}

// liveShowing reports whether the status bar shows a live view's state,
// which changes every second.
func (m *Model) liveShowing() bool {
	l := m.liveInFront()
	return l != nil && !l.last.IsZero() && m.every(l) > 0
}

// syncLive arms the timer of the view in front, if it refreshes and none
// is armed, and stops any other. It runs after every message.
func (m *Model) syncLive() tea.Cmd {
	want := m.liveInFront()
	if a := m.lives.armed; a != nil && a != want {
		a.disarm()
		m.lives.armed = nil
	}
	if want == nil {
		return nil
	}
	every := m.every(want)
	if every <= 0 || m.client == nil || want.busy() {
		want.disarm()
		m.lives.armed = nil
		return nil
	}
	if want.stop != nil {
		return nil // armed already
	}
	due := want.next
	if due.IsZero() {
		due = want.last.Add(max(every, readShare*want.took))
	}
	want.seq++
	m.lives.armed = want
	t := liveTick{id: want.id, seq: want.seq}
	cmd, stop := m.after(due.Sub(m.opts.Now()), t)
	want.stop = stop
	return cmd
}

// disarm stops l's timer, if one is armed.
func (l *live) disarm() {
	if l.stop != nil {
		l.stop()
		l.stop = nil
	}
}

// after returns a command that sends msg once d has passed on the
// session's clock, and a function that stops it (the command then ends
// with no message). The timer starts now, not when the command runs.
func (m *Model) after(d time.Duration, msg tea.Msg) (tea.Cmd, func()) {
	ch, stop := m.lives.clock.NewTimer(d)
	done := make(chan struct{})
	var once sync.Once
	end := func() {
		stop()
		once.Do(func() { close(done) })
	}
	ctx := m.ctx
	return func() tea.Msg {
		select {
		case <-ch:
			return msg
		case <-done:
		case <-ctx.Done():
		}
		return nil
	}, end
}

// onLiveTick starts the refresh a timer was armed for, if that timer is
// still the one armed (the view is still in front, with the same timer).
func (m *Model) onLiveTick(t liveTick) tea.Cmd {
	l := m.lives.armed
	if l == nil || l.id != t.id || l.seq != t.seq {
		return nil // stopped or replaced since
	}
	l.stop, m.lives.armed = nil, nil
	// Due again an interval from now, whatever the refresh does: a read
	// that never starts (no client) does not make a timer that fires at
	// once, again and again.
	l.next = m.opts.Now().Add(max(m.every(l), liveRate))
	if l.busy() {
		return nil
	}
	l.started = m.opts.Now()
	l.quiet = true
	cmd := l.run()
	l.quiet = false
	return cmd
}

// liveRead records how a read of view l went: a success is the time the
// status bar counts from and ends a streak of failures; a failure doubles
// the wait before the next refresh. quiet says the read was the timer's:
// the first failure of a streak goes to the error log (the caller shows
// the others' failures as it always does).
func (m *Model) liveRead(l *live, err error, quiet bool) {
	if l == nil {
		return
	}
	now := m.opts.Now()
	if err == nil {
		if quiet {
			l.took = now.Sub(l.started)
		}
		l.last, l.next = now, time.Time{}
		l.fails, l.why, l.wait = 0, "", 0
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	l.fails++
	l.why = failureWord(err)
	every := max(m.every(l), liveRate)
	l.wait = min(max(l.wait, every)*2, max(maxBackoff, every))
	var ae *api.Error
	if errors.As(err, &ae) && ae.RetryAfter > l.wait {
		l.wait = ae.RetryAfter
	}
	l.next = now.Add(l.wait)
	if quiet && l.fails == 1 {
		m.errs.log.Add(errview.Entry{Time: now, Err: err})
	}
}

// failureWord is a failure in a word, for the status bar: the HTTP status,
// or the kind of failure.
func failureWord(err error) string {
	var ae *api.Error
	if errors.As(err, &ae) {
		switch {
		case ae.Status != 0:
			return strconv.Itoa(ae.Status)
		case ae.Kind != nil:
			return ae.Kind.Error()
		}
	}
	return "failed"
}

// liveText is the status bar's word on the live view in front: "updated
// 12s ago", "refresh paused: 503, retry in 40s", "refresh off" (a view
// that would refresh, switched off), or nothing.
func (m *Model) liveText() (string, bool) {
	l := m.liveInFront()
	if l == nil {
		return "", false
	}
	now := m.opts.Now()
	every := m.every(l)
	switch {
	case l.fails > 0 && every > 0:
		wait := "retrying"
		if d := l.next.Sub(now); d > 0 && l.stop != nil {
			wait = "retry in " + ago(d+time.Second-1)
		} else if !l.busy() {
			wait = "paused"
		}
		return fmt.Sprintf("refresh paused: %s, %s", l.why, wait), true
	case every <= 0 && l.kind != nil && l.kind.Refresh > 0:
		return "refresh off", false
	case every <= 0 || l.last.IsZero():
		return "", false
	}
	return "updated " + ago(now.Sub(l.last)) + " ago", false
}

// ago writes a time span the way the status bar counts: whole seconds
// under a minute, then whole minutes, then hours.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(max(0, d/time.Second))) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return strconv.Itoa(int(d/time.Hour)) + "h"
}

// merged highlights the rows a refresh of frame f changed, for freshFor.
func (m *Model) merged(f *frame) tea.Cmd {
	if !f.table.HasFresh() || f.live == nil {
		return nil
	}
	f.live.freshUntil = m.opts.Now().Add(freshFor)
	cmd, _ := m.after(freshFor, fadeMsg{view: f.id})
	return cmd
}

// onFade ends the highlight of a frame's changed rows once its time has
// come (a later refresh may have moved it on).
func (m *Model) onFade(msg fadeMsg) {
	f := m.frameByID(msg.view)
	if f == nil || f.live == nil || m.opts.Now().Before(f.live.freshUntil) {
		return
	}
	f.table.ClearFresh()
}

// setRefresh runs ":refresh ARG" for the view in front: the palette was
// opened over under (an inspector), or over the list on top.
func (m *Model) setRefresh(arg string, under *overlay) tea.Cmd {
	if under != nil {
		m.overlay = under // the palette closed: back to what it was opened over
	}
	var l *live
	what := "this view"
	switch {
	case under != nil && under.live != nil:
		l, what = under.live, "this inspector"
	case under != nil: // help, the error log, an inspector of a kind that does not change by itself
	case m.top() != nil:
		l, what = m.top().live, "this list"
	}
	if l == nil {
		m.setNotice(what + " does not refresh itself: lists do, and the inspector of an audience, a calculated attribute or its status")
		return nil
	}
	switch arg {
	case "":
		d, why := m.interval(l)
		if d <= 0 {
			m.setNotice(fmt.Sprintf("%s does not refresh itself (%s): :refresh 15s turns it on", what, why))
		} else {
			m.setNotice(fmt.Sprintf("%s refreshes every %s (%s): :refresh off stops it", what, config.Refresh{Set: true, Every: d}, why))
		}
		return nil
	case "default", "auto":
		l.custom = nil
	default:
		r, err := config.ParseRefresh(arg)
		if err != nil {
			m.setNotice("refresh: " + err.Error())
			return nil
		}
		l.custom = &r.Every
	}
	// A new interval starts from now, failures forgotten.
	l.disarm()
	if m.lives.armed == l {
		m.lives.armed = nil
	}
	l.next, l.fails, l.why, l.wait = time.Time{}, 0, "", 0
	if d := m.every(l); d > 0 {
		l.next = m.opts.Now().Add(d)
		m.setNotice(fmt.Sprintf("%s refreshes every %s", what, config.Refresh{Set: true, Every: d}))
	} else {
		m.setNotice(what + ": refresh off")
	}
	return nil
}

// watch makes inspector in, shown in overlay ov over frame view, read its
// document again while it is in front, as a list of kind d would refresh:
// read gets the title and the document. Kinds that do not refresh
// themselves are not watched (:refresh over the inspector says so).
func (m *Model) watch(ov *overlay, view int, d *api.Descriptor, in *inspector.Model, read func(context.Context, *api.Client) (string, []byte, error)) {
	if d == nil || d.Refresh <= 0 {
		return
	}
	m.nextID++
	reading := false
	var l *live
	l = m.newLive(m.nextID, d, func() tea.Cmd {
		quiet := l.quiet
		reading = true
		return request(m, ask[watched]{
			view: view, what: "watch",
			do: func(ctx context.Context, c *api.Client) (watched, error) {
				title, raw, err := read(ctx, c)
				return watched{title, raw}, err
			},
			then: func(w watched, err error) tea.Cmd {
				reading = false
				if m.overlay != ov {
					return nil
				}
				m.liveRead(l, err, quiet)
				if err == nil {
					in.Reload(w.title, w.raw)
				}
				return nil
			},
		})
	}, func() bool { return reading })
	l.last = m.opts.Now()
	ov.live = l
}

// watched is a watched inspector's document read again.
type watched struct {
	title string
	raw   []byte
}
