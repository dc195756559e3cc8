package sshd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/ui"
)

// Defaults of Options.
const (
	DefaultAddr          = "127.0.0.1:2222"
	DefaultMaxSessions   = 32
	DefaultIdleTimeout   = 30 * time.Minute
	DefaultShutdownGrace = 5 * time.Second
	DefaultFPS           = 60
	// handshakeTimeout bounds a connection that has not authenticated yet.
	handshakeTimeout = 30 * time.Second
	// hangupWait is how long shutdown waits for clients to close their
	// connections once their sessions have ended.
	hangupWait = time.Second
)

// Options configure a Server.
type Options struct {
	// Addr is the listen address; default DefaultAddr. Tests use 127.0.0.1:0.
	Addr string
	// HostKey is the server's private key file; an ed25519 key is generated
	// (0600) when it does not exist.
	HostKey string
	// AuthorizedKeys lists the public keys allowed in, in OpenSSH format. It
	// is read again at every login, so adding or removing a key needs no
	// restart.
	AuthorizedKeys string
	// Accounts hands out the API clients; one Manager serves every session,
	// so every session using a credential shares its client and its token
	// refresher.
	Accounts *accounts.Manager
	// Profile is the profile sessions start on; "" is the Manager's
	// default. A key that may not use it starts on the first profile it may.
	Profile string
	// Rights are the per-key restrictions of the profiles file
	// ([[ssh.keys]]); a key without an entry gets what the options say.
	Rights config.SSHConfig
	// ReadOnly makes every session read-only (--readonly).
	ReadOnly bool
	// Keys is the keymap (the profiles file's [keys]); nil is the default.
	// Each session gets its own copy.
	Keys *keymap.KeyMap
	// MaxSessions is how many connections the server holds at once, with
	// or without a session (ssh -N), and how many sessions may be open at
	// once; default DefaultMaxSessions.
	MaxSessions int
	// IdleTimeout closes a session that received no input for that long,
	// and a connection that holds no session and saw no session input for
	// that long (keep-alives are not input); default DefaultIdleTimeout,
	// negative for never.
	IdleTimeout time.Duration
	// ShutdownGrace is how long sessions get to close on shutdown before
	// their connections are cut; default DefaultShutdownGrace.
	ShutdownGrace time.Duration
	// Log receives one line per connection, session, disconnection and
	// refusal; failed logins from one host after its first are summed up
	// once a minute. Nil discards.
	Log io.Writer
	// Logger, when set, receives the lines instead of Log, as structured
	// records (the command passes one for stderr and its debug log).
	Logger *slog.Logger
	// Now is the clock of the failed logins' minute; nil is time.Now.
	Now func() time.Time
	// StateDir holds the sessions' drafts and journal ("" is the user
	// state dir); StateTemporary says it goes away with the server (the
	// embedded sandbox's own). See ui.Options.
	StateDir       string
	StateTemporary bool
	// FPS caps how many times a second a session's screen is redrawn;
	// default DefaultFPS. See DefaultFPS for what it costs.
	FPS int
	// NoMouse turns the sessions' mouse off (mouse = false in the
	// profiles file).
	NoMouse bool
	// Plugins are the profiles file's plugins; a session runs them only
	// when its key's rights say plugins = true.
	Plugins []config.Plugin
	// Skins are the profiles' skins (see ui.Options.Skins).
	Skins map[string]theme.Skin
	// KeepRendering leaves idle sessions' renderers running (they are
	// parked by default); only measurements of what parking saves set it.
	KeepRendering bool
}

// Server is a running SSH server.
type Server struct {
	o      Options
	srv    *ssh.Server
	ln     net.Listener
	log    *slog.Logger
	hostFP string
	keys   keymap.KeyMap

	mu       sync.Mutex
	pending  map[string]*conn   // every connection, by remote address, until it closes
	conns    map[*conn]struct{} // the admitted ones
	nextConn int
	sessions map[ssh.Session]*session
	nextID   int
	closing  bool
	wg       sync.WaitGroup // one per registered session
	connWG   sync.WaitGroup // one per admitted connection, until its disconnect line

	fails     *failLog
	stopFails chan struct{}

	stopOnce sync.Once
	done     chan struct{} // closed when the server has stopped
	err      error         // why Serve stopped, if not a shutdown
}

