// Package sshd serves the console over SSH, with charm.land/wish/v2 and its
// Bubble Tea middleware: a bastion host holds the API credentials, and
// people browse with nothing but an SSH client and a key.
//
// # Design
//
// One Server holds one accounts.Manager for every session, so every session
// using a credential shares its client and its token refresher (a second
// session fetches no token). Each session gets its own Bubble Tea program
// and root model (view, filter, account), its own window size (resizes are
// forwarded by the middleware) and its own colour profile and NO_COLOR from
// the session's TERM and environment. The programs install no signal
// handler: SIGINT and SIGTERM reach the server's context, and shutdown
// quits every program, tells its user why, and waits a grace period before
// cutting connections.
//
// Authentication is by public key only, against the authorized keys file,
// read again at every login (no restart to add or revoke a key). The server
// sets no password or keyboard-interactive handler, so clients are not even
// offered those methods; an unknown key fails the handshake, before any
// session or UI exists. Key options in the file are refused at start-up
// rather than ignored; rights per key come from the profiles file's
// [[ssh.keys]] (config.SSHConfig): the profiles a key may use and
// read-only. A key without an entry gets what the command line says.
//
// Middleware order: gate (outermost) refuses sessions without a PTY (one
// line, exit 1), with a command, over the session limit or during shutdown;
// it registers the session, starts its idle watch, runs the Bubble Tea
// middleware, then writes why the session closed (idle, shutdown) and logs
// the session's end. Idle means no input from the user: output (a token
// being renewed, a spinner) does not keep a session open.
//
// Connections are counted apart from sessions (conn.go): a connection is
// admitted once its key is verified (VerifiedPublicKeyCallback), whether or
// not it opens a session (ssh -N), and counts against MaxSessions from
// then until it closes; one over the limit fails its login, told why in the
// authentication banner. An admitted connection without a session that
// saw no session input for the idle timeout is closed: keep-alives are not
// input. Only session channels are served: agent forwarding is refused
// (the ssh package would say yes), and port forwarding, x11 and
// subsystems stay refused.
//
// The log (Options.Log) has one line per connection, session,
// disconnection and refusal: user name, key fingerprint, remote address,
// duration, reason. Failed logins from one host are logged in full once,
// then summed up in a line a minute (failLog, on Options.Now's clock).
// Fingerprints are public; passwords are never read, so never logged.
//
// The PTY is emulated (charm.land/ssh's default): the server allocates no
// pseudo-terminal, input and output go through the SSH channel, and an idle
// session costs only its program and model (BenchmarkIdleSessionMemory).
package sshd
