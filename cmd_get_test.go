package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/views/errview"
)

// getRun runs `mpconsole get ARGS…` through run() and returns the exit
// code, stdout and stderr.
func getRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"get"}, args...), nil, &out, &errb)
	return code, out.String(), errb.String()
}

// isolate keeps the test away from the user's profiles file, environment
// profile and token cache.
func isolate(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("MPCONSOLE_CONFIG", filepath.Join(dir, "config", "none.toml"))
	for _, v := range []string{"MPARTICLE_CLIENT_ID", "MPARTICLE_CLIENT_SECRET", "MPARTICLE_ACCOUNT_ID",
		"MPARTICLE_BASE_URL", "MPARTICLE_TOKEN_URL", "MPARTICLE_AUDIENCE"} {
		t.Setenv(v, "")
	}
}

func TestGetSandbox(t *testing.T) {
	isolate(t)
	code, out, errs := getRun(t, "apps", "--sandbox", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	apps := decodeArray(t, out)
	if len(apps) == 0 {
		t.Fatalf("no apps:\n%s", out)
	}
	for _, a := range apps {
		if a["data_type"] != "application" || a["id"] == nil {
			t.Fatalf("entity not as the API sent it: %v", a)
		}
	}
	id := jsonID(apps[0]["id"])

	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  []string // substrings expected on stdout
		stderr  []string // substrings expected on stderr
		nostdio bool     // stdout must be empty
	}{
		{name: "table", args: []string{"apps", "--sandbox"}, stdout: []string{"ID", "NAME", "PLATFORMS", "MODIFIED"}},
		{name: "one by id, flags anywhere", args: []string{"--sandbox", "app", id, "-o", "json"}, stdout: []string{`"id": ` + id}},
		{name: "children with --parent", args: []string{"platforms", "--parent", "app=" + id, "--sandbox"}, stdout: []string{"OS", "ACCESS KEY"}},
		{name: "kind alias as parent key", args: []string{"platforms", "--sandbox", "--parent", "apps=" + id, "-o", "json"}, stdout: []string{`"application_id"`}},
		{name: "v2 kind", args: []string{"ca", "--sandbox", "--parent", "workspace=" + firstWorkspace(t)}, stdout: []string{"STATE", "CALCULATION"}},
		{name: "missing parent", args: []string{"platforms", "--sandbox"}, code: 2, stderr: []string{"platforms need app", "--parent app=ID"}, nostdio: true},
		{name: "parent the kind does not take", args: []string{"apps", "--sandbox", "--parent", "workspace=1"}, code: 2, stderr: []string{"apps take no parent"}, nostdio: true},
		{name: "bad parent syntax", args: []string{"platforms", "--sandbox", "--parent", "app"}, code: 2, stderr: []string{"want KIND=ID"}, nostdio: true},
		{name: "unknown parent", args: []string{"platforms", "--sandbox", "--parent", "planet=1"}, code: 2, stderr: []string{`--parent planet=1: unknown parent kind "planet" (platforms take app)`}, nostdio: true},
		{name: "parent alias", args: []string{"activation", "--sandbox", "--parent", "ws=1", "--parent", "ca=1", "--request-timeout", "5s"}, code: 1, stderr: []string{"404"}, nostdio: true},
		{name: "request timeout not positive", args: []string{"apps", "--sandbox", "--request-timeout", "0s"}, code: 2, stderr: []string{"--request-timeout 0s: want a positive duration"}, nostdio: true},
		{name: "request timeout not a duration", args: []string{"apps", "--sandbox", "--request-timeout", "soon"}, code: 2, stderr: []string{"request-timeout"}, nostdio: true},
		{name: "unknown kind", args: []string{"gizmos", "--sandbox"}, code: 2, stderr: []string{`unknown kind "gizmos"`, "apps"}, nostdio: true},
		{name: "no kind", args: []string{"--sandbox"}, code: 2, stderr: []string{"no KIND given"}, nostdio: true},
		{name: "bad output", args: []string{"apps", "--sandbox", "-o", "xml"}, code: 2, stderr: []string{`-o "xml": want table, wide, json, yaml or name`}, nostdio: true},
		{name: "unknown flag", args: []string{"apps", "--sandbox", "--frob"}, code: 2, stderr: []string{"unknown flag: --frob", "mpconsole get --help"}, nostdio: true},
		{name: "too many args", args: []string{"apps", "1", "2", "--sandbox"}, code: 2, stderr: []string{"too many arguments"}, nostdio: true},
		{name: "bad account", args: []string{"apps", "--sandbox", "--account", "x"}, code: 2, stderr: []string{`--account "x"`}, nostdio: true},
		{name: "not found is an API error", args: []string{"apps", "99999999", "--sandbox"}, code: 1, stderr: []string{"404 Not Found (GET /v1/apps/99999999?accountId=1)"}, nostdio: true},
		{name: "another account", args: []string{"apps", "--sandbox", "--account", "2", "-o", "json"}, stdout: []string{`"data_type": "application"`}},
		{name: "account out of reach", args: []string{"apps", "--sandbox", "--account", "999"}, code: 1, stderr: []string{"404"}, nostdio: true},
		{name: "help", args: []string{"-h"}, stdout: []string{"mpconsole get KIND [ID]", "calculatedattributes", "--parent workspace=ID", "--no-headers"}},
		{name: "help flag after arguments", args: []string{"apps", "--sandbox", "--help"}, stdout: []string{"mpconsole get KIND [ID]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := getRun(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
			if tt.nostdio && out != "" {
				t.Errorf("stdout not empty: %s", out)
			}
		})
	}
}