// Start checks the options, loads (or makes) the host key, listens, and
// serves until ctx is cancelled or Close is called. Cancelling ctx shuts
// down as Close does: every session is told and closed.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Accounts == nil {
		return nil, errors.New("sshd: no accounts manager")
	}
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = DefaultShutdownGrace
	}
	if o.FPS <= 0 {
		o.FPS = DefaultFPS
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(o.Log, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Profile == "" {
		p, err := o.Accounts.Default()
		if err != nil {
			return nil, fmt.Errorf("sshd: %w", err)
		}
		o.Profile = p.Name
	}
	if _, ok := o.Accounts.Profile(o.Profile); !ok {
		return nil, fmt.Errorf("sshd: no profile %q", o.Profile)
	}
	signer, err := loadHostKey(o.HostKey)
	if err != nil {
		return nil, err
	}
	if _, err := readAuthorizedKeys(o.AuthorizedKeys); err != nil {
		return nil, err
	}
	s := &Server{
		o:         o,
		log:       o.Logger,
		hostFP:    gossh.FingerprintSHA256(signer.PublicKey()),
		sessions:  map[ssh.Session]*session{},
		pending:   map[string]*conn{},
		conns:     map[*conn]struct{}{},
		stopFails: make(chan struct{}),
		done:      make(chan struct{}),
	}
	s.fails = newFailLog(s.log, o.Now)
	if o.Keys != nil {
		s.keys = *o.Keys
	} else {
		s.keys = keymap.Default()
	}
	s.srv, err = wish.NewServer(
		// The host key first: wish generates (and writes to the working
		// directory) a key of its own when none is set.
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.program),
			s.gate,
		),
		func(srv *ssh.Server) error {
			srv.HandshakeTimeout = handshakeTimeout
			// Idleness is the server's own watch (watchConn): the ssh
			// package's IdleTimeout counts keep-alives as activity.
			srv.ConnCallback = s.accept
			srv.ServerConfigCallback = s.serverConfig
			srv.ConnectionFailedCallback = s.connFailed
			srv.ConnectionCloseCallback = s.closed
			// Sessions only: no port forwarding, no agent, no x11, no
			// global request (a keep-alive is answered no, as OpenSSH
			// expects of a server that does not know it). Set here so
			// the ssh package's global defaults add nothing.
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel, "default": s.refuseChannel}
			srv.RequestHandlers = map[string]ssh.RequestHandler{}
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
			return nil
		},
	)
	if err != nil {
		return nil, fmt.Errorf("sshd: %w", err)
	}
	s.ln, err = net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("sshd: %w", err)
	}
	s.log.Info("listening", "addr", s.ln.Addr().String(), "host_key", s.hostFP,
		"max_sessions", o.MaxSessions, "idle_timeout", idleText(o.IdleTimeout), "read_only", o.ReadOnly)
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(s.ln) }()
	go s.fails.run(s.stopFails)
	go func() {
		select {
		case <-ctx.Done():
			s.shutdown()
		case err := <-served:
			s.mu.Lock()
			closing := s.closing
			s.mu.Unlock()
			if !closing && !errors.Is(err, ssh.ErrServerClosed) {
				s.err = err
				s.log.Error("serve", "error", err.Error())
			}
			s.shutdown()
		}
	}()
	return s, nil
}

func idleText(d time.Duration) string {
	if d < 0 {
		return "never"
	}
	return d.String()
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// HostKeyFingerprint is the host key's SHA256 fingerprint, for users to
// check on first connection.
func (s *Server) HostKeyFingerprint() string { return s.hostFP }

// Sessions is the number of open sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// parkedSessions is the number of sessions whose renderer is parked
// (see package idle).
func (s *Server) parkedSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.sessions {
		if st.idle.Parked() {
			n++
		}
	}
	return n
}

// Conns is the number of connections held (authenticated, with or without
// a session).
func (s *Server) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Close shuts the server down and waits until it has stopped. It returns
// the error that stopped serving, if any other than the shutdown.
func (s *Server) Close() error {
	s.shutdown()
	return s.Wait()
}

// Wait blocks until the server has stopped.
func (s *Server) Wait() error {
	<-s.done
	return s.err
}

// Done is closed when the server has stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

