package accounts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// starter starts real sandboxes for Open and counts them.
type starter struct {
	t       *testing.T
	started int
	fail    error
}

func (s *starter) start(ctx context.Context) (Sandbox, func() error, error) {
	if s.fail != nil {
		return nil, nil, s.fail
	}
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		s.t.Fatal(err)
	}
	s.started++
	return srv, srv.Close, nil
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	writeFile := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	two := writeFile("two.toml", `default_profile = "b"
[profiles.a]
client_id = "x"
client_secret_env = "A_SECRET"
account_id = 7
[profiles.b]
client_id = "y"
client_secret_env = "B_SECRET"
account_id = 8
`)
	empty := writeFile("empty.toml", "# no profile yet\n")
	missing := filepath.Join(dir, "missing.toml")
	env := map[string]string{"MPARTICLE_CLIENT_ID": "id", "MPARTICLE_CLIENT_SECRET": "s", "MPARTICLE_ACCOUNT_ID": "3"}

	tests := []struct {
		name    string
		env     map[string]string
		o       OpenOptions
		profile string // the session starts on it
		sandbox bool   // the embedded sandbox was started
		file    bool   // the profiles file was read
		err     string // the error says this
		setup   bool   // and it is a SetupError
		noStart bool   // Open is given no way to start the sandbox
	}{
		{name: "nothing configured: the sandbox", profile: SandboxProfile, sandbox: true},
		{name: "a file without profiles: the sandbox", o: OpenOptions{Config: empty}, profile: SandboxProfile, sandbox: true, file: true},
		{name: "the sandbox asked for", env: env, o: OpenOptions{UseSandbox: true, Config: two}, profile: SandboxProfile, sandbox: true},
		{name: "the viewer asked for", o: OpenOptions{UseSandbox: true, Profile: ViewerProfile}, profile: ViewerProfile, sandbox: true},
		{name: "environment first", env: env, o: OpenOptions{Config: two}, profile: "env", file: true},
		{name: "the file's default", o: OpenOptions{Config: two}, profile: "b", file: true},
		{name: "a profile by name", env: env, o: OpenOptions{Config: two, Profile: "a"}, profile: "a", file: true},
		{name: "the file from MPCONSOLE_CONFIG", env: map[string]string{"MPCONSOLE_CONFIG": two}, profile: "b", file: true},
		{name: "no such profile", o: OpenOptions{Config: two, Profile: "c"}, err: `no profile "c" (profiles: a, b)`, setup: true},
		{name: "explicit: no sandbox by accident", o: OpenOptions{Config: empty, Explicit: true},
			err: "no credentials: set MPARTICLE_CLIENT_ID", setup: true},
		{name: "explicit with a missing file", o: OpenOptions{Config: missing, Explicit: true},
			err: missing + ": no config file", setup: true},
		{name: "a named file that is missing", o: OpenOptions{Config: missing}, err: missing + ": no config file", setup: true},
		{name: "a profile with nothing configured", o: OpenOptions{Profile: "prod"}, err: "no credentials", setup: true},
		{name: "a broken environment profile", env: map[string]string{"MPARTICLE_CLIENT_ID": "id"},
			err: "MPARTICLE_CLIENT_SECRET is not set", setup: true},
		{name: "a negative budget", o: OpenOptions{RequestTimeout: -time.Second}, err: "request timeout -1s: want a positive duration", setup: true},
		{name: "no way to start the sandbox", o: OpenOptions{UseSandbox: true}, noStart: true, err: "embedded sandbox is not available"},
		{name: "the sandbox fails to start", o: OpenOptions{UseSandbox: true, StartSandbox: failingStarter}, err: "starting the sandbox: port taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &starter{t: t}
			o := tt.o
			if o.StartSandbox == nil && !tt.noStart {
				o.StartSandbox = st.start
			}
			vars := map[string]string{"MPCONSOLE_CONFIG": filepath.Join(dir, "none.toml")}
			for k, v := range tt.env {
				vars[k] = v
			}
			o.Getenv = func(k string) string { return vars[k] }
			s, err := Open(context.Background(), o)
			if tt.err != "" {
				var se *SetupError
				if err == nil || !strings.Contains(err.Error(), tt.err) || errors.As(err, &se) != tt.setup {
					t.Fatalf("error %v (setup error: %v), want %q (setup error: %v)", err, errors.As(err, &se), tt.err, tt.setup)
				}
				if s != nil {
					t.Fatal("a session came with the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, ok := s.Accounts.Profile(s.Profile)
			if s.Profile != tt.profile || !ok || p.Sandbox != tt.sandbox || (st.started == 1) != tt.sandbox || (s.File != nil) != tt.file {
				t.Fatalf("profile %q (%+v), sandbox started %d, file %v", s.Profile, p, st.started, s.File != nil)
			}
			if s.StateTemporary != tt.sandbox || (s.StateDir != "") != tt.sandbox {
				t.Fatalf("state dir %q, temporary %v", s.StateDir, s.StateTemporary)
			}
		})
	}
}

func failingStarter(context.Context) (Sandbox, func() error, error) {
	return nil, nil, errors.New("port taken")
}

// TestOpenSandboxStateDir: the embedded sandbox's state directory is its
// own (0700) and goes with it.
func TestOpenSandboxStateDir(t *testing.T) {
	st := &starter{t: t}
	s, err := Open(context.Background(), OpenOptions{UseSandbox: true, StartSandbox: st.start})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.StateDir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		s.Close()
		t.Fatalf("state dir: %v %v", fi, err)
	}
	s.Close()
	if _, err := os.Stat(s.StateDir); !os.IsNotExist(err) {
		t.Fatalf("the state dir outlived the session: %v", err)
	}
}

