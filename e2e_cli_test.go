package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/mpconsole/mpconsole/api/sandbox"
)

// The built binary's command line, as a shell or a script meets it.

// builtCLI returns the built binary, skipping under -short.
func builtCLI(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// cliEnv is a fresh home with nothing configured.
func cliEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "XDG_STATE_HOME=" + filepath.Join(home, ".state"),
		"PATH=" + os.Getenv("PATH")}, extra...)
}

// runBuilt runs the binary and returns its exit code, stdout and stderr.
func runBuilt(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("%v: %v", args, err)
	return 0, "", ""
}

// TestBuiltVersion: --version and version print the module version and the
// VCS revision the binary records (go version -m), and a release build's
// stamped values instead.
func TestBuiltVersion(t *testing.T) {
	bin := builtCLI(t)
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	modVersion, revision := "", ""
	for _, line := range strings.Split(string(info), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod" && f[1] == "github.com/mpconsole/mpconsole":
			modVersion = f[2]
		case len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.revision="):
			revision = strings.TrimPrefix(f[1], "vcs.revision=")
		}
	}
	if modVersion == "" {
		t.Fatalf("no module version in:\n%s", info)
	}
	code, out, errs := runBuilt(t, bin, cliEnv(t), "--version")
	want := "mpconsole version " + modVersion
	if code != 0 || !strings.HasPrefix(out, want) || errs != "" {
		t.Fatalf("--version: exit %d, %q (stderr %q); want it to start with %q", code, out, errs, want)
	}
	if revision != "" && !strings.Contains(out, "commit "+revision) {
		t.Errorf("--version %q lacks the revision %s", out, revision)
	}
	if revision == "" && strings.Contains(out, "commit") {
		t.Errorf("--version %q names a commit the build info does not hold", out)
	}
	code, out, _ = runBuilt(t, bin, cliEnv(t), "version")
	if code != 0 || !strings.HasPrefix(out, want+"\n") || !strings.Contains(out, "go: go1.") {
		t.Errorf("version: exit %d, %q", code, out)
	}

	// goreleaser stamps the version through -ldflags -X.
	stamped := filepath.Join(t.TempDir(), "mpconsole")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v9.8.7 -X main.commit=0123abcd -X main.date=2030-01-02T03:04:05Z", "-o", stamped, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("stamped build: %v\n%s", err, out)
	}
	if _, out, _ := runBuilt(t, stamped, cliEnv(t), "--version"); out != "mpconsole version v9.8.7 (commit 0123abcd)\n" {
		t.Errorf("stamped --version: %q", out)
	}
	if _, out, _ := runBuilt(t, stamped, cliEnv(t), "version"); !strings.Contains(out, "commit: 0123abcd\ndate: 2030-01-02T03:04:05Z\n") {
		t.Errorf("stamped version: %q", out)
	}
}

// TestBuiltHelp: every command's help goes to stdout with exit 0; bad
// usage exits 2 with the command named on stderr.
func TestBuiltHelp(t *testing.T) {
	bin := builtCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "get"}, "mpconsole get KIND [ID]"},
		{[]string{"get", "--help"}, "--no-headers"},
		{[]string{"--help"}, "mpconsole [command]"},
		{[]string{"-h"}, "--request-timeout"},
		{[]string{"help"}, "completion"},
		{[]string{"config", "--help"}, "mpconsole config [command]"},
		{[]string{"config", "check", "-h"}, "mpconsole config check"},
		{[]string{"help", "config", "init"}, "mpconsole config init"},
		{[]string{"sandbox", "-h"}, "--client-secret-file"},
		{[]string{"ssh", "--help"}, "--authorized-keys"},
		{[]string{"completion", "--help"}, "bash"},
		{[]string{"man", "--help"}, "mpconsole man"},
	} {
		code, out, errs := runBuilt(t, bin, cliEnv(t), tc.args...)
		if code != 0 || !strings.Contains(out, tc.want) || errs != "" {
			t.Errorf("%v: exit %d, stderr %q; stdout lacks %q?\n%s", tc.args, code, errs, tc.want, out)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--frob"}, "mpconsole: unknown flag: --frob\nRun 'mpconsole --help' for usage.\n"},
		{[]string{"frob"}, `mpconsole: unknown command "frob" for "mpconsole"`},
		{[]string{"config"}, "mpconsole config: want a subcommand: check or init"},
		{[]string{"config", "check", "extra"}, `mpconsole config check: unexpected argument "extra"`},
		{[]string{"get", "apps", "--output"}, "mpconsole get: flag needs an argument: --output"},
		{[]string{"get", "apps", "--sandbox", "--request-timeout", "soon"}, `invalid argument "soon" for "--request-timeout"`},
		{[]string{"ssh", "--max-sessions", "x"}, "mpconsole ssh: invalid argument"},
	} {
		code, out, errs := runBuilt(t, bin, cliEnv(t), tc.args...)
		if code != 2 || out != "" || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errs, tc.want)
		}
	}
	// The man page covers every command.
	code, out, _ := runBuilt(t, bin, cliEnv(t), "man")
	if code != 0 || !strings.HasPrefix(out, ".TH") || !strings.Contains(out, "get") || !strings.Contains(out, "--no-headers") || !strings.Contains(out, "authorized-keys") {
		t.Errorf("man: exit %d, %.300q", code, out)
	}
}

