package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/internal/testutil"
)

// clockStart is where the fake clocks of these tests start.
var clockStart = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// waitLimit bounds every wait for the code under test to react. It is a
// deadlock detector, not a timing assertion.
const waitLimit = 10 * time.Second

func TestAttemptCtx(t *testing.T) {
	const limit = 10 * time.Second
	for _, tc := range []struct {
		name    string
		run     func(clk *testutil.FakeClock, c *attemptCtx, cancel, cancelParent context.CancelFunc)
		want    error         // Err at the end; nil: not done
		pending time.Duration // when the running timer is due, from the start; 0: none runs
	}{
		{name: "runs out", run: func(clk *testutil.FakeClock, c *attemptCtx, _, _ context.CancelFunc) {
			clk.Advance(limit)
		}, want: context.DeadlineExceeded},
		{name: "not yet", run: func(clk *testutil.FakeClock, c *attemptCtx, _, _ context.CancelFunc) {
			clk.Advance(limit - time.Nanosecond)
		}, pending: limit},
		{name: "paused, time passes without ending it", run: func(clk *testutil.FakeClock, c *attemptCtx, _, _ context.CancelFunc) {
			clk.Advance(3 * time.Second)
			c.pause()
			clk.Advance(time.Hour)
		}},
		{name: "resumed with the time it had left", run: func(clk *testutil.FakeClock, c *attemptCtx, _, _ context.CancelFunc) {
			clk.Advance(3 * time.Second)
			resume := c.pause()
			clk.Advance(time.Hour)
			resume()
			resume() // a second call does nothing
		}, pending: time.Hour + limit},
		{name: "nested pauses: the time runs once both resumed", run: func(clk *testutil.FakeClock, c *attemptCtx, _, _ context.CancelFunc) {
			clk.Advance(time.Second)
			r1 := c.pause()
			r2 := c.pause()
			clk.Advance(time.Minute)
			r1()
			clk.Advance(time.Minute)
			r2()
		}, pending: 2*time.Minute + limit},
		{name: "resumed, then runs out", run: func(clk *testutil.FakeClock, c *attemptCtx, _, _ context.CancelFunc) {
			clk.Advance(4 * time.Second)
			resume := c.pause()
			clk.Advance(time.Minute)
			resume()
			clk.Advance(6 * time.Second)
		}, want: context.DeadlineExceeded},
		{name: "cancelled", run: func(clk *testutil.FakeClock, c *attemptCtx, cancel, _ context.CancelFunc) {
			cancel()
		}, want: context.Canceled},
		{name: "cancelled while paused, not resumed again", run: func(clk *testutil.FakeClock, c *attemptCtx, cancel, _ context.CancelFunc) {
			resume := c.pause()
			cancel()
			resume()
		}, want: context.Canceled},
		{name: "the parent ends", run: func(clk *testutil.FakeClock, c *attemptCtx, _, cancelParent context.CancelFunc) {
			cancelParent()
		}, want: context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := testutil.NewFakeClock(clockStart)
			parent, cancelParent := context.WithCancel(context.Background())
			defer cancelParent()
			c, cancel := newAttemptCtx(parent, limit, limit, clk)
			defer cancel()
			tc.run(clk, c, cancel, cancelParent)
			if tc.want != nil {
				select {
				case <-c.Done():
				case <-time.After(waitLimit):
					t.Fatal("not done")
				}
			}
			if err := c.Err(); err != tc.want {
				t.Fatalf("Err() = %v, want %v", err, tc.want)
			}
			if tc.want == nil {
				select {
				case <-c.Done():
					t.Fatal("done, with no error")
				default:
				}
			}
			var want []time.Time
			if tc.pending != 0 {
				want = []time.Time{clockStart.Add(tc.pending)}
			}
			if got := clk.Pending(); !slices.Equal(got, want) {
				t.Errorf("timers pending %v, want %v", got, want)
			}
		})
	}
}

