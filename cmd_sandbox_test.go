package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mpconsole/mpconsole/api"
)

// sandboxLog is a concurrency-safe stderr for runSandbox.
type sandboxLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *sandboxLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *sandboxLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSandboxCommand runs `mpconsole sandbox` until its context ends: the
// banner, an extra credential, the request log, a clean shutdown.
func TestSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &sandboxLog{}
	done := make(chan int, 1)
	go func() {
		done <- runSandbox(ctx, []string{"--addr", "127.0.0.1:0", "--token-ttl", "2h", "--client-id", "ci", "--client-secret", "ci-Secret-9q"}, pw, stderr)
		pw.Close()
	}()
	var banner strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Requests are logged") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	text := banner.String()
	var v1, tokenURL string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "v1" {
			v1 = f[3]
		}
		if len(f) == 3 && f[0] == "token" && f[1] == "URL" {
			tokenURL = f[2]
		}
	}
	for _, want := range []string{"sandbox / sandbox-secret", "viewer / viewer-secret", "ci / (the --client-secret given)", `1 "Acme Production"`, "curl -s -H \"Authorization: Bearer $TOKEN\"", "expires_in 7200"} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "ci-Secret-9q") {
		t.Fatalf("the banner prints the --client-secret")
	}
	if !strings.HasPrefix(v1, "http://127.0.0.1:") || tokenURL != strings.TrimSuffix(v1, "/v1")+"/oauth/token" {
		t.Fatalf("URLs: %q %q\n%s", v1, tokenURL, text)
	}
	body, _ := json.Marshal(map[string]string{"client_id": "ci", "client_secret": "ci-Secret-9q", "audience": api.DefaultAudience, "grant_type": "client_credentials"})
	res, err := http.Post(tokenURL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if res.StatusCode != 200 || tok.ExpiresIn != 7200 {
		t.Fatalf("token: %d expires_in %d", res.StatusCode, tok.ExpiresIn)
	}
	req, _ := http.NewRequest("GET", v1+"/apps?accountId=2", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("the extra credential is not an admin: %d", res.StatusCode)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	logged := stderr.String()
	if !strings.Contains(logged, `GET /v1/apps?accountId=2 200`) || !strings.Contains(logged, `client="ci"`) || !strings.Contains(logged, "shutting down") {
		t.Errorf("stderr:\n%s", logged)
	}
	if strings.Contains(logged, tok.AccessToken) || strings.Contains(logged, "ci-Secret-9q") {
		t.Fatalf("stderr holds a secret")
	}
}

func TestSandboxCommandUsage(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-h"}, 0, "usage: mpconsole sandbox"},
		{[]string{"--nope"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--client-id", "x"}, 2, "--client-id and --client-secret go together"},
		{[]string{"--client-id", "viewer", "--client-secret", "s"}, 2, "already a seeded credential"},
		{[]string{"--seed", "huge"}, 2, "want default, empty or large:N"},
		{[]string{"--fault", "504=2"}, 2, "--fault: "},
		{[]string{"--token-ttl", "10ms"}, 2, "--token-ttl must be at least 1s"},
		{[]string{"--latency", "-1s"}, 2, "--latency must not be negative"},
		{[]string{"--addr", "nonsense"}, 2, "want host:port"},
		{[]string{"--addr", busy.Addr().String()}, 1, "listen on"},
	} {
		stderr := &sandboxLog{}
		code := runSandbox(t.Context(), tc.args, io.Discard, stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("sandbox %v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.msg)
		}
	}
}
