package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/internal/benchsandbox"
)

// loadPoll is how often BenchmarkConsoleLoad50k reads the terminal's
// screen.
const loadPoll = 5 * time.Millisecond

// BenchmarkConsoleLoad50k: how long the console takes, with 50 000 apps,
// from launch to (a) the first screen of rows and (b) the whole list
// loaded and filterable, against what fetching the list alone costs: a
// GET /v1/apps with a bearer token whose answer is read whole into memory
// (over a fresh connection each time) and, if curl is installed, `curl -s
// -o /dev/null` of the same URL (a process started, as the console is).
// Goals: first/get ≤ 1.0, loaded/get ≤ 1.5. ms/terminal is a terminal
// launched the same way running echo, until its output shows: the part of
// both figures that is not the console's; own-first/curl and
// own-loaded/curl leave it out. The anchors are timed in the
// same iteration as the console, just before it.
//
// A sandbox seeded large:50000 serves from its own process; one GET before
// the timer starts has it encode the list once, so the anchors and the
// console all read its cached answer. The console runs on it in a terminal
// (tmux), configured by the MPARTICLE_* variables. The clock starts just
// before the tmux client that launches the terminal, so both figures count
// tmux's server and the shell starting the console: on 2 cores, launching
// `echo` that way takes some 70 ms to its output on the screen. The
// screen is read every loadPoll until "App 000001" shows (first) and the
// status bar says "50000 rows" with no "loading" (loaded). Medians are
// reported.
//
// The screen is read through that tmux client in control mode, one
// command on its standard input per read. A `tmux capture-pane` process
// per read costs some 8 ms of CPU, taken from the console being timed: on
// 2 cores, reading every 10 ms that way put 20–40% on loaded and 15–30% on
// first; in control mode the figures barely move between 5 ms and 25 ms.
// By hand:
//
//	mpconsole sandbox --seed large:50000 --addr 127.0.0.1:8080 &
//	MPARTICLE_CLIENT_ID=sandbox MPARTICLE_CLIENT_SECRET=sandbox-secret MPARTICLE_ACCOUNT_ID=1 \
//	  MPARTICLE_BASE_URL=http://127.0.0.1:8080 MPARTICLE_TOKEN_URL=http://127.0.0.1:8080/oauth/token mpconsole
func BenchmarkConsoleLoad50k(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("times processes in tmux")
	}
	bin := tmuxConsole(b)
	base := startSandboxProcess(b, bin, "large:50000")
	tok := sandboxToken(b, base)
	getApps(b, base, tok)
	curl, _ := exec.LookPath("curl")
	var get, viaCurl, terminal, first, loaded []time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		getApps(b, base, tok)
		get = append(get, time.Since(start))
		if curl != "" {
			viaCurl = append(viaCurl, curlApps(b, curl, base, tok))
		}
		terminal = append(terminal, terminalLaunch(b))
		tm, script := newTerm(b, sandboxProcessEnv(base)...)
		start = time.Now()
		ctl := launchControlled(b, tm, script)
		deadline := start.Add(time.Minute)
		var f time.Duration
		for s := ctl.screen(); !strings.Contains(s, "50000 rows") || strings.Contains(s, "loading"); s = ctl.screen() {
			if f == 0 && strings.Contains(s, "App 000001") {
				f = time.Since(start)
			}
			if time.Now().After(deadline) {
				b.Fatalf("the 50 000 apps never showed:\n%s", s)
			}
			time.Sleep(loadPoll)
		}
		l := time.Since(start)
		if f == 0 { // the first rows showed with the last
			f = l
		}
		first, loaded = append(first, f), append(loaded, l)
		tm.keys("q")
		if code := tm.exitCode(); code != "0" {
			b.Fatalf("exit code %s", code)
		}
		ctl.close()
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	g, f, l := median(get), median(first), median(loaded)
	b.ReportMetric(ms(g), "ms/get")
	b.ReportMetric(ms(f), "ms/first-screen")
	b.ReportMetric(ms(l), "ms/loaded")
	b.ReportMetric(float64(f)/float64(g), "first/get")
	b.ReportMetric(float64(l)/float64(g), "loaded/get")
	t := median(terminal)
	b.ReportMetric(ms(t), "ms/terminal")
	if curl != "" {
		c := median(viaCurl)
		b.ReportMetric(ms(c), "ms/curl")
		b.ReportMetric(float64(f)/float64(c), "first/curl")
		b.ReportMetric(float64(l)/float64(c), "loaded/curl")
		b.ReportMetric(float64(f-t)/float64(c), "own-first/curl")
		b.ReportMetric(float64(l-t)/float64(c), "own-loaded/curl")
	}
}