// shutdown stops accepting, closes the connections that never opened a
// session, tells every session and waits up to the grace period for them
// to close; then it kills what is left and closes every connection.
func (s *Server) shutdown() {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.closing = true
		open := make([]*session, 0, len(s.sessions))
		for _, st := range s.sessions {
			open = append(open, st)
		}
		conns := make([]*conn, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		s.ln.Close()
		if len(open) > 0 || len(conns) > 0 {
			s.log.Info("shutting down", "sessions", len(open), "conns", len(conns))
		}
		for _, c := range conns {
			// One with a session gets to read its goodbye and hang up
			// itself (below); one without has nothing to wait for.
			if _, total := c.sessions(); total == 0 {
				c.close(reasonShutdown)
			} else {
				c.setReason(reasonShutdown)
			}
		}
		for _, st := range open {
			st.stop(reasonShutdown)
		}
		grace := time.NewTimer(s.o.ShutdownGrace)
		defer grace.Stop()
		ended := make(chan struct{})
		go func() { s.wg.Wait(); close(ended) }()
		select {
		case <-ended:
		case <-grace.C:
			s.log.Warn("sessions still open after the grace period: killing them")
			s.mu.Lock()
			for _, st := range s.sessions {
				st.kill()
			}
			s.mu.Unlock()
		}
		// Every session has said goodbye and sent its exit status (gate
		// exits before it unregisters). Clients hang up on their own; give
		// them a moment, so they do not report a connection cut, then cut
		// what is left.
		//
		// The wait is on the server's own count of admitted connections
		// (no connection is admitted once closing): the ssh package's
		// Shutdown waits on a WaitGroup that a connection still finishing
		// its handshake may add to at that very moment, a data race.
		gone := make(chan struct{})
		go func() { s.connWG.Wait(); close(gone) }()
		hangup := time.NewTimer(hangupWait)
		select {
		case <-gone:
		case <-hangup.C:
		}
		hangup.Stop()
		s.srv.Close()
		// The ssh package closes the connections it tracks; one admitted
		// but still finishing its handshake is not one of them yet.
		s.mu.Lock()
		for c := range s.conns {
			c.close(reasonShutdown)
		}
		s.mu.Unlock()
		<-ended
		s.connWG.Wait()
		close(s.stopFails)
		s.fails.sweep(true)
		s.log.Info("stopped")
		close(s.done)
	})
}

// authorize is the public key handler: the key must be in the authorized
// keys file, read again at each attempt. Refusals are logged with the key's
// fingerprint (public, never a secret).
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	keys, err := readAuthorizedKeys(s.o.AuthorizedKeys)
	if err != nil {
		s.log.Error("refusing every key until the authorized keys file is fixed", "error", err.Error())
		return false
	}
	if _, ok := findKey(keys, key); ok {
		return true
	}
	// Logged with the connection's failure (connFailed).
	if c := connOf(ctx); c != nil {
		fp := gossh.FingerprintSHA256(key)
		c.mu.Lock()
		if !slices.Contains(c.keys, fp) {
			c.keys = append(c.keys, fp)
		}
		c.mu.Unlock()
	}
	return false
}

// Messages shown to a user whose session is refused or closed.
const (
	msgNoPTY        = "mpconsole is a terminal console: connect from a terminal (ssh -t), not with a command or a pipe."
	msgCommand      = "mpconsole runs no command: connect with plain ssh, without one."
	msgFull         = "mpconsole: the server is full (%d %s open); try again later."
	msgClosing      = "mpconsole: the server is shutting down."
	msgNoProfile    = "mpconsole: your key may use the profiles %v, none of which this server offers."
	reasonShutdown  = "shutdown"
	reasonIdle      = "idle"
	reasonQuit      = "quit"
	reasonClientEnd = "connection closed"
)

// refuse tells the user why in one line and closes the session.
func (s *Server) refuse(sess ssh.Session, fp, why, msg string) {
	s.log.Info("refused session", "user", sess.User(), "key", fp, "addr", sess.RemoteAddr().String(), "reason", why)
	fmt.Fprintln(sess.Stderr(), msg)
	_ = sess.Exit(1)
}

// gate is the outer middleware: it refuses what the console cannot serve,
// resolves the key's rights, registers the session (or refuses it when the
// server is full or closing), runs the console, then says why it closed.
func (s *Server) gate(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		fp := ""
		if k := sess.PublicKey(); k != nil {
			fp = gossh.FingerprintSHA256(k)
		}
		if _, _, ok := sess.Pty(); !ok {
			s.refuse(sess, fp, "no terminal", msgNoPTY)
			return
		}
		if sess.RawCommand() != "" {
			s.refuse(sess, fp, "command given", msgCommand)
			return
		}
		st, msg := s.register(sess, fp)
		if st == nil {
			s.refuse(sess, fp, msg, msg)
			return
		}
		defer s.wg.Done() // last: after the session's end line
		defer s.unregister(st)
		s.log.Info("session start", "conn", st.conn.id, "session", st.id, "user", sess.User(), "key", fp,
			"addr", sess.RemoteAddr().String(), "profile", st.profile, "read_only", st.readOnly)
		if s.o.IdleTimeout > 0 {
			go st.watchIdle(s.o.IdleTimeout)
		}
		next(sess)
		reason := st.why()
		// The goodbye goes to standard output, after the console's last
		// frame and its leaving the alternate screen: one stream keeps
		// the order, so it lands on the normal screen.
		switch reason {
		case reasonIdle:
			fmt.Fprintf(sess, "mpconsole: closed after %s without input.\n", s.o.IdleTimeout)
		case reasonShutdown:
			fmt.Fprintln(sess, msgClosing)
		case "":
			reason = reasonQuit
			if sess.Context().Err() != nil {
				reason = reasonClientEnd
			}
		}
		_ = sess.Exit(0)
		s.unregister(st) // before the log line, so a session is gone once it is logged as gone
		s.log.Info("session end", "conn", st.conn.id, "session", st.id, "user", sess.User(), "key", fp,
			"addr", sess.RemoteAddr().String(), "duration", time.Since(st.start).Round(time.Millisecond).String(), "reason", reason)
	}
}

