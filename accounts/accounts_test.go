package accounts

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/config"
)

func TestProfilesAndDefault(t *testing.T) {
	f, err := config.Parse("c.toml", []byte(`
default_profile = "b"
[profiles.a]
client_id = "x"
client_secret_env = "A_SECRET"
account_id = 7
[profiles.b]
client_id = "y"
client_secret_command = "echo never-run"
account_id = 8
read_only = true
color = "red"
`))
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{File: f, Getenv: func(string) string { return "" }})
	defer m.Close()
	var names []string
	for _, p := range m.Profiles() {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "a,b" {
		t.Fatalf("profiles %v", names)
	}
	p, err := m.Default()
	if err != nil || p.Name != "b" || !p.ReadOnly || p.Color != "red" || p.Host != "api.mparticle.com" {
		t.Fatalf("default %+v %v", p, err)
	}
	// Secrets are resolved when a client is asked for, and errors name the source, not the secret.
	if _, err := m.Client(context.Background(), "a", 0); err == nil || !strings.Contains(err.Error(), "$A_SECRET is empty") {
		t.Fatalf("client a: %v", err)
	}
	if _, err := m.Client(context.Background(), "nope", 0); err == nil || !strings.Contains(err.Error(), `no such profile "nope"`) {
		t.Fatalf("client nope: %v", err)
	}
}

func TestSandboxClientsShareOneRefresher(t *testing.T) {
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	m := New(Options{Sandbox: srv})
	defer m.Close()
	if p, err := m.Default(); err != nil || p.Name != SandboxProfile || !p.Sandbox {
		t.Fatalf("default %+v %v", p, err)
	}
	c1, err := m.Client(ctx, SandboxProfile, 0)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := m.Client(ctx, SandboxProfile, 2)
	if err != nil {
		t.Fatal(err)
	}
	if c1.AccountID() != 1 || c2.AccountID() != 2 || c1.Tokens() != c2.Tokens() {
		t.Fatalf("accounts %d %d, shared refresher %v", c1.AccountID(), c2.AccountID(), c1.Tokens() == c2.Tokens())
	}
	if again, _ := m.Client(ctx, SandboxProfile, 2); again != c2 {
		t.Fatal("a second Client call made a new client")
	}
	// Many sessions asking at once: one token fetch.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := m.Client(ctx, SandboxProfile, int64(1+i%2))
			if err == nil {
				_, err = c.Tokens().Token(ctx)
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := srv.TokenRequests(); n != 1 {
		t.Fatalf("%d token requests for one credential", n)
	}
	v, err := m.Client(ctx, ViewerProfile, 0)
	if err != nil || v.Tokens() == c1.Tokens() {
		t.Fatalf("viewer: %v, shares the admin refresher: %v", err, v.Tokens() == c1.Tokens())
	}
}

// A secret command that takes its time (a password manager waiting for a
// touch) holds up only the clients of its own profile: another profile's
// client, and a second caller of the same profile, wait for nothing and
// for it respectively. The Manager's lock was held while the command ran.
func TestASlowSecretHoldsUpOnlyItsProfile(t *testing.T) {
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	started, proceed := filepath.Join(dir, "started"), filepath.Join(dir, "proceed")
	for _, p := range []string{started, proceed} {
		if err := mkfifo(p); err != nil {
			t.Skipf("no fifo: %v", err)
		}
	}
	f, err := config.Parse("c.toml", []byte(fmt.Sprintf(`
[profiles.slow]
client_id = "sandbox"
client_secret_command = "echo > %s; cat %s"
account_id = 1
base_url = %q
`, started, proceed, srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{File: f, Sandbox: srv, NoCache: true})
	defer m.Close()

	type result struct {
		c   *api.Client
		err error
	}
	slow := make(chan result, 2)
	for range 2 {
		go func() {
			c, err := m.Client(ctx, "slow", 0)
			slow <- result{c, err}
		}()
	}
	// The command has started: one caller is making the client.
	if _, err := os.ReadFile(started); err != nil {
		t.Fatal(err)
	}
	other := make(chan error, 1)
	go func() {
		_, err := m.Client(ctx, SandboxProfile, 0)
		other <- err
	}()
	select {
	case err := <-other:
		if err != nil {
			t.Fatal(err)
		}
	case r := <-slow:
		t.Fatalf("the slow profile's client came first (%v)", r.err)
	case <-time.After(20 * time.Second): // a deadlock detector, not a timing assertion
		go os.WriteFile(proceed, []byte("x\n"), 0o600) // let the command end
		t.Fatal("another profile's client waits for the slow secret")
	}
	if err := os.WriteFile(proceed, []byte("the-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, b2 := <-slow, <-slow
	if a.err != nil || b2.err != nil || a.c != b2.c {
		t.Fatalf("two callers of one profile: %v %v, same client %v", a.err, b2.err, a.c == b2.c)
	}
}
