package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// syncBuffer is a log destination read after the writes end.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDebugLog: Config.Logger receives every request (method, path,
// status, duration, attempt), every retry with its reason and every token
// request, and never the client secret, the token or a secret in a query.
func TestDebugLog(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	var buf syncBuffer
	cfg := sandboxConfig(t, srv)
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, cfg)
	ctx := context.Background()

	srv.InjectNext(sandbox.Fault503, 1)
	if _, err := c.Do(ctx, api.Request{Path: "/apps"}); err != nil {
		t.Fatal(err)
	}
	c.Do(ctx, api.Request{Path: "/apps", Query: url.Values{"access_token": {"S3cretInQuery"}}})
	tok, err := c.Tokens().Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	for _, want := range []string{
		`msg="token request" client_id=sandbox method=POST path=/oauth/token`,
		`msg="token answer" client_id=sandbox path=/oauth/token ok=true duration=`,
		`msg="token issued"`,
		`msg=request method=GET path="/v1/apps?accountId=1" status=503 duration=`,
		`attempt=1`,
		`msg=retrying method=GET path="/v1/apps?accountId=1" status=503 kind="server error" reason="503 Service Unavailable`,
		`msg=request method=GET path="/v1/apps?accountId=1" status=200 duration=`,
		`attempt=2`,
		`access_token=[redacted]`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{sandbox.DefaultClientSecret, tok, "S3cretInQuery"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds a secret (%d bytes):\n%s", len(secret), log)
		}
	}
	if strings.Contains(log, "gave up") {
		t.Errorf("a retry's reason says the client gave up:\n%s", log)
	}
}
