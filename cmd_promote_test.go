package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/promote"
	"github.com/mpconsole/mpconsole/state"
)

// promoteSeedSecrets are confidential values of account 1's seed: none may
// reach an exported file or anything printed.
var promoteSeedSecrets = []string{"My Test App Key", "0d3a9f1b2c4e5a6b7c8d9e0f1a2b3c4d", "amp-live-7a1f00c2d3e4",
	"amp-backup-55e1b0aa9f31", "braze-android-1f2e3d4c5b6a", "ind-3c2b1a0f9e8d", "ax-9988776655", "af-dev-key-0042"}

// promoteEnv is one sandbox served for a whole test, shared by the runs
// of the command line through the MPARTICLE_* variables (admin
// credential, account 1), with its request lines collected and a 504 to
// inject on the Nth write.
type promoteEnv struct {
	srv    *sandbox.Server
	url    string
	mu     sync.Mutex
	lines  bytes.Buffer
	writes atomic.Int64 // write requests received
	failAt atomic.Int64 // the write (1-based) answered 504 after it is carried out; 0: none
	state  string       // XDG_STATE_HOME
}

func (e *promoteEnv) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lines.Write(p)
}

// sentWrites returns the logged API requests that are not reads, and
// forgets every line logged so far.
func (e *promoteEnv) sentWrites() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, line := range strings.Split(e.lines.String(), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && (strings.HasPrefix(f[2], "/v1/") || strings.HasPrefix(f[2], "/platform/")) && f[1] != "GET" && f[1] != "HEAD" {
			out = append(out, f[1]+" "+f[2])
		}
	}
	e.lines.Reset()
	return out
}

func startPromoteEnv(t *testing.T) *promoteEnv {
	t.Helper()
	isolate(t)
	e := &promoteEnv{state: t.TempDir()}
	t.Setenv("XDG_STATE_HOME", e.state)
	srv, err := sandbox.New(sandbox.Options{Log: e, RetentionDays: 100 * 365}) // the seed's CA dates stay valid
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasPrefix(r.URL.Path, "/oauth") {
			if n := e.writes.Add(1); n == e.failAt.Load() {
				srv.InjectNext(sandbox.Fault504, 1)
			}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); srv.Close() })
	e.url = hs.URL
	t.Setenv("MPARTICLE_CLIENT_ID", sandbox.DefaultClientID)
	t.Setenv("MPARTICLE_CLIENT_SECRET", sandbox.DefaultClientSecret)
	t.Setenv("MPARTICLE_ACCOUNT_ID", "1")
	t.Setenv("MPARTICLE_BASE_URL", hs.URL+"/v1")
	t.Setenv("MPARTICLE_TOKEN_URL", hs.URL+"/oauth/token")
	return e
}

