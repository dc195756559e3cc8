package api_test

// Tests of the client against the real sandbox over real HTTP. They live in
// package api_test because api/sandbox imports api.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/internal/testutil"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// fastRetry keeps the backoff short so fault tests run quickly; the
// sandbox's 429 still asks for Retry-After: 1, which the client honours.
var fastRetry = api.RetryPolicy{MaxAttempts: 4, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxElapsed: 20 * time.Second}

func startSandbox(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func sandboxConfig(t testing.TB, srv *sandbox.Server) api.Config {
	return api.Config{
		ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, AccountID: 1,
		V1BaseURL: srv.V1URL(), V2BaseURL: srv.V2URL(), TokenURL: srv.TokenURL(),
		CacheDir: t.TempDir(), Retry: fastRetry, OrgID: sandbox.SeedOrgID,
	}
}

func newClient(t testing.TB, cfg api.Config) *api.Client {
	t.Helper()
	c, err := api.New(cfg)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func kind(t testing.TB, name string) *api.Descriptor {
	t.Helper()
	d, ok := api.Lookup(name)
	if !ok {
		t.Fatalf("no kind %q", name)
	}
	return d
}

// walk finds, in the default seed, a parent reference under which every
// kind of the catalogue has entities, by drilling down the way the console
// does (each child's reference is its parent entity's Ref()).
func walk(t *testing.T, ctx context.Context, c *api.Client) map[string]api.Ref {
	t.Helper()
	refs := map[string]api.Ref{
		"accounts": {}, "apps": {}, "services": {}, "audiences": {}, "workspaces": {}, "users": {},
		"roles": {}, "tasks": {}, "rolemanifest": {},
	}
	list := func(name string, ref api.Ref) []api.Entity {
		t.Helper()
		es, err := c.List(ctx, kind(t, name), ref)
		if err != nil {
			t.Fatalf("list %s under %v: %v", name, ref, err)
		}
		return es
	}
	// firstWith returns the first parent whose child list is not empty.
	firstWith := func(parents []api.Entity, child string) (api.Entity, bool) {
		for _, p := range parents {
			if len(list(child, p.Ref())) > 0 {
				return p, true
			}
		}
		return api.Entity{}, false
	}
	apps := list("apps", nil)
	if app, ok := firstWith(apps, "datapoints"); ok {
		refs["datapoints"] = app.Ref()
	}
	for _, app := range apps {
		for _, pf := range list("platforms", app.Ref()) {
			refs["platforms"] = app.Ref()
			if sc, ok := firstWith(list("serviceconfigs", pf.Ref()), "filters"); ok {
				refs["serviceconfigs"] = pf.Ref()
				refs["filters"] = sc.Ref()
				refs["servicefiltering"] = sc.Ref()
			}
		}
		if refs["filters"] != nil {
			break
		}
	}
	wss := list("workspaces", nil)
	if ws, ok := firstWith(wss, "audiences"); ok {
		refs["audiences"] = ws.Ref() // the per-workspace list; the account-wide one is tested too
	}
	if ws, ok := firstWith(wss, "plans"); ok {
		refs["plans"] = ws.Ref()
		refs["versions"] = list("plans", ws.Ref())[0].Ref()
	}
	if ws, ok := firstWith(wss, "calculatedattributes"); ok {
		refs["calculatedattributes"] = ws.Ref()
		cas := list("calculatedattributes", ws.Ref())
		refs["activation"] = cas[0].Ref()
		refs["calculation"] = cas[0].Ref()
	}
	for _, ws := range wss {
		feeds := list("feeds", ws.Ref())
		if len(feeds) == 0 {
			continue
		}
		refs["feeds"] = ws.Ref()
		if f, ok := firstWith(feeds, "subscriptions"); ok {
			refs["subscriptions"] = f.Ref()
		}
		// Output configurations are per module: try the service catalogue's
		// names (the reference writes the module lower-case, "indicative").
		for _, s := range list("services", nil) {
			for _, m := range []string{strings.ToLower(s.ID), s.ID} {
				if r := ws.Ref().With("module", m); len(list("outputs", r)) > 0 {
					refs["outputs"] = r
					break
				}
			}
			if refs["outputs"] != nil {
				break
			}
		}
		if refs["subscriptions"] != nil && refs["outputs"] != nil {
			break
		}
	}
	return refs
}

// TestEveryKindListedAndFetched lists every kind of the catalogue against
// the seeded sandbox and fetches its first entity by id through Get.
func TestEveryKindListedAndFetched(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	refs := walk(t, ctx, c)
	for _, d := range api.DefaultCatalog().Kinds() {
		t.Run(d.Name, func(t *testing.T) {
			ref, ok := refs[d.Name]
			if !ok {
				t.Fatalf("the seed has no %s reachable by drilling down (or this test does not know the kind)", d.Name)
			}
			es, err := c.List(ctx, d, ref)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(es) == 0 {
				t.Fatalf("no %s under %v", d.Name, ref)
			}
			for _, e := range es {
				if e.Kind != d || (e.ID == "" && d.Name != "calculation") || len(e.Raw) == 0 {
					t.Fatalf("entity without kind, id or body: %+v", e)
				}
				if row := e.Row(); len(row) != len(d.Columns) {
					t.Fatalf("row has %d cells for %d columns", len(row), len(d.Columns))
				}
			}
			got, err := c.Get(ctx, d, ref, es[0].ID)
			if err != nil {
				t.Fatalf("get %q: %v", es[0].ID, err)
			}
			if got.ID != es[0].ID {
				t.Fatalf("get %q returned %q", es[0].ID, got.ID)
			}
			if ok, err := c.Exists(ctx, d, ref, es[0].ID); err != nil || !ok {
				t.Fatalf("exists: %v %v", ok, err)
			}
			if !d.Single {
				if ok, err := c.Exists(ctx, d, ref, "987654321"); err != nil || ok {
					t.Fatalf("exists(no such id): %v %v", ok, err)
				}
			}
		})
	}
	t.Run("audiences account-wide", func(t *testing.T) {
		all, err := c.List(ctx, kind(t, "audiences"), nil)
		if err != nil || len(all) == 0 {
			t.Fatalf("account-wide audiences: %d, %v", len(all), err)
		}
		ws, _ := c.List(ctx, kind(t, "audiences"), refs["audiences"])
		if len(ws) > len(all) {
			t.Fatalf("a workspace has more audiences (%d) than the account (%d)", len(ws), len(all))
		}
	})
	t.Run("users by encoded email", func(t *testing.T) {
		us, _ := c.List(ctx, kind(t, "users"), nil)
		var u struct{ Email string }
		json.Unmarshal(us[0].Raw, &u)
		if us[0].ID != api.EncodeUserID(u.Email) {
			t.Fatalf("user id %q for %q", us[0].ID, u.Email)
		}
	})
}

// TestConcurrentCallersShareOneTokenFetch: 50 callers at once, one token
// request; clients of the same credential (WithAccount, a Registry) share it.
func TestConcurrentCallersShareOneTokenFetch(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	reg := api.NewRegistry()
	t.Cleanup(reg.Close)
	cfg := sandboxConfig(t, srv)
	cfg.Registry = reg
	c := newClient(t, cfg)
	apps := kind(t, "apps")
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			<-start
			_, err := c.List(context.Background(), apps, nil)
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.TokenRequests(); n != 1 {
		t.Fatalf("50 concurrent callers made %d token requests, want 1", n)
	}

	// Another client of the same credential from the registry, and a client
	// for account 2: still one token, and each account sees its own apps.
	c2 := newClient(t, cfg)
	if c2.Tokens() != c.Tokens() {
		t.Fatal("the registry made a second refresher for the same credential")
	}
	other := c.WithAccount(2)
	a1, err := c2.List(context.Background(), apps, nil)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := other.List(context.Background(), apps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.TokenRequests(); n != 1 {
		t.Fatalf("shared clients made %d token requests, want 1", n)
	}
	for _, x := range a2 {
		for _, y := range a1 {
			if x.ID == y.ID {
				t.Fatalf("account 2 lists account 1's app %s", x.ID)
			}
		}
	}
	if other.AccountID() != 2 || c.AccountID() != 1 {
		t.Fatal("WithAccount changed the original client")
	}
}

// TestTokenCacheOnDisk: the token is cached 0600 in a 0700 directory,
// reused by the next client (a restart), and a corrupt file is replaced.
func TestTokenCacheOnDisk(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	dir := filepath.Join(t.TempDir(), "mpconsole")
	cfg := sandboxConfig(t, srv)
	cfg.CacheDir = dir
	apps := kind(t, "apps")
	ctx := context.Background()

	c1, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c1.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	c1.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("cache dir holds %v", files)
	}
	di, _ := os.Stat(dir)
	fi, _ := os.Stat(files[0])
	if di.Mode().Perm() != 0o700 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("modes: dir %04o, file %04o", di.Mode().Perm(), fi.Mode().Perm())
	}
	content, _ := os.ReadFile(files[0])
	if bytes.Contains(content, []byte(sandbox.DefaultClientSecret)) {
		t.Fatal("the client secret was written to the cache")
	}

	// A restart: a new client (new refresher) uses the cached token.
	c2 := newClient(t, cfg)
	if _, err := c2.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	if n := srv.TokenRequests(); n != 1 {
		t.Fatalf("restart made %d token requests in all, want 1 (cache not used)", n)
	}
	if s := c2.Tokens().State(); s.Status != api.TokenValid || s.Fetches != 0 {
		t.Fatalf("after restart: %+v", s)
	}

	// A corrupt file is ignored and replaced.
	if err := os.WriteFile(files[0], []byte("{\"version\":1,\"access_token\":"), 0o600); err != nil {
		t.Fatal(err)
	}
	c3 := newClient(t, cfg)
	if _, err := c3.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	c3.Close() // the new token is written after the requests that waited for it went on
	if n := srv.TokenRequests(); n != 2 {
		t.Fatalf("corrupt cache: %d token requests, want 2", n)
	}
	var f struct {
		AccessToken string `json:"access_token"`
	}
	b, _ := os.ReadFile(files[0])
	if err := json.Unmarshal(b, &f); err != nil || f.AccessToken == "" {
		t.Fatalf("corrupt cache file not replaced: %q", b)
	}

	// The same client id with a wrong secret is not handed the cached
	// token: it asks the token endpoint, which refuses it.
	bad := cfg
	bad.ClientSecret = "wrong-secret"
	c4 := newClient(t, bad)
	if _, err := c4.List(ctx, apps, nil); !errors.Is(err, api.ErrUnauthorized) {
		t.Fatalf("wrong secret with a cached token: %v", err)
	}
	if n := srv.TokenRequests(); n != 3 {
		t.Fatalf("wrong secret: %d token requests in all, want 3", n)
	}
}

// TestUnexpected401RenewsOnce: revoked tokens are replaced once, and the
// call (a GET or a POST) succeeds without the caller seeing the 401.
func TestUnexpected401RenewsOnce(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	apps := kind(t, "apps")
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	srv.RevokeTokens()
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if n := srv.TokenRequests(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
	srv.RevokeTokens()
	name := uniqueName("revoked")
	if _, err := c.Create(ctx, apps, nil, appBody(name)); err != nil {
		t.Fatalf("create after revocation: %v", err)
	}
	if n := countByName(t, c, apps, nil, name); n != 1 {
		t.Fatalf("%d apps named %s", n, name)
	}
}

func TestBadCredentials(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	cfg := sandboxConfig(t, srv)
	cfg.ClientSecret = "wrong-secret-value"
	c := newClient(t, cfg)
	_, err := c.List(context.Background(), kind(t, "apps"), nil)
	var ae *api.Error
	if !errors.As(err, &ae) || !errors.Is(err, api.ErrUnauthorized) || !ae.TokenEndpoint || ae.Status != 401 {
		t.Fatalf("bad secret: %#v", err)
	}
	if ae.Attempts != 1 || srv.TokenRequests() != 1 {
		t.Fatalf("refused credentials were retried: %d attempts, %d token requests", ae.Attempts, srv.TokenRequests())
	}
	if strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("secret in error: %v", err)
	}
	s := c.Tokens().State()
	if s.Status != api.TokenFailed || s.Err == nil || !s.NextTry.IsZero() {
		t.Fatalf("state after refusal: %+v", s)
	}
}

// TestFaultsRecoveredOrTyped injects each fault kind and checks both the
// outcome and the exact number of requests the client sent.
func TestFaultsRecoveredOrTyped(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	var retries []api.RetryEvent
	var mu sync.Mutex
	cfg := sandboxConfig(t, srv)
	cfg.OnRetry = func(e api.RetryEvent) { mu.Lock(); retries = append(retries, e); mu.Unlock() }
	skipRetryWaits(t, &cfg, testutil.NewFakeClock(clockStart))
	c := newClient(t, cfg)
	apps := kind(t, "apps")
	ctx := context.Background()
	if _, err := c.List(ctx, apps, nil); err != nil { // token in hand before counting
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		inject   string
		n        int
		spec     string // a standing fault mix instead of InjectNext
		requests int64  // API requests the call must make
		kind     error  // nil: the call succeeds
		status   int
		excerpt  string
		minWait  time.Duration // the shortest retry wait expected
		// transport: net/http itself repeats a GET once when a reused
		// connection is dropped, so the client sees fewer failures than
		// the sandbox sent (and a standing fault may cost an extra request
		// per attempt).
		transport bool
	}{
		{name: "504 burst", inject: "504", n: 3, requests: 4},
		{name: "503 burst", inject: "503", n: 2, requests: 3},
		{name: "502", inject: "502", n: 1, requests: 2},
		{name: "dropped connections", inject: "reset", n: 2, requests: 3, transport: true},
		{name: "html error page", inject: "html", n: 1, requests: 2},
		{name: "429 honours Retry-After", inject: "429", n: 1, requests: 2, minWait: time.Second},
		{name: "malformed JSON", inject: "garbage", n: 1, requests: 1, kind: api.ErrBadResponse, status: 200},
		{name: "500 is not retried", inject: "500", n: 1, requests: 1, kind: api.ErrServer, status: 500},
		{name: "503 that does not stop", spec: "503=1", requests: 4, kind: api.ErrServer, status: 503},
		{name: "html that does not stop", spec: "html=1", requests: 4, kind: api.ErrServer, status: 502, excerpt: "502 Bad Gateway"},
		{name: "resets that do not stop", spec: "reset=1", requests: 4, kind: api.ErrNetwork, transport: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			retries = nil
			mu.Unlock()
			if tt.spec != "" {
				if err := srv.SetFaults(tt.spec); err != nil {
					t.Fatal(err)
				}
				defer srv.SetFaults("")
			} else {
				srv.InjectNext(tt.inject, tt.n)
			}
			before := srv.APIRequests()
			es, err := c.List(ctx, apps, nil)
			got := srv.APIRequests() - before
			if got != tt.requests && !(tt.transport && tt.spec != "" && got > tt.requests && got <= 2*tt.requests) {
				t.Errorf("%d API requests, want %d", got, tt.requests)
			}
			if tt.kind == nil {
				if err != nil || len(es) == 0 {
					t.Fatalf("not recovered: %v", err)
				}
				mu.Lock()
				defer mu.Unlock()
				if n := int64(len(retries)); n != tt.requests-1 && !(tt.transport && n < tt.requests-1) {
					t.Errorf("%d retry events", len(retries))
				}
				for _, r := range retries {
					if r.Wait < tt.minWait {
						t.Errorf("waited %v, less than the %v asked for", r.Wait, tt.minWait)
					}
				}
				return
			}
			var ae *api.Error
			if !errors.As(err, &ae) || !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want kind %v", err, tt.kind)
			}
			if ae.Status != tt.status || ae.Attempts != int(tt.requests) || ae.Method != "GET" || !strings.HasPrefix(ae.Path, "/v1/apps?") {
				t.Errorf("error fields: %+v", ae)
			}
			if !strings.Contains(ae.Excerpt+ae.Error(), tt.excerpt) {
				t.Errorf("error %q lacks %q", ae.Error(), tt.excerpt)
			}
		})
	}
}