func TestAttemptCtxDeadlineAndValues(t *testing.T) {
	clk := testutil.NewFakeClock(clockStart)
	type key struct{}
	parent := context.WithValue(context.Background(), key{}, "v")
	c, cancel := newAttemptCtx(parent, 10*time.Second, 10*time.Second, clk)
	defer cancel()
	if d, ok := c.Deadline(); !ok || !d.Equal(clockStart.Add(10*time.Second)) {
		t.Fatalf("Deadline() = %v, %v", d, ok)
	}
	clk.Advance(2 * time.Second)
	resume := c.pause()
	clk.Advance(time.Minute)
	// Paused: 8 s left, counted from now.
	if d, _ := c.Deadline(); !d.Equal(clockStart.Add(time.Minute + 10*time.Second)) {
		t.Fatalf("paused: Deadline() = %v", d.Sub(clockStart))
	}
	resume()
	if d, _ := c.Deadline(); !d.Equal(clockStart.Add(time.Minute + 10*time.Second)) {
		t.Fatalf("resumed: Deadline() = %v", d.Sub(clockStart))
	}
	if c.Value(key{}) != "v" {
		t.Fatal("the parent's values are lost")
	}
	pauseAttempt(context.WithValue(c, key{}, "w"))
	if len(clk.Pending()) != 0 {
		t.Fatal("pauseAttempt does not find the attempt under a derived context")
	}
	pauseAttempt(context.Background())() // no attempt: nothing to pause
}

// endlessList is the body of a list answer that never ends: entities, one
// after another, until stop is closed (the read then fails). It closes
// over once more than limit bytes were taken.
type endlessList struct {
	n, got, limit int
	pending       []byte
	over, stop    chan struct{}
}

func (b *endlessList) Read(p []byte) (int, error) {
	select {
	case <-b.stop:
		return 0, errors.New("the test ended the answer")
	default:
	}
	for len(b.pending) < len(p) {
		if b.n == 0 {
			b.pending = append(b.pending, `{"data":[`...)
		} else {
			b.pending = append(b.pending, ',')
		}
		b.pending = fmt.Appendf(b.pending, `{"id":%d,"name":"App %06d","platforms":[{"os":"iOS"}]}`, b.n, b.n)
		b.n++
	}
	n := copy(p, b.pending)
	b.pending = b.pending[:copy(b.pending, b.pending[n:])]
	if b.got += n; b.got > b.limit {
		select {
		case <-b.over:
		default:
			close(b.over)
		}
	}
	return n, nil
}

func (b *endlessList) Close() error { return nil }

