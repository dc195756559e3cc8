package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/config"
)

func TestConfigInitAndCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "mpconsole config init") {
		t.Fatalf("check without file: %d %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"config", "init", "--config", path}, nil, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("init mode: %v %v", fi, err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb); code != 0 {
		t.Fatalf("check: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "no profile defined: mpconsole starts the embedded sandbox") || strings.Contains(out.String(), "sandbox-secret") {
		t.Fatalf("check listing: %s", out.String())
	}
	if err := os.WriteFile(path, []byte("[profiles.x]\nclient_id=\"a\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), `profile "x": account_id: missing`) {
		t.Fatalf("bad file: %d %q", code, errb.String())
	}
	if code := run(context.Background(), []string{"config", "frob"}, nil, &out, &errb); code != 2 {
		t.Fatalf("bad usage: %d", code)
	}
}

// TestConfigInitKeepsTheSandboxStart: the file `config init` writes defines
// no profile, so the console still opens the embedded sandbox — and get,
// which never falls back to demo data, still asks for credentials.
func TestConfigInitKeepsTheSandboxStart(t *testing.T) {
	isolate(t)
	path := filepath.Join(t.TempDir(), "mpconsole", "config.toml")
	t.Setenv("MPCONSOLE_CONFIG", path)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"config", "init"}, nil, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Profiles) != 0 || f.DefaultProfile != "" {
		t.Fatalf("the example defines profiles %v (default %q)", f.ProfileNames(), f.DefaultProfile)
	}
	s, err := openSession(context.Background(), sessionFlags{})
	if err != nil {
		t.Fatalf("console session after config init: %v", err)
	}
	defer s.Close()
	if s.Profile != accounts.SandboxProfile || s.File == nil {
		t.Fatalf("console opens profile %q (file loaded: %v), want the embedded %q", s.Profile, s.File != nil, accounts.SandboxProfile)
	}
	if p, ok := s.Accounts.Profile(s.Profile); !ok || !p.Sandbox {
		t.Fatalf("profile %q is not the embedded sandbox: %+v", s.Profile, p)
	}
	code, stdout, stderr := getRun(t, "apps")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "no credentials") || !strings.Contains(stderr, "defines no profile") {
		t.Fatalf("get after config init: %d %q %q", code, stdout, stderr)
	}
}

// TestConfigRejectsSandboxProfileNames: a profile may not take the name of
// an embedded sandbox profile; check says where, as for any other problem.
func TestConfigRejectsSandboxProfileNames(t *testing.T) {
	isolate(t)
	for _, name := range []string{accounts.SandboxProfile, accounts.ViewerProfile} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			src := "# local\n[profiles.\"" + name + "\"]\nclient_id = \"x\"\nclient_secret_env = \"X\"\naccount_id = 1\n"
			if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb)
			want := path + ":2: profile \"" + name + "\": name: \"" + name + "\" is the name of an embedded sandbox profile"
			if code != 1 || !strings.Contains(errb.String(), want) {
				t.Fatalf("check: %d\n%s\nwant %s", code, errb.String(), want)
			}
			t.Setenv("MPCONSOLE_CONFIG", path)
			if _, err := openSession(context.Background(), sessionFlags{}); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("console: %v", err)
			}
		})
	}
}
