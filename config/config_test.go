package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseGood(t *testing.T) {
	src := `
default_profile = "prod"

[profiles.prod]
client_id = "abc"
client_secret_env = "PROD_SECRET"
account_id = 1234
read_only = true
color = "#d70000"

[profiles."local sandbox"]
client_id = "sandbox"
client_secret = "sandbox-secret"
account_id = 1
base_url = "http://127.0.0.1:8080/v1"
token_url = "http://127.0.0.1:8080/oauth/token"

[keys]
"global.quit" = ["q", "ctrl+q"]
"table.filter" = "/"
`
	f, err := Parse("c.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.ProfileNames(), ","); got != "local sandbox,prod" {
		t.Fatalf("profiles = %q", got)
	}
	p := f.Profiles["prod"]
	if p.Name != "prod" || !p.ReadOnly || p.AccountID != 1234 {
		t.Fatalf("prod = %+v", p)
	}
	v1, v2, tok, aud := p.Endpoints()
	if v1 != "https://api.mparticle.com/v1" || v2 != "https://api.mparticle.com/platform/v2" ||
		tok != "https://sso.auth.mparticle.com/oauth/token" || aud != "https://api.mparticle.com" {
		t.Fatalf("defaults: %s %s %s %s", v1, v2, tok, aud)
	}
	_, v2, _, _ = f.Profiles["local sandbox"].Endpoints()
	if v2 != "http://127.0.0.1:8080/platform/v2" {
		t.Fatalf("derived v2 = %s", v2)
	}
	bare := Profile{BaseURL: "http://127.0.0.1:8080"}
	if v1, v2, _, _ := bare.Endpoints(); v1 != "http://127.0.0.1:8080/v1" || v2 != "http://127.0.0.1:8080/platform/v2" {
		t.Fatalf("bare host: %s %s", v1, v2)
	}
	keys := f.KeyOverrides()
	if strings.Join(keys["global.quit"], " ") != "q ctrl+q" || strings.Join(keys["table.filter"], " ") != "/" {
		t.Fatalf("keys = %v", keys)
	}
}

func TestParseBad(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // substrings of the error, in order of lines
	}{
		{"syntax", "[profiles.a\nclient_id = 1", []string{"c.toml:2: expected"}},
		{"unknown field", "[profiles.a]\nclient_id = \"x\"\nclient_secret = \"y\"\naccount_id = 1\nacount = 2\n",
			[]string{`c.toml:5: profile "a": acount: unknown field`}},
		{"unknown top-level", "colour = 1\n", []string{`c.toml:1: colour: unknown field`}},
		{"missing client id", "[profiles.a]\nclient_secret = \"y\"\naccount_id = 1\n",
			[]string{`c.toml:1: profile "a": client_id: missing`}},
		{"no secret source", "[profiles.a]\nclient_id = \"x\"\naccount_id = 1\n",
			[]string{`c.toml:1: profile "a": client_secret: no secret source`}},
		{"two secret sources", "[profiles.a]\nclient_id = \"x\"\nclient_secret = \"s\"\nclient_secret_env = \"E\"\naccount_id = 1\n",
			[]string{`c.toml:3: profile "a": client_secret: more than one secret source`}},
		{"missing account", "[profiles.a]\nclient_id = \"x\"\nclient_secret = \"s\"\n",
			[]string{`c.toml:1: profile "a": account_id: missing`}},
		{"bad url", "[profiles.a]\nclient_id = \"x\"\nclient_secret = \"s\"\naccount_id = 1\nbase_url = \"ftp://h/v1\"\ntoken_url = \"http://\"\n",
			[]string{`c.toml:5: profile "a": base_url: "ftp://h/v1": want an http:// or https:// URL`, `c.toml:6: profile "a": token_url: "http://": no host`}},
		{"bad default", "default_profile = \"nope\"\n", []string{`c.toml:1: default_profile: names profile "nope", which is not defined`}},
		{"bad key type", "[keys]\n\"global.quit\" = 3\n", []string{"c.toml"}},
		{"unknown key action", "[keys]\n\"table.filtre\" = \"/\"\n", []string{`c.toml:2: keys.table.filtre: unknown action "table.filtre"`}},
		{"key bound twice", "[keys]\n\"table.filter\" = \"/\"\n\"table.inspect\" = \"/\"\n", []string{`c.toml:3: keys.table.inspect: key "/" is bound to both`}},
		{"bad colour", "[profiles.a]\nclient_id = \"x\"\nclient_secret = \"s\"\naccount_id = 1\ncolor = \"#12\"\n",
			[]string{`c.toml:5: profile "a": color:`}},
		{"embedded sandbox's name", "\n[profiles.sandbox]\nclient_id = \"x\"\nclient_secret_env = \"E\"\naccount_id = 1\n",
			[]string{`c.toml:2: profile "sandbox": name: "sandbox" is the name of an embedded sandbox profile; choose another (e.g. "local-sandbox")`}},
		{"embedded viewer's name, with other problems", "[profiles.\"sandbox-viewer\"]\nclient_id = \"x\"\n",
			[]string{`c.toml:1: profile "sandbox-viewer": name: "sandbox-viewer" is the name of an embedded sandbox profile`,
				`profile "sandbox-viewer": account_id: missing`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("c.toml", []byte(c.src))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "\"s\"") {
				t.Errorf("error leaks the secret: %q", msg)
			}
		})
	}
}

