package sshd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// conn is one TCP connection, from accept to close. It is admitted (and
// counts against Options.MaxSessions) once its key is verified, whether or
// not it ever opens a session: `ssh -N` holds a connection as surely as a
// console does.
type conn struct {
	nc   net.Conn
	ctx  ssh.Context // the connection's context: cancelled when it closes
	addr string

	// Set once admitted, then read-only.
	id    int
	user  string
	fp    string
	start time.Time

	// lastInput is the unix nanoseconds of the last byte typed in any of
	// its sessions (or of the admission). Global requests (keep-alives) and
	// output do not count.
	lastInput atomic.Int64

	mu      sync.Mutex
	tried   string   // the user name of the last authentication attempt
	methods []string // the methods it tried
	keys    []string // fingerprints of the keys refused
	refused bool     // refused with a known key (full, closing): logged then
	open    int      // sessions open now
	total   int      // sessions it ever registered
	reason  string   // why the server closed it; "" if the client did
}

type connKey struct{}

// connOf is the connection a context belongs to (the connection's own, or
// a session's).
func connOf(ctx context.Context) *conn {
	c, _ := ctx.Value(connKey{}).(*conn)
	return c
}

// setReason records why the server ends the connection; the first reason
// wins.
func (c *conn) setReason(reason string) {
	c.mu.Lock()
	if c.reason == "" {
		c.reason = reason
	}
	c.mu.Unlock()
}

// close ends the connection for a reason.
func (c *conn) close(reason string) {
	c.setReason(reason)
	c.nc.Close()
}

func (c *conn) why() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reason == "" {
		return reasonClientEnd
	}
	return c.reason
}

func (c *conn) sessions() (open, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open, c.total
}

func (c *conn) input(t time.Time) { c.lastInput.Store(t.UnixNano()) }

// accept is the ConnCallback: every TCP connection gets its record, before
// the handshake. During shutdown it is closed at once.
func (s *Server) accept(ctx ssh.Context, nc net.Conn) net.Conn {
	c := &conn{nc: nc, ctx: ctx, addr: nc.RemoteAddr().String()}
	ctx.SetValue(connKey{}, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil
	}
	s.pending[c.addr] = c
	return nc
}

// closed is the ConnectionCloseCallback, for every connection that was
// accepted.
func (s *Server) closed(nc net.Conn) {
	s.mu.Lock()
	delete(s.pending, nc.RemoteAddr().String())
	s.mu.Unlock()
}

// serverConfig is the connection's own configuration: its callbacks know
// the connection.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	c := connOf(ctx)
	return &gossh.ServerConfig{
		AuthLogCallback: func(meta gossh.ConnMetadata, method string, _ error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.tried = meta.User()
			if !slices.Contains(c.methods, method) {
				c.methods = append(c.methods, method)
			}
		},
		VerifiedPublicKeyCallback: func(meta gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			if err := s.admit(c, meta.User(), gossh.FingerprintSHA256(key)); err != nil {
				return nil, err
			}
			return perms, nil
		},
	}
}

// errFull and errClosing refuse a key that was let in: the user is told
// why in the authentication banner.
var (
	errFull    = errors.New("server full")
	errClosing = errors.New("server shutting down")
)

// admit takes a connection whose key was verified: it logs it, counts it
// and watches it for idleness, or refuses it when the server holds
// MaxSessions connections or is shutting down.
func (s *Server) admit(c *conn, user, fp string) error {
	s.mu.Lock()
	var err error
	var msg string
	switch {
	case s.closing:
		err, msg = errClosing, msgClosing
	case len(s.conns) >= s.o.MaxSessions:
		err, msg = errFull, fmt.Sprintf(msgFull, len(s.conns), "connections")
	default:
		s.nextConn++
		c.id, c.user, c.fp, c.start = s.nextConn, user, fp, time.Now()
		c.input(c.start)
		s.conns[c] = struct{}{}
		s.connWG.Add(1)
	}
	s.mu.Unlock()
	if err != nil {
		c.mu.Lock()
		c.refused = true
		c.mu.Unlock()
		s.log.Info("refused", "user", user, "key", fp, "addr", c.addr, "reason", err.Error())
		return &gossh.BannerError{Err: err, Message: msg + "\r\n"}
	}
	s.log.Info("connect", "conn", c.id, "user", user, "key", fp, "addr", c.addr)
	go s.watchConn(c)
	return nil
}

