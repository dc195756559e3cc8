package sshd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// The benchmark measures the server alone, in a child process (this test
// binary, re-run with serverEnv set): in one process the SSH clients'
// buffers and the tests' terminal emulators would count as the server's.
const serverEnv = "MPCONSOLE_SSHD_BENCH_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(serverEnv); dir != "" {
		os.Exit(benchServer(dir))
	}
	os.Exit(m.Run())
}

// benchServer serves the sandbox over SSH with the authorized keys in dir,
// prints its address and host key, then answers each "stats" line on
// standard input with the live heap plus goroutine stacks, the goroutines, the open sessions
// and the CPU time used so far, after a GC. It stops at the end of its
// input.
func benchServer(dir string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer sb.Close()
	mgr := accounts.New(accounts.Options{Sandbox: sb, NoCache: true})
	defer mgr.Close()
	srv, err := Start(ctx, Options{Addr: "127.0.0.1:0", HostKey: filepath.Join(dir, "host"),
		AuthorizedKeys: filepath.Join(dir, "authorized_keys"), Accounts: mgr, MaxSessions: 100})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	fmt.Printf("%s %s\n", srv.Addr(), srv.HostKeyFingerprint())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		fmt.Printf("%d %d %d %d\n", ms.HeapAlloc+ms.StackInuse, runtime.NumGoroutine(), srv.Sessions(), cpu)
	}
	return 0
}

// BenchmarkIdleSessionMemory reports the server's memory (live heap and
// goroutine stacks) and goroutines per
// idle session with 20 sessions open (each showing the apps list, nothing
// in flight), over a baseline taken after one session came and went (the
// shared client and token are the Manager's, paid once); and the CPU the
// server spends per idle session per second (the console's timers).
func BenchmarkIdleSessionMemory(b *testing.B) {
	const sessions = 20
	dir := b.TempDir()
	key := newSigner(b)
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), gossh.MarshalAuthorizedKey(key.PublicKey()), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil {
		b.Fatalf("server: %v", err)
	}
	h := &harness{t: b}
	if _, err := fmt.Sscan(line, &h.addr, &h.hostFP); err != nil {
		b.Fatalf("server said %q", line)
	}
	type sample struct {
		heap, goroutines, open int
		cpu                    time.Duration
	}
	stats := func() (s sample) {
		b.Helper()
		io.WriteString(stdin, "stats\n")
		l, err := out.ReadString('\n')
		if err != nil {
			b.Fatalf("stats: %v", err)
		}
		fmt.Sscan(l, &s.heap, &s.goroutines, &s.open, &s.cpu)
		return s
	}
	waitClosed := func() {
		for stats().open != 0 {
			runtime.Gosched()
		}
	}
	idle := func(tm *term) {
		tm.until("the apps, idle", func(s string) bool {
			return strings.Contains(s, "Acme Shop") && strings.Contains(s, "token valid") && !strings.ContainsAny(s, "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
		})
	}
	warm, err := openTerm(b, h, key, 100, 30, nil)
	if err != nil {
		b.Fatal(err)
	}
	idle(warm)
	warm.key("q")
	warm.waitExit()
	warm.close()
	waitClosed()

	var perSession, goroutines, cpu float64
	for b.Loop() {
		s0 := stats()
		terms := make([]*term, sessions)
		for i := range terms {
			if terms[i], err = openTerm(b, h, key, 100, 30, nil); err != nil {
				b.Fatal(err)
			}
		}
		for _, tm := range terms {
			idle(tm)
		}
		s1 := stats()
		if s1.open != sessions {
			b.Fatalf("%d sessions open, want %d", s1.open, sessions)
		}
		perSession += float64(s1.heap-s0.heap) / sessions
		goroutines += float64(s1.goroutines-s0.goroutines) / sessions
		// What idle sessions cost the CPU: a measurement window, not a
		// synchronisation.
		time.Sleep(time.Second)
		s2 := stats()
		cpu += float64(s2.cpu-s1.cpu) / float64(time.Millisecond) / sessions
		for _, tm := range terms {
			tm.close()
		}
		waitClosed()
	}
	b.ReportMetric(perSession/float64(b.N), "B/session")
	b.ReportMetric(goroutines/float64(b.N), "goroutines/session")
	b.ReportMetric(cpu/float64(b.N), "idle-cpu-ms/s/session")
}
