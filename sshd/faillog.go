package sshd

import (
	"log/slog"
	"sync"
	"time"
)

// failWindow is how long the failures from one host after its first logged
// one are counted, then summed up in one line.
const failWindow = time.Minute

// failLog keeps a host that keeps failing to log in (a scanner, a
// forgotten cron job) from writing a line per attempt: the first failure
// from a host is logged in full; the next ones within failWindow are
// counted, and logged as one line when the window ends.
type failLog struct {
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	byHost map[string]*failures
}

type failures struct {
	start time.Time // when the logged failure was
	more  int       // failures since, not logged
}

func newFailLog(log *slog.Logger, now func() time.Time) *failLog {
	return &failLog{log: log, now: now, byHost: map[string]*failures{}}
}

// fail notes a failure from host: logFirst logs it when it is the first
// of a window.
func (f *failLog) fail(host string, logFirst func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	f.sweepLocked(now, false)
	if w := f.byHost[host]; w != nil {
		w.more++
		return
	}
	f.byHost[host] = &failures{start: now}
	logFirst()
}

// sweep sums up the windows that have ended; all of them when final
// (shutdown).
func (f *failLog) sweep(final bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepLocked(f.now(), final)
}

func (f *failLog) sweepLocked(now time.Time, final bool) {
	for host, w := range f.byHost {
		span := now.Sub(w.start)
		if span < failWindow && !final {
			continue
		}
		delete(f.byHost, host)
		if w.more > 0 {
			f.log.Info("more failed logins", "addr", host, "count", w.more, "in", min(span, failWindow).Round(time.Second).String())
		}
	}
}

// run sums up ended windows every few seconds until stop is closed, so a
// host that stops trying still gets its line.
func (f *failLog) run(stop <-chan struct{}) {
	t := time.NewTicker(failWindow / 6)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			f.sweep(false)
		}
	}
}
