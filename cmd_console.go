package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	xterm "github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/idle"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/ui"
)

const consoleLong = `A terminal console for the mParticle Platform API: browse, inspect and edit
every kind, on one account or several.

With no profile configured (no MPARTICLE_* variables, no profiles file) the
console starts the embedded sandbox and opens its account 1.`

// sessionFlags are the flags that choose credentials and bound requests.
type sessionFlags struct {
	sandbox bool
	profile string
	config  string
	// explicit: with nothing configured, fail instead of starting the
	// embedded sandbox (mpconsole get).
	explicit bool
	// requestTimeout is every API call's budget, retries included; 0 is
	// the documented default.
	requestTimeout time.Duration
	// logger is the debug log (--log-file, --debug); nil: none.
	logger *slog.Logger
}

func (sf *sessionFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&sf.sandbox, "sandbox", false, "use the embedded sandbox, whatever is configured")
	fs.StringVarP(&sf.profile, "profile", "p", "", "profile to use (default: MPARTICLE_* variables, else the file's default)")
	fs.StringVar(&sf.config, "config", "", "profiles file (default: $MPCONSOLE_CONFIG or the user config dir)")
	registerRequestTimeout(fs, &sf.requestTimeout)
}

// registerRequestTimeout adds --request-timeout: the budget of one API
// call, every attempt and wait included.
func registerRequestTimeout(fs *pflag.FlagSet, d *time.Duration) {
	fs.DurationVar(d, "request-timeout", api.DefaultMaxElapsed,
		"give up on an API call after this long, retries included (e.g. 10s)")
}

// checkRequestTimeout refuses a budget that is not positive.
func checkRequestTimeout(d time.Duration) error {
	if d <= 0 {
		return usagef("--request-timeout %s: want a positive duration, e.g. 10s", d)
	}
	return nil
}

// openSession opens the profiles the flags choose (accounts.Open). The
// embedded sandbox, when needed, listens on 127.0.0.1:0 and logs nowhere
// (the screen belongs to the console). A problem with what is configured
// or asked for is a usage error.
func openSession(ctx context.Context, sf sessionFlags) (*accounts.Session, error) {
	s, err := accounts.Open(ctx, accounts.OpenOptions{
		UseSandbox: sf.sandbox, Profile: sf.profile, Config: sf.config, Explicit: sf.explicit,
		RequestTimeout: sf.requestTimeout, StartSandbox: startEmbeddedSandbox, Logger: sf.logger,
	})
	var se *accounts.SetupError
	if errors.As(err, &se) {
		return nil, &usageError{err.Error()}
	}
	return s, err
}

// startEmbeddedSandbox starts the sandbox a console runs on when nothing
// else is configured: in memory, default seed, no log.
func startEmbeddedSandbox(ctx context.Context) (accounts.Sandbox, func() error, error) {
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		return nil, nil, err
	}
	return srv, srv.Close, nil
}

// consoleCmd is the root command: the console.
func (c *cli) consoleCmd() *cobra.Command {
	var sf sessionFlags
	var readonly bool
	cmd := &cobra.Command{
		Use:   "mpconsole",
		Short: "A terminal console for the mParticle Platform API",
		Long:  consoleLong,
		Example: `  mpconsole                      # the embedded sandbox when nothing is configured
  mpconsole -p prod --readonly   # the profile prod, every write refused
  mpconsole get apps -o json     # for scripts`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sf.logger = c.log.logger
			return status(runConsole(cmd.Context(), sf, readonly, c.stdin, c.stdout, c.stderr))
		},
	}
	sf.register(cmd.Flags())
	cmd.Flags().BoolVar(&readonly, "readonly", false, "refuse every write")
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
	return cmd
}

// runConsole starts the TUI.
func runConsole(ctx context.Context, sf sessionFlags, readonly bool, stdin io.Reader, stdout, stderr io.Writer) int {
	if err := checkRequestTimeout(sf.requestTimeout); err != nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return 2
	}
	if !isTerminal(stdin) || !isTerminal(stdout) {
		fmt.Fprintln(stderr, "mpconsole needs a terminal; for scripts use mpconsole get")
		return 2
	}
	s, err := openSession(ctx, sf)
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return exitCode(err)
	}
	defer s.Close()
	if s.File != nil {
		for _, w := range s.File.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	// Resolve the first profile's secret now, on the terminal, before the
	// screen is taken (a password manager may prompt).
	client, err := s.Accounts.Client(ctx, s.Profile, 0)
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return 1
	}
	// The first token (unless the disk cache holds one) is asked for now,
	// while the terminal is set up and the first screen drawn: the first
	// list's request needs it.
	client.Tokens().Start()
	// The cell widths of runes past U+02FF come from a table of 2 MB that
	// go-runewidth fills on first use; the renderer measures that way on
	// terminals that do not report grapheme clustering (tmux among them),
	// and would fill it inside the first frame's flush (about 10 ms here,
	// most of it faulting the table's pages in). Filled now, beside the
	// token request, it is ready before the first frame.
	go ansi.StringWidthWc("⠋")
	uo := ui.Options{Context: ctx, Accounts: s.Accounts, Profile: s.Profile, ReadOnly: readonly,
		NoColor: theme.NoColorEnv(os.Environ()), StateDir: s.StateDir, StateTemporary: s.StateTemporary}
	if s.File != nil {
		uo.Keys = &s.File.KeyMap
		uo.NoMouse = !s.File.MouseOn()
		skins, bad := s.File.Skins()
		for _, e := range bad {
			fmt.Fprintf(stderr, "warning: %v (ignored)\n", e)
		}
		uo.Skins = skins
		uo.Plugins = s.File.Plugins
	}
	p, gate := consoleProgram(ctx, uo, stdin, stdout)
	defer gate.Close()
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && ctx.Err() == nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return 1
	}
	return 0
}

// consoleProgram is the console's program on the terminal stdin and
// stdout, with the gate that parks its renderer while nothing happens (see
// package idle): a console left open costs no CPU. The gate's output
// still shows the program a terminal; external processes (the editor, a
// terminal plugin) get the terminal itself, not the gate's writer, which
// they would see as a pipe.
func consoleProgram(ctx context.Context, uo ui.Options, stdin io.Reader, stdout io.Writer) (*tea.Program, *idle.Gate) {
	gate := idle.New(true)
	out := gate.Writer(stdout, ctx.Done(), nil)
	if f, ok := stdout.(xterm.File); ok {
		out = gate.Terminal(f, ctx.Done(), nil)
	}
	uo.ExecProcess = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		if c.Stdout == nil {
			c.Stdout = stdout
		}
		return tea.ExecProcess(c, fn)
	}
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(stdin), tea.WithOutput(out), tea.WithFilter(gate.Filter)}
	if stdout == io.Writer(os.Stdout) {
		// lipgloss read standard output's colour profile as the program
		// started (under tmux by running `tmux info`: tens of milliseconds
		// before the first request): Bubble Tea would ask the same again.
		opts = append(opts, tea.WithColorProfile(lipgloss.Writer.Profile))
	}
	p := tea.NewProgram(ui.New(uo), opts...)
	gate.Start(p.Send)
	return p, gate
}

// isTerminal reports whether v is a file open on a terminal; the console
// reads keys from stdin and draws on stdout, so it needs both.
func isTerminal(v any) bool {
	f, ok := v.(interface{ Fd() uintptr })
	return ok && xterm.IsTerminal(f.Fd())
}
