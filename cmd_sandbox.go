package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mpconsole/mpconsole/api/sandbox"
)

const sandboxLong = `Serves a local mParticle Platform API on one listener: the token endpoint at
/oauth/token, the v1 API under /v1/ and Calculated Attributes (v2) under
/platform/v2/. It logs one line per request to stderr and stops cleanly on
Ctrl+C (SIGINT) or SIGTERM.

The secret of --client-id comes from --client-secret-file or --client-secret
(not both), else from $` + sandboxSecretEnv + `. Other users can see
--client-secret in the process list; the file and the variable stay private.`

// sandboxSecretEnv holds the secret of --client-id when no flag gives it.
const sandboxSecretEnv = "MPCONSOLE_SANDBOX_CLIENT_SECRET"

// maxSecretFile bounds --client-secret-file.
const maxSecretFile = 64 << 10

// sandboxFlags is the parsed command line of `mpconsole sandbox`.
type sandboxFlags struct {
	opts         sandbox.Options
	clientID     string
	clientSecret string
	secretFrom   string // where the secret came from, for the banner

	secretFile                             string
	readTimeout, writeTimeout, idleTimeout time.Duration
}

// parseSandboxFlags parses and checks a sandbox command line (the flags
// alone, as the command sees them).
func parseSandboxFlags(args []string, stderr io.Writer, getenv func(string) string) (sandboxFlags, error) {
	var f sandboxFlags
	fs := pflag.NewFlagSet("sandbox", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, f.check(getenv, stderr)
}

// register adds the sandbox's flags.
func (f *sandboxFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.opts.Addr, "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	fs.StringVar(&f.opts.DataFile, "data", "", "keep the data in this bbolt file (created 0600); default: memory only")
	fs.DurationVar(&f.opts.TokenTTL, "token-ttl", sandbox.DefaultTokenTTL, "lifetime of issued tokens (expires_in)")
	fs.StringVar(&f.opts.Seed, "seed", "default", "initial data: default, empty or large:N (ignored when --data already holds data)")
	fs.StringVar(&f.opts.Faults, "fault", "", "inject faults into a share of API requests, e.g. 504=0.3,429=0.1,reset=0.05\n(kinds: 500 502 503 504 429 reset html garbage)")
	fs.Int64Var(&f.opts.FaultSeed, "fault-seed", 0, "seed of the fault dice, for a repeatable sequence (0: random)")
	fs.DurationVar(&f.opts.Latency, "latency", 0, "delay every answer by this much, e.g. 200ms")
	fs.StringVar(&f.clientID, "client-id", "", "add an admin credential with this client id")
	fs.StringVar(&f.clientSecret, "client-secret", "", "the secret of --client-id (visible in the process list: prefer --client-secret-file or $"+sandboxSecretEnv+")")
	fs.StringVar(&f.secretFile, "client-secret-file", "", "read the secret of --client-id from this file (trailing line breaks trimmed; keep it chmod 600)")
	fs.DurationVar(&f.readTimeout, "read-timeout", sandbox.DefaultReadTimeout, "a request, body included, must arrive within this (0: no limit)")
	fs.DurationVar(&f.writeTimeout, "write-timeout", sandbox.DefaultWriteTimeout, "an answer must be written within this after the request's headers, plus --latency (0: no limit)")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", sandbox.DefaultIdleTimeout, "close a keep-alive connection idle this long (0: no limit)")
}

// check validates the parsed flags and resolves the extra credential's
// secret; every error is bad usage.
func (f *sandboxFlags) check(getenv func(string) string, stderr io.Writer) error {
	if err := f.resolveSecret(f.secretFile, getenv, stderr); err != nil {
		return err
	}
	if f.clientID == sandbox.DefaultClientID || f.clientID == sandbox.ViewerClientID {
		return fmt.Errorf("--client-id %q is already a seeded credential; choose another id", f.clientID)
	}
	for _, t := range []struct {
		name string
		d    time.Duration
		opt  *time.Duration
	}{
		{"--read-timeout", f.readTimeout, &f.opts.ReadTimeout},
		{"--write-timeout", f.writeTimeout, &f.opts.WriteTimeout},
		{"--idle-timeout", f.idleTimeout, &f.opts.IdleTimeout},
	} {
		switch {
		case t.d < 0:
			return fmt.Errorf("%s must not be negative (0 means no limit)", t.name)
		case t.d == 0:
			*t.opt = -1 // Options: negative is none
		default:
			*t.opt = t.d
		}
	}
	if f.opts.TokenTTL < time.Second {
		return errors.New("--token-ttl must be at least 1s")
	}
	if f.opts.Latency < 0 {
		return errors.New("--latency must not be negative")
	}
	if err := sandbox.ValidateSeed(f.opts.Seed); err != nil {
		return err
	}
	if err := sandbox.ValidateFaults(f.opts.Faults); err != nil {
		return fmt.Errorf("--fault: %w", err)
	}
	if _, _, err := net.SplitHostPort(f.opts.Addr); err != nil {
		return fmt.Errorf("--addr %q: want host:port", f.opts.Addr)
	}
	if f.clientID != "" {
		f.opts.Credentials = append(sandbox.DefaultCredentials(),
			sandbox.Credential{ClientID: f.clientID, Secret: f.clientSecret})
	}
	return nil
}

// resolveSecret finds the secret of --client-id: --client-secret-file,
// else the environment, else --client-secret. A secret without a client
// id, or two secret flags, is an error; the environment variable alone is
// ignored (it may be set for another run).
func (f *sandboxFlags) resolveSecret(file string, getenv func(string) string, stderr io.Writer) error {
	switch {
	case file != "" && f.clientSecret != "":
		return errors.New("--client-secret and --client-secret-file: give one of them")
	case f.clientID == "" && (file != "" || f.clientSecret != ""):
		return errors.New("--client-id and its secret go together")
	case f.clientID == "":
		return nil
	case file != "":
		secret, err := readSecretFile(file, stderr)
		if err != nil {
			return err
		}
		f.clientSecret, f.secretFrom = secret, "--client-secret-file"
	case f.clientSecret != "":
		f.secretFrom = "--client-secret"
		fmt.Fprintf(stderr, "sandbox: note: --client-secret is visible to other users in the process list; prefer --client-secret-file or $%s\n", sandboxSecretEnv)
	case getenv(sandboxSecretEnv) != "":
		f.clientSecret, f.secretFrom = getenv(sandboxSecretEnv), "$"+sandboxSecretEnv
	default:
		return fmt.Errorf("--client-id needs a secret: --client-secret-file FILE, $%s or --client-secret", sandboxSecretEnv)
	}
	return nil
}

// readSecretFile reads a secret from a file: trailing line breaks are
// trimmed; an empty or oversized file is refused; a file other users may
// read gets a warning. Errors name the file, never its content.
func readSecretFile(path string, stderr io.Writer) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--client-secret-file: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return "", fmt.Errorf("--client-secret-file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("--client-secret-file %s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxSecretFile+1))
	switch {
	case err != nil:
		return "", fmt.Errorf("--client-secret-file: %w", err)
	case len(b) > maxSecretFile:
		return "", fmt.Errorf("--client-secret-file %s is larger than %d bytes; it should hold only the secret", path, maxSecretFile)
	}
	secret := strings.TrimRight(string(b), "\r\n")
	if secret == "" {
		return "", fmt.Errorf("--client-secret-file %s is empty", path)
	}
	if perm := st.Mode().Perm(); runtime.GOOS != "windows" && perm&0o044 != 0 {
		fmt.Fprintf(stderr, "sandbox: warning: --client-secret-file %s is readable by other users (mode %04o); chmod 600 it\n", path, perm)
	}
	return secret, nil
}

