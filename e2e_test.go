package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// term is the built console running in a real pseudo-terminal (tmux).
type term struct {
	t    testing.TB
	sock string
	done string // file the exit code is written to
}

// buildDir holds the binary the end-to-end tests build once; TestMain
// removes it.
var buildDir = filepath.Join(os.TempDir(), fmt.Sprintf("mpconsole-e2e-%d", os.Getpid()))

func TestMain(m *testing.M) {
	code := m.Run()
	os.RemoveAll(buildDir)
	os.Exit(code)
}

var buildOnce = sync.OnceValues(func() (string, error) {
	dir := buildDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "mpconsole")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	return bin, nil
})

// startTerm runs the console on a fresh home directory (nothing configured,
// so the embedded sandbox), with extra environment variables.
func startTerm(t testing.TB, env ...string) *term {
	t.Helper()
	tm, script := newTerm(t, env...)
	tm.tmux("new-session", "-d", "-s", "e2e", "-x", "110", "-y", "30", script)
	return tm
}

// tmuxConsole is the console's binary, built once, for a test or a
// benchmark that runs it in tmux; it skips under -short (it builds the
// binary) and when tmux is not installed.
func tmuxConsole(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// newTerm is startTerm before the terminal is launched: the shell command
// that runs the console, and the term it will run in.
func newTerm(t testing.TB, env ...string) (*term, string) {
	t.Helper()
	bin := tmuxConsole(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	// A socket of its own: concurrent runs (two checkouts, -count=2) must not meet.
	tm := &term{t: t, sock: fmt.Sprintf("mpc-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), done: filepath.Join(dir, "exit-code")}
	env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "XDG_STATE_HOME=" + filepath.Join(home, ".state"),
		"TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}, env...)
	quoted := make([]string, len(env))
	for i, e := range env {
		quoted[i] = "'" + strings.ReplaceAll(e, "'", `'\''`) + "'"
	}
	script := "env -i " + strings.Join(quoted, " ") + " " + bin + "; echo $? > " + tm.done + "; sleep 60"
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.sock, "kill-server").Run() })
	return tm, script
}

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (tm *term) screen() string { return tm.tmux("capture-pane", "-p", "-t", "e2e") }

func (tm *term) keys(k ...string) { tm.tmux(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

func (tm *term) waitFor(what ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range what {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (tm *term) waitGone(what string) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Contains(tm.screen(), what) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen still shows %q:\n%s", what, tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exitCode waits for the console to exit.
func (tm *term) exitCode() string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(tm.done); err == nil {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the console did not exit:\n%s", tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEndToEndInATerminal runs the built binary in a real pseudo-terminal
// on a fresh home directory — nothing configured, so the console starts
// the embedded sandbox — types keys and reads the screen. It covers what
// Update/View tests cannot: raw mode, the alternate screen, control keys
// and a clean exit.
func TestEndToEndInATerminal(t *testing.T) {
	tm := startTerm(t)
	s := tm.waitFor("SANDBOX", "Acme Shop", "token valid for", "4 rows")
	if strings.Contains(s, "sandbox-secret") {
		t.Fatal("the screen shows the client secret")
	}
	tm.keys("/", "k", "i", "o")
	tm.waitFor("1 of 4 rows", "Acme Kiosk")
	tm.keys("Escape") // in the prompt, esc clears the filter
	tm.waitGone("of 4 rows")
	tm.keys(":", "w", "s", "Enter")
	tm.waitFor("workspaces", "mP Traveller")
	tm.keys("?")
	tm.waitFor("Everywhere")
	tm.keys("Escape")
	tm.waitGone("Everywhere")
	tm.keys("C-c")
	if code := tm.exitCode(); code != "0" {
		t.Fatalf("exit code %s", code)
	}
	// Back on the normal screen: the alternate screen was left.
	if s := tm.screen(); strings.Contains(s, "Acme Shop") {
		t.Fatalf("the console's screen is still showing after exit:\n%s", s)
	}
}

// TestEndToEndExternalEditor hands the editor's text to $VISUAL (a sed
// script standing in for vim), takes the result back and saves it.
func TestEndToEndExternalEditor(t *testing.T) {
	tm := startTerm(t, "VISUAL=sed -i s/Kiosk/Kiosque/")
	tm.waitFor("Acme Shop", "token valid for")
	tm.keys("/", "k", "i", "o", "s", "k", "Enter")
	tm.waitFor("1 of 4 rows")
	tm.keys("e")
	tm.waitFor(`"name": "Acme Kiosk"`)
	tm.keys("C-e")
	tm.waitFor(`"name": "Acme Kiosque"`)
	tm.keys("C-s")
	tm.waitFor("Acme Kiosque") // the diff
	tm.keys("y")
	tm.waitFor("update app 3: saved")
	tm.keys("Escape")
	tm.waitFor("Acme Kiosque", "4 rows")
	tm.keys("q")
	if code := tm.exitCode(); code != "0" {
		t.Fatalf("exit code %s", code)
	}
}

// TestEndToEndTerminalPlugin: a terminal plugin is handed the terminal
// (its input and output are the terminal itself; it prints, reads what is
// typed), sees the row's values in its args and the entity's JSON in
// $MPCONSOLE_ENTITY, and the console comes back when it ends.
func TestEndToEndTerminalPlugin(t *testing.T) {
	dir := t.TempDir()
	got := filepath.Join(dir, "got")
	script := filepath.Join(dir, "plugin.sh")
	body := "#!/bin/sh\n[ -t 0 ] && [ -t 1 ] && tty=on || tty=off\necho \"plugin in terminal: $1, tty $tty\"\nread line\nprintf '%s\\n%s\\n' \"$line\" \"$MPCONSOLE_ENTITY\" > " + got + "\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	plugin := fmt.Sprintf("[[plugins]]\nkey = \"ctrl+o\"\nkind = \"apps\"\nname = \"probe\"\ncommand = %q\nargs = [\"{name}\"]\noutput = \"terminal\"\n", script)
	if err := os.WriteFile(cfg, []byte(plugin), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, "MPCONSOLE_CONFIG="+cfg)
	tm.waitFor("Acme Shop", "4 rows")
	tm.keys("C-o")
	tm.waitFor("plugin in terminal: Acme Shop, tty on")
	tm.keys("-l", "typed in the plugin")
	tm.keys("Enter")
	tm.waitFor("Acme Shop", "4 rows")
	b, err := os.ReadFile(got)
	if err != nil {
		t.Fatalf("the plugin did not finish: %v", err)
	}
	lines := strings.SplitN(string(b), "\n", 2)
	if lines[0] != "typed in the plugin" || !strings.Contains(lines[1], `"Acme Shop"`) {
		t.Errorf("the plugin read %q", b)
	}
	tm.keys("q")
	if code := tm.exitCode(); code != "0" {
		t.Fatalf("exit code %s", code)
	}
}

// TestEndToEndAsksTmuxOnce: under tmux the colour profile is read by
// running `tmux info`, a process of its own; the console starts having
// run it once (as the program starts), not once more for Bubble Tea.
func TestEndToEndAsksTmuxOnce(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	wrapper := "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec '" + tmux + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "tmux"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, "TMUX=/tmp/tmux-test,1,0", "PATH="+dir+":"+os.Getenv("PATH"))
	tm.waitFor("Acme Shop", "4 rows")
	tm.keys("C-c")
	if code := tm.exitCode(); code != "0" {
		t.Fatalf("exit code %s", code)
	}
	got, _ := os.ReadFile(calls)
	if n := strings.Count(string(got), "info"); n != 1 {
		t.Fatalf("tmux was asked %d times for its colours:\n%s", n, got)
	}
}