func TestSecretSources(t *testing.T) {
	env := map[string]string{"MY_SECRET": "from-env"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	cases := []struct {
		name    string
		p       Profile
		want    string
		wantErr string
	}{
		{"literal", Profile{Name: "a", ClientSecret: "lit"}, "lit", ""},
		{"env", Profile{Name: "a", ClientSecretEnv: "MY_SECRET"}, "from-env", ""},
		{"env unset", Profile{Name: "a", ClientSecretEnv: "NOPE"}, "", "$NOPE is empty or unset"},
		{"command", Profile{Name: "a", ClientSecretCommand: "printf 'cmd-secret\\n'"}, "cmd-secret", ""},
		{"command fails", Profile{Name: "a", ClientSecretCommand: "echo leaked-stdout; echo oops >&2; exit 3"}, "", "client_secret_command failed"},
		{"command empty", Profile{Name: "a", ClientSecretCommand: "true"}, "", "printed nothing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.p.Secret(ctx, getenv)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				if strings.Contains(err.Error(), "leaked-stdout") {
					t.Fatalf("error shows the command's output: %v", err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Secret() = %q, %v", got, err)
			}
		})
	}
}

func TestLoadWarnsOnReadableSecret(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	src := "[profiles.a]\nclient_id = \"x\"\nclient_secret = \"topsecret\"\naccount_id = 1\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "chmod 600 "+path) {
		t.Fatalf("warnings = %q", f.Warnings)
	}
	if strings.Contains(f.Warnings[0], "topsecret") {
		t.Fatal("warning leaks the secret")
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err = Load(path); err != nil || len(f.Warnings) != 0 {
		t.Fatalf("0600 file: %v %q", err, f.Warnings)
	}
	if _, err := Load(filepath.Join(dir, "none.toml")); !errors.Is(err, ErrNoFile) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestInit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.toml")
	if err := Init(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, %v", fi.Mode(), err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if f.DefaultProfile != "" || len(f.Profiles) != 0 || len(f.Warnings) != 0 {
		t.Fatalf("example: default %q, profiles %v, warnings %v", f.DefaultProfile, f.ProfileNames(), f.Warnings)
	}
	if err := Init(path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second init: %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if _, ok, _ := FromEnv(getenv); ok {
		t.Fatal("env profile without MPARTICLE_CLIENT_ID")
	}
	env["MPARTICLE_CLIENT_ID"] = "id"
	if _, ok, err := FromEnv(getenv); !ok || err == nil || !strings.Contains(err.Error(), "MPARTICLE_CLIENT_SECRET is not set") {
		t.Fatalf("err = %v", err)
	}
	env["MPARTICLE_CLIENT_SECRET"] = "s3cr3t"
	env["MPARTICLE_ACCOUNT_ID"] = "x"
	if _, _, err := FromEnv(getenv); err == nil || !strings.Contains(err.Error(), `MPARTICLE_ACCOUNT_ID="x"`) {
		t.Fatalf("err = %v", err)
	}
	env["MPARTICLE_ACCOUNT_ID"] = "7"
	env["MPARTICLE_BASE_URL"] = "http://127.0.0.1:9/v1"
	p, ok, err := FromEnv(getenv)
	if !ok || err != nil || p.AccountID != 7 || p.Name != EnvProfile {
		t.Fatalf("%+v %v %v", p, ok, err)
	}
	if s, err := p.Secret(context.Background(), getenv); err != nil || s != "s3cr3t" {
		t.Fatalf("secret %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(Example))
	f.Add([]byte("[profiles.a]\nclient_id=1"))
	f.Add([]byte("[keys]\nx=[1,2]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("f.toml", data)
	})
}

func TestSSHKeys(t *testing.T) {
	src := `
[profiles.a]
client_id = "x"
client_secret_env = "S"
account_id = 1

[[ssh.keys]]
fingerprint = "SHA256:abc"
name = "alice"
profiles = ["a"]
read_only = true
`
	f, err := Parse("c.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	k, ok := f.SSH.Rights("SHA256:abc")
	if !ok || !k.ReadOnly || k.Name != "alice" || len(k.Profiles) != 1 {
		t.Fatalf("rights = %+v %v", k, ok)
	}
	if _, ok := f.SSH.Rights("SHA256:other"); ok {
		t.Fatal("unknown key has rights")
	}
	bad := src + "\n[[ssh.keys]]\nfingerprint = \"MD5:1\"\nprofiles = [\"nope\"]\n"
	_, err = Parse("c.toml", []byte(bad))
	if err == nil || !strings.Contains(err.Error(), "is not a SHA256 key fingerprint") ||
		!strings.Contains(err.Error(), `names profile "nope"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestExampleDefinesNoProfile: the file `config init` writes parses, and
// every profile in it is commented out, so it leaves the console on the
// embedded sandbox; uncommented, its profiles are valid.
func TestExampleDefinesNoProfile(t *testing.T) {
	setting := regexp.MustCompile(`^(\[[a-z]|[a-z_"][a-z_."]*\s*=)`)
	f, err := Parse("example.toml", []byte(Example))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Profiles) != 0 || f.DefaultProfile != "" || len(f.Keys) != 0 {
		t.Fatalf("example defines something: profiles %v, default %q, keys %v", f.ProfileNames(), f.DefaultProfile, f.Keys)
	}
	var lines []string
	for _, l := range strings.Split(Example, "\n") {
		if rest, ok := strings.CutPrefix(l, "# "); ok && setting.MatchString(rest) {
			lines = append(lines, rest)
		}
	}
	f, err = Parse("uncommented.toml", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("the example, uncommented: %v", err)
	}
	if got := strings.Join(f.ProfileNames(), ","); got != "local,production,staging" || f.DefaultProfile != "production" {
		t.Fatalf("uncommented example: profiles %q, default %q", got, f.DefaultProfile)
	}
}