// TestWritesUnderFaults: a POST is never repeated after a 504 or a dropped
// connection (the sandbox carries those requests out and loses the answer),
// is repeated after a 429 and when the connection was refused; PUT and
// DELETE are repeated, and a DELETE whose first answer was lost succeeds.
func TestWritesUnderFaults(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	cfg := sandboxConfig(t, srv)
	skipRetryWaits(t, &cfg, testutil.NewFakeClock(clockStart))
	c := newClient(t, cfg)
	ctx := context.Background()
	apps := kind(t, "apps")
	if _, err := c.List(ctx, apps, nil); err != nil {
		t.Fatal(err)
	}
	for _, fault := range []string{"504", "reset"} {
		t.Run("POST after "+fault, func(t *testing.T) {
			name := uniqueName("post-" + fault)
			srv.InjectNext(fault, 1)
			before := srv.APIRequests()
			_, err := c.Create(ctx, apps, nil, appBody(name))
			var ae *api.Error
			if !errors.As(err, &ae) || !ae.MaybeApplied || ae.Attempts != 1 {
				t.Fatalf("want a maybe-applied error after one attempt, got %#v", err)
			}
			if !strings.Contains(err.Error(), "may or may not have been applied") {
				t.Errorf("message does not say so: %v", err)
			}
			if n := srv.APIRequests() - before; n != 1 {
				t.Fatalf("POST sent %d times", n)
			}
			if n := countByName(t, c, apps, nil, name); n != 1 {
				t.Fatalf("%d apps named %s, want exactly the one the lost answer created", n, name)
			}
		})
	}
	t.Run("POST answered with garbage", func(t *testing.T) {
		srv.InjectNext("garbage", 1)
		_, err := c.Create(ctx, apps, nil, appBody(uniqueName("garbage")))
		var ae *api.Error
		if !errors.As(err, &ae) || !errors.Is(err, api.ErrBadResponse) || !ae.MaybeApplied || ae.Attempts != 1 || ae.Status != 200 {
			t.Fatalf("a 200 that cannot be read after a POST: %#v", err)
		}
	})
	t.Run("POST after 429", func(t *testing.T) {
		name := uniqueName("post-429")
		srv.InjectNext("429", 1)
		e, err := c.Create(ctx, apps, nil, appBody(name))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != name || countByName(t, c, apps, nil, name) != 1 {
			t.Fatalf("created %+v", e)
		}
	})
	t.Run("POST after 503 is repeated: the server declined it", func(t *testing.T) {
		name := uniqueName("post-503")
		srv.InjectNext("503", 1)
		before := srv.APIRequests()
		e, err := c.Create(ctx, apps, nil, appBody(name))
		if err != nil {
			t.Fatal(err)
		}
		if n := srv.APIRequests() - before; n != 2 || e.Name != name || countByName(t, c, apps, nil, name) != 1 {
			t.Fatalf("sent %d times, created %+v", n, e)
		}
	})
	t.Run("POST answered 503 to the end is not in doubt", func(t *testing.T) {
		cfg := sandboxConfig(t, srv)
		cfg.Retry.MaxAttempts = 2
		c2 := newClient(t, cfg)
		name := uniqueName("post-503-503")
		srv.InjectNext("503", 2)
		_, err := c2.Create(ctx, apps, nil, appBody(name))
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Status != 503 || ae.MaybeApplied || ae.Attempts != 2 {
			t.Fatalf("want a 503 after two attempts, not in doubt: %#v", err)
		}
		if n := countByName(t, c, apps, nil, name); n != 0 {
			t.Fatalf("%d apps named %s after a 503", n, name)
		}
	})
	t.Run("POST when the connection is refused", func(t *testing.T) {
		cfg := sandboxConfig(t, srv)
		cfg.V1BaseURL = "http://" + closedAddr(t) + "/v1"
		cfg.Retry.MaxAttempts = 3
		dead := newClient(t, cfg)
		_, err := dead.Create(ctx, apps, nil, appBody(uniqueName("refused")))
		var ae *api.Error
		if !errors.As(err, &ae) || !errors.Is(err, api.ErrNetwork) || ae.MaybeApplied || ae.Attempts != 3 {
			t.Fatalf("refused POST: %#v", err)
		}
	})
	t.Run("PUT after 504 is repeated", func(t *testing.T) {
		e, err := c.Create(ctx, apps, nil, appBody(uniqueName("put")))
		if err != nil {
			t.Fatal(err)
		}
		renamed := uniqueName("renamed")
		srv.InjectNext("504", 1)
		got, err := c.Update(ctx, apps, nil, e.ID, []byte(fmt.Sprintf(`{"name":%q}`, renamed)))
		if err != nil || got.Name != renamed {
			t.Fatalf("update: %+v %v", got, err)
		}
	})
	t.Run("DELETE whose answer was lost", func(t *testing.T) {
		e, err := c.Create(ctx, apps, nil, appBody(uniqueName("del")))
		if err != nil {
			t.Fatal(err)
		}
		pf := kind(t, "platforms")
		ps, err := c.List(ctx, pf, e.Ref())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if err := c.Delete(ctx, pf, e.Ref(), p.ID); err != nil {
				t.Fatal(err)
			}
		}
		srv.InjectNext("504", 1)
		if err := c.Delete(ctx, apps, nil, e.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if ok, err := c.Exists(ctx, apps, nil, e.ID); err != nil || ok {
			t.Fatalf("still there: %v %v", ok, err)
		}
	})
}

