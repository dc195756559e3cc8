package accounts

import (
	"context"
	"strings"
	"sync"
	"testing"

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
