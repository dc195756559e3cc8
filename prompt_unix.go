//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/sys/unix"
)

// readAnswer reads one line typed on the terminal stdin is. It polls
// instead of blocking in a read, so that an interrupt (the context) leaves
// nothing reading the terminal: whatever reads it next (a terminal query
// while printing the error) gets its answer. ok is false on an interrupt.
func readAnswer(ctx context.Context, stdin io.Reader) (line string, ok bool, err error) {
	f, isFile := stdin.(interface{ Fd() uintptr })
	if !isFile {
		return readAnswerBlocking(ctx, stdin)
	}
	fd := int(f.Fd())
	var b []byte
	buf := make([]byte, 256)
	for {
		if ctx.Err() != nil {
			return "", false, nil
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(pollEvery/time.Millisecond))
		if errors.Is(err, unix.EINTR) || n == 0 {
			continue
		}
		if err != nil {
			return "", false, fmt.Errorf("reading the answer: %w", err)
		}
		// The terminal is in canonical mode: a read returns at most a line.
		m, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
			continue
		}
		if err != nil {
			return "", false, fmt.Errorf("reading the answer: %w", err)
		}
		if m == 0 {
			return string(b), true, nil // end of input
		}
		b = append(b, buf[:m]...)
		if b[len(b)-1] == '\n' {
			return string(b), true, nil
		}
	}
}

// pollEvery is how often readAnswer looks at the context.
const pollEvery = 100 * time.Millisecond