// TestTypedErrors: the API's own refusals keep their status and items.
func TestTypedErrors(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	apps := kind(t, "apps")
	vcfg := sandboxConfig(t, srv)
	vcfg.ClientID, vcfg.ClientSecret = sandbox.ViewerClientID, sandbox.ViewerClientSecret
	viewer := newClient(t, vcfg)
	tests := []struct {
		name   string
		call   func() error
		kind   error
		status int
		item   string
	}{
		{"404", func() error { _, err := c.Get(ctx, apps, nil, "99999999"); return err }, api.ErrNotFound, 404, ""},
		{"422 documented message", func() error {
			_, err := c.Create(ctx, apps, nil, []byte(`{"name":"","platforms":[{"os":"iOS"}]}`))
			return err
		},
			api.ErrValidation, 422, "VALIDATION_ERROR: App name not specified."},
		{"400 malformed body", func() error {
			_, err := c.Do(ctx, api.Request{Method: "POST", Path: "/apps", Body: []byte(`{"name":`)})
			return err
		}, api.ErrValidation, 400, ""},
		{"403 read-only credential", func() error { _, err := viewer.Create(ctx, apps, nil, appBody(uniqueName("viewer"))); return err },
			api.ErrForbidden, 403, ""},
		{"404 account out of reach", func() error { _, err := viewer.WithAccount(2).List(ctx, apps, nil); return err },
			api.ErrNotFound, 404, ""},
		{"v2 400 documented message", func() error {
			wss, err := c.List(ctx, kind(t, "workspaces"), nil)
			if err != nil {
				return err
			}
			_, err = c.Create(ctx, kind(t, "ca"), wss[0].Ref(), []byte(`{"description":"no name"}`))
			return err
		}, api.ErrValidation, 400, "VALIDATION_ERROR: Field 'name' is required."},
		{"v2 404", func() error {
			_, err := c.Get(ctx, kind(t, "ca"), api.Ref{"workspace": "99999999"}, "1")
			return err
		}, api.ErrNotFound, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae *api.Error
			if !errors.As(err, &ae) || !errors.Is(err, tt.kind) || ae.Status != tt.status {
				t.Fatalf("got %v, want %v %d", err, tt.kind, tt.status)
			}
			if tt.item != "" && (len(ae.Items) == 0 || ae.Items[0].String() != tt.item) {
				t.Fatalf("items %v, want %q", ae.Items, tt.item)
			}
			if ae.Attempts != 1 {
				t.Errorf("a %d was retried (%d attempts)", tt.status, ae.Attempts)
			}
		})
	}
}

