package sshd

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/internal/testutil"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// harness is a real server on 127.0.0.1:0 over the embedded sandbox, with
// an authorized keys file in t.TempDir().
type harness struct {
	t      testing.TB
	ctx    context.Context
	cancel context.CancelFunc
	dir    string
	sb     *sandbox.Server
	sbLog  *testutil.SyncBuffer // the sandbox's request log: one line per request
	mgr    *accounts.Manager
	log    *testutil.SyncBuffer // the server's log
	srv    *Server
	akPath string
	anyKey gossh.Signer // an authorized key
	opts   Options
	addr   string // the server's address
	hostFP string // and its host key's fingerprint
	clock  *clock // the server's Now
}

// clock is a clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type setup struct {
	opts    func(*Options)
	manager func(h *harness) accounts.Options // nil: the sandbox alone
}

func newHarness(t testing.TB, su setup) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), sbLog: &testutil.SyncBuffer{}, log: &testutil.SyncBuffer{},
		clock: &clock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	t.Cleanup(h.cancel)
	var err error
	h.sb, err = sandbox.Start(h.ctx, sandbox.Options{Log: h.sbLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.sb.Close() })
	h.akPath = filepath.Join(h.dir, "authorized_keys")
	mo := accounts.Options{Sandbox: h.sb, NoCache: true}
	if su.manager != nil {
		mo = su.manager(h)
	}
	mo.Retry = api.RetryPolicy{MaxAttempts: 2, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}
	h.mgr = accounts.New(mo)
	t.Cleanup(h.mgr.Close)
	h.anyKey = h.newKey(true)
	h.opts = Options{
		Addr:           "127.0.0.1:0",
		HostKey:        filepath.Join(h.dir, "host_ed25519"),
		AuthorizedKeys: h.akPath,
		Accounts:       h.mgr,
		Log:            h.log,
		ShutdownGrace:  10 * time.Second,
		Now:            h.clock.now,
	}
	if su.opts != nil {
		su.opts(&h.opts)
	}
	h.srv, err = Start(h.ctx, h.opts)
	if err != nil {
		t.Fatal(err)
	}
	h.addr, h.hostFP = h.srv.Addr().String(), h.srv.HostKeyFingerprint()
	t.Cleanup(func() {
		if err := h.srv.Close(); err != nil {
			t.Errorf("server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", h.log.String())
		}
	})
	return h
}

// newKey makes an ed25519 key; an authorized one is appended to the
// authorized keys file.
func (h *harness) newKey(authorized bool) gossh.Signer {
	h.t.Helper()
	s := newSigner(h.t)
	if authorized {
		f, err := os.OpenFile(h.akPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			h.t.Fatal(err)
		}
		fmt.Fprintf(f, "%s", gossh.MarshalAuthorizedKey(s.PublicKey()))
		f.Close()
	}
	return s
}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fingerprint(s gossh.Signer) string { return gossh.FingerprintSHA256(s.PublicKey()) }

// dial connects with the given auth methods, checking the host key.
func (h *harness) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	c, _, _, err := h.dialRaw(user, auth...)
	return c, err
}

// dialRaw is dial returning also, whatever the outcome, the client's
// address (the server logs it as the remote one) and the authentication
// banner the server sent.
func (h *harness) dialRaw(user string, auth ...gossh.AuthMethod) (c *gossh.Client, local, banner string, err error) {
	nc, err := net.DialTimeout("tcp", h.addr, 10*time.Second)
	if err != nil {
		return nil, "", "", err
	}
	local = nc.LocalAddr().String()
	cfg := &gossh.ClientConfig{
		User: user,
		Auth: auth,
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			if got := gossh.FingerprintSHA256(key); got != h.hostFP {
				return fmt.Errorf("host key %s, want %s", got, h.hostFP)
			}
			return nil
		},
		BannerCallback: func(msg string) error { banner += msg; return nil },
	}
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	sc, chans, reqs, err := gossh.NewClientConn(nc, h.addr, cfg)
	if err != nil {
		nc.Close()
		return nil, local, banner, err
	}
	nc.SetDeadline(time.Time{})
	return gossh.NewClient(sc, chans, reqs), local, banner, nil
}

// term is one client session with a PTY, its output applied to a terminal
// emulator.
type term struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	vt     *testutil.Screen
	stderr *testutil.SyncBuffer
	raw    *testutil.SyncBuffer // everything the session sent to stdout
	exit   chan error
	copied sync.WaitGroup
}

