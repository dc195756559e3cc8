package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error kinds. Every *Error matches exactly one of them with errors.Is, so
// callers can write errors.Is(err, api.ErrNotFound).
var (
	ErrUnauthorized  = errors.New("unauthorized")       // 401, or the token endpoint refused the credentials
	ErrForbidden     = errors.New("forbidden")          // 403
	ErrNotFound      = errors.New("not found")          // 404
	ErrValidation    = errors.New("validation failed")  // 400, 422: the request broke a rule
	ErrRateLimited   = errors.New("rate limited")       // 429
	ErrServer        = errors.New("server error")       // 5xx
	ErrNetwork       = errors.New("network error")      // no HTTP answer: refused, reset, timeout, DNS
	ErrBadResponse   = errors.New("malformed response") // an answer that could not be decoded
	ErrMethodRefused = errors.New("method not allowed") // 405
)

// Error is every failed Platform API call: what was asked, what came back.
// It never holds a token or a client secret.
type Error struct {
	Status     int           // HTTP status; 0 when no answer arrived
	Method     string        // HTTP method
	Path       string        // URL path and query, with no credentials in it
	Items      []ErrorItem   // the envelope's errors[]
	RetryAfter time.Duration // from a Retry-After header, when given
	Excerpt    string        // short, sanitised excerpt of a body that was not an envelope
	Attempts   int           // how many times the request was sent
	// Elapsed is how long the whole call took, every attempt and every
	// wait between them included.
	Elapsed time.Duration
	// MaybeApplied is set when a write (POST) failed in a way that does not
	// tell whether the server applied it (a 500, 502 or 504, or a dropped
	// connection after the request was sent; not a 503, which declines the
	// request before any work). The client does not repeat such a write.
	MaybeApplied bool
	Kind         error // one of the Err* kinds above
	Err          error // the underlying cause, when there is one (already sanitised)
	// TokenEndpoint is set when the failure came from the OAuth token
	// endpoint (Method and Path are then the token request's): nothing
	// reached the API, and the credentials or the token URL are to check.
	TokenEndpoint bool

	notSent bool // the connection was never made: safe to repeat any method
	// timedOut: the attempt ran out of its share of the retry budget while
	// the caller's context was still live; repeatable like a dropped
	// connection.
	timedOut bool
	// tokenWait: the attempt was still waiting for a token when it failed.
	tokenWait bool
	// gaveUp: the failure was one the client retries, and it stopped
	// because the attempts or the time budget ran out.
	gaveUp bool
}

// Error renders a one-line summary: status, method, path, then the items.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	} else if e.TokenEndpoint && e.Kind == ErrNetwork {
		// Nothing came back from the token endpoint: a network failure,
		// not a verdict on the credentials.
		b.WriteString("could not reach the token endpoint")
	} else if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	}
	if e.Method != "" || e.Path != "" {
		fmt.Fprintf(&b, " (%s %s)", e.Method, e.Path)
	}
	for i, it := range e.Items {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(it.String())
	}
	if len(e.Items) == 0 && e.Excerpt != "" {
		fmt.Fprintf(&b, ": %s", e.Excerpt)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	switch {
	case e.gaveUp:
		fmt.Fprintf(&b, " (gave up after %s in %s)", plural(e.Attempts, "attempt"), roundDur(e.Elapsed))
	case e.Attempts > 1:
		fmt.Fprintf(&b, " (after %s in %s)", plural(e.Attempts, "attempt"), roundDur(e.Elapsed))
	}
	if e.MaybeApplied {
		b.WriteString(" (the write may or may not have been applied; check before retrying)")
	}
	return b.String()
}

// MalformedError is the cause of an answer that is not valid JSON: where
// it stopped being so. A streamed list that breaks after its first
// entities were read (and handed on) says how many: the answer was the
// API's, broken off, and the list is incomplete; with none it may as well
// be a page or text from something else.
type MalformedError struct {
	At       int64 // the byte of the body where it stopped being valid JSON
	Entities int   // entities read (and handed on) before that byte
}

func (e *MalformedError) Error() string {
	if e.Entities > 0 {
		return fmt.Sprintf("the answer stopped being valid JSON at byte %d, after %s", e.At, plural(e.Entities, "entity"))
	}
	return fmt.Sprintf("body is not valid JSON (at byte %d)", e.At)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// attemptTimeoutError is the cause of an attempt that ran out of its share
// of the retry budget (limit): no answer came within it, or the answer that
// was arriving stopped for that long (stalled), or was still arriving when
// the call's budget ran out (overrun). It unwraps to what the transport
// reported (a context.DeadlineExceeded), so errors.Is still finds the
// deadline.
type attemptTimeoutError struct {
	limit, budget    time.Duration
	err              error
	stalled, overrun bool
}

func (e *attemptTimeoutError) Error() string {
	var s string
	switch {
	case e.overrun:
		s = fmt.Sprintf("the answer was still arriving when the time budget of %s ran out", roundDur(e.budget))
	case e.stalled:
		s = fmt.Sprintf("the answer stopped arriving for %s", roundDur(e.limit))
	default:
		s = fmt.Sprintf("no answer within %s", roundDur(e.limit))
	}
	if e.err == nil {
		return s
	}
	return s + ": " + e.err.Error()
}

// ArrivingTimeout reports how err timed out when it did while an answer
// was arriving: its bytes stopped for an attempt's share of the budget
// (stalled), or were still coming when the whole budget ran out (overrun,
// which a longer request timeout would have let finish).
func ArrivingTimeout(err error) (stalled, overrun bool) {
	var te *attemptTimeoutError
	if !errors.As(err, &te) {
		return false, false
	}
	return te.stalled, te.overrun
}

func (e *attemptTimeoutError) Unwrap() error { return e.err }

// Timeout reports true, as net.Error timeouts do.
func (e *attemptTimeoutError) Timeout() bool { return true }

// Unwrap exposes the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the error's kind.
func (e *Error) Is(target error) bool { return target != nil && target == e.Kind }

// KindForStatus maps an HTTP status to an error kind.
func KindForStatus(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusMethodNotAllowed:
		return ErrMethodRefused
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return ErrValidation
	case status >= 500:
		return ErrServer
	default:
		return ErrBadResponse
	}
}
