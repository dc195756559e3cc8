package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api/sandbox"
)

// startCommand runs the built binary with arguments in a real
// pseudo-terminal (tmux), with only the environment given (and a fresh
// home).
func startCommand(t *testing.T, env []string, args ...string) *term {
	t.Helper()
	bin := tmuxConsole(t)
	dir := t.TempDir()
	tm := &term{t: t, sock: fmt.Sprintf("mpc-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), done: filepath.Join(dir, "exit-code")}
	env = append(cliEnv(t, "TERM=xterm-256color"), env...)
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	var words []string
	for _, e := range env {
		words = append(words, quote(e))
	}
	words = append(words, quote(bin))
	for _, a := range args {
		words = append(words, quote(a))
	}
	script := "env -i " + strings.Join(words, " ") + "; echo $? > " + tm.done + "; sleep 60"
	tm.tmux("new-session", "-d", "-s", "e2e", "-x", "160", "-y", "40", script)
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.sock, "kill-server").Run() })
	return tm
}

// TestEndToEndApplyAsks answers apply's question on a terminal: no, an
// interrupt, then yes.
func TestEndToEndApplyAsks(t *testing.T) {
	isolate(t)
	e := &promoteEnv{}
	srv, err := sandbox.Start(context.Background(), sandbox.Options{Log: e, RetentionDays: 100 * 365})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	env := []string{"MPARTICLE_CLIENT_ID=" + sandbox.DefaultClientID, "MPARTICLE_CLIENT_SECRET=" + sandbox.DefaultClientSecret,
		"MPARTICLE_ACCOUNT_ID=1", "MPARTICLE_BASE_URL=" + srv.V1URL(), "MPARTICLE_TOKEN_URL=" + srv.TokenURL()}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	dir := filepath.Join(t.TempDir(), "prod")
	if code, _, errs := cliRun(t, "", "export", "--kinds", "platforms", dir); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}

	for _, answer := range [][]string{{"n", "Enter"}, {"C-c"}} {
		tm := startCommand(t, env, "apply", dir, "--account", "2")
		tm.waitFor(`+ app "Acme Shop" (with platforms Android, MobileWeb, iOS)`, "Apply 3 writes to account 2 (profile env)? [y/N]")
		tm.keys(answer...)
		if code := tm.exitCode(); code != "1" {
			t.Fatalf("answer %v: exit %s\n%s", answer, code, tm.screen())
		}
		tm.waitFor("not applied; nothing was sent")
		if w := e.sentWrites(); len(w) > 0 {
			t.Fatalf("answer %v: wrote %v", answer, w)
		}
	}

	tm := startCommand(t, env, "apply", dir, "--account", "2")
	tm.waitFor("[y/N]")
	tm.keys("y", "Enter")
	if code := tm.exitCode(); code != "0" {
		t.Fatalf("yes: exit %s\n%s", code, tm.screen())
	}
	tm.waitFor("applied 3 writes to account 2")
	if w := e.sentWrites(); len(w) != 3 {
		t.Fatalf("yes: %d writes, want 3: %v", len(w), w)
	}
}
