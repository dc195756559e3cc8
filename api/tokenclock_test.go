package api_test

// Tests of the token refresher's timing — renewal at 80% of the lifetime,
// backoff after failed renewals, expiry — and of the client's retry waits,
// on a fake clock the tests move: the sandbox and the client share it, so
// a token's lifetime passes in no time and the assertions are exact.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/testutil"
)

var _ api.Clock = (*testutil.FakeClock)(nil)

// waitLimit bounds every wait for the code under test to react. It is a
// deadlock detector, not a timing assertion.
const waitLimit = 10 * time.Second

// clockStart is where the fake clocks start.
var clockStart = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// tokenGate serves the real sandbox behind a switch on its token endpoint:
// while down, token requests' connections are dropped (and the clock's time
// of each is recorded); while held, token requests wait to be let through.
type tokenGate struct {
	srv  *sandbox.Server
	url  string
	now  func() time.Time
	down atomic.Bool

	mu      sync.Mutex
	held    chan struct{} // non-nil: token requests wait until it is closed
	dropped []time.Time
}

func newTokenGate(t *testing.T, opts sandbox.Options) *tokenGate {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	g := &tokenGate{srv: srv, now: opts.Now}
	front := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(front.Close)
	t.Cleanup(g.release) // before front.Close, which waits for held requests
	g.url = front.URL
	return g
}

func (g *tokenGate) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth/token" {
		g.mu.Lock()
		held := g.held
		g.mu.Unlock()
		if held != nil {
			select {
			case <-held:
			case <-r.Context().Done():
				return
			}
		}
		if g.down.Load() {
			g.mu.Lock()
			g.dropped = append(g.dropped, g.now())
			g.mu.Unlock()
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
	}
	g.srv.Handler().ServeHTTP(w, r)
}

// hold makes token requests wait until release.
func (g *tokenGate) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held == nil {
		g.held = make(chan struct{})
	}
}

// release lets held token requests through.
func (g *tokenGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held != nil {
		close(g.held)
		g.held = nil
	}
}

func (g *tokenGate) droppedAt() []time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]time.Time(nil), g.dropped...)
}

// config is a client configuration that goes through the gate.
func (g *tokenGate) config(t *testing.T) api.Config {
	cfg := sandboxConfig(t, g.srv)
	cfg.V1BaseURL, cfg.V2BaseURL, cfg.TokenURL = g.url+"/v1", g.url+"/platform/v2", g.url+"/oauth/token"
	return cfg
}

// waitState reads states from w until one satisfies ok, and fails the test
// when none does within waitLimit.
func waitState(t *testing.T, w <-chan api.TokenState, what string, ok func(api.TokenState) bool) api.TokenState {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	var last api.TokenState
	for {
		select {
		case s, open := <-w:
			if !open {
				t.Fatalf("watch closed while waiting for %s; last state %+v", what, last)
			}
			if ok(s) {
				return s
			}
			last = s
		case <-deadline.C:
			t.Fatalf("no %s within %v; last state %q %+v", what, waitLimit, last, last)
		}
	}
}

// advanceToTimer moves clk to at once the code under test has set a timer
// for it, and fails the test when no such timer appears.
func advanceToTimer(t *testing.T, clk *testutil.FakeClock, at time.Time, what string) {
	t.Helper()
	if !clk.WaitForTimer(at, waitLimit) {
		t.Fatalf("no timer set for %s at %v; pending %v", what, at.Format(time.TimeOnly), clk.Pending())
	}
	clk.AdvanceTo(at)
}

// skipRetryWaits has the client wait out its retry backoff on clk, which
// passes each wait as soon as the client sleeps on it: a Retry-After of a
// second costs no second.
func skipRetryWaits(t testing.TB, cfg *api.Config, clk *testutil.FakeClock) {
	cfg.Clock = clk
	prev := cfg.OnRetry
	cfg.OnRetry = func(e api.RetryEvent) {
		if prev != nil {
			prev(e)
		}
		if e.Wait <= 0 {
			return
		}
		at := clk.Now().Add(e.Wait)
		go func() {
			if !clk.WaitForTimer(at, waitLimit) {
				t.Errorf("the client never slept the %v it announced for a retry", e.Wait)
				return
			}
			clk.AdvanceTo(at)
		}()
	}
}