// TestGetEnvironmentProfile points the MPARTICLE_* variables at a sandbox
// served on its own, as a script against a real account would.
func TestGetEnvironmentProfile(t *testing.T) {
	isolate(t)
	srv, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	t.Setenv("MPARTICLE_CLIENT_ID", sandbox.ViewerClientID)
	t.Setenv("MPARTICLE_CLIENT_SECRET", sandbox.ViewerClientSecret)
	t.Setenv("MPARTICLE_ACCOUNT_ID", "1")
	t.Setenv("MPARTICLE_BASE_URL", srv.V1URL())
	t.Setenv("MPARTICLE_TOKEN_URL", srv.TokenURL())

	code, out, errs := getRun(t, "workspaces", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if ws := decodeArray(t, out); len(ws) == 0 {
		t.Fatalf("no workspaces: %s", out)
	}
	// The token is cached (under XDG_CACHE_HOME here): the second run does
	// not ask for one.
	if code, _, errs := getRun(t, "users"); code != 0 {
		t.Fatalf("second run: %d %s", code, errs)
	}
	if n := srv.TokenRequests(); n != 1 {
		t.Fatalf("%d token requests for two runs, want 1 (cache)", n)
	}

	t.Setenv("MPARTICLE_CLIENT_SECRET", "not-the-secret")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, out, errs = getRun(t, "apps")
	if code != 1 || out != "" || !strings.Contains(errs, "401") || !strings.Contains(errs, "token endpoint refused") {
		t.Fatalf("bad secret: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if strings.Contains(errs, "not-the-secret") {
		t.Fatalf("the secret is in the message: %s", errs)
	}

	t.Setenv("MPARTICLE_ACCOUNT_ID", "")
	if code, _, errs := getRun(t, "apps"); code != 2 || !strings.Contains(errs, "MPARTICLE_ACCOUNT_ID is not set") {
		t.Fatalf("incomplete environment: %d %s", code, errs)
	}
}

func TestGetWithoutCredentials(t *testing.T) {
	isolate(t)
	code, out, errs := getRun(t, "apps")
	if code != 2 || out != "" || !strings.Contains(errs, "no credentials") || !strings.Contains(errs, "--sandbox") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if code, _, errs := getRun(t, "apps", "--profile", "prod"); code != 2 || !strings.Contains(errs, "no credentials") {
		t.Fatalf("--profile without a file: %d %s", code, errs)
	}
	if code, _, errs := getRun(t, "apps", "--sandbox", "--profile", "prod"); code != 2 || !strings.Contains(errs, "exclude each other") {
		t.Fatalf("--sandbox with --profile: %d %s", code, errs)
	}
}

// decodeArray reads get's JSON output, numbers kept as written.
func decodeArray(t *testing.T, out string) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	var v []map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not a JSON array of objects: %v\n%s", err, out)
	}
	return v
}

func jsonID(v any) string { return fmt.Sprint(v) }

// firstWorkspace asks the sandbox for a workspace that has calculated
// attributes.
func firstWorkspace(t *testing.T) string {
	t.Helper()
	code, out, errs := getRun(t, "workspaces", "--sandbox", "-o", "json")
	if code != 0 {
		t.Fatalf("workspaces: %d %s", code, errs)
	}
	for _, w := range decodeArray(t, out) {
		id := jsonID(w["id"])
		if code, out, _ := getRun(t, "ca", "--sandbox", "--parent", "workspace="+id, "-o", "json"); code == 0 && strings.TrimSpace(out) != "[]" {
			return id
		}
	}
	t.Fatal("no workspace with calculated attributes in the seed")
	return ""
}

