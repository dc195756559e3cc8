package api_test

import (
	"context"
	"sync"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

func TestRetryObserverFromContext(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	apps := kind(t, "apps")
	if _, err := c.List(context.Background(), apps, nil); err != nil { // token first
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []api.RetryEvent
	ctx := api.WithRetryObserver(context.Background(), func(e api.RetryEvent) {
		mu.Lock()
		seen = append(seen, e)
		mu.Unlock()
	})
	srv.InjectNext("504", 2)
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0].Err.Status != 504 || seen[0].Attempt != 1 || seen[1].Attempt != 2 || seen[0].Path == "" {
		t.Fatalf("observed %+v", seen)
	}
	// Another context's requests are not observed.
	srv.InjectNext("504", 1)
	if _, err := c.List(context.Background(), apps, nil); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("observer saw another context's retry: %d events", len(seen))
	}
}