// sandboxCmd is `mpconsole sandbox`.
func (c *cli) sandboxCmd() *cobra.Command {
	f := &sandboxFlags{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the local Platform API sandbox over HTTP",
		Long:  sandboxLong,
		Example: `  mpconsole sandbox --addr 127.0.0.1:8080
  mpconsole sandbox --data sandbox.db --seed large:500
  mpconsole sandbox --fault 504=0.3,429=0.1 --latency 200ms`,
		Args: usageArgs(0, 0, "no argument"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(os.Getenv, c.stderr); err != nil {
				fmt.Fprintf(c.stderr, "sandbox: %v\nRun 'mpconsole sandbox --help' for the flags.\n", err)
				return exitStatus(2)
			}
			return status(serveSandbox(cmd.Context(), *f, c.stdout, c.stderr))
		},
	}
	f.register(cmd.Flags())
	return cmd
}

// runSandbox runs `mpconsole sandbox ARGS…`.
func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, append([]string{"sandbox"}, args...), nil, stdout, stderr)
}

// serveSandbox serves the sandbox until ctx ends (SIGINT/SIGTERM from main).
func serveSandbox(ctx context.Context, f sandboxFlags, stdout, stderr io.Writer) int {
	f.opts.Log = stderr
	srv, err := sandbox.Start(ctx, f.opts)
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
	printSandboxBanner(stdout, srv, f)
	if host, _, _ := net.SplitHostPort(f.opts.Addr); !isLoopbackHost(host) {
		fmt.Fprintf(stderr, "sandbox: warning: listening on %s, beyond this machine; its demo credentials are public\n", f.opts.Addr)
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "sandbox: shutting down")
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
	return 0
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// printSandboxBanner tells where everything is, the credentials (the
// sandbox's own demo secrets; the --client-id's secret is not repeated) and one
// example.
func printSandboxBanner(w io.Writer, srv *sandbox.Server, f sandboxFlags) {
	data := "memory only"
	if f.opts.DataFile != "" {
		data = f.opts.DataFile
	}
	fmt.Fprintf(w, "mpconsole sandbox: a local mParticle Platform API (data: %s)\n\n", data)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  v1 base URL\t%s\n", srv.V1URL())
	fmt.Fprintf(tw, "  v2 base URL\t%s\n", srv.V2URL())
	fmt.Fprintf(tw, "  token URL\t%s\n", srv.TokenURL())
	fmt.Fprintf(tw, "  audience\t%s\n", srv.Audience())
	fmt.Fprintf(tw, "  token lifetime\t%s (expires_in %d)\n", f.opts.TokenTTL, int64(f.opts.TokenTTL/time.Second))
	if f.opts.Faults != "" {
		fmt.Fprintf(tw, "  faults\t%s\n", f.opts.Faults)
	}
	if f.opts.Latency > 0 {
		fmt.Fprintf(tw, "  latency\t%s\n", f.opts.Latency)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nCredentials (client id / secret):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s / %s\tadmin, every account\n", sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	fmt.Fprintf(tw, "  %s / %s\tread-only, account %d only\n", sandbox.ViewerClientID, sandbox.ViewerClientSecret, sandbox.SeedAccountID)
	if f.clientID != "" {
		fmt.Fprintf(tw, "  %s / (secret from %s)\tadmin, every account\n", f.clientID, f.secretFrom)
	}
	tw.Flush()
	accts := srv.Accounts()
	fmt.Fprintf(w, "\nAccounts (%d):", len(accts))
	for i, a := range accts {
		if i == 5 {
			fmt.Fprintf(w, " …")
			break
		}
		fmt.Fprintf(w, " %d %q", a.ID, a.Name)
	}
	acct := int64(sandbox.SeedAccountID)
	if len(accts) > 0 {
		acct = accts[0].ID
	}
	fmt.Fprintf(w, "\n\nTry:\n")
	fmt.Fprintf(w, "  TOKEN=$(curl -s -X POST %s -H 'content-type: application/json' \\\n", srv.TokenURL())
	fmt.Fprintf(w, "    -d '{\"client_id\":\"%s\",\"client_secret\":\"%s\",\"audience\":\"%s\",\"grant_type\":\"client_credentials\"}' \\\n",
		sandbox.DefaultClientID, sandbox.DefaultClientSecret, srv.Audience())
	fmt.Fprintf(w, "    | sed -E 's/.*\"access_token\": *\"([^\"]+)\".*/\\1/')\n")
	fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TOKEN\" '%s/apps?accountId=%d'\n\n", srv.V1URL(), acct)
	fmt.Fprintln(w, "Requests are logged to stderr. Stop with Ctrl+C.")
}
