package ui

import (
	"testing"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
)

// The screen ticks fast only while something animates. A retry report that
// is read after its request has answered (it travels on its own channel)
// kept the tick fast until the next list loaded.
func TestTickRateFollowsWhatIsInFlight(t *testing.T) {
	for _, tc := range []struct {
		name     string
		inflight int
		fast     bool
	}{
		{name: "retry of a request still in flight", inflight: 1, fast: true},
		{name: "retry read after its request answered", inflight: 0, fast: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Options{Accounts: accounts.New(accounts.Options{}), StateDir: t.TempDir()})
			m.inflight = tc.inflight
			m.Update(retryMsg{ev: api.RetryEvent{Method: "GET", Path: "/v1/apps", Attempt: 1}})
			if !m.tickPending || (m.tickRate == fastTick) != tc.fast {
				t.Fatalf("tick pending %v every %s, want fast %v", m.tickPending, m.tickRate, tc.fast)
			}
		})
	}
}
