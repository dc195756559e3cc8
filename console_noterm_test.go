package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

const noTerminal = "mpconsole needs a terminal; for scripts use mpconsole get\n"

// TestConsoleNeedsATerminal: the console started without a terminal (stdin
// from /dev/null or a pipe, stdout to a pipe or a buffer) says what to use
// instead and exits 2, before starting anything.
func TestConsoleNeedsATerminal(t *testing.T) {
	isolate(t)
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	tests := []struct {
		name   string
		args   []string
		stdin  io.Reader
		stdout io.Writer
	}{
		{"stdin /dev/null", nil, devnull, pw},
		{"stdin a pipe", nil, pr, pw},
		{"no files at all", nil, bytes.NewReader(nil), &bytes.Buffer{}},
		{"with --sandbox", []string{"--sandbox"}, devnull, pw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tt.args, tt.stdin, tt.stdout, &stderr); code != 2 || stderr.String() != noTerminal {
				t.Fatalf("exit %d, stderr %q; want 2, %q", code, stderr.String(), noTerminal)
			}
		})
	}
}

// TestBuiltConsoleWithoutTerminal runs the built binary with stdin from
// /dev/null and its output captured, as a script or a CI job would.
func TestBuiltConsoleWithoutTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "XDG_STATE_HOME=" + filepath.Join(home, ".state"),
		"TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr // stdin nil: /dev/null
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("exit: %v, want status 2\nstderr: %s", err, stderr.String())
	}
	if stderr.String() != noTerminal || stdout.Len() != 0 {
		t.Fatalf("stdout %q, stderr %q; want only %q on stderr", stdout.String(), stderr.String(), noTerminal)
	}
}