// watchConn closes an admitted connection that holds no session and saw
// no input for the idle timeout, and logs its end. A connection with a
// session open is left to the session's own idle watch, which tells the
// user why.
func (s *Server) watchConn(c *conn) {
	defer s.connWG.Done()
	if d := s.o.IdleTimeout; d > 0 {
		c.watchIdle(d)
	}
	<-c.ctx.Done()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	_, total := c.sessions()
	s.log.Info("disconnect", "conn", c.id, "user", c.user, "key", c.fp, "addr", c.addr,
		"duration", time.Since(c.start).Round(time.Millisecond).String(), "sessions", total, "reason", c.why())
}

// watchIdle returns when the connection closes, or closes it once it held
// no session and saw no input for d. It sleeps until the earliest moment
// the connection could be idle.
func (c *conn) watchIdle(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		idle := time.Since(time.Unix(0, c.lastInput.Load()))
		if open, _ := c.sessions(); open == 0 && idle >= d {
			c.close(reasonIdle)
			return
		}
		next := d - idle
		if next <= 0 {
			next = d // a session is open: its own watch closes it first
		}
		t.Reset(next)
	}
}

// connFailed logs a connection that did not get in: its user name, the
// keys refused and the methods it tried, when it got that far. After the
// first from an address, failures are counted, and summed up once a
// minute (failLog).
func (s *Server) connFailed(nc net.Conn, err error) {
	addr := nc.RemoteAddr().String()
	s.mu.Lock()
	c := s.pending[addr]
	s.mu.Unlock()
	if c == nil {
		c = &conn{addr: addr}
	}
	c.mu.Lock()
	refused, admitted := c.refused, c.id != 0
	attrs := []any{"addr", addr}
	if c.tried != "" {
		attrs = append([]any{"user", c.tried}, attrs...)
	}
	if len(c.keys) > 0 {
		attrs = append(attrs, "keys", strings.Join(c.keys, ","))
	}
	if len(c.methods) > 0 {
		attrs = append(attrs, "methods", strings.Join(c.methods, ","))
	}
	c.mu.Unlock()
	attrs = append(attrs, "reason", err.Error())
	switch {
	case refused: // a known key: logged when refused
	case admitted: // let in, then lost before its first channel
		s.log.Info("refused", attrs...)
	default:
		s.fails.fail(hostOf(addr), func() { s.log.Info("refused", attrs...) })
	}
}

// hostOf is the address without its port: failures are counted per host.
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// Refused channels and requests. The ssh package accepts agent forwarding
// by default (it forwards nothing unless a handler asks, but tells the
// client yes); the console forwards nothing, so it says no.
const agentRequest = "auth-agent-req@openssh.com"

// sessionChannel is the "session" channel handler: the ssh package's own,
// with agent forwarding refused.
func (s *Server) sessionChannel(srv *ssh.Server, sc *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	ssh.DefaultSessionHandler(srv, sc, refusingChannel{NewChannel: nc, s: s, c: connOf(ctx)}, ctx)
}

// refuseChannel is the handler of every other channel type (port
// forwarding: direct-tcpip, forwarded-tcpip; x11; agent): refused and
// logged.
func (s *Server) refuseChannel(_ *ssh.Server, _ *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	s.logRefusedRequest(connOf(ctx), "channel", nc.ChannelType())
	_ = nc.Reject(gossh.Prohibited, "mpconsole opens no channel but a session")
}

func (s *Server) logRefusedRequest(c *conn, kind, typ string) {
	if c == nil {
		return
	}
	s.log.Info("refused "+kind, "conn", c.id, "user", c.user, "key", c.fp, "addr", c.addr, "type", typ)
}

// refusingChannel is a session channel whose agent forwarding requests
// are refused.
type refusingChannel struct {
	gossh.NewChannel
	s *Server
	c *conn
}

// Accept accepts the channel and passes its requests on, in order. An
// agent forwarding request is passed on under another name: the session
// answers a request it does not know with false, in its turn (a client may
// send several requests before the first reply, and replies go in order).
func (r refusingChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, in, err := r.NewChannel.Accept()
	if err != nil {
		return ch, in, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for req := range in {
			if req.Type == agentRequest {
				r.s.logRefusedRequest(r.c, "request", req.Type)
				req.Type = "refused " + req.Type
			}
			out <- req
		}
	}()
	return ch, out, nil
}
