package sshd

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/internal/testutil"
)

// waitConnsGone waits until the server holds no connection at all, so
// every failure has been counted.
func (h *harness) waitConnsGone() {
	h.t.Helper()
	var n int
	if err := testutil.Poll(20*time.Second, func() bool {
		h.srv.mu.Lock()
		n = len(h.srv.pending)
		h.srv.mu.Unlock()
		return n == 0
	}); err != nil {
		h.t.Fatalf("%d connections still open (%v)", n, err)
	}
}

// logLines are the lines of the server's log holding every text.
func (h *harness) logLines(texts ...string) []string {
	var out []string
	for _, l := range strings.Split(h.log.String(), "\n") {
		ok := l != ""
		for _, x := range texts {
			ok = ok && strings.Contains(l+" ", x)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

func TestConnectionsWithoutASessionCountAndAreLogged(t *testing.T) {
	const limit, tries = 10, 50
	h := newHarness(t, setup{opts: func(o *Options) { o.MaxSessions = limit }})
	fp := fingerprint(h.anyKey)
	type result struct {
		c             *gossh.Client
		local, banner string
		err           error
	}
	results := make([]result, tries)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			r := &results[i]
			// Like ssh -N: authenticate, open nothing.
			r.c, r.local, r.banner, r.err = h.dialRaw(fmt.Sprintf("u%02d", i), gossh.PublicKeys(h.anyKey))
			if r.c != nil {
				t.Cleanup(func() { r.c.Close() })
			}
		})
	}
	wg.Wait()
	var held []result
	full := fmt.Sprintf(msgFull, limit, "connections") + "\r\n"
	for i, r := range results {
		user := fmt.Sprintf("user=u%02d ", i)
		if r.err == nil {
			held = append(held, r)
			h.waitLog("msg=connect", user, "key="+fp, "addr="+r.local+" ")
			continue
		}
		if !strings.Contains(r.err.Error(), "unable to authenticate") {
			t.Errorf("connection %d: %v, want an authentication refusal", i, r.err)
		}
		if r.banner != full {
			t.Errorf("connection %d told %q, want %q", i, r.banner, full)
		}
		h.waitLog("msg=refused", user, "key="+fp, "addr="+r.local+" ", `reason="server full"`)
	}
	if len(held) != limit {
		t.Fatalf("%d of %d connections held, want the limit, %d", len(held), tries, limit)
	}
	if n := h.srv.Conns(); n != limit {
		t.Errorf("Conns() = %d, want %d", n, limit)
	}
	if n := len(h.logLines("msg=connect")); n != limit {
		t.Errorf("%d connect lines, want %d", n, limit)
	}
	// A known key refused for a full server is not a failed login: every
	// refusal has its line, none is summed up.
	if n := len(h.logLines("msg=refused")); n != tries-limit {
		t.Errorf("%d refused lines, want %d", n, tries-limit)
	}
	if l := h.logLines("more failed logins"); len(l) > 0 {
		t.Errorf("refusals of a full server counted as failed logins: %s", l)
	}
	// A place frees when a client leaves.
	held[0].c.Close()
	h.waitLog("msg=disconnect", "addr="+held[0].local+" ", "sessions=0 ", `reason="connection closed"`)
	c, err := h.dial("late", gossh.PublicKeys(h.anyKey))
	if err != nil {
		t.Fatalf("a freed place: %v", err)
	}
	c.Close()
}

func TestIdleConnectionWithoutASessionIsClosed(t *testing.T) {
	const idle = 300 * time.Millisecond
	h := newHarness(t, setup{opts: func(o *Options) { o.IdleTimeout = idle }})
	start := time.Now() // before the dial: the server's idle time starts at the login
	c, local, _, err := h.dialRaw("alice", gossh.PublicKeys(h.anyKey))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	closed := make(chan struct{})
	go func() { c.Wait(); close(closed) }()
	// Keep-alives, as ssh -o ServerAliveInterval sends them, until the
	// server closes the connection: they are not input.
	tick := time.NewTicker(idle / 6)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	answered := 0
wait:
	for {
		select {
		case <-closed:
			break wait
		case <-deadline:
			t.Fatalf("connection still open; %d keep-alives answered", answered)
		case <-tick.C:
			ok, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
			if err == nil {
				answered++
				if ok {
					t.Error("a keep-alive was answered yes")
				}
			}
		}
	}
	if d := time.Since(start); d < idle {
		t.Errorf("closed after %s, before the idle timeout %s", d, idle)
	}
	if answered < 2 {
		t.Errorf("%d keep-alives answered before the close: they proved nothing", answered)
	}
	h.waitLog("msg=disconnect", "user=alice", "addr="+local+" ", "sessions=0 ", "reason=idle")
	if n := h.srv.Conns(); n != 0 {
		t.Errorf("%d connections held after the idle close", n)
	}
}

func TestShutdownClosesAConnectionWithoutASession(t *testing.T) {
	h := newHarness(t, setup{})
	c, local, _, err := h.dialRaw("alice", gossh.PublicKeys(h.anyKey))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	closed := make(chan struct{})
	go func() { c.Wait(); close(closed) }()
	h.cancel()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("connection still open after shutdown")
	}
	<-h.srv.Done()
	h.waitLog("msg=disconnect", "addr="+local+" ", "sessions=0 ", "reason=shutdown")
}

