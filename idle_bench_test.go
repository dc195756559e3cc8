package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// consoleIdleWindow is how long BenchmarkConsoleIdleCPU measures.
const consoleIdleWindow = 10 * time.Second

// BenchmarkConsoleIdleCPU: the CPU a console left open uses, in a local
// terminal (tmux) on the embedded sandbox, once its apps are listed and
// nothing happens: the time all its threads spent on a CPU over
// consoleIdleWindow of wall time (from /proc/<pid>/task/*/schedstat, in
// nanoseconds), as ms-cpu/s. The renderer is parked while the console is
// idle (package idle); before that it ticked 60 times a second, about
// 14 ms/s on this project's 2-core VM.
func BenchmarkConsoleIdleCPU(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc")
	}
	var total time.Duration
	for range b.N {
		tm := startTerm(b)
		tm.waitFor("Acme Shop", "4 rows")
		pid := consolePID(b, tm)
		// Let the start settle: the first frames, the token's disk cache,
		// the renderer's last ticks before it parks.
		time.Sleep(time.Second)
		c0 := threadsCPU(b, pid)
		time.Sleep(consoleIdleWindow)
		total += threadsCPU(b, pid) - c0
		tm.keys("q")
		if code := tm.exitCode(); code != "0" {
			b.Fatalf("exit code %s", code)
		}
	}
	b.ReportMetric(float64(total)/float64(b.N)/1e6/consoleIdleWindow.Seconds(), "ms-cpu/s")
}

// threadsCPU is the time the process's threads have spent on a CPU.
func threadsCPU(b *testing.B, pid int) time.Duration {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		b.Fatalf("no threads of %d: %v", pid, err)
	}
	var sum time.Duration
	for _, f := range tasks {
		s, err := os.ReadFile(f)
		if err != nil {
			continue // a thread that ended
		}
		ns, err := strconv.ParseInt(strings.Fields(string(s))[0], 10, 64)
		if err != nil {
			b.Fatalf("%s: %q", f, s)
		}
		sum += time.Duration(ns)
	}
	return sum
}
