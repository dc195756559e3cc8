package api_test

// The retry budget against servers that misbehave at the TCP level: one
// that accepts connections and never answers, and a closed port. Both are
// real listeners on 127.0.0.1.

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// silentServer accepts TCP connections, reads whatever is sent and never
// answers. It counts the connections it accepted.
type silentServer struct {
	ln    net.Listener
	conns atomic.Int32
	mu    sync.Mutex
	open  []net.Conn
}

func startSilent(t testing.TB) *silentServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &silentServer{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			s.mu.Lock()
			s.open = append(s.open, c)
			s.mu.Unlock()
			go io.Copy(io.Discard, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.open {
			c.Close()
		}
		s.mu.Unlock()
	})
	return s
}

func (s *silentServer) URL(path string) string { return "http://" + s.ln.Addr().String() + path }

// closedPort is the address of a port nothing listens on (it was just
// released).
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// budget is short so the tests finish quickly; the bound it proves is the
// same for the documented 45 s.
var budget = api.RetryPolicy{MaxAttempts: 5, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxElapsed: 600 * time.Millisecond}

// TestSilentServerEndsWithinBudget: a server that accepts and never answers
// costs MaxAttempts attempts, each with its own deadline, and the call ends
// within MaxElapsed — at the API and at the token endpoint.
func TestSilentServerEndsWithinBudget(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	silent := startSilent(t)
	tests := []struct {
		name      string
		cfg       func(api.Config) api.Config
		tokenSide bool // the failure is blamed on the token endpoint
	}{
		{"API never answers", func(c api.Config) api.Config {
			c.V1BaseURL = silent.URL("/v1")
			return c
		}, false},
		{"token endpoint never answers", func(c api.Config) api.Config {
			c.TokenURL = silent.URL("/oauth/token")
			return c
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sandboxConfig(t, srv)
			cfg.Retry = budget
			c := newClient(t, tt.cfg(cfg))
			if !tt.tokenSide {
				// Take the token first, so that every attempt is spent on
				// the API however slow the machine is.
				if _, err := c.Tokens().Token(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			before := silent.conns.Load()
			start := time.Now()
			_, err := c.List(context.Background(), kind(t, "apps"), nil)
			took := time.Since(start)
			var ae *api.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *api.Error", err)
			}
			// The budget bounds the call; a little slack for the scheduler.
			if took > budget.MaxElapsed+300*time.Millisecond {
				t.Errorf("took %v, budget %v", took, budget.MaxElapsed)
			}
			if ae.Attempts != budget.MaxAttempts {
				t.Errorf("attempts = %d, want %d: %v", ae.Attempts, budget.MaxAttempts, err)
			}
			// An attempt waiting for a token may join a token request the
			// refresher started by itself, so only the API side counts
			// one connection per attempt.
			if n := silent.conns.Load() - before; !tt.tokenSide && n < int32(budget.MaxAttempts) || n == 0 {
				t.Errorf("the silent server saw %d connections, want at least %d", n, budget.MaxAttempts)
			}
			if ae.Elapsed <= 0 || ae.Elapsed > took {
				t.Errorf("Elapsed = %v, call took %v", ae.Elapsed, took)
			}
			if !errors.Is(err, api.ErrNetwork) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("not a network timeout: %v", err)
			}
			if ae.TokenEndpoint != tt.tokenSide {
				t.Errorf("TokenEndpoint = %v, want %v: %v", ae.TokenEndpoint, tt.tokenSide, err)
			}
			msg := err.Error()
			for _, want := range []string{"no answer within", "gave up after 5 attempts in"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error lacks %q: %s", want, msg)
				}
			}
			if tt.tokenSide && !strings.HasPrefix(msg, "could not reach the token endpoint") {
				t.Errorf("token-side timeout not described as such: %s", msg)
			}
		})
	}
}

// TestAttemptTimeoutKeepsAPOSTFromRepeating: a write whose attempt runs out
// of time may have been applied, so it is sent once and says so.
func TestAttemptTimeoutKeepsAPOSTFromRepeating(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	silent := startSilent(t)
	cfg := sandboxConfig(t, srv)
	cfg.Retry = budget
	cfg.V1BaseURL = silent.URL("/v1")
	c := newClient(t, cfg)
	if _, err := c.Tokens().Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := c.Do(context.Background(), api.Request{Method: "POST", Path: "/apps", Body: []byte(`{"name":"x"}`)})
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Attempts != 1 || !ae.MaybeApplied || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("POST: %#v", err)
	}
	// Its one attempt had the share of one attempt in five, not the whole budget.
	if ae.Elapsed > budget.MaxElapsed/2 {
		t.Fatalf("POST waited %v", ae.Elapsed)
	}
}

// TestCallerDeadlineIsNotRetried: the caller's own deadline ends the call
// at once; only an attempt's deadline is retried.
func TestCallerDeadlineIsNotRetried(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	silent := startSilent(t)
	cfg := sandboxConfig(t, srv)
	cfg.Retry = api.RetryPolicy{MaxAttempts: 5, MaxElapsed: time.Hour}
	cfg.V1BaseURL = silent.URL("/v1")
	c := newClient(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.List(ctx, kind(t, "apps"), nil)
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Attempts != 1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("caller deadline: %#v", err)
	}
	if strings.Contains(err.Error(), "gave up") {
		t.Fatalf("a caller's deadline reads as giving up: %v", err)
	}
}

