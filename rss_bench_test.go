package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api/sandbox"
)

// BenchmarkConsoleRSS100k: the console's resident memory with 100 000 apps
// listed, against the size of the answer they came in (goal ≤ 1.5). A
// sandbox seeded large:100000 serves from its own process (`mpconsole
// sandbox`), so that its data is not counted; the console runs on it in a
// terminal (tmux), configured by the MPARTICLE_* variables, until its
// status bar says the 100 000 rows are there and the load is over; 2 s
// later VmRSS and VmHWM (the peak, during the load) of the console's
// process are read from /proc. By hand:
//
//	mpconsole sandbox --seed large:100000 --addr 127.0.0.1:8080 &
//	MPARTICLE_CLIENT_ID=sandbox MPARTICLE_CLIENT_SECRET=sandbox-secret MPARTICLE_ACCOUNT_ID=1 \
//	  MPARTICLE_BASE_URL=http://127.0.0.1:8080 MPARTICLE_TOKEN_URL=http://127.0.0.1:8080/oauth/token mpconsole
//	grep -E 'VmRSS|VmHWM' /proc/$(pgrep -nx mpconsole)/status   # once "100000 rows" shows
func BenchmarkConsoleRSS100k(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc")
	}
	bin := tmuxConsole(b)
	base := startSandboxProcess(b, bin, "large:100000")
	body := appsAnswerSize(b, base)
	var rss, hwm float64
	b.ResetTimer()
	for range b.N {
		tm := startTerm(b, sandboxProcessEnv(base)...)
		deadline := time.Now().Add(3 * time.Minute)
		for s := tm.screen(); !strings.Contains(s, "100000 rows") || strings.Contains(s, "loading"); s = tm.screen() {
			if time.Now().After(deadline) {
				b.Fatalf("the 100 000 apps never showed:\n%s", s)
			}
			time.Sleep(200 * time.Millisecond)
		}
		pid := consolePID(b, tm)
		// Once a big list is in, the console hands the memory the load
		// went through back to the system, in a command of its own (tens
		// of milliseconds): the resident size is read 2 s later.
		time.Sleep(2 * time.Second)
		r, h := procStatusKB(b, pid, "VmRSS"), procStatusKB(b, pid, "VmHWM")
		rss, hwm = rss+r, hwm+h
		tm.keys("q")
		if code := tm.exitCode(); code != "0" {
			b.Fatalf("exit code %s", code)
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(body)/1e6, "MB-body")
	b.ReportMetric(rss/n/1e3, "MB-rss")
	b.ReportMetric(rss/n*1e3/float64(body), "rss/body")
	b.ReportMetric(hwm/n*1e3/float64(body), "hwm/body")
}

// sandboxProcessEnv configures the console, by the MPARTICLE_* variables,
// for the sandbox serving at base (startSandboxProcess).
func sandboxProcessEnv(base string) []string {
	return []string{"MPARTICLE_CLIENT_ID=" + sandbox.DefaultClientID, "MPARTICLE_CLIENT_SECRET=" + sandbox.DefaultClientSecret,
		"MPARTICLE_ACCOUNT_ID=1", "MPARTICLE_BASE_URL=" + base, "MPARTICLE_TOKEN_URL=" + base + "/oauth/token"}
}

// startSandboxProcess runs `bin sandbox` seeded seed on a free port until
// the benchmark ends, and returns its base URL.
func startSandboxProcess(b *testing.B, bin, seed string) string {
	home := b.TempDir()
	cmd := exec.Command(bin, "sandbox", "--addr", "127.0.0.1:0", "--seed", seed)
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "PATH=" + os.Getenv("PATH")}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == "v1" && f[1] == "base" {
			go io.Copy(io.Discard, out) // the request log
			return strings.TrimSuffix(f[3], "/v1")
		}
	}
	b.Fatalf("the sandbox printed no base URL: %v", sc.Err())
	return ""
}

// appsAnswerSize is the length of the sandbox's answer to GET /v1/apps.
func appsAnswerSize(b *testing.B, base string) int {
	return getApps(b, base, sandboxToken(b, base))
}

// sandboxToken is an access token from the sandbox at base, for its
// default client.
func sandboxToken(b *testing.B, base string) string {
	form := fmt.Sprintf(`{"client_id":%q,"client_secret":%q,"audience":"https://api.mparticle.com","grant_type":"client_credentials"}`,
		sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	res, err := http.Post(base+"/oauth/token", "application/json", strings.NewReader(form))
	if err != nil {
		b.Fatal(err)
	}
	tok, _ := io.ReadAll(res.Body)
	res.Body.Close()
	i := bytes.Index(tok, []byte(`"access_token":"`))
	if i < 0 {
		b.Fatalf("no token: %s", tok)
	}
	tok = tok[i+len(`"access_token":"`):]
	return string(tok[:bytes.IndexByte(tok, '"')])
}

// getApps reads the whole answer to GET /v1/apps?accountId=1 over a
// connection of its own, as a fresh process (curl, the console) does, and
// returns its length.
func getApps(b *testing.B, base, tok string) int {
	req, err := http.NewRequest("GET", base+"/v1/apps?accountId=1", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("GET apps: %d %v", res.StatusCode, err)
	}
	return len(body)
}

// consolePID is the console's process: the child of the terminal's shell.
func consolePID(b *testing.B, tm *term) int {
	shell := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}"))
	kids, err := os.ReadFile("/proc/" + shell + "/task/" + shell + "/children")
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(kids))
	if len(f) == 0 {
		b.Fatalf("the terminal's shell %s has no child", shell)
	}
	pid, _ := strconv.Atoi(f[0])
	return pid
}

// procStatusKB reads a kB field of /proc/pid/status.
func procStatusKB(b *testing.B, pid int, field string) float64 {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
