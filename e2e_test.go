package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEndInATerminal runs the built binary in a real pseudo-terminal
// (tmux) on a fresh home directory — nothing configured, so the console
// starts the embedded sandbox — types keys and reads the screen. It covers
// what Update/View tests cannot: raw mode, the alternate screen, control
// keys and a clean exit.
func TestEndToEndInATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mpconsole")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	// A socket of its own: concurrent runs (two checkouts, -count=2) must not meet.
	sock := fmt.Sprintf("mpc-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}
	done := filepath.Join(dir, "exit-code")
	script := "env -i " + strings.Join(env, " ") + " " + bin + "; echo $? > " + done + "; sleep 60"
	tm("new-session", "-d", "-s", "e2e", "-x", "110", "-y", "30", script)
	t.Cleanup(func() { exec.Command("tmux", "-L", sock, "kill-server").Run() })

	screen := func() string { return tm("capture-pane", "-p", "-t", "e2e") }
	waitFor := func(what ...string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := screen()
			ok := true
			for _, w := range what {
				ok = ok && strings.Contains(s, w)
			}
			if ok {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q:\n%s", what, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitGone := func(what string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for strings.Contains(screen(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("screen still shows %q:\n%s", what, screen())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	keys := func(k ...string) { tm(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

	s := waitFor("SANDBOX", "Acme Shop", "token valid for", "4 rows")
	if strings.Contains(s, "sandbox-secret") {
		t.Fatal("the screen shows the client secret")
	}
	keys("/", "k", "i", "o")
	waitFor("1 of 4 rows", "Acme Kiosk")
	keys("Escape") // in the prompt, esc clears the filter
	waitGone("of 4 rows")
	keys(":", "w", "s", "Enter")
	waitFor("workspaces", "mP Traveller")
	keys("?")
	waitFor("Everywhere")
	keys("Escape")
	waitGone("Everywhere")
	keys("C-c")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(done); err == nil {
			if code := strings.TrimSpace(string(b)); code != "0" {
				t.Fatalf("exit code %s", code)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ctrl+c did not quit:\n%s", screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Back on the normal screen: the alternate screen was left.
	if s := screen(); strings.Contains(s, "Acme Shop") {
		t.Fatalf("the console's screen is still showing after exit:\n%s", s)
	}
}