func TestForwardingIsRefused(t *testing.T) {
	h := newHarness(t, setup{})
	c, err := h.dial("alice", gossh.PublicKeys(h.anyKey))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := newTerm(t, c, 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	// Agent forwarding is asked for on the session, before the shell, as
	// ssh -A does.
	ok, err := tm.sess.SendRequest(agentRequest, true, nil)
	if err != nil || ok {
		t.Errorf("agent forwarding request: %v, %v; want refused", ok, err)
	}
	x11 := gossh.Marshal(struct {
		Single        bool
		Proto, Cookie string
		Screen        uint32
	}{false, "MIT-MAGIC-COOKIE-1", "00", 0})
	if ok, err := tm.sess.SendRequest("x11-req", true, x11); err != nil || ok {
		t.Errorf("x11 request: %v, %v; want refused", ok, err)
	}
	// The session goes on regardless.
	if err := tm.start(100, 30, nil); err != nil {
		t.Fatal(err)
	}
	tm.waitFor("Acme Shop", "4 rows")

	u, err := url.Parse(h.sb.V1URL())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		try  func(t *testing.T) error
		log  []string
	}{
		{"local forwarding (ssh -L)", func(t *testing.T) error {
			// To a listening address (the sandbox), so that only a refusal fails.
			conn, err := c.Dial("tcp", u.Host)
			if err == nil {
				conn.Close()
			}
			return err
		}, []string{`msg="refused channel"`, "type=direct-tcpip"}},
		{"remote forwarding (ssh -R)", func(t *testing.T) error {
			ln, err := c.Listen("tcp", "127.0.0.1:0")
			if err == nil {
				ln.Close()
			}
			return err
		}, nil},
		{"subsystem (sftp)", func(t *testing.T) error {
			s, err := c.NewSession()
			if err != nil {
				t.Fatalf("a session: %v", err)
			}
			defer s.Close()
			return s.RequestSubsystem("sftp")
		}, nil},
		{"unknown channel", func(t *testing.T) error {
			ch, _, err := c.OpenChannel("auth-agent@openssh.com", nil)
			if err == nil {
				ch.Close()
			}
			return err
		}, []string{`msg="refused channel"`, "type=auth-agent@openssh.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.try(t); err == nil {
				t.Error("accepted")
			}
			if tc.log != nil {
				h.waitLogT(t, append(tc.log, "user=alice", "key="+fingerprint(h.anyKey))...)
			}
		})
	}
	h.waitLog(`msg="refused request"`, "type="+agentRequest, "user=alice", "key="+fingerprint(h.anyKey))
	// The console still answers.
	tm.key("?")
	tm.waitFor("help")
}

func TestFailedLoginsFromOneHostAreSummedUp(t *testing.T) {
	h := newHarness(t, setup{})
	stranger := h.newKey(false)
	fail := func(user string) {
		t.Helper()
		if c, err := h.dial(user, gossh.PublicKeys(stranger)); err == nil {
			c.Close()
			t.Fatalf("%s got in with an unknown key", user)
		}
	}
	for i := range 5 {
		fail(fmt.Sprintf("m%d", i))
	}
	h.waitConnsGone()
	// The server ends each failed connection once its client has hung up,
	// so the failure it meets first need not be m0.
	if l := h.logLines("msg=refused"); len(l) != 1 || !regexp.MustCompile(`user=m[0-4] `).MatchString(l[0]) || !strings.Contains(l[0], "keys="+fingerprint(stranger)) {
		t.Fatalf("refused lines after five failures in a minute:\n%s\nwant the first one only", strings.Join(l, "\n"))
	}
	if l := h.logLines("more failed logins"); len(l) > 0 {
		t.Fatalf("summed up before the minute ended: %s", l)
	}
	// Failures do not lock the host out.
	c, err := h.dial("alice", gossh.PublicKeys(h.anyKey))
	if err != nil {
		t.Fatalf("an authorized key after failures from its host: %v", err)
	}
	c.Close()

	h.clock.advance(failWindow)
	fail("m5")
	sum := h.waitLog(`msg="more failed logins"`, "addr=127.0.0.1 ", "count=4 ", "in=1m0s")
	next := h.waitLog("msg=refused", "user=m5 ")
	if log := h.log.String(); strings.Index(log, sum) > strings.Index(log, next) {
		t.Errorf("the next minute's first failure logged before the last minute's sum:\n%s", log)
	}

	// A host that stops trying gets its sum at shutdown at the latest.
	fail("m6")
	fail("m7")
	h.waitConnsGone()
	h.clock.advance(10 * time.Second)
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}
	h.waitLog(`msg="more failed logins"`, "addr=127.0.0.1 ", "count=2 ", "in=10s")
	if l := h.logLines("msg=refused"); len(l) != 2 {
		t.Errorf("%d refused lines, want 2 (one per minute):\n%s", len(l), strings.Join(l, "\n"))
	}
}