// TestOpenRequestTimeout: the budget given to Open bounds the session's
// API calls, attempts included, against a sandbox slower than the budget.
func TestOpenRequestTimeout(t *testing.T) {
	var srv *sandbox.Server
	start := func(ctx context.Context) (Sandbox, func() error, error) {
		var err error
		srv, err = sandbox.Start(ctx, sandbox.Options{Latency: 5 * time.Second})
		if err != nil {
			return nil, nil, err
		}
		return srv, srv.Close, nil
	}
	const budget = 400 * time.Millisecond
	s, err := Open(context.Background(), OpenOptions{UseSandbox: true, StartSandbox: start, RequestTimeout: budget})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Accounts.Client(context.Background(), s.Profile, 0)
	if err != nil {
		t.Fatal(err)
	}
	apps, _ := api.Lookup("apps")
	began := time.Now()
	_, err = c.List(context.Background(), apps, nil)
	took := time.Since(began)
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Attempts != api.DefaultMaxAttempts {
		t.Fatalf("error %v, want one that gave up after %d attempts", err, api.DefaultMaxAttempts)
	}
	if took > budget+500*time.Millisecond {
		t.Errorf("the call took %v with a budget of %v", took, budget)
	}
}

func TestRetryWithin(t *testing.T) {
	tests := []struct {
		budget time.Duration
		want   api.RetryPolicy
	}{
		{0, api.RetryPolicy{}},
		{api.DefaultMaxElapsed, api.RetryPolicy{}},
		{4500 * time.Millisecond, api.RetryPolicy{MaxElapsed: 4500 * time.Millisecond, BaseDelay: 25 * time.Millisecond, MaxDelay: 800 * time.Millisecond}},
		{450 * time.Millisecond, api.RetryPolicy{MaxElapsed: 450 * time.Millisecond, BaseDelay: 2500 * time.Microsecond, MaxDelay: 80 * time.Millisecond}},
		{90 * time.Second, api.RetryPolicy{MaxElapsed: 90 * time.Second}},
		{time.Nanosecond, api.RetryPolicy{MaxElapsed: time.Nanosecond, BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond}},
	}
	for _, tt := range tests {
		if got := RetryWithin(tt.budget); got != tt.want {
			t.Errorf("RetryWithin(%v) = %+v, want %+v", tt.budget, got, tt.want)
		}
	}
}
