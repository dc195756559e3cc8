//go:build unix

package accounts

import "syscall"

// mkfifo makes a named pipe (mode 0600) for the tests that pace a secret
// command.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
