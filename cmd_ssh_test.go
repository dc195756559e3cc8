package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/internal/testutil"
)

// eventually waits for cond, failing with what it last saw.
func eventually(t *testing.T, what string, get func() string, cond func(string) bool) string {
	t.Helper()
	var s string
	if err := testutil.Poll(20*time.Second, func() bool { s = get(); return cond(s) }); err != nil {
		t.Fatalf("no %s (%v); got:\n%s", what, err, s)
	}
	return s
}

var connectLine = regexp.MustCompile(`connect with: ssh -p (\d+) (\S+)`)

// TestSSHCommand runs `mpconsole ssh --sandbox` as a user would (the host
// key generated beside the profiles file), connects with a key and a PTY,
// sees the apps, and stops it as SIGTERM would.
func TestSSHCommand(t *testing.T) {
	isolate(t)
	dir := filepath.Dir(os.Getenv("MPCONSOLE_CONFIG"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	key, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), gossh.MarshalAuthorizedKey(key.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testutil.SyncBuffer
	code := make(chan int, 1)
	logFile := filepath.Join(t.TempDir(), "debug.log")
	go func() {
		code <- run(ctx, []string{"ssh", "--sandbox", "--addr", "127.0.0.1:0", "--log-file", logFile}, nil, &stdout, &stderr)
	}()

	out := eventually(t, "the connect line", stdout.String, connectLine.MatchString)
	m := connectLine.FindStringSubmatch(out)
	if fi, err := os.Stat(filepath.Join(dir, "ssh_host_ed25519_key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key beside the profiles file: %v, %v", fi, err)
	}
	c, err := gossh.Dial("tcp", net.JoinHostPort(m[2], m[1]), &gossh.ClientConfig{
		User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error {
			if fp := gossh.FingerprintSHA256(k); !strings.Contains(out, fp) {
				return fmt.Errorf("host key %s is not the one announced", fp)
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var screen testutil.SyncBuffer
	sess.Stdout, sess.Stderr = &screen, &screen
	sess.Stdin = strings.NewReader("") // nothing typed
	if err := sess.RequestPty("xterm-256color", 30, 100, nil); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	plain := func() string { return ansi.Strip(screen.String()) }
	eventually(t, "the apps list", plain, func(s string) bool { return strings.Contains(s, "Acme Shop") })
	eventually(t, "the connect log line", stderr.String, func(s string) bool {
		return strings.Contains(s, "msg=connect") && strings.Contains(s, gossh.FingerprintSHA256(key.PublicKey()))
	})

	cancel() // SIGINT/SIGTERM
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	select {
	case <-done:
		c.Close() // a client hangs up when its session ends
	case <-time.After(20 * time.Second):
		t.Fatal("session not closed on shutdown")
	}
	if !strings.Contains(plain(), "the server is shutting down") {
		t.Errorf("session not told:\n%s", plain())
	}
	select {
	case got := <-code:
		if got != 0 {
			t.Errorf("exit %d; stderr:\n%s", got, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("command did not return")
	}
	if !strings.Contains(stderr.String(), "reason=shutdown") {
		t.Errorf("no disconnect line:\n%s", stderr.String())
	}
	// The server's lines go to the debug log too, beside the API's.
	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"msg=connect", "reason=shutdown", "GET"} {
		if !strings.Contains(string(logged), want) {
			t.Errorf("the debug log has no %q:\n%s", want, logged)
		}
	}
}

func TestSSHCommandErrors(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	keys := filepath.Join(dir, "authorized_keys")
	os.WriteFile(keys, []byte("# nobody\n"), 0o600)
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[[ssh.keys]]\nfingerprint = \"MD5:00\"\n"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"argument", []string{"extra"}, 2, `unexpected argument "extra"`},
		{"max sessions", []string{"--max-sessions", "0"}, 2, "--max-sessions 0: want at least 1"},
		{"idle timeout", []string{"--idle-timeout", "-1s"}, 2, "--idle-timeout -1s"},
		{"request timeout", []string{"--request-timeout", "0s"}, 2, "--request-timeout 0s: want a positive duration"},
		{"no key listed", []string{"--sandbox", "--addr", "127.0.0.1:0", "--authorized-keys", keys}, 1, "lists no key: nobody could connect"},
		{"missing keys file", []string{"--sandbox", "--addr", "127.0.0.1:0", "--authorized-keys", filepath.Join(dir, "none")}, 1, "no such file"},
		{"bad rights", []string{"--sandbox", "--config", bad, "--authorized-keys", keys}, 2, "is not a SHA256 key fingerprint"},
		{"named config missing", []string{"--sandbox", "--config", filepath.Join(dir, "none.toml"), "--authorized-keys", keys}, 2, "none.toml"},
		{"unknown profile", []string{"--sandbox", "--profile", "nope", "--authorized-keys", keys}, 2, `no profile "nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"ssh"}, tc.args...), nil, &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errb.String(), tc.code, tc.want)
			}
		})
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"ssh", "-h"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "mpconsole ssh [--flags]") ||
		!strings.Contains(out.String(), "--authorized-keys") || errb.Len() != 0 {
		t.Errorf("-h: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// TestSSHLibraryLinesGoToTheServerLog: what the SSH library logs through
// charm's package logger becomes records of the server's own log, on
// stderr and in the debug log, one a line.
func TestSSHLibraryLinesGoToTheServerLog(t *testing.T) {
	var stderr, debug bytes.Buffer
	l := serverLog(&stderr, slog.New(slog.NewTextHandler(&debug, nil)))
	w := lineLogger(l)
	fmt.Fprint(w, "ERRO app exit with error error=boom\nsecond line\n")
	for name, out := range map[string]string{"stderr": stderr.String(), "debug log": debug.String()} {
		if strings.Count(out, `msg="ssh library"`) != 2 || !strings.Contains(out, `line="ERRO app exit with error error=boom"`) {
			t.Errorf("%s:\n%s", name, out)
		}
	}
}
