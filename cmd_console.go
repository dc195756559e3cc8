package main

import (
	"context"
	"io"
)

// runConsole starts the TUI. Until the console lands it serves the sandbox,
// so that `go run .` does something useful on a fresh machine.
func runConsole(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runSandbox(ctx, args, stdout, stderr)
}
