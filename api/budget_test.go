package api_test

// The retry budget against servers that misbehave at the TCP level: one
// that accepts connections and never answers, and a closed port. Both are
// real listeners on 127.0.0.1.

import (
	"context"
	"errors"
	"io"
	"net"
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