// TestReaderWaitsForItsTaker: while the taker of a list holds a batch, the
// reader reads a bounded amount ahead and then waits, its attempt's
// deadline paused (the time that passes meanwhile is not the remote's).
// Once the taker goes on, so do the reader and the deadline, with the time
// the attempt had left; a taker that holds on for readWaitMax leaves the
// reader reading on into memory.
func TestReaderWaitsForItsTaker(t *testing.T) {
	for _, holdsOn := range []bool{false, true} {
		t.Run(fmt.Sprintf("taker holds on past the wait: %v", holdsOn), func(t *testing.T) {
			d, _ := Lookup("apps")
			clk := testutil.NewFakeClock(clockStart)
			const limit = 9 * time.Second
			actx, cancel := newAttemptCtx(context.Background(), limit, limit, clk)
			defer cancel()
			// The follower holds the batch it is in (at most readAhead
			// chunks and the one being filled), filled one more, the
			// reader readAhead more.
			bound := 3 * (readAhead + 1) * readChunk
			body := &endlessList{limit: bound, over: make(chan struct{}), stop: make(chan struct{})}
			held, release := make(chan struct{}), make(chan struct{})
			batches := 0
			ls := &listStream{d: d, parents: Ref{}, clock: clk, cancel: func() {},
				fn: func(b []Entity, p Progress) error {
					if batches++; batches == 1 {
						close(held)
						<-release
					}
					return nil
				}}
			done := make(chan error, 1)
			go func() {
				done <- ls.read(actx, &http.Response{StatusCode: 200, ContentLength: -1, Body: body})
			}()
			<-held
			waiting := make(chan bool, 1)
			go func() { waiting <- clk.WaitForTimer(clockStart.Add(readWaitMax), waitLimit) }()
			select {
			case ok := <-waiting:
				if !ok {
					t.Fatalf("the reader does not wait for its taker: timers pending %v", clk.Pending())
				}
			case <-body.over:
				t.Fatalf("the reader went on past %d bytes while the taker held its first batch", bound)
			case err := <-done:
				t.Fatalf("the read ended: %v", err)
			}
			// Only the wait's timer runs: the attempt's deadline is paused.
			if got := clk.Pending(); !slices.Equal(got, []time.Time{clockStart.Add(readWaitMax)}) {
				t.Fatalf("timers pending %v while the reader waits", got)
			}
			if holdsOn {
				clk.Advance(readWaitMax)
				select {
				case <-body.over: // reading on, into memory
				case err := <-done:
					t.Fatalf("the read ended: %v", err)
				case <-time.After(waitLimit):
					t.Fatal("the reader still waits for a taker that held on past readWaitMax")
				}
				// The deadline resumed with the time it had left.
				if !clk.WaitForTimer(clockStart.Add(readWaitMax+limit), waitLimit) {
					t.Fatalf("the deadline did not resume with %v left: timers pending %v", limit, clk.Pending())
				}
				if err := actx.Err(); err != nil {
					t.Fatalf("the attempt ended while its reader waited for the taker: %v", err)
				}
				close(body.stop)
				close(release)
			} else {
				clk.Advance(readWaitMax - time.Millisecond)
				if err := actx.Err(); err != nil {
					t.Fatalf("the attempt ended while its reader waited for the taker: %v", err)
				}
				close(release)
				// The reader goes on with the whole deadline still ahead of
				// it (the fake clock did not move before the pause).
				if !clk.WaitForTimer(clockStart.Add(readWaitMax-time.Millisecond+limit), waitLimit) {
					t.Fatalf("the deadline did not resume with %v left: timers pending %v", limit, clk.Pending())
				}
				close(body.stop)
			}
			if err := <-done; err == nil {
				t.Fatal("an answer cut off read as whole")
			}
			if batches < 2 {
				t.Fatalf("%d batches: the list did not go on", batches)
			}
		})
	}
}

// TestAttemptCtxLetsGoOfItsParent: an attempt registers with its parent
// until it is done, and the contexts derived from it (net/http's for every
// request) register with it the same way, not through a goroutine of
// their own; none stays registered once done.
func TestAttemptCtxLetsGoOfItsParent(t *testing.T) {
	registered := func(c *attemptCtx) int {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.afters)
	}
	clk := testutil.NewFakeClock(clockStart)
	parent, cancelParent := newAttemptCtx(context.Background(), time.Hour, time.Hour, clk)
	defer cancelParent()
	for _, end := range []string{"cancelled", "runs out"} {
		c, cancel := newAttemptCtx(parent, time.Second, time.Second, clk)
		if n := registered(parent); n != 1 {
			t.Fatalf("%d registered with the parent", n)
		}
		derived, cancelDerived := context.WithCancel(c)
		if n := registered(c); n != 1 {
			t.Fatalf("a derived context: %d registered", n)
		}
		switch end {
		case "cancelled":
			cancel()
		case "runs out":
			clk.Advance(time.Second)
		}
		select {
		case <-derived.Done():
		case <-time.After(waitLimit):
			t.Fatalf("%s: the derived context is not done", end)
		}
		if n := registered(parent); n != 0 {
			t.Fatalf("%s: %d still registered with the parent", end, n)
		}
		cancelDerived()
		cancel()
	}
	// Registered once done: runs at once.
	ran := make(chan struct{})
	parent.AfterFunc(func() {})()
	cancelParent()
	if parent.AfterFunc(func() { close(ran) })() {
		t.Fatal("stopped an AfterFunc of a context done already")
	}
	select {
	case <-ran:
	case <-time.After(waitLimit):
		t.Fatal("an AfterFunc of a context done already did not run")
	}
}

