package testutil

import (
	"fmt"
	"testing"
	"time"
)

// PollInterval is how often Eventually checks its condition.
const PollInterval = 5 * time.Millisecond

// Eventually checks cond every PollInterval until it holds, and fails the
// test with the message (format and args, as for Fatalf) when it still
// does not after timeout of real time. The timeout is a deadlock detector,
// not a timing assertion: make it generous. It must be called from the
// test's goroutine.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	if err := Poll(timeout, cond); err != nil {
		t.Fatalf("%s (%v)", fmt.Sprintf(format, args...), err)
	}
}

// Poll checks cond every PollInterval until it holds or timeout of real
// time has passed; then it returns an error saying how long it waited. It
// is Eventually for goroutines other than the test's, which must not call
// Fatal.
func Poll(timeout time.Duration, cond func() bool) error {
	if cond() {
		return nil
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if cond() {
				return nil
			}
		case <-deadline.C:
			if cond() {
				return nil
			}
			return fmt.Errorf("still not so after %v", timeout)
		}
	}
}