// TestGetProfileFromFile uses the profiles file: --profile NAME, and the
// default profile when none is named.
func TestGetProfileFromFile(t *testing.T) {
	isolate(t)
	srv, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	path := filepath.Join(t.TempDir(), "config.toml")
	file := fmt.Sprintf(`default_profile = "admin"

[profiles.admin]
client_id = %q
client_secret = %q
account_id = 1
base_url = %q
token_url = %q

[profiles.second]
client_id = %q
client_secret_env = "SECOND_SECRET"
account_id = 2
base_url = %q
token_url = %q
`, sandbox.DefaultClientID, sandbox.DefaultClientSecret, srv.V1URL(), srv.TokenURL(),
		sandbox.DefaultClientID, srv.V1URL(), srv.TokenURL())
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MPCONSOLE_CONFIG", path)
	t.Setenv("SECOND_SECRET", sandbox.DefaultClientSecret)

	code, out1, errs := getRun(t, "accounts", "1", "-o", "json")
	if code != 0 || !strings.Contains(out1, `"id": 1`) {
		t.Fatalf("default profile: %d %s %s", code, out1, errs)
	}
	code, out2, errs := getRun(t, "apps", "--profile", "second", "-o", "json")
	if code != 0 {
		t.Fatalf("--profile second: %d %s", code, errs)
	}
	code, out3, _ := getRun(t, "apps", "-o", "json")
	if code != 0 || out2 == out3 {
		t.Fatalf("profile second (account 2) shows account 1's apps:\n%s", out2)
	}
	if code, _, errs := getRun(t, "apps", "--profile", "nope"); code != 2 || !strings.Contains(errs, `no profile "nope"`) {
		t.Fatalf("unknown profile: %d %s", code, errs)
	}
	if code, _, errs := getRun(t, "apps", "--config", filepath.Join(t.TempDir(), "x.toml")); code != 2 || !strings.Contains(errs, "no credentials") {
		t.Fatalf("--config to a missing file: %d %s", code, errs)
	}
}

// silentAddr starts a TCP listener that accepts connections and never
// answers, and returns its address.
func silentAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go io.Copy(io.Discard, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// shortBudget is the --request-timeout of the tests that wait for the
// client to give up: a fraction of a second instead of the documented 45 s.
const shortBudget = 600 * time.Millisecond

// TestGetGivesUpWithinBudget: against an API that accepts connections and
// never answers, get and the console's clients stop within the retry
// budget, after the documented number of attempts, and say so.
func TestGetGivesUpWithinBudget(t *testing.T) {
	isolate(t)
	srv, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	silent := silentAddr(t)
	t.Setenv("MPARTICLE_CLIENT_ID", sandbox.ViewerClientID)
	t.Setenv("MPARTICLE_CLIENT_SECRET", sandbox.ViewerClientSecret)
	t.Setenv("MPARTICLE_ACCOUNT_ID", "1")
	t.Setenv("MPARTICLE_TOKEN_URL", srv.TokenURL())

	for _, where := range []struct{ name, env, url string }{
		{"API", "MPARTICLE_BASE_URL", "http://" + silent + "/v1"},
		{"token endpoint", "MPARTICLE_TOKEN_URL", "http://" + silent + "/oauth/token"},
	} {
		t.Run(where.name, func(t *testing.T) {
			t.Setenv(where.env, where.url)
			start := time.Now()
			code, out, errs := getRun(t, "apps", "--request-timeout", shortBudget.String())
			took := time.Since(start)
			if code != 1 || out != "" {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
			}
			if took > shortBudget+500*time.Millisecond {
				t.Errorf("get took %v with a budget of %v", took, shortBudget)
			}
			if !strings.Contains(errs, "gave up after 5 attempts in ") || !strings.Contains(errs, "no answer within") {
				t.Errorf("stderr does not say how it gave up: %s", errs)
			}

			// The console's clients come from the same session code; its
			// error pane reads the attempts from the error.
			s, err := openSession(context.Background(), sessionFlags{requestTimeout: shortBudget})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			c, err := s.Accounts.Client(context.Background(), s.Profile, 0)
			if err != nil {
				t.Fatal(err)
			}
			apps, _ := api.Lookup("apps")
			start = time.Now()
			_, err = c.List(context.Background(), apps, nil)
			if took := time.Since(start); took > shortBudget+500*time.Millisecond {
				t.Errorf("the console's request took %v with a budget of %v", took, shortBudget)
			}
			r := errview.Describe(err)
			if r.Title != "Timed out" || !strings.Contains(r.Retry, "5 attempts") {
				t.Errorf("error pane: title %q, retry %q (%v)", r.Title, r.Retry, err)
			}
		})
	}
}

// TestGetTokenEndpointRefused: a closed port at the token URL is reported
// as a network failure, not as refused credentials.
func TestGetTokenEndpointRefused(t *testing.T) {
	isolate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	t.Setenv("MPARTICLE_CLIENT_ID", "someone")
	t.Setenv("MPARTICLE_CLIENT_SECRET", "a-secret-value")
	t.Setenv("MPARTICLE_ACCOUNT_ID", "1")
	t.Setenv("MPARTICLE_BASE_URL", "http://"+closed+"/v1")
	t.Setenv("MPARTICLE_TOKEN_URL", "http://"+closed+"/oauth/token")
	code, out, errs := getRun(t, "apps", "--request-timeout", shortBudget.String())
	if code != 1 || out != "" {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	for _, want := range []string{"could not reach the token endpoint (POST /oauth/token)", "connection refused",
		"no answer from the token endpoint: check the token URL", "gave up after 5 attempts"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	for _, bad := range []string{"refused the credentials", "client id", "a-secret-value"} {
		if strings.Contains(errs, bad) {
			t.Errorf("stderr says %q:\n%s", bad, errs)
		}
	}
}
