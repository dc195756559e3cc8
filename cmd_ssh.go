package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	charmlog "charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/sshd"
)

const sshLong = `Serves the console over SSH: every connection gets a console of its own on
the profiles this server holds; nobody needs the API credentials. Only the
public keys listed in the authorized keys file get in (no passwords); the
profiles file's [[ssh.keys]] limits a key to some profiles or to read-only.
Connections, disconnections and refusals are logged to standard error.

The host key and the authorized keys file live beside the profiles file
unless given; the host key (ed25519) is generated on first start.`

// sshFlags is the parsed command line of `mpconsole ssh`.
type sshFlags struct {
	session     sessionFlags
	addr        string
	hostKey     string
	authKeys    string
	readonly    bool
	maxSessions int
	idle        time.Duration
}

// sshCmd is `mpconsole ssh`.
func (c *cli) sshCmd() *cobra.Command {
	f := &sshFlags{}
	cmd := &cobra.Command{
		Use:   "ssh",
		Short: "Serve the console over SSH",
		Long:  sshLong,
		Example: `  mpconsole ssh --addr 0.0.0.0:2222 -p prod --readonly
  mpconsole ssh --sandbox --authorized-keys ~/.ssh/id_ed25519.pub`,
		Args: usageArgs(0, 0, "no argument"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.session.logger = c.log.logger
			return status(runSSH(cmd.Context(), f, c.stdout, c.stderr))
		},
	}
	fs := cmd.Flags()
	f.session.register(fs)
	fs.StringVar(&f.addr, "addr", sshd.DefaultAddr, "listen address (host:port)")
	fs.StringVar(&f.hostKey, "host-key", "", "host private key file, generated when missing (default: ssh_host_ed25519_key beside the profiles file)")
	fs.StringVar(&f.authKeys, "authorized-keys", "", "public keys allowed in, OpenSSH format (default: authorized_keys beside the profiles file)")
	fs.BoolVar(&f.readonly, "readonly", false, "every session refuses every write")
	fs.IntVar(&f.maxSessions, "max-sessions", sshd.DefaultMaxSessions, "connections held at once, with or without a session, and sessions open at once; more are refused with a message")
	fs.DurationVar(&f.idle, "idle-timeout", sshd.DefaultIdleTimeout, "close a session, or a connection without one, after this long without input; 0 never does")
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
	return cmd
}