// client is a client of the served sandbox, for the test's own reads.
func (e *promoteEnv) client(t *testing.T, acct int64) *api.Client {
	t.Helper()
	c, err := api.New(api.Config{ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, AccountID: acct,
		V1BaseURL: e.url + "/v1", V2BaseURL: e.url + "/platform/v2", TokenURL: e.url + "/oauth/token", NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// cliRun runs a command line through run() with stdin and returns the exit
// code, stdout and stderr.
func cliRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// noSecretIn fails when s holds a seed secret or one of the values given.
func noSecretIn(t *testing.T, what, s string, given map[string]string) {
	t.Helper()
	for _, v := range promoteSeedSecrets {
		if strings.Contains(s, v) {
			t.Errorf("%s holds the seed secret %q", what, v)
		}
	}
	for n, v := range given {
		if strings.Contains(s, v) {
			t.Errorf("%s holds the value of %s", what, n)
		}
	}
}

// TestPromoteAccounts exports account 1, applies it to account 2 with a
// 504 in the middle, applies again, and compares.
func TestPromoteAccounts(t *testing.T) {
	e := startPromoteEnv(t)
	dir := filepath.Join(t.TempDir(), "prod")
	var printed strings.Builder // everything the commands print
	runAll := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		code, out, errs := cliRun(t, stdin, args...)
		printed.WriteString(out + errs)
		return code, out, errs
	}

	code, out, errs := runAll("", "export", dir)
	if code != 0 || !regexp.MustCompile(`^exported account 1 to .*: 4 apps, 8 platforms, .*5 users\n$`).MatchString(out) {
		t.Fatalf("export: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if w := e.sentWrites(); len(w) > 0 {
		t.Fatalf("export wrote: %v", w)
	}
	var files int
	_ = filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			b, _ := os.ReadFile(p)
			noSecretIn(t, p, string(b), nil)
			if strings.Contains(string(b), `"id":`) || strings.Contains(string(b), "access_key") {
				t.Errorf("%s holds a server-set field:\n%s", p, b)
			}
			files++
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(dir, "apps", "Acme Shop", "platforms", "iOS.json")); err != nil || files < 100 {
		t.Fatalf("export wrote %d files: %v", files, err)
	}

	code, out, _ = runAll("", "diff", dir, "2")
	if code != 3 || !strings.Contains(out, "+ app \"Acme Shop\"\n") || !strings.Contains(out, "- app \"Acme Shop (Staging)\"\n") {
		t.Fatalf("diff before apply: exit %d\n%s", code, out)
	}

	// A dry run plans and sends nothing.
	code, out, errs = runAll("", "apply", dir, "--account", "2", "--dry-run")
	if code != 0 || !strings.Contains(out, "+ app \"Acme Shop\" (with platforms Android, MobileWeb, iOS)") || !strings.Contains(errs, "nothing sent") {
		t.Fatalf("dry run: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if w := e.sentWrites(); len(w) > 0 {
		t.Fatalf("a dry run wrote: %v", w)
	}

	// The secrets the plan needs.
	src, err := promote.Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := promote.Take(context.Background(), e.client(t, 2), promote.Options{Kinds: src.Kinds})
	if err != nil {
		t.Fatal(err)
	}
	names := promote.MakePlan(src, tgt, promote.PlanOptions{}).Secrets()
	if len(names) < 2 || !slices.Contains(names, "MIXPANEL_TOKEN_IOS_ACME_SHOP") {
		t.Fatalf("secrets needed: %v", names)
	}
	values := map[string]string{}
	for _, n := range names {
		values[n] = "promoted-" + strings.ToLower(n)
	}

	// Without a terminal and without --yes: refused, nothing read.
	before := e.srv.APIRequests()
	code, out, errs = runAll("", "apply", dir, "--account", "2")
	if code != 2 || out != "" || !strings.Contains(errs, "no terminal to confirm on: run with --yes") {
		t.Fatalf("no terminal: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if n := e.srv.APIRequests(); n != before {
		t.Fatalf("a refused apply sent %d requests", n-before)
	}

	// A missing secret is named, and nothing is sent.
	code, _, errs = runAll("", "apply", dir, "--account", "2", "--yes")
	if code != 2 || !strings.Contains(errs, "no value for the secrets "+strings.Join(names, ", ")) || !strings.Contains(errs, "nothing was sent") ||
		strings.Contains(errs, "--help") {
		t.Fatalf("no secrets: exit %d\nstderr: %s", code, errs)
	}
	if w := e.sentWrites(); len(w) > 0 {
		t.Fatalf("an apply without its secrets wrote: %v", w)
	}

	// The secrets file must be the owner's only.
	secretsFile := filepath.Join(t.TempDir(), "secrets.toml")
	var toml strings.Builder
	for _, n := range names[1:] {
		fmt.Fprintf(&toml, "%s = %q\n", n, values[n])
	}
	if err := os.WriteFile(secretsFile, []byte(toml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runAll("", "apply", dir, "--account", "2", "--yes", "--secrets", secretsFile)
	if code != 2 || !strings.Contains(errs, "chmod 600 "+secretsFile) {
		t.Fatalf("a 0644 secrets file: exit %d\nstderr: %s", code, errs)
	}
	if err := os.Chmod(secretsFile, 0o600); err != nil {
		t.Fatal(err)
	}
	// One secret is still missing from the file: named.
	code, _, errs = runAll("", "apply", dir, "--account", "2", "--yes", "--secrets", secretsFile)
	if code != 2 || !strings.Contains(errs, "no value for the secrets "+names[0]+":") || !strings.Contains(errs, secretEnvPrefix+names[0]) {
		t.Fatalf("one secret missing: exit %d\nstderr: %s", code, errs)
	}
	if w := e.sentWrites(); len(w) > 0 {
		t.Fatalf("an apply without its secrets wrote: %v", w)
	}
	t.Setenv(secretEnvPrefix+names[0], values[names[0]])

	// The third write (the create of app "Acme Shop") is carried out but
	// its answer is a 504: the apply stops and says what it did.
	e.failAt.Store(e.writes.Load() + 3)
	code, out, errs = runAll("", "apply", dir, "--account", "2", "--yes", "--secrets", secretsFile)
	if code != 1 {
		t.Fatalf("apply with a 504: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	report := out[strings.Index(out, "\napplied ")+1:]
	lines := strings.Split(strings.TrimSpace(report), "\n")
	if len(lines) < 5 || !strings.HasPrefix(lines[0], "applied create app ") || !strings.HasPrefix(lines[1], "applied create app ") ||
		lines[2] != `failed  create app "Acme Shop": `+lines[2][len(`failed  create app "Acme Shop": `):] ||
		!strings.Contains(lines[3], "may have carried it out") || !strings.HasPrefix(lines[4], "not applied create ") {
		t.Fatalf("report after a 504:\n%s", report)
	}
	if !strings.Contains(errs, "2 of ") || !strings.Contains(errs, "run it again to converge") {
		t.Errorf("stderr after a 504: %s", errs)
	}
	if w := e.sentWrites(); len(w) != 3 {
		t.Errorf("%d writes sent, want 3 (the third answered 504): %v", len(w), w)
	}

	// Again: converges, creating nothing twice.
	code, out, errs = runAll("", "apply", dir, "--account", "2", "--yes", "--secrets", secretsFile)
	if code != 0 || strings.Contains(out, `+ app "Acme Shop"`) || !strings.Contains(errs, "applied ") {
		t.Fatalf("second apply: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	sent := len(e.sentWrites())
	apps, err := e.client(t, 2).List(context.Background(), mustKind(t, "apps"), api.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	var appNames []string
	for _, a := range apps {
		appNames = append(appNames, a.Name)
	}
	slices.Sort(appNames)
	if want := []string{"Acme Kiosk", "Acme Rewards", "Acme Shop", "Acme Shop (Staging)"}; !slices.Equal(appNames, want) {
		t.Errorf("apps of account 2 after the rerun: %q, want %q", appNames, want)
	}
	if _, err := promote.Take(context.Background(), e.client(t, 2), promote.Options{}); err != nil {
		t.Errorf("account 2 after the rerun (a duplicate natural key fails): %v", err)
	}

	// Every write of both runs is journalled under the profile, the base
	// URL and the account; the write answered 504 is not (the run did not
	// know its result), so the journal has one entry fewer than the writes.
	entries, err := state.NewJournal(filepath.Join(e.state, "mpconsole")).List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2+sent {
		t.Errorf("%d journal entries, want %d", len(entries), 2+sent)
	}
	for _, je := range entries {
		if je.Profile != "env" || je.Account != 2 || je.BaseURL != e.url+"/v1" {
			t.Fatalf("journal entry %s %s: profile %q, account %d, base %q", je.Op, je.Kind, je.Profile, je.Account, je.BaseURL)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(e.state, "mpconsole", state.JournalFile))
	noSecretIn(t, "the journal", string(raw), values)

	// Now only what cannot be promoted differs: exit 0.
	code, out, errs = runAll("", "diff", dir, "2")
	if code != 0 || !strings.Contains(out, "cannot be promoted (not counted in the exit status):") || !strings.Contains(errs, "0 writes to apply") {
		t.Fatalf("diff after apply: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	code, out, _ = runAll("", "diff", "1", "2", "-o", "json")
	var js diffOutput
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || js.Writes != 0 || len(js.Blocked) == 0 {
		t.Fatalf("diff 1 2 -o json after apply: exit %d\n%s", code, out)
	}
	// With --prune, what only account 2 has and the API can delete counts.
	if code, out, _ = runAll("", "diff", dir, "2", "--prune"); code != 3 {
		t.Fatalf("diff --prune after apply: exit %d\n%s", code, out)
	}
	code, out, _ = runAll("", "apply", dir, "--account", "2", "--prune", "--dry-run")
	if code != 0 || !strings.Contains(out, "- app \"Acme Shop (Staging)\"\n") || strings.Contains(out, "only in the target") {
		t.Fatalf("apply --prune --dry-run: exit %d\n%s", code, out)
	}
	if w := e.sentWrites(); len(w) > 0 {
		t.Fatalf("a dry run wrote: %v", w)
	}

	// A second apply plans nothing and sends nothing.
	code, out, errs = runAll("", "apply", dir, "--account", "2", "--yes")
	if code != 0 || !strings.Contains(out, "nothing to do") {
		t.Fatalf("third apply: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if w := e.sentWrites(); len(w) > 0 {
		t.Fatalf("an apply with nothing to do wrote: %v", w)
	}
	noSecretIn(t, "the output", printed.String(), values)
}

func mustKind(t *testing.T, name string) *api.Descriptor {
	t.Helper()
	d, ok := api.Lookup(name)
	if !ok {
		t.Fatalf("no kind %s", name)
	}
	return d
}

// TestPromoteProfiles uses PROFILE/N sides and a read-only profile.
func TestPromoteProfiles(t *testing.T) {
	e := startPromoteEnv(t)
	for _, v := range []string{"MPARTICLE_CLIENT_ID", "MPARTICLE_CLIENT_SECRET", "MPARTICLE_ACCOUNT_ID", "MPARTICLE_BASE_URL", "MPARTICLE_TOKEN_URL"} {
		t.Setenv(v, "")
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	profile := func(name string, ro bool) string {
		return fmt.Sprintf("[profiles.%s]\nclient_id = %q\nclient_secret = %q\naccount_id = 1\nbase_url = %q\ntoken_url = %q\nread_only = %v\n\n",
			name, sandbox.DefaultClientID, sandbox.DefaultClientSecret, e.url+"/v1", e.url+"/oauth/token", ro)
	}
	if err := os.WriteFile(path, []byte("default_profile = \"admin\"\n\n"+profile("admin", false)+profile("ro", true)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MPCONSOLE_CONFIG", path)
	dir := filepath.Join(t.TempDir(), "apps")
	if code, out, errs := cliRun(t, "", "export", "-p", "ro", "--kinds", "platforms", dir); code != 0 || !strings.HasSuffix(out, ": 4 apps, 8 platforms\n") {
		t.Fatalf("export -p ro: exit %d\n%s%s", code, out, errs)
	}

	code, out, errs := cliRun(t, "", "diff", "ro/1", "admin/2", "--kinds", "pf", "-o", "json")
	var js diffOutput
	if code != 3 || json.Unmarshal([]byte(out), &js) != nil || js.Source != "ro/1" || js.Writes != 3 || !slices.Equal(js.Kinds, []string{"apps", "platforms"}) {
		t.Fatalf("diff ro/1 admin/2: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := cliRun(t, "", "diff", "nobody/1", "2"); code != 2 || !strings.Contains(errs, `no profile "nobody"`) {
		t.Fatalf("unknown profile: exit %d %s", code, errs)
	}
	if code, _, errs := cliRun(t, "", "diff", "confg", "2"); code != 2 || !strings.Contains(errs, `"confg" is no directory, and no profile "confg" (profiles: admin, ro)`) {
		t.Fatalf("neither a directory nor a profile: exit %d %s", code, errs)
	}
	// A profile alone is its own account: ro is account 1, as is admin.
	if code, out, errs := cliRun(t, "", "diff", "ro", "admin", "--kinds", "apps"); code != 0 || out != "" {
		t.Fatalf("diff ro admin: exit %d\n%s%s", code, out, errs)
	}

	before := e.srv.APIRequests()
	for _, args := range [][]string{{"-p", "ro"}, {"--readonly"}} {
		code, out, errs := cliRun(t, "", append([]string{"apply", dir, "--account", "2", "--yes"}, args...)...)
		if code != 2 || out != "" || !strings.Contains(errs, "nothing was read or sent") {
			t.Fatalf("apply %v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errs)
		}
	}
	if n := e.srv.APIRequests(); n != before {
		t.Fatalf("a refused apply sent %d requests", n-before)
	}
	// A dry run only reads: allowed on a read-only profile.
	if code, out, errs := cliRun(t, "", "apply", dir, "--account", "2", "-p", "ro", "--dry-run"); code != 0 || !strings.Contains(out, `+ app "Acme Shop"`) {
		t.Fatalf("dry run on a read-only profile: exit %d\n%s%s", code, out, errs)
	}
	if w := e.sentWrites(); len(w) > 0 {
		t.Fatalf("wrote: %v", w)
	}
}

// TestDiffDirectories compares exported directories without any
// credential, and checks the command lines diff and apply refuse.
func TestDiffDirectories(t *testing.T) {
	isolate(t)
	base := t.TempDir()
	a := filepath.Join(base, "a")
	if code, _, errs := cliRun(t, "", "export", "--sandbox", "--kinds", "platforms", a); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	b := filepath.Join(base, "b")
	if err := os.CopyFS(b, os.DirFS(a)); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := cliRun(t, "", "diff", a, b); code != 0 || out != "" || errs != "no differences\n" {
		t.Fatalf("identical: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	ios := filepath.Join(b, "apps", "Acme Shop", "platforms", "iOS.json")
	body, err := os.ReadFile(ios)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	old := v["crash_handling"]
	edited := strings.Replace(string(body), fmt.Sprintf(`"crash_handling": %q`, old), `"crash_handling": "Edited"`, 1)
	if edited == string(body) {
		t.Fatalf("no crash_handling in %s", body)
	}
	if err := os.WriteFile(ios, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("~ platform Acme Shop/iOS: crash_handling \"Edited\" → %q\n", old)
	if code, out, errs := cliRun(t, "", "diff", a, b); code != 3 || out != want {
		t.Fatalf("one field: exit %d\nstdout: %q, want %q\nstderr: %s", code, out, want, errs)
	}

	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"neither directory nor account", []string{"diff", a, filepath.Join(base, "missing")}, "is neither a directory nor an account (N, PROFILE/N or PROFILE)"},
		{"account zero", []string{"diff", a, "0"}, `"0" is neither`},
		{"bad output", []string{"diff", a, b, "-o", "yaml"}, `-o "yaml": want text or json`},
		{"one argument", []string{"diff", a}, "want SOURCE TARGET"},
		{"unknown kind", []string{"diff", a, b, "--kinds", "gizmos"}, `--kinds: unknown kind "gizmos"`},
		{"apply without account", []string{"apply", a, "--yes"}, "--account N is required"},
		{"apply a file", []string{"apply", ios, "--account", "2", "--yes"}, "is not a directory"},
		{"export without dir", []string{"export", "--sandbox"}, "want DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := cliRun(t, "", tt.args...)
			if code != 2 || out != "" || !strings.Contains(errs, tt.err) {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s (want %q)", code, out, errs, tt.err)
			}
		})
	}
}

func TestCompleteKinds(t *testing.T) {
	tests := []struct {
		typed string
		want  []string
	}{
		{"pl", []string{"platforms", "plans"}},
		{"apps,pl", []string{"apps,platforms", "apps,plans"}},
		{"apps,platforms,", nil}, // every kind but those two
		{"x", nil},
	}
	for _, tt := range tests {
		code, out, errs := cliRun(t, "", "__complete", "apply", "d", "--kinds", tt.typed)
		if code != 0 {
			t.Fatalf("%q: exit %d %s", tt.typed, code, errs)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, ":") {
				got = append(got, strings.SplitN(l, "\t", 2)[0])
			}
		}
		if tt.typed == "apps,platforms," {
			if len(got) != len(promote.Kinds())-2 || slices.Contains(got, "apps,platforms,apps") || got[0] != "apps,platforms,datapoints" {
				t.Errorf("%q: %q", tt.typed, got)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.typed, got, tt.want)
		}
	}
}
