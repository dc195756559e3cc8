package promote

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// requestLog collects the sandbox's request lines.
type requestLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *requestLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// writes returns the logged requests that are not reads, and forgets
// everything logged so far.
func (l *requestLog) writes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.buf.String(), "\n") {
		f := strings.Fields(line)
		api := strings.HasPrefix(f2(f), "/v1/") || strings.HasPrefix(f2(f), "/platform/")
		if len(f) >= 3 && api && f[1] != "GET" && f[1] != "HEAD" {
			out = append(out, f[1]+" "+f[2])
		}
	}
	l.buf.Reset()
	return out
}

func f2(f []string) string {
	if len(f) < 3 {
		return ""
	}
	return f[2]
}

type env struct {
	srv      *sandbox.Server
	log      *requestLog
	src, tgt *api.Client // accounts 1 and 2
}

func start(t *testing.T) *env {
	t.Helper()
	log := &requestLog{}
	srv, err := sandbox.Start(context.Background(), sandbox.Options{Log: io.Writer(log), RetentionDays: 100 * 365}) // the seed's CA dates stay valid
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	client := func(acct int64) *api.Client {
		c, err := api.New(api.Config{
			ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, AccountID: acct,
			V1BaseURL: srv.V1URL(), V2BaseURL: srv.V2URL(), TokenURL: srv.TokenURL(), CacheDir: t.TempDir(),
			Retry: api.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxElapsed: 10 * time.Second},
		})
		if err != nil {
			t.Fatalf("api.New: %v", err)
		}
		t.Cleanup(c.Close)
		return c
	}
	return &env{srv: srv, log: log, src: client(1), tgt: client(2)}
}

func take(t *testing.T, c *api.Client, kinds ...string) *Snapshot {
	t.Helper()
	s, err := Take(context.Background(), c, Options{Kinds: kinds})
	if err != nil {
		t.Fatalf("Take account %d: %v", c.AccountID(), err)
	}
	return s
}

func text(t *testing.T, w interface{ WriteText(io.Writer) error }) string {
	t.Helper()
	var b strings.Builder
	if err := w.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func diffText(t *testing.T, d *Diff) string {
	t.Helper()
	var b strings.Builder
	if err := d.WriteText(&b, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
