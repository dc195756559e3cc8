package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkHelpStartup runs the built `mpconsole --help` and, in the same
// run as its anchor, a hello-world binary built with the same toolchain:
// what the console costs before it does anything (package initialisation,
// the command tree). It reports both per run and their ratio (goal ≤ 2).
func BenchmarkHelpStartup(b *testing.B) {
	bin, err := buildOnce()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	hello := filepath.Join(dir, "hello")
	build := exec.Command("go", "build", "-o", hello, src)
	build.Dir = dir
	build.Env = append(os.Environ(), "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building hello: %v\n%s", err, out)
	}
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
