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
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/benchsandbox"
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

// fpsEnv passes Options.FPS to the benchmark's server; noParkEnv turns
// parking off there (see package idle).
const (
	fpsEnv    = "MPCONSOLE_SSHD_BENCH_FPS"
	noParkEnv = "MPCONSOLE_SSHD_BENCH_NOPARK"
)

// benchServer serves the sandbox over SSH with the authorized keys in dir,
// prints its address and host key, then answers each "stats" line on
// standard input with the live heap plus goroutine stacks, the goroutines,
// the open sessions and the CPU time used so far, after a GC; and each
// "cpu" line with the CPU time used so far alone (no GC: a window measured
// between two "cpu" lines holds only the server's own work). It stops at
// the end of its input.
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
	fps, _ := strconv.Atoi(os.Getenv(fpsEnv))
	srv, err := Start(ctx, Options{Addr: "127.0.0.1:0", HostKey: filepath.Join(dir, "host"),
		AuthorizedKeys: filepath.Join(dir, "authorized_keys"), Accounts: mgr, MaxSessions: 100, FPS: fps,
		KeepRendering: os.Getenv(noParkEnv) != ""})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	fmt.Printf("%s %s\n", srv.Addr(), srv.HostKeyFingerprint())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "cpu":
			fmt.Println(int64(processCPU()))
			continue
		case "parked":
			fmt.Println(srv.parkedSessions())
			continue
		}
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("%d %d %d %d\n", ms.HeapAlloc+ms.StackInuse, runtime.NumGoroutine(), srv.Sessions(), processCPU())
	}
	return 0
}

// BenchmarkIdleSessionMemory reports the server's memory (live heap and
// goroutine stacks) and goroutines per idle session with 20 sessions open
// (each showing the apps list, nothing in flight, its renderer parked),
// over a baseline taken after one session came and went (the shared client
// and token are the Manager's, paid once); and the CPU the server spends
// per idle session per second: the CPU of a window with the 20 sessions
// idle, less that of an equal window with none (the sandbox, the token
// refresher), over 20.
func BenchmarkIdleSessionMemory(b *testing.B) {
	benchIdle(b, 0, true)
}

// The same without parking, at a few frame rates: what the renderer's
// ticker costs, and what lowering the frame rate would save (each frame
// then waits up to 1/fps for the next tick).
func BenchmarkIdleSessionUnparked(b *testing.B) {
	for _, fps := range []int{60, 20, 10} {
		b.Run(fmt.Sprintf("fps=%d", fps), func(b *testing.B) { benchIdle(b, fps, false) })
	}
}

// idleWindow is how long each CPU measurement lasts.
const idleWindow = 5 * time.Second

func benchIdle(b *testing.B, fps int, park bool) {
	const sessions = 20
	dir := b.TempDir()
	key := newSigner(b)
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), gossh.MarshalAuthorizedKey(key.PublicKey()), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+dir, fpsEnv+"="+strconv.Itoa(fps))
	if !park {
		cmd.Env = append(cmd.Env, noParkEnv+"=1")
	}
	cmd.Stderr = os.Stderr
	stdin, out := benchsandbox.StartPiped(b, cmd)
	defer func() { stdin.Close(); cmd.Wait() }()
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
	ask := func(what string, vals ...any) {
		b.Helper()
		io.WriteString(stdin, what+"\n")
		l, err := out.ReadString('\n')
		if err != nil {
			b.Fatalf("%s: %v", what, err)
		}
		if _, err := fmt.Sscan(l, vals...); err != nil {
			b.Fatalf("%s: server said %q", what, l)
		}
	}
	stats := func() (s sample) {
		ask("stats", &s.heap, &s.goroutines, &s.open, &s.cpu)
		return s
	}
	// window is the server's CPU over idleWindow. What idle sessions cost
	// the CPU: a measurement window, not a synchronisation.
	window := func() time.Duration {
		var c0, c1 time.Duration
		ask("cpu", &c0)
		time.Sleep(idleWindow)
		ask("cpu", &c1)
		return c1 - c0
	}
	// waitParked waits until every session's renderer is parked.
	waitParked := func() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var n int
			ask("parked", &n)
			if n == sessions {
				return
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d sessions parked", n, sessions)
			}
			time.Sleep(10 * time.Millisecond)
		}
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

	var perSession, goroutines, cpu, anchor float64
	for b.Loop() {
		none := window()
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
		if park {
			waitParked()
		}
		stats() // a GC, as before the window without sessions
		busy := window()
		perSec := float64(time.Millisecond) * idleWindow.Seconds()
		cpu += float64(busy-none) / perSec / sessions
		anchor += float64(none) / perSec
		for _, tm := range terms {
			tm.close()
		}
		waitClosed()
	}
	b.ReportMetric(perSession/float64(b.N), "B/session")
	b.ReportMetric(goroutines/float64(b.N), "goroutines/session")
	b.ReportMetric(cpu/float64(b.N), "idle-cpu-ms/s/session")
	b.ReportMetric(anchor/float64(b.N), "no-session-cpu-ms/s")
}
