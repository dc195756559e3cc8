//go:build !unix

package accounts

import "errors"

// mkfifo: no named pipes here; the tests that need one skip.
func mkfifo(string) error { return errors.New("named pipes are a Unix thing") }