var _ io.ReadCloser = (*endlessList)(nil)

// TestAttemptCtxWhileTheAnswerArrives: once bytes of the answer arrive, the
// share bounds the silences between them, and the budget the whole; a
// pause moves both on.
func TestAttemptCtxWhileTheAnswerArrives(t *testing.T) {
	const share, budget = 10 * time.Second, 45 * time.Second
	for _, tc := range []struct {
		name             string
		run              func(c *attemptCtx, step func(time.Duration), to func(time.Time))
		stalled, overrun bool // how it ended; neither: not done
	}{
		{name: "bytes keep coming", run: func(c *attemptCtx, step func(time.Duration), to func(time.Time)) {
			for range 3 { // at 8, 16, 24 s: each within a share of the last
				step(8 * time.Second)
				c.arrived()
			}
			to(clockStart.Add(24*time.Second + share - time.Nanosecond))
		}},
		{name: "a silence of a share after the last bytes", run: func(c *attemptCtx, step func(time.Duration), to func(time.Time)) {
			step(8 * time.Second)
			c.arrived()
			to(clockStart.Add(8*time.Second + share))
		}, stalled: true},
		{name: "still arriving at the budget's end", run: func(c *attemptCtx, step func(time.Duration), to func(time.Time)) {
			for range 5 { // every 9 s up to 45 s
				step(9 * time.Second)
				c.arrived()
			}
			to(clockStart.Add(budget))
		}, overrun: true},
		{name: "a pause moves the silence and the budget on", run: func(c *attemptCtx, step func(time.Duration), to func(time.Time)) {
			step(8 * time.Second)
			c.arrived()
			step(time.Second)
			resume := c.pause()
			step(time.Hour)
			resume()
			to(clockStart.Add(time.Hour + 8*time.Second + share - time.Nanosecond))
		}},
		{name: "resumed, then silent for a share", run: func(c *attemptCtx, step func(time.Duration), to func(time.Time)) {
			step(8 * time.Second)
			c.arrived()
			resume := c.pause()
			step(time.Hour)
			resume()
			to(clockStart.Add(time.Hour + 8*time.Second + share))
		}, stalled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := testutil.NewFakeClock(clockStart)
			c, cancel := newAttemptCtx(context.Background(), share, budget, clk)
			defer cancel()
			to := func(at time.Time) { advanceTo(t, clk, c, at) }
			tc.run(c, func(d time.Duration) { to(clk.Now().Add(d)) }, to)
			done := tc.stalled || tc.overrun
			if done {
				select {
				case <-c.Done():
				case <-time.After(waitLimit):
					t.Fatal("not done")
				}
			} else if c.Err() != nil {
				t.Fatalf("done: %v", c.Err())
			}
			if stalled, overrun := c.ran(); stalled != tc.stalled || overrun != tc.overrun {
				t.Errorf("stalled %v, overrun %v; want %v, %v", stalled, overrun, tc.stalled, tc.overrun)
			}
		})
	}
}

// advanceTo moves clk to at a timer at a time, waiting at each for c to
// react (its timer fires on a goroutine of its own, which sets the next
// one or ends c) before moving on.
func advanceTo(t *testing.T, clk *testutil.FakeClock, c *attemptCtx, at time.Time) {
	t.Helper()
	for {
		pending := clk.Pending()
		if len(pending) == 0 || pending[0].After(at) {
			clk.AdvanceTo(at)
			return
		}
		next := pending[0]
		clk.AdvanceTo(next)
		testutil.Eventually(t, waitLimit, func() bool {
			p := clk.Pending()
			return c.Err() != nil || len(p) > 0 && p[0].After(next)
		}, "the attempt did not react to its timer at %v", next)
	}
}
