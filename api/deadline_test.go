package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// fakeTimers is the time of an attemptCtx under test: now moves only when
// the test says so, and the armed timer fires only when the test fires it.
type fakeTimers struct {
	mu      sync.Mutex
	t       time.Time
	armed   []time.Duration    // every duration a timer was armed with
	fire    func()             // the running timer's; nil when none runs
	arms    chan time.Duration // gets each duration a timer is armed with
	stopped chan struct{}      // gets a value when a running timer is stopped
}

func newFakeTimers() *fakeTimers {
	return &fakeTimers{t: time.Unix(1_000_000, 0), arms: make(chan time.Duration, 1), stopped: make(chan struct{}, 1)}
}

func (f *fakeTimers) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeTimers) advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func (f *fakeTimers) after(d time.Duration, fn func()) func() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = append(f.armed, d)
	select {
	case f.arms <- d:
	default: // the test does not wait for this one
	}
	var once sync.Once
	run := func() { once.Do(fn) }
	f.fire = run
	return func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.fire == nil {
			return false
		}
		f.fire = nil
		select {
		case f.stopped <- struct{}{}:
		default:
		}
		return true
	}
}

// expire fires the running timer, if one runs.
func (f *fakeTimers) expire() {
	f.mu.Lock()
	fn := f.fire
	f.fire = nil
	f.mu.Unlock()
	if fn != nil {
		fn()
	}
}

func (f *fakeTimers) lastArmed() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.armed[len(f.armed)-1]
}

func TestAttemptCtx(t *testing.T) {
	const limit = 10 * time.Second
	for _, tc := range []struct {
		name    string
		run     func(ft *fakeTimers, c *attemptCtx, cancel, cancelParent context.CancelFunc)
		want    error         // Err at the end; nil: not done
		armed   time.Duration // what the last timer was armed with
		timerOn bool          // a timer runs at the end
	}{
		{name: "runs out", run: func(ft *fakeTimers, c *attemptCtx, _, _ context.CancelFunc) {
			ft.advance(limit)
			ft.expire()
		}, want: context.DeadlineExceeded, armed: limit},
		{name: "paused, time passes without ending it", run: func(ft *fakeTimers, c *attemptCtx, _, _ context.CancelFunc) {
			ft.advance(3 * time.Second)
			c.pause()
			ft.advance(time.Hour)
		}, armed: limit},
		{name: "resumed with the time it had left", run: func(ft *fakeTimers, c *attemptCtx, _, _ context.CancelFunc) {
			ft.advance(3 * time.Second)
			resume := c.pause()
			ft.advance(time.Hour)
			resume()
			resume() // a second call does nothing
		}, armed: 7 * time.Second, timerOn: true},
		{name: "nested pauses: the time runs once both resumed", run: func(ft *fakeTimers, c *attemptCtx, _, _ context.CancelFunc) {
			ft.advance(time.Second)
			r1 := c.pause()
			r2 := c.pause()
			ft.advance(time.Minute)
			r1()
			ft.advance(time.Minute)
			r2()
		}, armed: 9 * time.Second, timerOn: true},
		{name: "resumed, then runs out", run: func(ft *fakeTimers, c *attemptCtx, _, _ context.CancelFunc) {
			ft.advance(4 * time.Second)
			resume := c.pause()
			ft.advance(time.Minute)
			resume()
			ft.advance(6 * time.Second)
			ft.expire()
		}, want: context.DeadlineExceeded, armed: 6 * time.Second},
		{name: "cancelled", run: func(ft *fakeTimers, c *attemptCtx, cancel, _ context.CancelFunc) {
			cancel()
		}, want: context.Canceled, armed: limit},
		{name: "cancelled while paused, not resumed again", run: func(ft *fakeTimers, c *attemptCtx, cancel, _ context.CancelFunc) {
			resume := c.pause()
			cancel()
			resume()
		}, want: context.Canceled, armed: limit},
		{name: "the parent ends", run: func(ft *fakeTimers, c *attemptCtx, _, cancelParent context.CancelFunc) {
			cancelParent()
			<-c.Done()
		}, want: context.Canceled, armed: limit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := newFakeTimers()
			parent, cancelParent := context.WithCancel(context.Background())
			defer cancelParent()
			c, cancel := newAttemptCtx(parent, limit, ft.now, ft.after)
			defer cancel()
			tc.run(ft, c, cancel, cancelParent)
			if err := c.Err(); err != tc.want {
				t.Fatalf("Err() = %v, want %v", err, tc.want)
			}
			select {
			case <-c.Done():
				if tc.want == nil {
					t.Fatal("done, with no error")
				}
			default:
				if tc.want != nil {
					t.Fatal("not done")
				}
			}
			if got := ft.lastArmed(); got != tc.armed {
				t.Errorf("last timer armed with %v, want %v", got, tc.armed)
			}
			ft.mu.Lock()
			on := ft.fire != nil
			ft.mu.Unlock()
			if on != tc.timerOn {
				t.Errorf("a timer runs: %v, want %v", on, tc.timerOn)
			}
		})
	}
}