// terminalLaunch is what launching a terminal costs the figures of
// BenchmarkConsoleLoad50k before the console has done anything: a
// terminal launched the same way, running echo, until its output is on
// the screen read the same way.
func terminalLaunch(b *testing.B) time.Duration {
	tm, _ := newTerm(b)
	start := time.Now()
	ctl := launchControlled(b, tm, "echo terminal-ready; sleep 60")
	for s := ctl.screen(); !strings.Contains(s, "terminal-ready"); s = ctl.screen() {
		if time.Since(start) > time.Minute {
			b.Fatalf("echo never showed:\n%s", s)
		}
		time.Sleep(loadPoll)
	}
	d := time.Since(start)
	ctl.close()
	return d
}

// curlApps times `curl -s -o /dev/null` of GET /v1/apps?accountId=1,
// the token handed on its standard input rather than its command line.
func curlApps(b *testing.B, curl, base, tok string) time.Duration {
	cmd := exec.Command(curl, "-sf", "-o", os.DevNull, "-H", "@-", base+"/v1/apps?accountId=1")
	cmd.Stdin = strings.NewReader("Authorization: Bearer " + tok + "\n")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("curl: %v\n%s", err, out)
	}
	return time.Since(start)
}

// controlled is the tmux client that launched a term's session, in
// control mode: it takes commands on its standard input and answers each
// between a %begin and an %end (or %error) line.
type controlled struct {
	b   *testing.B
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// launchControlled launches tm's session running script, the size
// startTerm gives it, through a tmux client in control mode that stays
// attached without being sent the pane's output.
func launchControlled(b *testing.B, tm *term, script string) *controlled {
	cmd := exec.Command("tmux", "-L", tm.sock, "-C", "new-session", "-f", "no-output", "-s", "e2e", "-x", "110", "-y", "30", script)
	in, out := benchsandbox.StartPiped(b, cmd)
	c := &controlled{b: b, cmd: cmd, in: in, out: out}
	c.answer() // new-session's own
	return c
}

// screen is what `tmux capture-pane -p` prints.
func (c *controlled) screen() string {
	if _, err := io.WriteString(c.in, "capture-pane -p -t e2e\n"); err != nil {
		c.b.Fatalf("tmux control client: %v", err)
	}
	return c.answer()
}

// answer reads the answer to the next command.
func (c *controlled) answer() string {
	var s strings.Builder
	in := false
	for {
		line, err := c.out.ReadString('\n')
		if err != nil {
			c.b.Fatalf("tmux control client: %v", err)
		}
		switch {
		case strings.HasPrefix(line, "%begin "):
			in = true
		case in && strings.HasPrefix(line, "%error "):
			c.b.Fatalf("tmux control client: %s", s.String())
		case in && strings.HasPrefix(line, "%end "):
			return s.String()
		case in:
			s.WriteString(line)
		}
	}
}

// close detaches the client; the session stays until the term's cleanup.
func (c *controlled) close() {
	c.in.Close()
	if err := c.cmd.Wait(); err != nil {
		c.b.Fatalf("tmux control client: %v", err)
	}
}

// median is the middle of ds (the mean of the two middle ones when their
// number is even).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
