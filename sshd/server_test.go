package sshd

import (
	"encoding/base64"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/internal/testutil"
)

func TestAuthorizedKeySeesTheAppsAndQuits(t *testing.T) {
	h := newHarness(t, setup{})
	tm := h.open(h.anyKey, 100, 30)
	s := tm.waitFor("Acme Shop", "Acme Rewards", "Acme Kiosk", "4 rows", "SANDBOX")
	if strings.Contains(s, "READ-ONLY") {
		t.Errorf("a key without rights got a read-only session:\n%s", s)
	}
	fp := fingerprint(h.anyKey)
	addr := "addr=" + tm.client.LocalAddr().String() + " "
	h.waitLog("msg=connect", "conn=1 ", "user=alice", "key="+fp, addr)
	h.waitLog(`msg="session start"`, "conn=1 ", "session=1 ", "user=alice", "key="+fp, addr, "profile=sandbox")
	tm.key("q")
	if code := tm.waitExit(); code != 0 {
		t.Errorf("exit status %d after q, want 0", code)
	}
	l := h.waitLog(`msg="session end"`, "conn=1 ", "session=1 ", "user=alice", "key="+fp, addr, "reason=quit")
	if !strings.Contains(l, "duration=") {
		t.Errorf("session end line without a duration: %s", l)
	}
	if n := h.srv.Sessions(); n != 0 {
		t.Errorf("%d sessions open after quitting", n)
	}
	tm.close() // as ssh does when its session ends
	l = h.waitLog("msg=disconnect", "conn=1 ", "user=alice", "key="+fp, addr, "sessions=1 ", `reason="connection closed"`)
	if !strings.Contains(l, "duration=") {
		t.Errorf("disconnect line without a duration: %s", l)
	}
	if n := h.srv.Conns(); n != 0 {
		t.Errorf("%d connections held after the client left", n)
	}
}

func TestRefusedBeforeAnyUI(t *testing.T) {
	h := newHarness(t, setup{})
	stranger := h.newKey(false)
	tests := []struct {
		name string
		auth gossh.AuthMethod
		log  []string
	}{
		{"unknown key", gossh.PublicKeys(stranger), []string{"msg=refused", "keys=" + fingerprint(stranger), "methods=none,publickey "}},
		// The server offers neither password nor keyboard-interactive: the
		// client finds no method left to try and never sends the secret.
		{"password", gossh.Password("hunter2"), []string{"msg=refused", "methods=none "}},
		{"keyboard-interactive", gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return []string{"hunter2"}, nil
		}), []string{"msg=refused", "methods=none "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Each in a new minute, so that each is logged in full
			// (failed logins from one host are summed up within one).
			h.clock.advance(failWindow)
			user := "mallory-" + strings.ReplaceAll(tc.name, " ", "-")
			c, err := h.dial(user, tc.auth)
			if err == nil {
				c.Close()
				t.Fatal("connected")
			}
			if !strings.Contains(err.Error(), "unable to authenticate") || !strings.Contains(err.Error(), "no supported methods remain") {
				t.Errorf("error %q, want an authentication failure", err)
			}
			h.waitLogT(t, append([]string{"user=" + user + " "}, tc.log...)...)
		})
	}
	if strings.Contains(h.log.String(), "hunter2") {
		t.Errorf("a password reached the log:\n%s", h.log.String())
	}
	if n := h.sb.APIRequests(); n != 0 {
		t.Errorf("the sandbox saw %d API requests: a UI started for a refused client", n)
	}
	if n := h.sb.TokenRequests(); n != 0 {
		t.Errorf("the sandbox saw %d token requests for refused clients", n)
	}
}

