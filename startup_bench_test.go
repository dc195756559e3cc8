package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkHelpStartup runs `mpconsole --help` and, in the same run as its
// anchor, a hello-world binary: what the console costs before it does
// anything (package initialisation, the command tree, the styled help). It
// reports both per run and their ratio (goal ≤ 2). Both are built as
// releases are (.goreleaser.yaml, Dockerfile: static, no cgo, stripped),
// so the figure is the shipped binary's.
func BenchmarkHelpStartup(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	release := func(out, pkg, wd string, env ...string) {
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
		build.Dir = wd
		build.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
	}
	hello, bin := filepath.Join(dir, "hello"), filepath.Join(dir, "mpconsole")
	release(hello, src, dir, "GO111MODULE=off")
	release(bin, ".", ".")
	home := b.TempDir()
	run := func(name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return time.Since(start)
	}
	run(bin, "--help") // warm the page cache for both
	run(hello)
	var tHello, tHelp time.Duration
	b.ResetTimer()
	for range b.N {
		tHello += run(hello)
		tHelp += run(bin, "--help")
	}
	b.ReportMetric(float64(tHello.Microseconds())/float64(b.N), "µs/hello")
	b.ReportMetric(float64(tHelp.Microseconds())/float64(b.N), "µs/help")
	b.ReportMetric(float64(tHelp)/float64(tHello), "help/hello")
}
