package api

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestBackoffFullJitter(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	tests := []struct {
		n          int
		retryAfter time.Duration
		u          float64
		want       time.Duration
	}{
		{1, 0, 0, 0},                                            // full jitter reaches zero
		{1, 0, 0.5, 50 * time.Millisecond},                      // [0, 100ms)
		{2, 0, 0.5, 100 * time.Millisecond},                     // [0, 200ms)
		{3, 0, 0.999, 399600 * time.Microsecond},                // [0, 400ms)
		{5, 0, 0.5, 500 * time.Millisecond},                     // ceiling capped at MaxDelay (1.6s → 1s)
		{50, 0, 0.5, 500 * time.Millisecond},                    // no overflow for large n
		{1, 3 * time.Second, 0.5, 3 * time.Second},              // Retry-After is a floor
		{4, 10 * time.Millisecond, 0.5, 400 * time.Millisecond}, // a short Retry-After does not shorten the backoff
	}
	for _, tt := range tests {
		if got := p.backoff(tt.n, tt.retryAfter, tt.u); got != tt.want {
			t.Errorf("backoff(%d, %v, %v) = %v, want %v", tt.n, tt.retryAfter, tt.u, got, tt.want)
		}
	}
}

func TestRetryPolicyDefaults(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	if p.MaxAttempts != DefaultMaxAttempts || p.BaseDelay != DefaultBaseDelay || p.MaxDelay != DefaultMaxDelay ||
		p.MaxElapsed != DefaultMaxElapsed || p.MaxRetryAfter != DefaultMaxRetryAfter {
		t.Fatalf("defaults not applied: %+v", p)
	}
}

func TestRetryableStatus(t *testing.T) {
	for _, status := range []int{200, 400, 401, 403, 404, 405, 422, 429, 500, 502, 503, 504} {
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodPost} {
			want := false
			switch status {
			case 429, 503:
				want = true
			case 502, 504:
				want = m != http.MethodPost
			}
			if got := retryableStatus(m, status); got != want {
				t.Errorf("retryableStatus(%s, %d) = %v, want %v", m, status, got, want)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
	}{
		{"", 0}, {"2", 2 * time.Second}, {" 1.5 ", 1500 * time.Millisecond}, {"0", 0}, {"-3", 0},
		{"Mon, 01 Jan 2024 12:00:07 GMT", 7 * time.Second},
		{"Mon, 01 Jan 2024 11:00:00 GMT", 0}, // in the past
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.v, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestAttemptTimeoutSharesTheBudget: each attempt's deadline is an equal
// share of what is left for the attempts still allowed, so attempts that
// all run out of time end together with the budget.
func TestAttemptTimeoutSharesTheBudget(t *testing.T) {
	p := RetryPolicy{}.withDefaults() // 5 attempts, 45s
	tests := []struct {
		n       int
		elapsed time.Duration
		want    time.Duration
	}{
		{1, 0, 9 * time.Second},                               // 45s / 5
		{2, 9 * time.Second, 9 * time.Second},                 // 36s / 4
		{2, 100 * time.Millisecond, 11225 * time.Millisecond}, // a fast failure leaves its share to the rest
		{5, 36 * time.Second, 9 * time.Second},                // the last attempt takes what is left
		{5, 44 * time.Second, time.Second},
		{5, 45 * time.Second, 0},               // spent
		{7, 40 * time.Second, 5 * time.Second}, // beyond MaxAttempts: never below one share
	}
	for _, tt := range tests {
		if got := p.attemptTimeout(tt.n, tt.elapsed); got != tt.want {
			t.Errorf("attemptTimeout(%d, %v) = %v, want %v", tt.n, tt.elapsed, got, tt.want)
		}
	}
	// Attempts that each use their whole deadline add up to the budget.
	var spent time.Duration
	for n := 1; n <= p.MaxAttempts; n++ {
		spent += p.attemptTimeout(n, spent)
	}
	if spent != p.MaxElapsed {
		t.Fatalf("five full attempts take %v, want %v", spent, p.MaxElapsed)
	}
}

func TestErrorSaysHowManyAttempts(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Method: "GET", Path: "/v1/apps", Kind: ErrNetwork, Attempts: 5, Elapsed: 45*time.Second + 20*time.Millisecond, gaveUp: true,
			Err: &attemptTimeoutError{limit: 9 * time.Second, err: errors.New("context deadline exceeded")}},
			"network error (GET /v1/apps): no answer within 9s: context deadline exceeded (gave up after 5 attempts in 45s)"},
		{&Error{Status: 404, Method: "DELETE", Path: "/v1/apps/1", Kind: ErrNotFound, Attempts: 2, Elapsed: 300 * time.Millisecond},
			"404 Not Found (DELETE /v1/apps/1) (after 2 attempts in 300ms)"},
		{&Error{Method: "POST", Path: "/oauth/token", Kind: ErrNetwork, TokenEndpoint: true, Attempts: 1,
			Err: errors.New("dial tcp 127.0.0.1:9: connect: connection refused")},
			"could not reach the token endpoint (POST /oauth/token): dial tcp 127.0.0.1:9: connect: connection refused"},
		{&Error{Status: 401, Method: "POST", Path: "/oauth/token", Kind: ErrUnauthorized, TokenEndpoint: true, Attempts: 1},
			"401 Unauthorized (POST /oauth/token)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q\nwant      %q", got, tt.want)
		}
	}
}