func TestAttemptCtxDeadlineAndValues(t *testing.T) {
	ft := newFakeTimers()
	type key struct{}
	parent := context.WithValue(context.Background(), key{}, "v")
	c, cancel := newAttemptCtx(parent, 10*time.Second, ft.now, ft.after)
	defer cancel()
	start := ft.now()
	if d, ok := c.Deadline(); !ok || !d.Equal(start.Add(10*time.Second)) {
		t.Fatalf("Deadline() = %v, %v", d, ok)
	}
	ft.advance(2 * time.Second)
	resume := c.pause()
	ft.advance(time.Minute)
	// Paused: 8 s left, counted from now.
	if d, _ := c.Deadline(); !d.Equal(start.Add(time.Minute + 10*time.Second)) {
		t.Fatalf("paused: Deadline() = %v", d.Sub(start))
	}
	resume()
	if d, _ := c.Deadline(); !d.Equal(start.Add(time.Minute + 10*time.Second)) {
		t.Fatalf("resumed: Deadline() = %v", d.Sub(start))
	}
	if c.Value(key{}) != "v" {
		t.Fatal("the parent's values are lost")
	}
	if pauseAttempt(context.WithValue(c, key{}, "w")) == nil || ft.lastArmed() != 8*time.Second {
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
// deadline paused (the time that passes meanwhile is not the remote's);
// once the taker goes on, so do the reader and the deadline, with the time
// the attempt had left.
func TestReaderWaitsForItsTaker(t *testing.T) {
	d, _ := Lookup("apps")
	ft := newFakeTimers()
	const limit = 9 * time.Second
	actx, cancel := newAttemptCtx(context.Background(), limit, ft.now, ft.after)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, "http://127.0.0.1/v1/apps", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The follower holds the batch it is in (at most readAhead chunks and
	// the one being filled), filled one more, the reader readAhead more.
	bound := 3 * (readAhead + 1) * readChunk
	body := &endlessList{limit: bound, over: make(chan struct{}), stop: make(chan struct{})}
	held, release := make(chan struct{}), make(chan struct{})
	batches := 0
	ls := &listStream{d: d, parents: Ref{}, clock: clockOr(nil), cancel: func() {},
		fn: func(b []Entity, p Progress) error {
			if batches++; batches == 1 {
				close(held)
				<-release
			}
			return nil
		}}
	<-ft.arms // the attempt's own, at its start
	done := make(chan error, 1)
	go func() {
		done <- ls.read(&http.Response{StatusCode: 200, ContentLength: -1, Body: body, Request: req})
	}()
	<-held
	select {
	case <-ft.stopped: // the reader paused the attempt's deadline: it waits
	case <-body.over:
		t.Fatalf("the reader went on past %d bytes while the taker held its first batch", bound)
	case err := <-done:
		t.Fatalf("the read ended: %v", err)
	}
	ft.advance(time.Hour)
	if err := actx.Err(); err != nil {
		t.Fatalf("the attempt ended while its reader waited for the taker: %v", err)
	}
	close(release)
	// The reader goes on with the whole deadline still ahead of it (the
	// fake clock did not move before the pause).
	select {
	case d := <-ft.arms:
		if d != limit {
			t.Fatalf("the deadline resumed with %v left, want %v", d, limit)
		}
	case err := <-done:
		t.Fatalf("the read ended: %v", err)
	}
	close(body.stop)
	if err := <-done; err == nil {
		t.Fatal("an answer cut off read as whole")
	}
	if batches < 2 {
		t.Fatalf("%d batches: the list did not go on", batches)
	}
}

var _ io.ReadCloser = (*endlessList)(nil)