// TestSecretsNeverLeak drives every failure path and checks that neither
// the client secret nor any token appears in an error, a log line or the
// token state's text.
func TestSecretsNeverLeak(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	var logs testutil.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := sandboxConfig(t, srv)
	cfg.Logger = logger
	cfg.OnRetry = func(e api.RetryEvent) { logger.Info("retry event", "err", e.Err) }
	skipRetryWaits(t, &cfg, testutil.NewFakeClock(clockStart))
	c := newClient(t, cfg)
	ctx := context.Background()
	apps := kind(t, "apps")
	var texts []string
	note := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			var ae *api.Error
			if errors.As(err, &ae) && ae.Err != nil {
				texts = append(texts, ae.Err.Error())
			}
		}
	}
	state := func(r *api.Refresher) {
		s := r.State()
		texts = append(texts, s.String(), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s))
	}
	var tokens []string
	grab := func() {
		tok, err := c.Tokens().Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	_, err := c.List(ctx, apps, nil)
	note(err)
	grab()
	state(c.Tokens())
	for _, f := range []string{"garbage", "html", "500", "reset", "504", "429"} {
		srv.InjectNext(f, 1)
		_, err := c.Create(ctx, apps, nil, appBody(uniqueName("leak")))
		note(err)
	}
	_, err = c.Get(ctx, apps, nil, "99999999")
	note(err)
	_, err = c.Create(ctx, apps, nil, []byte(`{"name":""}`))
	note(err)
	srv.RevokeTokens()
	_, err = c.List(ctx, apps, nil)
	note(err)
	grab()
	srv.SetFaults("reset=1")
	_, err = c.List(ctx, apps, nil)
	note(err)
	srv.SetFaults("")

	bad := cfg
	bad.ClientSecret = "wrong-secret-0123"
	bad.CacheDir = t.TempDir()
	bc := newClient(t, bad)
	_, err = bc.List(ctx, apps, nil)
	note(err)
	state(bc.Tokens())

	dead := cfg
	dead.TokenURL = "http://" + closedAddr(t) + "/oauth/token"
	dead.CacheDir = t.TempDir()
	dead.Retry.MaxAttempts = 2
	dc := newClient(t, dead)
	_, err = dc.List(ctx, apps, nil)
	note(err)
	state(dc.Tokens())

	texts = append(texts, logs.String())
	if len(logs.String()) == 0 || len(texts) < 20 {
		t.Fatalf("nothing to check: %d texts, %d log bytes", len(texts), logs.Len())
	}
	for _, secret := range append([]string{sandbox.DefaultClientSecret, "wrong-secret-0123"}, tokens...) {
		for _, s := range texts {
			if strings.Contains(s, secret) {
				t.Fatalf("%q leaked into: %s", secret, s)
			}
		}
	}
}

