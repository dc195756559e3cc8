//go:build !unix

package main

import (
	"context"
	"io"
)

// readAnswer reads one line from stdin; ok is false on an interrupt (the
// context).
func readAnswer(ctx context.Context, stdin io.Reader) (line string, ok bool, err error) {
	return readAnswerBlocking(ctx, stdin)
}
