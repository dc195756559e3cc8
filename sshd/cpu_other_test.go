//go:build !unix

package sshd

import "time"

// processCPU is not measured where getrusage does not exist: the idle CPU
// benchmark reports 0 there.
func processCPU() time.Duration { return 0 }