// runSSH serves the console over SSH until ctx ends (SIGINT, SIGTERM).
func runSSH(ctx context.Context, f *sshFlags, stdout, stderr io.Writer) int {
	sf := f.session
	addr, hostKey, authKeys, readonly, maxSessions, idle := &f.addr, &f.hostKey, &f.authKeys, &f.readonly, &f.maxSessions, &f.idle
	switch {
	case *maxSessions < 1:
		fmt.Fprintf(stderr, "mpconsole ssh: --max-sessions %d: want at least 1\n", *maxSessions)
		return 2
	case *idle < 0:
		fmt.Fprintf(stderr, "mpconsole ssh: --idle-timeout %s: want a positive duration, or 0 for never\n", *idle)
		return 2
	}
	if err := checkRequestTimeout(sf.requestTimeout); err != nil {
		fmt.Fprintf(stderr, "mpconsole ssh: %v\n", err)
		return 2
	}
	dir, err := sshDir(sf.config)
	if err != nil && (*hostKey == "" || *authKeys == "") {
		fmt.Fprintf(stderr, "mpconsole ssh: %v; give --host-key and --authorized-keys\n", err)
		return 2
	}
	if *hostKey == "" {
		*hostKey = filepath.Join(dir, "ssh_host_ed25519_key")
	}
	if *authKeys == "" {
		*authKeys = filepath.Join(dir, "authorized_keys")
	}

	s, err := openSession(ctx, sf)
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole ssh: %v\n", err)
		return exitCode(err)
	}
	defer s.Close()
	file := s.File
	if file == nil {
		// On the sandbox the profiles are not read, but the keys' rights
		// still are: --sandbox must not lift a key's read-only.
		if file, err = rightsFile(sf.config); err != nil {
			fmt.Fprintf(stderr, "mpconsole ssh: %v\n", err)
			return exitCode(err)
		}
	}
	o := sshd.Options{
		Addr: *addr, HostKey: *hostKey, AuthorizedKeys: *authKeys,
		Accounts: s.Accounts, Profile: s.Profile, ReadOnly: *readonly,
		MaxSessions: *maxSessions, IdleTimeout: *idle, Logger: serverLog(stderr, sf.logger),
		StateDir: s.StateDir, StateTemporary: s.StateTemporary,
	}
	if *idle == 0 {
		o.IdleTimeout = -1
	}
	if file != nil {
		for _, w := range file.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
		o.Rights, o.Keys = file.SSH, &file.KeyMap
		o.NoMouse = !file.MouseOn()
		skins, bad := file.Skins()
		for _, e := range bad {
			fmt.Fprintf(stderr, "warning: %v (ignored)\n", e)
		}
		o.Skins = skins
		o.Plugins = file.Plugins
	}
	// Resolve the starting profile's secret now, so a broken one fails the
	// start instead of every session.
	if _, err := s.Accounts.Client(ctx, s.Profile, 0); err != nil {
		fmt.Fprintf(stderr, "mpconsole ssh: %v\n", err)
		return 1
	}
	// The SSH library logs its own errors (a program that ended with an
	// error, a panic in a resize) through charm's package logger, which
	// writes to stderr in its own format: route it to the server's lines.
	charmlog.SetDefault(charmlog.NewWithOptions(lineLogger(o.Logger), charmlog.Options{Formatter: charmlog.LogfmtFormatter}))
	srv, err := sshd.Start(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole ssh: %v\n", err)
		return 1
	}
	host, port, _ := net.SplitHostPort(srv.Addr().String())
	fmt.Fprintf(stdout, "mpconsole ssh: serving profile %s on %s (host key %s)\n", s.Profile, srv.Addr(), srv.HostKeyFingerprint())
	fmt.Fprintf(stdout, "connect with: ssh -p %s %s\n", port, host)
	if err := srv.Wait(); err != nil {
		fmt.Fprintf(stderr, "mpconsole ssh: %v\n", err)
		return 1
	}
	return 0
}

// sshDir is the directory of the profiles file, where the host key and
// the authorized keys live by default.
func sshDir(configFlag string) (string, error) {
	path := configFlag
	if path == "" {
		var err error
		if path, err = config.DefaultPath(os.Getenv); err != nil {
			return "", err
		}
	}
	return filepath.Dir(path), nil
}

// rightsFile reads the profiles file for its [[ssh.keys]] when the session
// did not (--sandbox). A missing file is no rights, unless --config named it.
func rightsFile(configFlag string) (*config.File, error) {
	path := configFlag
	if path == "" {
		var err error
		if path, err = config.DefaultPath(os.Getenv); err != nil {
			return nil, nil
		}
	}
	f, err := config.Load(path)
	switch {
	case errors.Is(err, config.ErrNoFile) && configFlag == "":
		return nil, nil
	case err != nil:
		return nil, &usageError{err.Error()}
	}
	return f, nil
}

// serverLog is where the SSH server's own lines go: stderr, and the debug
// log when one is open (nil: none).
func serverLog(stderr io.Writer, debug *slog.Logger) *slog.Logger {
	h := slog.Handler(slog.NewTextHandler(stderr, nil))
	if debug != nil {
		h = slog.NewMultiHandler(h, debug.Handler())
	}
	return slog.New(h)
}

// lineLogger is an io.Writer that logs each line written to it as one
// record of l (msg "ssh library", the line as "line").
func lineLogger(l *slog.Logger) io.Writer { return lineWriter{l} }

type lineWriter struct{ l *slog.Logger }

func (w lineWriter) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			w.l.Info("ssh library", "line", line)
		}
	}
	return len(p), nil
}
