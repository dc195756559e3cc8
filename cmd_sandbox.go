package main

import (
	"context"
	"fmt"
	"io"
)

// runSandbox is replaced by the sandbox implementation.
func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sandbox: not implemented yet")
	return 1
}