// TestTokenRenewedAheadOfExpiry: a token is renewed when 80% of its
// lifetime has passed and not a moment before; while the renewal is in
// flight callers keep the current token; the new one is in hand a fifth of
// the lifetime before the old one expires; watchers see every step.
func TestTokenRenewedAheadOfExpiry(t *testing.T) {
	const ttl = 100 * time.Second
	clk := testutil.NewFakeClock(clockStart)
	g := newTokenGate(t, sandbox.Options{TokenTTL: ttl, Now: clk.Now})
	cfg := g.config(t)
	cfg.Clock = clk
	c := newClient(t, cfg)
	apps := kind(t, "apps")
	ctx := context.Background()
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	w := c.Tokens().Watch(wctx)

	prev := waitState(t, w, "first token", func(s api.TokenState) bool { return s.Status == api.TokenValid })
	if !prev.IssuedAt.Equal(clockStart) || !prev.ValidUntil.Equal(clockStart.Add(ttl)) || prev.Fetches != 1 {
		t.Fatalf("first token: %+v, want issued at %v for %v", prev, clockStart, ttl)
	}
	if got := prev.String(); got != "valid for 1m40s" {
		t.Errorf("state text %q, want %q", got, "valid for 1m40s")
	}
	for i := 1; i <= 5; i++ {
		renewAt := prev.IssuedAt.Add(ttl * 8 / 10)
		if !clk.WaitForTimer(renewAt, waitLimit) {
			t.Fatalf("renewal %d: no timer set for %v; pending %v", i, renewAt, clk.Pending())
		}
		clk.AdvanceTo(renewAt.Add(-time.Millisecond))
		if _, err := c.List(ctx, apps, nil); err != nil {
			t.Fatalf("call before renewal %d: %v", i, err)
		}
		if n := g.srv.TokenRequests(); n != int64(i) {
			t.Fatalf("before 80%% of the lifetime: %d token requests, want %d", n, i)
		}

		g.hold()
		clk.AdvanceTo(renewAt)
		s := waitState(t, w, "renewing state", func(s api.TokenState) bool { return s.Status == api.TokenRenewing })
		if !s.ValidUntil.Equal(prev.ValidUntil) || !strings.HasPrefix(s.String(), "renewing (current token valid for 20s)") {
			t.Errorf("renewal %d in flight: %q %+v", i, s, s)
		}
		if _, err := c.List(ctx, apps, nil); err != nil {
			t.Fatalf("call during renewal %d: %v", i, err)
		}
		g.release()

		cur := waitState(t, w, "renewed token", func(s api.TokenState) bool {
			return s.Status == api.TokenValid && s.ValidUntil.After(prev.ValidUntil)
		})
		if !cur.IssuedAt.Equal(renewAt) || !cur.ValidUntil.Equal(renewAt.Add(ttl)) || cur.Fetches != i+1 || cur.Err != nil {
			t.Fatalf("renewal %d: %+v, want issued at %v", i, cur, renewAt)
		}
		if lead := prev.ValidUntil.Sub(cur.IssuedAt); lead != ttl/5 {
			t.Errorf("renewal %d began %v before expiry, want %v", i, lead, ttl/5)
		}
		prev = cur
	}
	// Past the first tokens' expiry, by the sandbox's clock too: calls work.
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatalf("after the renewals: %v", err)
	}
	if n := g.srv.TokenRequests(); n != 6 {
		t.Fatalf("%d token requests for five renewals", n)
	}
}

