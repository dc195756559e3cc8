package api

import (
	"context"
	"sync"
	"time"
)

// attemptCtx is the context of one attempt: done when its parent is, when
// it is cancelled, or when its share of the retry budget has run out. That
// time does not run while the attempt is paused: a list's reader that waits
// for its caller to take what was read (see readAll) is not waiting for the
// remote, which is not late meanwhile. Like every network deadline it goes
// by the wall clock; the tests replace now and after.
type attemptCtx struct {
	context.Context // the parent, for its values

	now   func() time.Time
	after func(time.Duration, func()) (stop func() bool)

	done       chan struct{}
	stopParent func() bool

	mu        sync.Mutex
	err       error
	left      time.Duration // the time left, as of since
	since     time.Time     // when left was taken
	paused    int           // pauses not yet resumed
	stopTimer func() bool   // the running timer's stop; nil while paused or done
}

type attemptCtxKey struct{}

// withAttemptDeadline returns a context that is done after d (not counting
// pauses), or when parent is done, or when the returned cancel is called.
func withAttemptDeadline(parent context.Context, d time.Duration) (*attemptCtx, context.CancelFunc) {
	return newAttemptCtx(parent, d, time.Now, func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop })
}

func newAttemptCtx(parent context.Context, d time.Duration, now func() time.Time, after func(time.Duration, func()) func() bool) (*attemptCtx, context.CancelFunc) {
	c := &attemptCtx{Context: parent, now: now, after: after, done: make(chan struct{}), left: d, since: now()}
	c.mu.Lock()
	c.stopTimer = c.after(d, c.expire)
	c.mu.Unlock()
	stop := context.AfterFunc(parent, func() { c.end(parent.Err()) })
	c.mu.Lock()
	if c.err != nil { // the parent was done already
		stop()
	} else {
		c.stopParent = stop
	}
	c.mu.Unlock()
	return c, func() { c.end(context.Canceled) }
}

func (c *attemptCtx) expire() { c.end(context.DeadlineExceeded) }

// end makes the context done with err, unless it already is.
func (c *attemptCtx) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	if c.stopTimer != nil {
		c.stopTimer()
		c.stopTimer = nil
	}
	close(c.done)
	if c.stopParent != nil {
		c.stopParent()
	}
}

func (c *attemptCtx) Done() <-chan struct{} { return c.done }

func (c *attemptCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Deadline is when the attempt's time runs out if it is not paused again
// (counted from now while it is paused).
func (c *attemptCtx) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused > 0 {
		return c.now().Add(c.left), true
	}
	return c.since.Add(c.left), true
}

func (c *attemptCtx) Value(key any) any {
	if key == (attemptCtxKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// pause stops the attempt's time until the returned resume is called (once).
func (c *attemptCtx) pause() (resume func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused++; c.paused == 1 && c.stopTimer != nil {
		now := c.now()
		c.stopTimer()
		c.stopTimer = nil
		c.left, c.since = c.left-now.Sub(c.since), now
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
	c.since = c.now()
	c.stopTimer = c.after(c.left, c.expire)
}

// pauseAttempt pauses the deadline of the attempt ctx belongs to, if any,
// until the returned resume is called.
func pauseAttempt(ctx context.Context) (resume func()) {
	if c, ok := ctx.Value(attemptCtxKey{}).(*attemptCtx); ok {
		return c.pause()
	}
	return func() {}
}
