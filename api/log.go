package api

import (
	"io"
	"log/slog"
	"time"
)

// discardLogger is the logger of a Client or Refresher configured with
// none.
func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// logPath is a request path as it may appear in a log line: known secrets
// and anything shaped like one (access_token=, client_secret=, a bearer
// token) blanked, as in error messages.
func logPath(path string, red redactor) string { return red.text(path) }

// logRequest records one HTTP exchange with the API: method, path (query
// included, redacted), status (0 when no answer came), how long it took,
// which attempt it was and, for a failure without an answer, why. Never a
// header or a body.
func (c *Client) logRequest(method, path string, status int, took time.Duration, attempt int, err error, red redactor) {
	attrs := []any{"method", method, "path", logPath(path, red), "status", status,
		"duration", took.Round(time.Microsecond).String(), "attempt", attempt}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	c.log.Info("request", attrs...)
}
