package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestErrorKindsAndText(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		kind error
		want string
	}{
		{"422 with items",
			&Error{Status: 422, Method: "POST", Path: "/v1/apps?accountId=1", Kind: ErrValidation,
				Items: []ErrorItem{{Code: "VALIDATION_ERROR", Message: "App name already exists."}}},
			ErrValidation,
			"422 Unprocessable Entity (POST /v1/apps?accountId=1): VALIDATION_ERROR: App name already exists."},
		{"html page excerpt",
			&Error{Status: 502, Method: "GET", Path: "/v1/apps", Kind: ErrServer, Excerpt: "502 Bad Gateway"},
			ErrServer, "502 Bad Gateway (GET /v1/apps): 502 Bad Gateway"},
		{"network, maybe applied",
			&Error{Method: "POST", Path: "/v1/apps", Kind: ErrNetwork, Err: errors.New("connection reset by peer"), MaybeApplied: true},
			ErrNetwork,
			"network error (POST /v1/apps): connection reset by peer (the write may or may not have been applied; check before retrying)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q\nwant      %q", got, tt.want)
			}
			if !errors.Is(tt.err, tt.kind) {
				t.Errorf("errors.Is(err, %v) = false", tt.kind)
			}
			for _, other := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrValidation, ErrRateLimited, ErrServer, ErrNetwork, ErrBadResponse, ErrMethodRefused} {
				if other != tt.kind && errors.Is(tt.err, other) {
					t.Errorf("errors.Is(err, %v) = true", other)
				}
			}
			var ae *Error
			if !errors.As(fmt.Errorf("wrapped: %w", tt.err), &ae) || ae != tt.err {
				t.Error("errors.As through a wrap failed")
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"html title and text",
			"<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>p{}</style></head><body><h1>Bad Gateway</h1><p>The upstream &amp; friends failed.</p></body></html>",
			"502 Bad Gateway: Bad Gateway The upstream & friends failed."},
		{"plain text with control characters", "oops\x1b[2J\r\nsomething\tbroke", "oops[2J something broke"},
		{"bearer token shape", "echo: Authorization: Bearer abc.DEF-123_x", "echo: Authorization: Bearer [redacted]"},
		{"secret field shape", `{"client_secret":"hunter2","x":1`, `{"client_secret":"[redacted]","x":1`},
		{"truncated", strings.Repeat("a", 300), strings.Repeat("a", 160) + "…"},
		{"invalid utf-8", "ok\xff\xfeok", "ok�ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Excerpt([]byte(tt.body), excerptLen); got != tt.want {
				t.Errorf("Excerpt = %q\nwant     %q", got, tt.want)
			}
		})
	}
}

func TestSanitizeKeepsCauseDropsSecrets(t *testing.T) {
	cause := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	err := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/v1/apps?accountId=1&secret=s3cr3t-value", Err: cause}
	s := sanitize(err, redactor{secrets: []string{"s3cr3t-value"}})
	if strings.Contains(s.Error(), "s3cr3t-value") || strings.Contains(s.Error(), "http://") {
		t.Errorf("sanitized text leaks: %q", s)
	}
	var op *net.OpError
	if !errors.As(s, &op) || !notSent(s) {
		t.Error("cause lost: a dial failure must stay recognisable")
	}
	ctxErr := sanitize(&url.Error{Op: "Get", URL: "http://x", Err: context.Canceled}, redactor{})
	if !errors.Is(ctxErr, context.Canceled) {
		t.Error("context.Canceled lost")
	}
	if notSent(ctxErr) {
		t.Error("a cancelled request is not known to be unsent")
	}
}

func TestRedactorText(t *testing.T) {
	r := redactor{secrets: []string{"sandbox-secret", "tok-123456", "ab"}}
	got := r.text("secret sandbox-secret token tok-123456 short ab")
	if strings.Contains(got, "sandbox-secret") || strings.Contains(got, "tok-123456") {
		t.Errorf("not redacted: %q", got)
	}
	if !strings.Contains(got, "short ab") {
		t.Errorf("values under 4 bytes are not secrets worth blanking: %q", got)
	}
}

func TestTokenStateString(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	boom := errors.New("connection refused")
	tests := []struct {
		s    TokenState
		want string
	}{
		{TokenState{}, "no token yet"},
		{TokenState{Status: TokenValid, ValidUntil: now.Add(7*time.Hour + 59*time.Minute + 30*time.Second)}, "valid for 7h59m"},
		{TokenState{Status: TokenValid, ValidUntil: now.Add(90 * time.Second), Err: boom, NextTry: now.Add(2 * time.Second)},
			"valid for 1m30s; renewal failed: connection refused (next try in 2s)"},
		{TokenState{Status: TokenRenewing}, "renewing"},
		{TokenState{Status: TokenRenewing, ValidUntil: now.Add(1500 * time.Millisecond)}, "renewing (current token valid for 1.5s)"},
		{TokenState{Status: TokenFailed, Err: boom}, "failed: connection refused"},
		{TokenState{Status: TokenFailed}, "expired"},
	}
	for _, tt := range tests {
		if got := tt.s.at(now); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.s, got, tt.want)
		}
	}
}