// TestCRUDAndActions goes through the generic operations on writable
// kinds, calculated attributes' actions and HEAD included.
func TestCRUDAndActions(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	apps, pfs := kind(t, "apps"), kind(t, "platforms")

	app, err := c.Create(ctx, apps, nil, appBody(uniqueName("crud")))
	if err != nil {
		t.Fatal(err)
	}
	pf, err := c.Create(ctx, pfs, app.Ref(), []byte(`{"os":"android"}`))
	if err != nil {
		t.Fatal(err)
	}
	if pf.ID != "android" || !strings.Contains(string(pf.Raw), `"secret":"`) {
		t.Fatalf("created platform: %s %s (the secret is shown once, in the create answer)", pf.ID, pf.Raw)
	}
	got, err := c.Update(ctx, pfs, app.Ref(), "android", []byte(`{"crash_handling":"ForceCatch"}`))
	if err != nil || !strings.Contains(string(got.Raw), `"crash_handling":"ForceCatch"`) {
		t.Fatalf("update platform: %s %v", got.Raw, err)
	}

	wss, err := c.List(ctx, kind(t, "workspaces"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ca := kind(t, "ca")
	ws := wss[0].Ref()
	name := uniqueName("ca")
	created, err := c.Create(ctx, ca, ws, caBody(name))
	if err != nil {
		t.Fatalf("create CA: %v", err)
	}
	if created.ID == "" {
		t.Fatalf("create CA: no id in %s", created.Raw)
	}
	if ok, err := c.NameExists(ctx, ca, ws, name); err != nil || !ok {
		t.Fatalf("HEAD ?name=%s: %v %v", name, ok, err)
	}
	if ok, err := c.NameExists(ctx, ca, ws, name+"-nope"); err != nil || ok {
		t.Fatalf("HEAD of a free name: %v %v", ok, err)
	}
	e, err := c.Get(ctx, ca, ws, created.ID)
	if err != nil || e.Name != name {
		t.Fatalf("get CA: %+v %v", e, err)
	}
	if _, err := c.Act(ctx, ca, ws, created.ID, "activate"); err != nil {
		t.Fatalf("activate: %v", err)
	}
	st, err := c.Act(ctx, ca, ws, created.ID, "activation-status")
	if err != nil || !strings.Contains(string(st), `"is_active":true`) {
		t.Fatalf("activation status: %s %v", st, err)
	}
	act, err := c.Get(ctx, kind(t, "activation"), e.Ref(), "")
	if err != nil || act.ID != created.ID {
		t.Fatalf("activation kind: %+v %v", act, err)
	}
	if _, err := c.Act(ctx, ca, ws, created.ID, "calculation-status"); err != nil {
		t.Fatalf("calculation status: %v", err)
	}
	if _, err := c.Act(ctx, ca, ws, created.ID, "discard-draft"); err != nil {
		t.Fatalf("discard draft: %v", err)
	}
	if _, err := c.Act(ctx, ca, ws, created.ID, "frobnicate"); !errors.Is(err, api.ErrNotSupported) {
		t.Fatalf("unknown action: %v", err)
	}
	if err := c.Delete(ctx, ca, ws, created.ID); err != nil {
		t.Fatalf("delete CA: %v", err)
	}
	if ok, err := c.Exists(ctx, ca, ws, created.ID); err != nil || ok {
		t.Fatalf("deleted CA exists: %v %v", ok, err)
	}
	if err := c.Delete(ctx, kind(t, "workspaces"), nil, "1"); !errors.Is(err, api.ErrNotSupported) {
		t.Fatalf("delete workspace: %v", err)
	}
	var mr *api.MissingRefError
	if _, err := c.List(ctx, pfs, nil); !errors.As(err, &mr) || mr.Missing[0] != "app" {
		t.Fatalf("platforms without app: %v", err)
	}
}

// ---- helpers ----

var seq atomic.Int64

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e6, seq.Add(1))
}

