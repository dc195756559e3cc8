package testutil

import (
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func fired(c <-chan time.Time) (time.Time, bool) {
	select {
	case at := <-c:
		return at, true
	default:
		return time.Time{}, false
	}
}

func TestFakeClockFiresDueTimersInOrder(t *testing.T) {
	c := NewFakeClock(t0)
	late, _ := c.NewTimer(3 * time.Second)
	early, _ := c.NewTimer(time.Second)
	stopped, stop := c.NewTimer(2 * time.Second)
	if got := c.Pending(); len(got) != 3 || !got[0].Equal(t0.Add(time.Second)) || !got[2].Equal(t0.Add(3*time.Second)) {
		t.Fatalf("pending %v", got)
	}
	if !stop() || stop() {
		t.Fatal("stop reports a pending timer once")
	}
	c.Advance(999 * time.Millisecond)
	if _, ok := fired(early); ok {
		t.Fatal("fired before its deadline")
	}
	c.Advance(2 * time.Second)
	if at, ok := fired(early); !ok || !at.Equal(t0.Add(2999*time.Millisecond)) {
		t.Fatalf("early timer: %v %v", at, ok)
	}
	if _, ok := fired(stopped); ok {
		t.Fatal("a stopped timer fired")
	}
	if _, ok := fired(late); ok {
		t.Fatal("late timer fired early")
	}
	c.AdvanceTo(t0) // never backwards
	if !c.Now().Equal(t0.Add(2999 * time.Millisecond)) {
		t.Fatalf("now %v", c.Now())
	}
	c.AdvanceTo(t0.Add(3 * time.Second))
	if _, ok := fired(late); !ok || len(c.Pending()) != 0 {
		t.Fatalf("late timer did not fire; pending %v", c.Pending())
	}
	now, _ := c.NewTimer(0)
	if _, ok := fired(now); !ok {
		t.Fatal("a zero timer does not fire at once")
	}
}

func TestFakeClockWaitForTimer(t *testing.T) {
	c := NewFakeClock(t0)
	if c.WaitForTimer(t0.Add(time.Second), 10*time.Millisecond) {
		t.Fatal("saw a timer nobody set")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ch, _ := c.NewTimer(time.Second)
		<-ch
	}()
	if !c.WaitForTimer(t0.Add(time.Second), 10*time.Second) {
		t.Fatal("did not see the timer set")
	}
	c.Advance(time.Second)
	select {
	case <-done:
	case <-time.After(10 * time.Second): // a deadlock detector
		t.Fatal("the sleeper was not woken")
	}
}

func TestFakeClockWaitForNoTimer(t *testing.T) {
	c := NewFakeClock(t0)
	if !c.WaitForNoTimer(10 * time.Second) {
		t.Fatal("a clock with no timer has one pending")
	}
	_, stop := c.NewTimer(time.Second)
	if c.WaitForNoTimer(10 * time.Millisecond) {
		t.Fatal("did not see the pending timer")
	}
	go stop()
	if !c.WaitForNoTimer(10 * time.Second) {
		t.Fatal("did not see the timer stopped")
	}
	c.NewTimer(time.Second)
	go c.Advance(time.Second)
	if !c.WaitForNoTimer(10 * time.Second) {
		t.Fatal("did not see the timer fire")
	}
}

func TestPoll(t *testing.T) {
	n := 0
	if err := Poll(10*time.Second, func() bool { n++; return n == 3 }); err != nil || n != 3 {
		t.Fatalf("Poll: %v after %d checks", err, n)
	}
	if err := Poll(20*time.Millisecond, func() bool { return false }); err == nil {
		t.Fatal("Poll of a condition that never holds returned nil")
	}
}