// TestTokenEndpointRefusedIsANetworkFailure: a closed port at the token URL
// is a network failure (retried, then reported as such), never refused
// credentials.
func TestTokenEndpointRefusedIsANetworkFailure(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	cfg := sandboxConfig(t, srv)
	cfg.Retry = budget
	cfg.TokenURL = "http://" + closedPort(t) + "/oauth/token"
	c := newClient(t, cfg)
	_, err := c.List(context.Background(), kind(t, "apps"), nil)
	var ae *api.Error
	if !errors.As(err, &ae) || !ae.TokenEndpoint {
		t.Fatalf("err = %#v", err)
	}
	if !errors.Is(err, api.ErrNetwork) || errors.Is(err, api.ErrUnauthorized) || ae.Status != 0 {
		t.Fatalf("classified as %v (status %d), want a network error: %v", ae.Kind, ae.Status, err)
	}
	if ae.Attempts != budget.MaxAttempts {
		t.Errorf("attempts = %d, want %d (a refused connection may heal)", ae.Attempts, budget.MaxAttempts)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "could not reach the token endpoint (POST /oauth/token): ") || !strings.Contains(msg, "connection refused") {
		t.Fatalf("message: %s", msg)
	}
	if strings.Contains(msg, sandbox.DefaultClientSecret) {
		t.Fatalf("the secret is in the message: %s", msg)
	}
	if s := c.Tokens().State(); s.Err == nil || !strings.Contains(s.String(), "could not reach the token endpoint") {
		t.Fatalf("token state: %v", s)
	}
}

// TestAnAnswerArrivingIsNotCutAtItsShare: an attempt's share of the budget
// bounds the wait for an answer and then the silences between its bytes,
// not the whole answer: a list coming steadily over a slow link, longer
// than a share, arrives whole (read whole, and streamed); one still
// arriving when the whole budget runs out ends then, saying so.
func TestAnAnswerArrivingIsNotCutAtItsShare(t *testing.T) {
	// About 540 KB in 16 KB pieces 50 ms apart: some 1.7 s.
	srv := startSandbox(t, sandbox.Options{Seed: "large:1000", Trickle: 50 * time.Millisecond})
	slow := api.RetryPolicy{MaxAttempts: 5, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}
	apps := kind(t, "apps")
	for _, tt := range []struct {
		name   string
		budget time.Duration // the first attempt's share is a fifth
		whole  bool          // the list arrives
	}{
		{"within the budget", 5 * time.Second, true},
		{"past the budget", time.Second, false},
	} {
		for _, stream := range []bool{false, true} {
			name := tt.name + ", read whole"
			if stream {
				name = tt.name + ", streamed"
			}
			t.Run(name, func(t *testing.T) {
				cfg := sandboxConfig(t, srv)
				cfg.Retry = slow
				cfg.Retry.MaxElapsed = tt.budget
				c := newClient(t, cfg)
				if _, err := c.Tokens().Token(context.Background()); err != nil {
					t.Fatal(err)
				}
				n := 0
				start := time.Now()
				var err error
				if stream {
					err = c.ListStream(context.Background(), apps, nil, func(b []api.Entity, _ api.Progress) error {
						n += len(b)
						return nil
					})
				} else {
					var items []api.Entity
					items, err = c.List(context.Background(), apps, nil)
					n = len(items)
				}
				took := time.Since(start)
				if tt.whole {
					if err != nil || n != 1000 {
						t.Fatalf("%d apps, err %v; want the 1000, in %v of a %v budget", n, err, took, tt.budget)
					}
					return
				}
				if err == nil {
					t.Fatalf("the whole list came in %v, past a budget of %v: make the answer slower", took, tt.budget)
				}
				if _, overrun := api.ArrivingTimeout(err); !overrun || !strings.Contains(err.Error(), "the answer was still arriving when the time budget of 1s ran out") {
					t.Errorf("overrun %v, error %v", overrun, err)
				}
				// The budget bounds the call; slack for a slow machine.
				if took > tt.budget+time.Second {
					t.Errorf("took %v, budget %v", took, tt.budget)
				}
			})
		}
	}
}

// TestASlowErrorPageKeepsItsShare: only an answer's bytes move its
// attempt's deadline on. A 503 whose page trickles in (a proxy's, say)
// ends its attempt at the attempt's share, as a silent server does, rather
// than holding the call for the whole budget.
func TestASlowErrorPageKeepsItsShare(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// The answer follows its request, as a server's does.
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				io.WriteString(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
				tick := time.NewTicker(20 * time.Millisecond) // a byte of the page each time: never a silence
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						if _, err := io.WriteString(c, "<"); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	cfg := sandboxConfig(t, srv)
	cfg.V1BaseURL = "http://" + ln.Addr().String() + "/v1"
	cfg.Retry = api.RetryPolicy{MaxAttempts: 5, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxElapsed: 3 * time.Second}
	c := newClient(t, cfg)
	if _, err := c.Tokens().Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background(), kind(t, "apps"), nil)
	var ae *api.Error
	stalled, overrun := api.ArrivingTimeout(err)
	if !errors.As(err, &ae) || stalled || overrun || !strings.Contains(err.Error(), "no answer within") || ae.Attempts < 2 {
		t.Fatalf("err = %v (stalled %v, overrun %v), want every attempt ended at its share", err, stalled, overrun)
	}
}