func appBody(name string) []byte {
	return []byte(fmt.Sprintf(`{"name":%q,"platforms":[{"os":"iOS"}]}`, name))
}

func caBody(name string) []byte {
	return []byte(fmt.Sprintf(`{"name":%q,"description":"made by the client tests","draft_definition":{"recipe_type":"event",
	 "datapoint":{"type":"event","event_name":"Purchase","attribute_name":null,"event_type":"commerce_event","custom_event_type":"purchase"},
	 "conditions":[],"calculation_type":"count","time_period":{"type":"within","within":7,"within_unit":"days"}}}`, name))
}

func countByName(t *testing.T, c *api.Client, d *api.Descriptor, ref api.Ref, name string) int {
	t.Helper()
	es, err := c.List(context.Background(), d, ref)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Name == name {
			n++
		}
	}
	return n
}

// closedAddr is a loopback address nothing listens on: port 1 (tcpmux),
// which no service here binds. (Taking a free port and closing it would
// race with every other test on the machine binding 127.0.0.1:0.)
func closedAddr(t testing.TB) string {
	const addr = "127.0.0.1:1"
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Fatalf("something listens on %s; the refused-connection tests need it closed", addr)
	}
	return addr
}

// ---- benchmarks ----

// BenchmarkCatalogList lists apps through the catalogue: token, retries,
// envelope decoding and entity building included.
func BenchmarkCatalogList(b *testing.B) {
	srv := startSandbox(b, sandbox.Options{})
	c := newClient(b, sandboxConfig(b, srv))
	apps := kind(b, "apps")
	ctx := context.Background()
	if _, err := c.List(ctx, apps, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.List(ctx, apps, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHTTPGet is the same request with net/http alone: the floor
// BenchmarkCatalogList is compared against.
func BenchmarkBareHTTPGet(b *testing.B) {
	srv := startSandbox(b, sandbox.Options{})
	c := newClient(b, sandboxConfig(b, srv))
	tok, err := c.Tokens().Token(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	url := srv.V1URL() + "/apps?accountId=1"
	hc := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%v %d", err, resp.StatusCode)
		}
	}
}

// TestContextCancelsRetries: a cancelled context ends the backoff wait;
// the error keeps the last failure's kind and reaches the context's error.
func TestContextCancelsRetries(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	cfg := sandboxConfig(t, srv)
	cfg.Retry = api.RetryPolicy{MaxAttempts: 10, BaseDelay: time.Hour, MaxDelay: time.Hour, MaxElapsed: 10 * time.Hour}
	waiting := make(chan struct{}, 1)
	cfg.OnRetry = func(api.RetryEvent) { waiting <- struct{}{} }
	c := newClient(t, cfg)
	srv.InjectNext("503", 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-waiting; cancel() }()
	_, err := c.List(ctx, kind(t, "apps"), nil)
	var ae *api.Error
	if !errors.As(err, &ae) || !errors.Is(err, api.ErrServer) || !errors.Is(err, context.Canceled) || ae.Attempts != 1 {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("multi-line error: %q", err)
	}
}
