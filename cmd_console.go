package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	xterm "github.com/charmbracelet/x/term"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/ui"
)

const consoleUsage = `usage: mpconsole [--sandbox] [--profile NAME] [--config FILE] [--readonly]

With no profile configured (no MPARTICLE_* variables, no profiles file) the
console starts the embedded sandbox and opens its account 1.
`

// session is what a console (local or over SSH) needs: the profiles with
// their shared clients, and where to start.
type session struct {
	accounts *accounts.Manager
	profile  string
	file     *config.File
	close    func()
	// stateDir, when set, is where drafts and the journal go instead of
	// the user's state directory: the embedded sandbox's own, removed
	// with it (stateTemporary), since its data lives in memory and the
	// next one reuses its ids.
	stateDir       string
	stateTemporary bool
}

// retryPolicy is the API clients' retry policy; the zero value is the
// documented default (5 attempts, 45 s in all). Tests shorten it.
var retryPolicy api.RetryPolicy

// sessionFlags are the flags that choose credentials.
type sessionFlags struct {
	sandbox bool
	profile string
	config  string
	// explicit: with nothing configured, fail instead of starting the
	// embedded sandbox (mpconsole get).
	explicit bool
}

func (sf *sessionFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&sf.sandbox, "sandbox", false, "use the embedded sandbox, whatever is configured")
	fs.StringVar(&sf.profile, "profile", "", "profile to use (default: MPARTICLE_* variables, else the file's default)")
	fs.StringVar(&sf.config, "config", "", "profiles file (default: $MPCONSOLE_CONFIG or the user config dir)")
}

// openSession resolves the flags: --sandbox, or the MPARTICLE_* profile and
// the profiles file; with nothing configured (no variables, and no file or
// one that defines no profile, as `config init` writes it), the embedded
// sandbox. The
// embedded sandbox listens on 127.0.0.1:0 and logs nowhere (the screen
// belongs to the console).
func openSession(ctx context.Context, sf sessionFlags) (*session, error) {
	o := accounts.Options{Retry: retryPolicy}
	s := &session{close: func() {}}
	if !sf.sandbox {
		env, _, err := config.FromEnv(os.Getenv)
		if err != nil {
			return nil, &usageError{err.Error()}
		}
		o.Env = env
		path := sf.config
		if path == "" {
			if path, err = config.DefaultPath(os.Getenv); err != nil {
				return nil, err
			}
		}
		f, err := config.Load(path)
		switch {
		case errors.Is(err, config.ErrNoFile) && sf.config != "" && !sf.explicit:
			return nil, &usageError{err.Error()}
		case errors.Is(err, config.ErrNoFile):
		case err != nil:
			return nil, &usageError{err.Error()}
		default:
			o.File, s.file = f, f
		}
		if o.Env == nil && (o.File == nil || len(o.File.Profiles) == 0) {
			if sf.profile != "" || sf.explicit {
				why := fmt.Sprintf("%s: %v", path, config.ErrNoFile)
				if o.File != nil {
					why = path + " defines no profile"
				}
				return nil, usagef("no credentials: set MPARTICLE_CLIENT_ID, MPARTICLE_CLIENT_SECRET and MPARTICLE_ACCOUNT_ID, "+
					"add a profile to the profiles file (mpconsole config init writes an example), or use --sandbox (%s)", why)
			}
			sf.sandbox = true
		}
	}
	if sf.sandbox {
		dir, err := os.MkdirTemp("", "mpconsole-sandbox-*")
		if err != nil {
			return nil, fmt.Errorf("the sandbox's state directory: %w", err)
		}
		srv, err := sandbox.Start(ctx, sandbox.Options{})
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("starting the sandbox: %w", err)
		}
		o.Sandbox = srv
		s.stateDir, s.stateTemporary = dir, true
		s.close = func() { srv.Close(); os.RemoveAll(dir) }
	}
	s.accounts = accounts.New(o)
	closeSrv := s.close
	s.close = func() { s.accounts.Close(); closeSrv() }
	if sf.profile != "" {
		if _, ok := s.accounts.Profile(sf.profile); !ok {
			s.close()
			var names []string
			for _, p := range s.accounts.Profiles() {
				names = append(names, p.Name)
			}
			return nil, usagef("no profile %q (profiles: %s)", sf.profile, strings.Join(names, ", "))
		}
		s.profile = sf.profile
	} else {
		p, err := s.accounts.Default()
		if err != nil {
			s.close()
			return nil, &usageError{err.Error()}
		}
		s.profile = p.Name
	}
	return s, nil
}

// runConsole starts the TUI.
func runConsole(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mpconsole", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, consoleUsage); fs.PrintDefaults() }
	var sf sessionFlags
	sf.register(fs)
	readonly := fs.Bool("readonly", false, "refuse every write")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mpconsole: unknown command %q (run 'mpconsole help')\n", fs.Arg(0))
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
	defer s.close()
	if s.file != nil {
		for _, w := range s.file.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	// Resolve the first profile's secret now, on the terminal, before the
	// screen is taken (a password manager may prompt).
	if _, err := s.accounts.Client(ctx, s.profile, 0); err != nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return 1
	}
	uo := ui.Options{Context: ctx, Accounts: s.accounts, Profile: s.profile, ReadOnly: *readonly,
		NoColor: theme.NoColorEnv(os.Environ()), StateDir: s.stateDir, StateTemporary: s.stateTemporary}
	if s.file != nil {
		uo.Keys = &s.file.KeyMap
	}
	p := tea.NewProgram(ui.New(uo), tea.WithContext(ctx), tea.WithInput(stdin), tea.WithOutput(stdout))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && ctx.Err() == nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return 1
	}
	return 0
}

// isTerminal reports whether v is a file open on a terminal; the console
// reads keys from stdin and draws on stdout, so it needs both.
func isTerminal(v any) bool {
	f, ok := v.(interface{ Fd() uintptr })
	return ok && xterm.IsTerminal(f.Fd())
}

func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
