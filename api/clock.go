package api

import (
	"context"
	"time"
)

// Clock is the time a Refresher and a Client go by: when a token was
// issued and is renewed, when a failed renewal is tried again, how long a
// retry waits and how much of the retry budget is spent. Nil means the
// wall clock. Tests pass a clock they move themselves, so that renewals
// and backoffs happen without waiting for them.
//
// Network deadlines (a token request's FetchTimeout, an attempt's share of
// the retry budget) stay on the wall clock: they bound real I/O.
//
// The signatures use only the standard library so that a test clock need
// not import this package.
type Clock interface {
	Now() time.Time
	// NewTimer returns a channel that receives once d has passed, and a
	// function that stops the timer, reporting whether it was still
	// pending. A d of zero or less fires at once.
	NewTimer(d time.Duration) (<-chan time.Time, func() bool)
}

// SystemClock is the wall clock, for callers that take a Clock and were
// given none.
func SystemClock() Clock { return wallClock{} }

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// clockOr is c, or the wall clock when c is nil.
func clockOr(c Clock) Clock {
	if c == nil {
		return wallClock{}
	}
	return c
}

// sleep waits d on clk or until ctx is done.
func sleep(ctx context.Context, clk Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c, stop := clk.NewTimer(d)
	defer stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c:
		return nil
	}
}