// open dials with a key, asks for a PTY of w×ht and a shell.
func (h *harness) open(key gossh.Signer, w, ht int) *term {
	h.t.Helper()
	tm, err := openTerm(h.t, h, key, w, ht, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return tm
}

func openTerm(t testing.TB, h *harness, key gossh.Signer, w, ht int, env map[string]string) (*term, error) {
	c, err := h.dial("alice", gossh.PublicKeys(key))
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	return startTerm(t, c, w, ht, env)
}

// startTerm opens a session with a PTY of w×ht and a shell on a client.
func startTerm(t testing.TB, c *gossh.Client, w, ht int, env map[string]string) (*term, error) {
	tm, err := newTerm(t, c, w, ht)
	if err != nil {
		return nil, err
	}
	return tm, tm.start(w, ht, env)
}

// newTerm opens a session on a client, for a terminal of w×ht; start asks
// for the PTY and the shell.
func newTerm(t testing.TB, c *gossh.Client, w, ht int) (*term, error) {
	tm := &term{t: t, client: c, vt: testutil.NewScreen(w, ht), stderr: &testutil.SyncBuffer{}, raw: &testutil.SyncBuffer{}, exit: make(chan error, 1)}
	var err error
	if tm.sess, err = c.NewSession(); err != nil {
		c.Close()
		return nil, err
	}
	t.Cleanup(tm.close)
	return tm, nil
}

// start asks for the PTY and the shell on the term's session.
func (tm *term) start(w, ht int, env map[string]string) error {
	var err error
	for k, v := range env {
		if err := tm.sess.Setenv(k, v); err != nil {
			return fmt.Errorf("setenv %s: %w", k, err)
		}
	}
	if err := tm.sess.RequestPty("xterm-256color", ht, w, gossh.TerminalModes{}); err != nil {
		return fmt.Errorf("pty: %w", err)
	}
	if tm.stdin, err = tm.sess.StdinPipe(); err != nil {
		return err
	}
	stdout, err := tm.sess.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := tm.sess.StderrPipe()
	if err != nil {
		return err
	}
	go tm.vt.Answer(tm.stdin)
	tm.copied.Add(2)
	go func() { defer tm.copied.Done(); io.Copy(io.MultiWriter(tm.vt, tm.raw), stdout) }()
	go func() { defer tm.copied.Done(); io.Copy(io.MultiWriter(tm.vt, tm.stderr), stderr) }()
	if err := tm.sess.Shell(); err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	go func() { tm.exit <- tm.sess.Wait() }()
	return nil
}

func (tm *term) close() {
	tm.sess.Close()
	tm.client.Close()
	tm.vt.Close()
}

// keys the tests type, as a terminal sends them.
var keySeq = map[string]string{
	"esc": "\x1b", "enter": "\r", "ctrl+d": "\x04", "ctrl+c": "\x03", "ctrl+r": "\x12", "ctrl+o": "\x0f", "up": "\x1b[A", "down": "\x1b[B",
}

// key sends one named key or one character.
func (tm *term) key(k string) {
	tm.t.Helper()
	s, ok := keySeq[k]
	if !ok {
		s = k
	}
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		tm.t.Fatalf("typing %q: %v", k, err)
	}
}

// typ types text a character at a time, as a person would.
func (tm *term) typ(s string) {
	for _, r := range s {
		tm.key(string(r))
	}
}

// resize changes the client's window: the emulator first, then the
// window-change request.
func (tm *term) resize(w, ht int) {
	tm.t.Helper()
	tm.vt.Resize(w, ht)
	if err := tm.sess.WindowChange(ht, w); err != nil {
		tm.t.Fatalf("window-change: %v", err)
	}
}

// until waits for the screen to satisfy cond.
func (tm *term) until(what string, cond func(screen string) bool) string {
	tm.t.Helper()
	return tm.vt.Until(tm.t, what, cond)
}

// waitRaw waits until the raw output (escape sequences and all) satisfies
// cond: what a terminal was sent can trail the screen it shows.
func (tm *term) waitRaw(what string, cond func(raw string) bool) string {
	tm.t.Helper()
	var raw string
	if err := testutil.Poll(20*time.Second, func() bool { raw = tm.raw.String(); return cond(raw) }); err != nil {
		tm.t.Fatalf("no %s in the output (%v)", what, err)
	}
	return raw
}

// waitFor waits until the screen shows every text.
func (tm *term) waitFor(texts ...string) string {
	tm.t.Helper()
	return tm.until(strings.Join(texts, " and "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// waitExit waits for the session to end and returns its exit status.
func (tm *term) waitExit() int {
	tm.t.Helper()
	select {
	case err := <-tm.exit:
		tm.copied.Wait()
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		default:
			tm.t.Fatalf("session ended without a status: %v", err)
		}
	case <-time.After(20 * time.Second):
		tm.t.Fatalf("session did not end; screen:\n%s", tm.vt.String())
	}
	return -1
}

// waitLog waits for the server log to contain every text on one line.
func (h *harness) waitLog(texts ...string) string {
	h.t.Helper()
	return h.waitLogT(h.t, texts...)
}

// waitLogT is waitLog failing t (a subtest). A text ending with a space
// (a whole value: "addr=127.0.0.1:5370 ") also matches at the end of a
// line.
func (h *harness) waitLogT(t testing.TB, texts ...string) string {
	t.Helper()
	var line string
	found := func() bool {
		for _, l := range strings.Split(h.log.String(), "\n") {
			ok := true
			for _, x := range texts {
				ok = ok && strings.Contains(l+" ", x)
			}
			if ok {
				line = l
				return true
			}
		}
		return false
	}
	if err := testutil.Poll(20*time.Second, found); err != nil {
		t.Fatalf("no log line with %q (%v); log:\n%s", texts, err, h.log.String())
	}
	return line
}

// writes lists the API requests that were not reads, from the sandbox log.
func (h *harness) writes() []string {
	var out []string
	for _, l := range strings.Split(h.sbLog.String(), "\n") {
		if l == "" || strings.Contains(l, "/oauth/token") {
			continue
		}
		for _, m := range []string{"POST ", "PUT ", "PATCH ", "DELETE "} {
			if strings.Contains(l, m) {
				out = append(out, l)
			}
		}
	}
	return out
}