// register admits a session: it applies the key's rights and the session
// limit. It returns nil and the message for the user when it refuses.
func (s *Server) register(sess ssh.Session, fp string) (*session, string) {
	readOnly := s.o.ReadOnly
	var allowed []string
	plugins := false // plugins run commands on this host: only for keys given the right
	if r, ok := s.o.Rights.Rights(fp); ok {
		readOnly = readOnly || r.ReadOnly
		plugins = r.Plugins
		if len(r.Profiles) > 0 {
			allowed = slices.Clone(r.Profiles)
		}
	}
	profile, ok := s.startProfile(allowed)
	if !ok {
		return nil, fmt.Sprintf(msgNoProfile, allowed)
	}
	c := connOf(sess.Context())
	if c == nil {
		return nil, "mpconsole: this connection was not admitted." // never: every key is admitted or refused
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, msgClosing
	}
	// Connections are counted at admission; several sessions on one
	// connection (a multiplexing client) are counted here too.
	if len(s.sessions) >= s.o.MaxSessions {
		return nil, fmt.Sprintf(msgFull, len(s.sessions), "sessions")
	}
	s.nextID++
	st := newSession(sess, c, s.nextID, profile, allowed, readOnly, !s.o.KeepRendering)
	st.plugins = plugins
	s.sessions[sess] = st
	c.mu.Lock()
	c.open++
	c.total++
	c.mu.Unlock()
	s.wg.Add(1)
	return st, ""
}

// unregister forgets a session and ends it. It may be called twice (before
// the disconnect line, and deferred in case the console panicked): only the
// first call counts. The session's place in s.wg is released separately,
// after its disconnect line, so a shutdown returns only once every session
// has been logged as gone.
func (s *Server) unregister(st *session) {
	s.mu.Lock()
	_, ok := s.sessions[st.sess]
	delete(s.sessions, st.sess)
	s.mu.Unlock()
	if ok {
		st.conn.mu.Lock()
		st.conn.open--
		st.conn.mu.Unlock()
		st.end()
	}
}

// startProfile is where a session starts: the server's profile when the
// key may use it, else the first profile the key may use.
func (s *Server) startProfile(allowed []string) (string, bool) {
	if allowed == nil || slices.Contains(allowed, s.o.Profile) {
		return s.o.Profile, true
	}
	for _, p := range s.o.Accounts.Profiles() {
		if slices.Contains(allowed, p.Name) {
			return p.Name, true
		}
	}
	return "", false
}

// program builds the session's own Bubble Tea program: its own model (view,
// filter, account), its own window size and colour profile (from the
// PTY request and the session's environment), input watched for the idle
// timeout. Signals are the server's to handle, not each program's.
func (s *Server) program(sess ssh.Session) *tea.Program {
	s.mu.Lock()
	st := s.sessions[sess]
	s.mu.Unlock()
	if st == nil {
		return nil
	}
	km := s.keys
	owner := ""
	if k := sess.PublicKey(); k != nil {
		owner = gossh.FingerprintSHA256(k) // drafts are each key's own on a shared host
	}
	m := ui.New(ui.Options{
		Owner:    owner,
		Accounts: s.o.Accounts,
		Profile:  st.profile,
		Allowed:  st.allowed,
		ReadOnly: st.readOnly,
		Remote:   true,
		NoMouse:  s.o.NoMouse,
		Skins:    s.o.Skins,

		Plugins:   s.o.Plugins,
		NoPlugins: !st.plugins,
		Keys:      &km,
		NoColor:   theme.NoColorEnv(sess.Environ()),
		Context:   st.ctx,

		StateDir:       s.o.StateDir,
		StateTemporary: s.o.StateTemporary,
	})
	opts := append(bm.MakeOptions(sess),
		tea.WithInput(st.input()),
		// The session's output and the filter park the renderer while the
		// session is idle (see package idle); the filter also does what
		// wish's did (a suspend resumes at once).
		tea.WithOutput(st.idle.Writer(sess, st.ctx.Done(), st.killCtx.Done())),
		tea.WithFilter(st.filter),
		tea.WithoutSignalHandler(),
		tea.WithContext(st.killCtx),
		tea.WithFPS(s.o.FPS),
	)
	p := tea.NewProgram(m, opts...)
	st.setProgram(p)
	return p
}