// TestRenewalFailureBacksOff: when the token endpoint stops answering, the
// refresher keeps serving the old token, says that renewal failed and when
// it tries next, backs off exponentially with jitter (the wait after the
// n-th failure lies between d/2 and d for d = 2^(n-1) s: the base is a
// twentieth of the lifetime, at most 1 s), reports the failure once the
// token has expired (a tenth of the lifetime before its end), and recovers
// when the endpoint is back. The endpoint's connections are dropped by a
// switch in front of the real sandbox.
func TestRenewalFailureBacksOff(t *testing.T) {
	const ttl = 100 * time.Second
	clk := testutil.NewFakeClock(clockStart)
	g := newTokenGate(t, sandbox.Options{TokenTTL: ttl, Now: clk.Now})
	cfg := g.config(t)
	cfg.Clock = clk
	c := newClient(t, cfg)
	ctx := context.Background()
	apps := kind(t, "apps")
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	first := c.Tokens().State()
	g.down.Store(true)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	w := c.Tokens().Watch(wctx)

	expires := first.ValidUntil.Add(-ttl / 10) // when it stops being handed out
	at := first.IssuedAt.Add(ttl * 8 / 10)
	advanceToTimer(t, clk, at, "the renewal")
	var tries []time.Time
	for n := 1; ; n++ {
		tries = append(tries, at)
		s := waitState(t, w, "failed renewal", func(s api.TokenState) bool {
			return s.Fetches == 1+n && s.Status != api.TokenRenewing && s.Err != nil
		})
		if s.Status != api.TokenValid || !errors.Is(s.Err, api.ErrNetwork) || !s.ValidUntil.Equal(first.ValidUntil) {
			t.Fatalf("renewal failure %d while valid: %+v", n, s)
		}
		d := time.Second << (n - 1)
		if gap := s.NextTry.Sub(at); gap < d/2 || gap > d {
			t.Errorf("after failure %d the next try is %v later, want between %v and %v", n, gap, d/2, d)
		}
		text := s.String()
		left := first.ValidUntil.Sub(at).Truncate(100 * time.Millisecond) // as the status bar rounds it
		if !strings.HasPrefix(text, "valid for "+left.String()+"; renewal failed: ") ||
			!strings.Contains(text, "(next try in ") {
			t.Errorf("state text %q", text)
		}
		if !s.NextTry.Before(expires) {
			break
		}
		at = s.NextTry
		advanceToTimer(t, clk, at, "the next try")
	}
	if got := g.droppedAt(); !slices.EqualFunc(got, tries, time.Time.Equal) {
		t.Errorf("token requests while down at %v, want %v", got, tries)
	}
	if len(tries) < 3 {
		t.Errorf("only %d tries between 80%% and 90%% of the lifetime", len(tries))
	}

	advanceToTimer(t, clk, expires, "the expiry")
	s := waitState(t, w, "expired state", func(s api.TokenState) bool { return s.Status == api.TokenFailed })
	if !errors.Is(s.Err, api.ErrNetwork) || s.NextTry.IsZero() || !strings.HasPrefix(s.String(), "failed: ") {
		t.Fatalf("failed state: %q %+v", s, s)
	}
	if n := len(g.droppedAt()); n != len(tries) {
		t.Errorf("%d token requests at expiry, want none beyond the %d tries", n, len(tries))
	}

	g.down.Store(false)
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatalf("after the endpoint came back: %v", err)
	}
	if s := c.Tokens().State(); s.Status != api.TokenValid || s.Err != nil || !s.NextTry.IsZero() || !s.IssuedAt.Equal(expires) {
		t.Fatalf("recovered state: %+v", s)
	}
}

// TestRetryAfterWaitedOnTheClock: a 429's Retry-After is waited out on the
// client's clock, and counts against the retry budget.
func TestRetryAfterWaitedOnTheClock(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	clk := testutil.NewFakeClock(clockStart)
	cfg := sandboxConfig(t, srv)
	var waits []time.Duration
	cfg.OnRetry = func(e api.RetryEvent) { waits = append(waits, e.Wait) }
	skipRetryWaits(t, &cfg, clk)
	c := newClient(t, cfg)
	apps := kind(t, "apps")
	ctx := context.Background()
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	srv.InjectNext("429", 1)
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatalf("after a 429: %v", err)
	}
	if len(waits) != 1 || waits[0] < time.Second {
		t.Fatalf("retry waits %v, want one of at least the 1s asked for", waits)
	}
	if got := clk.Now().Sub(clockStart); got != waits[0] {
		t.Errorf("the clock moved %v, want the %v waited", got, waits[0])
	}

	// With the budget nearly spent on the clock, a second 429 ends the call.
	srv.InjectNext("429", 2)
	cfg.Retry.MaxElapsed = 1500 * time.Millisecond
	tight := newClient(t, cfg)
	_, err := tight.List(ctx, apps, nil)
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusTooManyRequests || ae.Attempts != 2 || ae.Elapsed < time.Second {
		t.Fatalf("a 429 beyond the budget: %v (%+v)", err, ae)
	}
}