// TestBuiltCompletionBash sources the bash completion script in bash and
// completes as a shell would: kinds after get, parent keys, formats.
func TestBuiltCompletionBash(t *testing.T) {
	bin := builtCLI(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	code, script, errs := runBuilt(t, bin, cliEnv(t), "completion", "bash")
	if code != 0 || !strings.Contains(script, "__start_mpconsole") {
		t.Fatalf("completion bash: exit %d, %s", code, errs)
	}
	path := filepath.Join(t.TempDir(), "mpconsole.bash")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	complete := func(line string) []string {
		t.Helper()
		// COMP_* as bash sets them for a completion at the end of line;
		// the script's fallback splits the words itself.
		sh := `if [ -r /usr/share/bash-completion/bash_completion ]; then
  source /usr/share/bash-completion/bash_completion
else
  # The one helper of the bash-completion package the script calls.
  _get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
fi
source "$1"
line="$2"
read -ra COMP_WORDS <<< "$line"
[[ "$line" == *" " ]] && COMP_WORDS+=("")
COMP_WORDS[0]="$3"
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$3 ${line#* }"
COMP_POINT=${#COMP_LINE}
complete -p mpconsole | grep -q __start_mpconsole || echo "not registered"
__start_mpconsole 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", sh, "bash", path, line, bin)
		cmd.Env = cliEnv(t)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"mpconsole get ap", []string{"apps"}},
		{"mpconsole get ws", []string{"ws"}}, // an alias when no kind name matches
		{"mpconsole get platforms --parent ", []string{"app="}},
		{"mpconsole get ca --parent w", []string{"workspace="}},
		{"mpconsole get apps -o y", []string{"yaml"}},
		{"mpconsole con", []string{"config"}},
	} {
		if got := complete(tc.line); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q completes to %q, want %q", tc.line, got, tc.want)
		}
	}
	// Profiles come from the profiles file.
	env := cliEnv(t)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("[profiles.prod]\nclient_id = \"x\"\nclient_secret_env = \"S\"\naccount_id = 1\n\n[profiles.staging]\nclient_id = \"y\"\nclient_secret_env = \"S\"\naccount_id = 2\n"), 0o600)
	env = append(env, "MPCONSOLE_CONFIG="+cfg)
	_, out, _ := runBuilt(t, bin, env, "__complete", "get", "apps", "--profile", "")
	if !strings.Contains(out, "prod\n") || !strings.Contains(out, "staging\n") {
		t.Errorf("--profile completes to %q", out)
	}
	for _, shell := range []string{"zsh", "fish", "powershell"} {
		if code, out, _ := runBuilt(t, bin, cliEnv(t), "completion", shell); code != 0 || !strings.Contains(out, "mpconsole") {
			t.Errorf("completion %s: exit %d", shell, code)
		}
	}
}

// TestBuiltGetOutputs: -o name, -o yaml (the same data as -o json),
// -ojson, -o wide and --no-headers, on the embedded sandbox.
func TestBuiltGetOutputs(t *testing.T) {
	bin := builtCLI(t)
	env := cliEnv(t)
	get := func(args ...string) string {
		t.Helper()
		code, out, errs := runBuilt(t, bin, env, append([]string{"get", "--sandbox"}, args...)...)
		if code != 0 {
			t.Fatalf("get %v: exit %d: %s", args, code, errs)
		}
		return out
	}
	for _, kind := range []string{"apps", "users", "workspaces"} {
		js := get(kind, "-ojson")
		dec := json.NewDecoder(strings.NewReader(js))
		dec.UseNumber()
		var fromJSON []map[string]any
		if err := dec.Decode(&fromJSON); err != nil || len(fromJSON) < 2 {
			t.Fatalf("%s -ojson: %v\n%s", kind, err, js)
		}

		names := strings.Split(strings.TrimSuffix(get(kind, "-o", "name"), "\n"), "\n")
		if len(names) != len(fromJSON) {
			t.Errorf("%s -o name: %d lines for %d entities", kind, len(names), len(fromJSON))
		}
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, " \t") {
				t.Errorf("%s -o name: line %q is not one id", kind, n)
			}
		}
		// Each name is the id `get KIND ID` takes.
		if one := get(kind, names[0], "-o", "json"); !strings.Contains(one, "[\n  {") {
			t.Errorf("get %s %s: %s", kind, names[0], one)
		}

		y := get(kind, "-o", "yaml")
		var fromYAML any
		if err := yaml.Unmarshal([]byte(y), &fromYAML); err != nil {
			t.Fatalf("%s -o yaml does not parse: %v\n%s", kind, err, y)
		}
		if a, b := canonicalJSON(t, fromJSON), canonicalJSON(t, fromYAML); a != b {
			t.Errorf("%s: -o yaml parses to\n%s\nbut -o json is\n%s", kind, b, a)
		}
		if regexp.MustCompile(`(?m): 20\d\d-`).MatchString(y) {
			t.Errorf("%s -o yaml leaves a date unquoted:\n%s", kind, y)
		}
	}

	table := get("apps")
	bare := get("apps", "--no-headers")
	if !strings.HasPrefix(table, "ID ") || strings.Contains(bare, "NAME") {
		t.Errorf("--no-headers:\n%s\nwith headers:\n%s", bare, table)
	}
	if got, want := strings.Count(bare, "\n"), strings.Count(table, "\n")-1; got != want {
		t.Errorf("--no-headers: %d lines, want %d", got, want)
	}
	wide := get("apps", "-o", "wide", "--no-headers")
	if strings.Count(wide, "\n") != strings.Count(bare, "\n") {
		t.Errorf("-o wide:\n%s", wide)
	}
}

// canonicalJSON re-encodes decoded JSON or YAML with sorted keys, numbers
// as written.
func canonicalJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var w any
	if err := dec.Decode(&w); err != nil {
		t.Fatal(err)
	}
	b, _ = json.MarshalIndent(w, "", " ")
	return string(b)
}

// TestBuiltLogFile: --log-file names every request, the retry and the
// token request, and holds neither the client secret nor the token the
// binary was given. The sandbox runs here, behind a listener that notes
// the bearer tokens it sees.
func TestBuiltLogFile(t *testing.T) {
	bin := builtCLI(t)
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	tokens := map[string]bool{}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			mu.Lock()
			tokens[tok] = true
			mu.Unlock()
		}
		srv.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	base := "http://" + ln.Addr().String()

	dir := t.TempDir()
	logPath := filepath.Join(dir, "debug.log")
	env := cliEnv(t, "MPARTICLE_CLIENT_ID="+sandbox.DefaultClientID, "MPARTICLE_CLIENT_SECRET="+sandbox.DefaultClientSecret,
		"MPARTICLE_ACCOUNT_ID=1", "MPARTICLE_BASE_URL="+base+"/v1", "MPARTICLE_TOKEN_URL="+base+"/oauth/token")
	srv.InjectNext(sandbox.Fault503, 1)
	code, out, errs := runBuilt(t, bin, env, "get", "apps", "-o", "name", "--log-file", logPath, "--request-timeout", "5s")
	if code != 0 || out == "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs = runBuilt(t, bin, env, "get", "platforms", "--parent", "app=1", "--log-file", logPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	fi, err := os.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %04o, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(logPath)
	log := string(b)
	for _, want := range []string{
		`msg=request method=GET path="/v1/apps?accountId=1" status=503`,
		`msg=retrying method=GET path="/v1/apps?accountId=1" status=503`,
		`msg=request method=GET path="/v1/apps?accountId=1" status=200`,
		`attempt=2`,
		`msg=request method=GET path="/v1/apps/1/platforms?accountId=1" status=200`,
		`msg="token request" client_id=sandbox method=POST path=/oauth/token`,
		`msg="token issued"`,
		`command="mpconsole get"`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	secrets := []string{sandbox.DefaultClientSecret}
	mu.Lock()
	for tok := range tokens {
		secrets = append(secrets, tok)
	}
	mu.Unlock()
	if len(secrets) == 1 {
		t.Fatal("no request carried a token")
	}
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the log holds a secret or a token (%d bytes)", len(s))
		}
	}
	// --debug writes to the state directory and says where.
	code, _, errs = runBuilt(t, bin, env, "get", "apps", "--debug")
	if code != 0 || !strings.Contains(errs, "debug log: ") || !strings.Contains(errs, filepath.Join(".state", "mpconsole", "debug.log")) {
		t.Errorf("--debug: exit %d, stderr %q", code, errs)
	}
}

// TestDockerBuild builds the container image where docker runs.
func TestDockerBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an image")
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("docker is not installed")
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Skip("docker does not run here")
	}
	tag := "mpconsole-test:" + time.Now().Format("20060102150405")
	if out, err := exec.Command("docker", "build", "-t", tag, ".").CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	defer exec.Command("docker", "rmi", "-f", tag).Run()
	out, err := exec.Command("docker", "run", "--rm", tag, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "mpconsole version ") {
		t.Errorf("docker run --version: %v %s", err, out)
	}
}

// TestGoreleaserCheck validates .goreleaser.yaml where goreleaser exists.
func TestGoreleaserCheck(t *testing.T) {
	if _, err := exec.LookPath("goreleaser"); err != nil {
		t.Skip("goreleaser is not installed")
	}
	if out, err := exec.Command("goreleaser", "check").CombinedOutput(); err != nil {
		t.Fatalf("goreleaser check: %v\n%s", err, out)
	}
}