func TestNoTerminalOrACommandIsExplainedInOneLine(t *testing.T) {
	h := newHarness(t, setup{})
	tests := []struct {
		name string
		pty  bool
		cmd  string
		want string
	}{
		{"shell without a pty", false, "", msgNoPTY},
		{"command without a pty", false, "ls", msgNoPTY},
		{"command with a pty", true, "ls", msgCommand},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := h.dial("alice", gossh.PublicKeys(h.anyKey))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			if tc.pty {
				if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr testutil.SyncBuffer
			sess.Stdout, sess.Stderr = &stdout, &stderr
			if tc.cmd != "" {
				err = sess.Run(tc.cmd)
			} else {
				if err = sess.Shell(); err == nil {
					err = sess.Wait()
				}
			}
			ee, ok := err.(*gossh.ExitError)
			if !ok || ee.ExitStatus() != 1 {
				t.Fatalf("session ended with %v, want exit status 1", err)
			}
			got := strings.TrimRight(stderr.String(), "\r\n")
			if got != tc.want {
				t.Errorf("stderr %q, want the one line %q", stderr.String(), tc.want)
			}
			if stdout.String() != "" {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
	if n := h.sb.APIRequests(); n != 0 {
		t.Errorf("%d API requests: a console started", n)
	}
}

func TestTwoSessionsAreIndependentAndShareOneRefresher(t *testing.T) {
	h := newHarness(t, setup{})
	a := h.open(h.anyKey, 100, 30)
	b := h.open(h.newKey(true), 100, 30)
	a.waitFor("Acme Shop", "4 rows")
	b.waitFor("Acme Shop", "4 rows")

	a.key("/")
	a.typ("kiosk")
	sa := a.waitFor("1 of 4 rows", "Acme Kiosk")
	if strings.Contains(sa, "Acme Rewards") {
		t.Fatalf("A's filter did not narrow:\n%s", sa)
	}
	b.key("/")
	b.typ("rew")
	sb := b.waitFor("1 of 4 rows", "Acme Rewards")
	if strings.Contains(sb, "Acme Kiosk") || strings.Contains(sb, "kiosk") {
		t.Fatalf("B shows A's filter:\n%s", sb)
	}
	b.key("enter")
	b.key("esc") // clears B's filter
	b.waitFor("4 rows", "Acme Kiosk", "Acme Shop")
	// A still shows its own filter, whatever B did.
	sa = a.waitFor("1 of 4 rows", "Acme Kiosk")
	if strings.Contains(sa, "Acme Rewards") || strings.Contains(sa, "rew") {
		t.Fatalf("A changed with B:\n%s", sa)
	}
	// One credential, one client: the second session fetched no token.
	if n := h.sb.TokenRequests(); n != 1 {
		t.Errorf("%d token requests for two sessions of one credential, want 1", n)
	}
}

func TestResizeRelaysOut(t *testing.T) {
	h := newHarness(t, setup{})
	tm := h.open(h.anyKey, 100, 30)
	tm.waitFor("Acme Shop", "4 rows")
	tm.resize(50, 12)
	s := tm.waitFor("Terminal too small: 50×12")
	if strings.Contains(s, "Acme Shop") {
		t.Errorf("the table is still drawn below the minimum size:\n%s", s)
	}
	tm.resize(120, 32)
	s = tm.until("the table at 120 columns", func(s string) bool {
		return strings.Contains(s, "Acme Shop") && !strings.Contains(s, "too small")
	})
	// The status bar is on the last row of the new size.
	lines := strings.Split(s, "\n")
	if len(lines) != 32 || !strings.Contains(lines[31], "4 rows") {
		t.Errorf("status bar not on row 32 after growing:\n%s", s)
	}
}

// rightsHarness serves the sandbox plus a file profile "staging" (the
// sandbox's viewer credential), with [[ssh.keys]] rights from a profiles
// file written in t.TempDir().
func rightsHarness(t *testing.T, rights func(ro, staging string) string) (*harness, gossh.Signer, gossh.Signer) {
	var roKey, stagingKey gossh.Signer
	var file *config.File
	h := newHarness(t, setup{
		manager: func(h *harness) accounts.Options {
			roKey, stagingKey = h.newKey(true), h.newKey(true)
			text := fmt.Sprintf(`
[profiles.staging]
client_id = "viewer"
client_secret_env = "STAGING_SECRET"
account_id = 1
base_url = %q
v2_base_url = %q
token_url = %q
`, h.sb.V1URL(), h.sb.V2URL(), h.sb.TokenURL()) + rights(fingerprint(roKey), fingerprint(stagingKey))
			path := filepath.Join(h.dir, "config.toml")
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			var err error
			if file, err = config.Load(path); err != nil {
				t.Fatal(err)
			}
			return accounts.Options{Sandbox: h.sb, File: file, NoCache: true, CacheDir: t.TempDir(),
				Getenv: func(k string) string {
					if k == "STAGING_SECRET" {
						return "viewer-secret"
					}
					return ""
				}}
		},
		opts: func(o *Options) { o.Rights = file.SSH; o.Profile = accounts.SandboxProfile },
	})
	return h, roKey, stagingKey
}

func TestReadOnlyKeyCannotWrite(t *testing.T) {
	h, roKey, _ := rightsHarness(t, func(ro, _ string) string {
		return fmt.Sprintf("\n[[ssh.keys]]\nfingerprint = %q\nname = \"auditor\"\nread_only = true\n", ro)
	})
	tm := h.open(roKey, 100, 30)
	tm.waitFor("READ-ONLY", "Acme Shop", "4 rows")
	h.waitLog(`msg="session start"`, "key="+fingerprint(roKey), "read_only=true")
	// Every write key, and what would confirm one.
	for _, k := range []string{"ctrl+d", "y", "enter", "e", "c", "ctrl+d", "Acme Shop", "enter"} {
		tm.key(k)
	}
	tm.key("esc")
	tm.key("?") // help: a screen change that proves every key above was read
	tm.waitFor("help")
	if w := h.writes(); len(w) > 0 {
		t.Errorf("a read-only session sent writes:\n%s", strings.Join(w, "\n"))
	}
	// The server's own default is read-write: another key is not read-only.
	other := h.open(h.anyKey, 100, 30)
	s := other.waitFor("Acme Shop", "4 rows")
	if strings.Contains(s, "READ-ONLY") {
		t.Errorf("a key without rights is read-only:\n%s", s)
	}
}

func TestKeyRestrictedToAProfile(t *testing.T) {
	h, _, stagingKey := rightsHarness(t, func(_, staging string) string {
		return fmt.Sprintf("\n[[ssh.keys]]\nfingerprint = %q\nprofiles = [\"staging\"]\n", staging)
	})
	// The server starts sessions on "sandbox"; this key may only use staging.
	tm := h.open(stagingKey, 120, 30)
	tm.waitFor("staging", "Acme Shop")
	h.waitLog(`msg="session start"`, "key="+fingerprint(stagingKey), "profile=staging")
	tm.key("A")
	s := tm.waitFor("PROFILE", "staging")
	for _, p := range []string{accounts.SandboxProfile + " ", accounts.ViewerProfile} {
		if strings.Contains(s, p) {
			t.Errorf("the switcher offers %q to a key restricted to staging:\n%s", p, s)
		}
	}
}

func TestSessionLimit(t *testing.T) {
	h := newHarness(t, setup{opts: func(o *Options) { o.MaxSessions = 2 }})
	a := h.open(h.anyKey, 100, 30)
	b := h.open(h.anyKey, 100, 30)
	a.waitFor("Acme Shop")
	b.waitFor("Acme Shop")
	// A third connection is refused at login, told why in the banner.
	c, local, banner, err := h.dialRaw("carol", gossh.PublicKeys(h.anyKey))
	if err == nil {
		c.Close()
		t.Fatal("a third connection got in")
	}
	if want := fmt.Sprintf(msgFull, 2, "connections") + "\r\n"; banner != want {
		t.Errorf("third connection told %q, want %q", banner, want)
	}
	h.waitLog("msg=refused", "user=carol", "key="+fingerprint(h.anyKey), "addr="+local+" ", `reason="server full"`)
	// A place frees when a client leaves.
	a.key("q")
	a.waitExit()
	a.close()
	h.waitLog("msg=disconnect", "addr="+a.client.LocalAddr().String()+" ", `reason="connection closed"`)
	d := h.open(h.anyKey, 100, 30)
	d.waitFor("Acme Shop")
	// Sessions count too: a client multiplexing sessions over one
	// connection gets no more than the limit.
	e, err := startTerm(t, d.client, 100, 30, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code := e.waitExit(); code != 1 {
		t.Errorf("third session exit status %d, want 1", code)
	}
	if got, want := strings.TrimRight(e.stderr.String(), "\r\n"), fmt.Sprintf(msgFull, 2, "sessions"); got != want {
		t.Errorf("third session told %q, want %q", got, want)
	}
	h.waitLog(`msg="refused session"`, "server is full")
}

func TestShutdownTellsEverySession(t *testing.T) {
	h := newHarness(t, setup{})
	a := h.open(h.anyKey, 100, 30)
	b := h.open(h.newKey(true), 100, 30)
	a.waitFor("Acme Shop")
	b.waitFor("Acme Shop")
	h.cancel() // what SIGINT/SIGTERM do to main's context
	for _, tm := range []*term{a, b} {
		if code := tm.waitExit(); code != 0 {
			t.Errorf("exit status %d on shutdown, want 0", code)
		}
		// The console left the alternate screen: the message is on the
		// normal screen.
		tm.waitFor(msgClosing)
		tm.close() // a client hangs up when its session ends
	}
	select {
	case <-h.srv.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
	if err := h.srv.Wait(); err != nil {
		t.Errorf("Wait: %v", err)
	}
	if _, err := h.dial("alice", gossh.PublicKeys(h.anyKey)); err == nil {
		t.Error("a connection was accepted after shutdown")
	}
	h.waitLog(`msg="session end"`, "reason=shutdown")
	h.waitLog("msg=disconnect", "reason=shutdown")
}

func TestIdleSessionIsClosed(t *testing.T) {
	h := newHarness(t, setup{opts: func(o *Options) { o.IdleTimeout = 300 * time.Millisecond }})
	tm := h.open(h.anyKey, 100, 30)
	tm.waitExit()
	tm.waitFor("mpconsole: closed after 300ms without input.")
	h.waitLog(`msg="session end"`, "reason=idle")
}

func TestAuthorizedKeysAreReadAtEachLogin(t *testing.T) {
	h := newHarness(t, setup{})
	late := h.newKey(false)
	if _, err := h.dial("bob", gossh.PublicKeys(late)); err == nil {
		t.Fatal("an unlisted key connected")
	}
	line := gossh.MarshalAuthorizedKey(late.PublicKey())
	f, err := os.OpenFile(h.akPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(line)
	f.Close()
	c, err := h.dial("bob", gossh.PublicKeys(late))
	if err != nil {
		t.Fatalf("a key added while running: %v", err)
	}
	c.Close()
	// A file broken while running refuses everyone, and says why.
	if err := os.WriteFile(h.akPath, []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := h.dial("bob", gossh.PublicKeys(late)); err == nil {
		t.Fatal("connected with a broken authorized keys file")
	}
	h.waitLog("refusing every key", "authorized_keys:1")
}

func TestColourFollowsTheSessionEnvironment(t *testing.T) {
	h := newHarness(t, setup{})
	plain, err := openTerm(t, h, h.anyKey, 100, 30, map[string]string{"NO_COLOR": "1"})
	if err != nil {
		t.Fatal(err)
	}
	coloured := h.open(h.anyKey, 100, 30)
	plain.waitFor("Acme Shop", "4 rows", "token valid")
	coloured.waitFor("Acme Shop", "4 rows", "token valid")
	if c := colourSGR(plain.raw.String()); c != "" {
		t.Errorf("NO_COLOR session got colour %q", c)
	}
	// The session without NO_COLOR gets colour (or the test proves nothing).
	coloured.waitRaw("a colour sequence", func(raw string) bool { return colourSGR(raw) != "" })
}

// colourSGR returns the first SGR sequence that sets a colour, or "".
func colourSGR(out string) string {
	for _, m := range sgr.FindAllStringSubmatch(out, -1) {
		for _, p := range strings.Split(m[1], ";") {
			p, _, _ = strings.Cut(p, ":")
			var n int
			if _, err := fmt.Sscan(p, &n); err != nil {
				continue
			}
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				return m[0]
			}
		}
	}
	return ""
}

var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// The program asks the terminal for its background colour; the emulator's
// answer goes back on the session's input, and a light terminal gets other
// colours than a dark one for the same screen.
func TestThemeFollowsTheClientsBackground(t *testing.T) {
	h := newHarness(t, setup{})
	open := func(bg color.Color) *term {
		c, err := h.dial("alice", gossh.PublicKeys(h.anyKey))
		if err != nil {
			t.Fatal(err)
		}
		tm, err := newTerm(t, c, 100, 30)
		if err != nil {
			t.Fatal(err)
		}
		tm.vt.SetDefaultBackgroundColor(bg) // before start: nothing writes to it yet
		if err := tm.start(100, 30, nil); err != nil {
			t.Fatal(err)
		}
		return tm
	}
	dark, light := open(color.Black), open(color.White)
	dark.waitFor("Acme Shop", "4 rows", "token valid")
	light.waitFor("Acme Shop", "4 rows", "token valid")
	// The same text in other colours: the answer may come after the first frame.
	differ := func() bool {
		return dark.vt.String() == light.vt.String() && dark.vt.Styled() != light.vt.Styled()
	}
	if err := testutil.Poll(20*time.Second, differ); err != nil {
		t.Fatalf("a light terminal shows the dark theme's colours (%v); screen:\n%s", err, light.vt.String())
	}
}

func TestCopyReachesTheClientAsOSC52(t *testing.T) {
	h := newHarness(t, setup{})
	tm := h.open(h.anyKey, 100, 30)
	tm.waitFor("Acme Shop", "4 rows")
	tm.key("i")
	tm.waitFor(`"name": "Acme Shop"`)
	tm.key("y")
	tm.waitFor("clipboard")
	raw := tm.waitRaw("a whole OSC 52 sequence", func(raw string) bool {
		_, rest, ok := strings.Cut(raw, "\x1b]52;c;")
		return ok && strings.ContainsAny(rest, "\x07\x1b")
	})
	i := strings.Index(raw, "\x1b]52;c;")
	payload := raw[i+len("\x1b]52;c;"):]
	end := strings.IndexAny(payload, "\x07\x1b")
	if end < 0 {
		t.Fatalf("unterminated OSC 52")
	}
	text, err := base64.StdEncoding.DecodeString(payload[:end])
	if err != nil {
		t.Fatalf("OSC 52 payload: %v", err)
	}
	if !strings.Contains(string(text), `"name": "Acme Shop"`) {
		t.Errorf("copied %q, want the app's JSON", text)
	}
}

func TestErrorPaneOverSSH(t *testing.T) {
	h := newHarness(t, setup{})
	tm := h.open(h.anyKey, 100, 30)
	tm.waitFor("Acme Shop", "4 rows")
	h.sb.InjectNext("504", 5) // more than the retries
	tm.key("ctrl+r")
	tm.waitFor("504 Gateway Timeout", "GET /v1/apps")
	tm.key("esc")
	s := tm.until("the pane dismissed", func(s string) bool { return !strings.Contains(s, "504 Gateway") })
	if !strings.Contains(s, "Acme Shop") {
		t.Errorf("the table is gone after the error:\n%s", s)
	}
}

func TestKeyWhoseProfilesAreNotServedIsRefused(t *testing.T) {
	var key gossh.Signer
	h := newHarness(t, setup{
		manager: func(h *harness) accounts.Options {
			key = h.newKey(true)
			return accounts.Options{Sandbox: h.sb, NoCache: true}
		},
		opts: func(o *Options) {
			o.Rights = config.SSHConfig{Keys: []config.SSHKey{{Fingerprint: fingerprint(key), Profiles: []string{"prod"}}}}
		},
	})
	tm := h.open(key, 100, 30)
	if code := tm.waitExit(); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if got, want := strings.TrimRight(tm.stderr.String(), "\r\n"), fmt.Sprintf(msgNoProfile, []string{"prod"}); got != want {
		t.Errorf("told %q, want %q", got, want)
	}
	if n := h.sb.APIRequests(); n != 0 {
		t.Errorf("%d API requests for a refused session", n)
	}
}
