package main

import (
	"context"
	"fmt"
	"io"
)

// runGet is replaced by the client implementation.
func runGet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "get: not implemented yet")
	return 1
}
