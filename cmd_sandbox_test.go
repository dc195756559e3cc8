package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// sandboxLog is a concurrency-safe stderr for runSandbox.
type sandboxLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *sandboxLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *sandboxLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// sandboxRun is `mpconsole sandbox` running in the background.
type sandboxRun struct {
	banner, v1, tokenURL string
	stderr               *sandboxLog
	cancel               context.CancelFunc
	done                 chan int
}

// startSandboxCommand runs runSandbox with the arguments until the banner
// is out; stop cancels it and returns the exit status.
func startSandboxCommand(t *testing.T, args ...string) *sandboxRun {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	run := &sandboxRun{stderr: &sandboxLog{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		run.done <- runSandbox(ctx, args, pw, run.stderr)
		pw.Close()
	}()
	t.Cleanup(func() { cancel() })
	var banner strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Requests are logged") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	run.banner = banner.String()
	for _, line := range strings.Split(run.banner, "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "v1" {
			run.v1 = f[3]
		}
		if len(f) == 3 && f[0] == "token" && f[1] == "URL" {
			run.tokenURL = f[2]
		}
	}
	if run.tokenURL == "" {
		cancel()
		t.Fatalf("no banner (exit %d): %s", <-run.done, run.stderr.String())
	}
	return run
}

func (r *sandboxRun) stop() int {
	r.cancel()
	return <-r.done
}

// token asks the running sandbox for a token; "" when refused.
func (r *sandboxRun) token(t *testing.T, id, secret string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"client_id": id, "client_secret": secret, "audience": api.DefaultAudience, "grant_type": "client_credentials"})
	res, err := http.Post(r.tokenURL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	if res.StatusCode != 200 {
		return ""
	}
	return tok.AccessToken
}

// TestSandboxCommand runs `mpconsole sandbox` until its context ends: the
// banner, an extra credential, the request log, a clean shutdown.
func TestSandboxCommand(t *testing.T) {
	run := startSandboxCommand(t, "--addr", "127.0.0.1:0", "--token-ttl", "2h", "--client-id", "ci", "--client-secret", "ci-Secret-9q")
	text, v1, tokenURL := run.banner, run.v1, run.tokenURL
	for _, want := range []string{"sandbox / sandbox-secret", "viewer / viewer-secret", "ci / (secret from --client-secret)", `1 "Acme Production"`, "curl -s -H \"Authorization: Bearer $TOKEN\"", "expires_in 7200"} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "ci-Secret-9q") {
		t.Fatalf("the banner prints the --client-secret")
	}
	if !strings.HasPrefix(v1, "http://127.0.0.1:") || tokenURL != strings.TrimSuffix(v1, "/v1")+"/oauth/token" {
		t.Fatalf("URLs: %q %q\n%s", v1, tokenURL, text)
	}
	body, _ := json.Marshal(map[string]string{"client_id": "ci", "client_secret": "ci-Secret-9q", "audience": api.DefaultAudience, "grant_type": "client_credentials"})
	res, err := http.Post(tokenURL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if res.StatusCode != 200 || tok.ExpiresIn != 7200 {
		t.Fatalf("token: %d expires_in %d", res.StatusCode, tok.ExpiresIn)
	}
	req, _ := http.NewRequest("GET", v1+"/apps?accountId=2", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("the extra credential is not an admin: %d", res.StatusCode)
	}
	if code := run.stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
	logged := run.stderr.String()
	if !strings.Contains(logged, `GET /v1/apps?accountId=2 200`) || !strings.Contains(logged, `client="ci"`) || !strings.Contains(logged, "shutting down") ||
		!strings.Contains(logged, "--client-secret is visible to other users in the process list") {
		t.Errorf("stderr:\n%s", logged)
	}
	if strings.Contains(logged, tok.AccessToken) || strings.Contains(logged, "ci-Secret-9q") {
		t.Fatalf("stderr holds a secret")
	}
}

