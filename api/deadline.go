package api

import (
	"context"
	"io"
	"sync"
	"time"
)

// attemptCtx is the context of one attempt: done when its parent is, when
// it is cancelled, or when its share of the retry budget has run out. That
// time does not run while the attempt is paused: a list's reader that waits
// for its caller to take what was read (see readAll) is not waiting for the
// remote, which is not late meanwhile. Like every network deadline it goes
// by the wall clock (see Clock); the tests give it one they move.
//
// Once the answer's bytes arrive (arrived), the share bounds the silences
// between them rather than the whole answer: a long list coming steadily
// over a slow link is not cut at its share. The call's budget still bounds
// it (budgetEnd), so the budget stays the promise it is.
type attemptCtx struct {
	context.Context // the parent, for its values

	clock      Clock
	done       chan struct{}
	stopParent func() bool
	share      time.Duration // the attempt's share of the budget

	mu        sync.Mutex
	err       error
	budgetEnd time.Time      // when the call's budget runs out (moved on by pauses)
	last      time.Time      // when bytes of the answer last arrived; zero: none did
	pausedAt  time.Time      // when the pause under way began
	overrun   bool           // it ended at budgetEnd with the answer arriving
	stalled   bool           // it ended a share after the answer's last bytes
	left      time.Duration  // the time left, as of since
	since     time.Time      // when left was taken
	paused    int            // pauses not yet resumed
	timer     int            // the running timer's number; 0 while paused or done
	stop      func() bool    // stops the running timer
	timers    int            // timers armed so far
	afters    map[int]func() // what runs once done (AfterFunc), by number
	nafter    int            // AfterFunc calls so far
}

type attemptCtxKey struct{}

// withAttemptDeadline returns a context that is done after d of the wall
// clock (not counting pauses), or when parent is done, or when the returned
// cancel is called. Once the answer arrives, d bounds the silences between
// its bytes, and budget, the call's time left, the whole.
func withAttemptDeadline(parent context.Context, d, budget time.Duration) (*attemptCtx, context.CancelFunc) {
	return newAttemptCtx(parent, d, budget, wallClock{})
}

func newAttemptCtx(parent context.Context, d, budget time.Duration, clock Clock) (*attemptCtx, context.CancelFunc) {
	now := clock.Now()
	c := &attemptCtx{Context: parent, clock: clock, done: make(chan struct{}), left: d, share: d, budgetEnd: now.Add(max(budget, d))}
	c.mu.Lock()
	c.since = now
	c.arm()
	c.mu.Unlock()
	stop := context.AfterFunc(parent, func() { c.end(parent.Err()) })
	c.mu.Lock()
	if c.err != nil { // done meanwhile: its time ran out, or the parent is done
		stop()
	} else {
		c.stopParent = stop
	}
	c.mu.Unlock()
	return c, func() { c.end(context.Canceled) }
}

// arm starts a timer for the time left; c.mu is held.
func (c *attemptCtx) arm() {
	fired, stop := c.clock.NewTimer(c.left)
	c.timers++
	n, quit := c.timers, make(chan struct{})
	c.timer = n
	c.stop = func() bool { close(quit); return stop() }
	go func() {
		select {
		case <-fired:
			c.expire(n)
		case <-quit:
		}
	}()
}

// expire is timer n firing: the attempt's time is out, unless bytes of
// the answer came less than a share ago and the budget is not spent: then
// the time runs on to a share after them (or the budget's end).
func (c *attemptCtx) expire(n int) {
	c.mu.Lock()
	if c.timer != n { // stopped since
		c.mu.Unlock()
		return
	}
	if !c.last.IsZero() {
		now := c.clock.Now()
		due := c.last.Add(c.share)
		if !due.Before(c.budgetEnd) {
			due = c.budgetEnd
		}
		if now.Before(due) {
			c.left, c.since = due.Sub(now), now
			c.arm()
			c.mu.Unlock()
			return
		}
		c.overrun = due.Equal(c.budgetEnd)
		c.stalled = !c.overrun
	}
	c.mu.Unlock()
	c.end(context.DeadlineExceeded)
}

// arrived notes bytes of the answer arriving (see attemptCtx); it only
// notes the time, for the timer to look at when it fires.
func (c *attemptCtx) arrived() {
	c.mu.Lock()
	c.last = c.clock.Now()
	c.mu.Unlock()
}

// ran says how a deadline that ran out ended: a share after the answer's
// last bytes (stalled), or with the answer still arriving at the budget's
// end (overrun); neither when no byte of it came in time.
func (c *attemptCtx) ran() (stalled, overrun bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stalled, c.overrun
}

// arrivingBody is an answer's body noting each read that brings bytes on
// its attempt's deadline.
type arrivingBody struct {
	io.ReadCloser
	c *attemptCtx
}

func (b arrivingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.c.arrived()
	}
	return n, err
}

// disarm stops the running timer, if one runs; c.mu is held.
func (c *attemptCtx) disarm() {
	if c.timer != 0 {
		c.stop()
		c.timer, c.stop = 0, nil
	}
}

// end makes the context done with err, unless it already is.
func (c *attemptCtx) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	c.disarm()
	close(c.done)
	if c.stopParent != nil {
		c.stopParent()
	}
	for _, f := range c.afters {
		go f()
	}
	c.afters = nil
}

// AfterFunc runs f in a goroutine of its own once c is done. The
// contexts derived from c (net/http derives one for every request) find
// it, and need no goroutine of their own to follow c.
func (c *attemptCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	if c.afters == nil {
		c.afters = map[int]func(){}
	}
	c.nafter++
	n := c.nafter
	c.afters[n] = f
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, waiting := c.afters[n]
		delete(c.afters, n)
		return waiting
	}
}

func (c *attemptCtx) Done() <-chan struct{} { return c.done }

func (c *attemptCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Deadline is when the attempt's time runs out if it is not paused again
// (counted from now while it is paused): unlike a context.WithTimeout's, it
// moves while the attempt is paused. net/http reads it only to bound a
// dial, which comes before any pause.
func (c *attemptCtx) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused > 0 {
		return c.clock.Now().Add(c.left), true
	}
	return c.since.Add(c.left), true
}

func (c *attemptCtx) Value(key any) any {
	if key == (attemptCtxKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// pause stops the attempt's time until the returned resume is called
// (more calls of it do nothing). The budget's end and the time since the
// answer's last bytes move on by the pause too: the caller, not the
// remote, held the attempt meanwhile.
func (c *attemptCtx) pause() (resume func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused++; c.paused == 1 {
		now := c.clock.Now()
		c.pausedAt = now
		if c.timer != 0 {
			c.disarm()
			c.left, c.since = c.left-now.Sub(c.since), now
		}
	}
	var once sync.Once
	return func() { once.Do(c.resume) }
}

func (c *attemptCtx) resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused--; c.paused > 0 || c.err != nil {
		return
	}
	now := c.clock.Now()
	held := now.Sub(c.pausedAt)
	c.budgetEnd = c.budgetEnd.Add(held)
	if !c.last.IsZero() {
		c.last = c.last.Add(held)
	}
	c.since = now
	c.arm()
}

// pauseAttempt pauses the deadline of the attempt ctx belongs to, if any,
// until the returned resume is called.
func pauseAttempt(ctx context.Context) (resume func()) {
	if c, ok := ctx.Value(attemptCtxKey{}).(*attemptCtx); ok {
		return c.pause()
	}
	return func() {}
}
