package api

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds how a request is retried. The zero value means the
// defaults below.
//
// MaxElapsed is a budget for the whole call, attempts and waits included:
// each attempt gets its own deadline, an equal share of what is left of the
// budget for the attempts still allowed (remaining / (MaxAttempts −
// attempt + 1)), so a server that accepts the connection and never answers
// costs MaxAttempts attempts of about MaxElapsed/MaxAttempts each and the
// call ends within MaxElapsed. An attempt that fails fast leaves its share
// to the ones after it.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included; default 5
	BaseDelay   time.Duration // first backoff ceiling; default 250ms
	MaxDelay    time.Duration // largest single backoff; default 8s
	MaxElapsed  time.Duration // the whole call's budget, attempts and waits included; default 45s
	// MaxRetryAfter caps how long a Retry-After header may make the client
	// wait before one retry; a longer wait ends the call with the error
	// (RetryAfter set) instead. Default 30s.
	MaxRetryAfter time.Duration
}

// Default retry bounds.
const (
	DefaultMaxAttempts   = 5
	DefaultBaseDelay     = 250 * time.Millisecond
	DefaultMaxDelay      = 8 * time.Second
	DefaultMaxElapsed    = 45 * time.Second
	DefaultMaxRetryAfter = 30 * time.Second
)

// attemptTimeout is the deadline of attempt number n (1 = the first) when
// elapsed has already been spent: an equal share of the rest of the budget
// among the attempts still allowed. It is 0 when the budget is spent.
func (p RetryPolicy) attemptTimeout(n int, elapsed time.Duration) time.Duration {
	left := p.MaxElapsed - elapsed
	if left <= 0 {
		return 0
	}
	return left / time.Duration(max(p.MaxAttempts-n+1, 1))
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = DefaultMaxElapsed
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// backoff is the wait before retry number n (n = 1 for the first retry):
// "full jitter", a uniform draw in [0, min(MaxDelay, BaseDelay·2^(n-1))),
// with u the uniform draw in [0,1). A Retry-After the server gave is a
// floor: the client never comes back sooner than it was asked to.
func (p RetryPolicy) backoff(n int, retryAfter time.Duration, u float64) time.Duration {
	ceil := p.BaseDelay
	for i := 1; i < n && ceil < p.MaxDelay; i++ {
		ceil *= 2
	}
	ceil = min(ceil, p.MaxDelay)
	d := time.Duration(u * float64(ceil))
	if retryAfter > d {
		d = retryAfter
	}
	return d
}

// retryableStatus reports whether an answer with this status may be sent
// again: 429, 502, 503 and 504 for idempotent methods, only 429 and 503 for
// POST (both are the server declining the request before any work is done;
// a 502 or 504 may come after the work, its answer lost).
func retryableStatus(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent(method)
	}
	return false
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// jitter is the uniform draw used by backoff; math/rand/v2's top-level
// functions are safe for concurrent use and seeded by the runtime.
func jitter() float64 { return rand.Float64() }