// The secret of --client-id can come from a file (trailing line breaks
// trimmed, a warning when others may read it) or from the environment, so
// that it never shows in the process list.
func TestSandboxCommandSecretSources(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		args   []string
		env    string
		secret string
		from   string
		warn   bool
	}{
		{"file", []string{"--client-secret-file", file("s1", "File-S3cret-1\n", 0o600)}, "", "File-S3cret-1", "--client-secret-file", false},
		{"file with CRLF", []string{"--client-secret-file", file("s2", "File-S3cret-2\r\n", 0o600)}, "", "File-S3cret-2", "--client-secret-file", false},
		{"file without newline, readable by others", []string{"--client-secret-file", file("s3", "File-S3cret-3", 0o644)}, "", "File-S3cret-3", "--client-secret-file", true},
		{"environment", nil, "Env-S3cret-4", "Env-S3cret-4", "$" + sandboxSecretEnv, false},
		{"file over environment", []string{"--client-secret-file", file("s5", "File-S3cret-5\n", 0o600)}, "Env-S3cret-5", "File-S3cret-5", "--client-secret-file", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(sandboxSecretEnv, tc.env)
			run := startSandboxCommand(t, append([]string{"--addr", "127.0.0.1:0", "--client-id", "ci"}, tc.args...)...)
			if !strings.Contains(run.banner, "ci / (secret from "+tc.from+")") {
				t.Errorf("banner:\n%s", run.banner)
			}
			if run.token(t, "ci", tc.secret) == "" {
				t.Errorf("the secret %s gives no token", tc.from)
			}
			if run.token(t, "ci", tc.secret+"\n") != "" {
				t.Errorf("the untrimmed secret gives a token")
			}
			if code := run.stop(); code != 0 {
				t.Errorf("exit %d", code)
			}
			logged := run.stderr.String()
			if warned := strings.Contains(logged, "is readable by other users (mode 0644); chmod 600 it"); warned != tc.warn {
				t.Errorf("warning %v, want %v:\n%s", warned, tc.warn, logged)
			}
			if strings.Contains(logged, "process list") {
				t.Errorf("a note on --client-secret without it:\n%s", logged)
			}
			if strings.Contains(run.banner+logged, "S3cret") {
				t.Fatalf("the banner or stderr holds the secret")
			}
		})
	}
}

func TestSandboxTimeoutFlags(t *testing.T) {
	f, err := parseSandboxFlags(nil, io.Discard, func(string) string { return "" })
	if err != nil || f.opts.ReadTimeout != sandbox.DefaultReadTimeout || f.opts.WriteTimeout != sandbox.DefaultWriteTimeout || f.opts.IdleTimeout != sandbox.DefaultIdleTimeout {
		t.Fatalf("defaults: %+v %v", f.opts, err)
	}
	f, err = parseSandboxFlags([]string{"--read-timeout", "5s", "--write-timeout", "0", "--idle-timeout", "30s"}, io.Discard, func(string) string { return "" })
	if err != nil || f.opts.ReadTimeout != 5*time.Second || f.opts.WriteTimeout >= 0 || f.opts.IdleTimeout != 30*time.Second {
		t.Fatalf("set: %+v %v", f.opts, err)
	}
}

func TestSandboxCommandUsage(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	t.Setenv(sandboxSecretEnv, "")
	dir := t.TempDir()
	secretFile, emptyFile, bigFile := filepath.Join(dir, "secret"), filepath.Join(dir, "empty"), filepath.Join(dir, "big")
	for p, content := range map[string]string{secretFile: "s\n", emptyFile: "\n\n", bigFile: strings.Repeat("s", maxSecretFile+1)} {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--nope"}, 2, "unknown flag: --nope"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--client-id", "x"}, 2, "--client-id needs a secret: --client-secret-file FILE, $MPCONSOLE_SANDBOX_CLIENT_SECRET or --client-secret"},
		{[]string{"--client-secret", "x"}, 2, "--client-id and its secret go together"},
		{[]string{"--client-secret-file", secretFile}, 2, "--client-id and its secret go together"},
		{[]string{"--client-id", "x", "--client-secret", "s", "--client-secret-file", secretFile}, 2, "give one of them"},
		{[]string{"--client-id", "x", "--client-secret-file", filepath.Join(dir, "missing")}, 2, "--client-secret-file: open "},
		{[]string{"--client-id", "x", "--client-secret-file", emptyFile}, 2, "is empty"},
		{[]string{"--client-id", "x", "--client-secret-file", dir}, 2, "is not a regular file"},
		{[]string{"--client-id", "x", "--client-secret-file", bigFile}, 2, "is larger than 65536 bytes"},
		{[]string{"--read-timeout", "-1s"}, 2, "--read-timeout must not be negative"},
		{[]string{"--idle-timeout", "-1s"}, 2, "--idle-timeout must not be negative"},
		{[]string{"--client-id", "viewer", "--client-secret", "s"}, 2, "already a seeded credential"},
		{[]string{"--seed", "huge"}, 2, "want default, empty or large:N"},
		{[]string{"--fault", "504=2"}, 2, "--fault: "},
		{[]string{"--token-ttl", "10ms"}, 2, "--token-ttl must be at least 1s"},
		{[]string{"--latency", "-1s"}, 2, "--latency must not be negative"},
		{[]string{"--addr", "nonsense"}, 2, "want host:port"},
		{[]string{"--addr", busy.Addr().String()}, 1, "listen on"},
	} {
		stderr := &sandboxLog{}
		code := runSandbox(t.Context(), tc.args, io.Discard, stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("sandbox %v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.msg)
		}
	}
	// Help goes to stdout, and nothing starts.
	var out bytes.Buffer
	stderr := &sandboxLog{}
	if code := runSandbox(t.Context(), []string{"-h"}, &out, stderr); code != 0 || !strings.Contains(out.String(), "mpconsole sandbox [--flags]") ||
		!strings.Contains(out.String(), "--client-secret-file") || stderr.String() != "" {
		t.Errorf("sandbox -h: exit %d, stdout %q, stderr %q", code, out.String(), stderr.String())
	}
}
