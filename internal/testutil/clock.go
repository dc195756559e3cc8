package testutil

import (
	"slices"
	"sync"
	"time"
)

// FakeClock is a clock that moves only when a test tells it to. It has the
// method set of api.Clock (Now and NewTimer) without importing api. Its
// timers fire when Advance or AdvanceTo reaches their deadline, in
// deadline order, each sending the clock's new time on a channel that
// holds one value.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced whenever a timer is set, stopped or fired
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

// NewFakeClock returns a clock that reads start until it is advanced.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start, changed: make(chan struct{})}
}

// Now is the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a channel that receives once the clock has advanced by
// d, and a function that stops the timer, reporting whether it was still
// pending. A d of zero or less fires at once.
func (c *FakeClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t.ch, func() bool { return false }
	}
	c.timers = append(c.timers, t)
	close(c.changed)
	c.changed = make(chan struct{})
	return t.ch, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		i := slices.Index(c.timers, t)
		if i < 0 {
			return false
		}
		c.timers = slices.Delete(c.timers, i, i+1)
		close(c.changed)
		c.changed = make(chan struct{})
		return true
	}
}

// Advance moves the clock forward by d and fires every timer that falls due.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	to := c.now.Add(d)
	c.mu.Unlock()
	c.AdvanceTo(to)
}

// AdvanceTo moves the clock to t (never backwards) and fires every timer
// due by then, earliest first.
func (c *FakeClock) AdvanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	slices.SortStableFunc(c.timers, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
	n := 0
	for n < len(c.timers) && !c.timers[n].at.After(c.now) {
		c.timers[n].ch <- c.now
		n++
	}
	c.timers = slices.Delete(c.timers, 0, n)
	if n > 0 {
		close(c.changed)
		c.changed = make(chan struct{})
	}
}

// Pending is the deadlines of the timers not yet fired or stopped,
// earliest first.
func (c *FakeClock) Pending() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Time, len(c.timers))
	for i, t := range c.timers {
		out[i] = t.at
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// WaitForTimer waits, up to timeout of real time, until a timer due at
// exactly at is pending: the code under test has set the timer it will
// sleep on, so advancing the clock to at now wakes it. It reports whether
// the timer was seen.
func (c *FakeClock) WaitForTimer(at time.Time, timeout time.Duration) bool {
	return c.waitFor(func() bool { return slices.ContainsFunc(c.timers, func(t *fakeTimer) bool { return t.at.Equal(at) }) }, timeout)
}

// WaitForNoTimer waits, up to timeout of real time, until no timer is
// pending (every one fired or stopped). It reports whether that was seen.
func (c *FakeClock) WaitForNoTimer(timeout time.Duration) bool {
	return c.waitFor(func() bool { return len(c.timers) == 0 }, timeout)
}

// waitFor waits, up to timeout of real time, until cond (called with the
// clock locked) holds.
func (c *FakeClock) waitFor(cond func() bool, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		found := cond()
		changed := c.changed
		c.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			c.mu.Lock()
			defer c.mu.Unlock()
			return cond()
		}
	}
}
