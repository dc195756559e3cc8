package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/ui"
	"github.com/mpconsole/mpconsole/ui/theme"
)

const consoleUsage = `usage: mpconsole [--sandbox] [--profile NAME] [--config FILE] [--readonly]

With no profile configured (no MPARTICLE_* variables, no profiles file) the
console starts the embedded sandbox and opens its account 1.
`

// runConsole starts the TUI.
func runConsole(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mpconsole", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, consoleUsage); fs.PrintDefaults() }
	o := &getOptions{}
	readonly := fs.Bool("readonly", false, "refuse every write")
	fs.BoolVar(&o.sandbox, "sandbox", false, "use the embedded sandbox, whatever is configured")
	fs.StringVar(&o.profile, "profile", "", "profile to use (default: MPARTICLE_* variables, else the file's default)")
	fs.StringVar(&o.config, "config", "", "profiles file (default: $MPCONSOLE_CONFIG or the user config dir)")
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
	uo := ui.Options{Context: ctx, NoColor: theme.NoColorEnv(os.Environ()), ReadOnly: *readonly}
	if !o.sandbox && o.profile == "" && !configured(o.config) {
		o.sandbox = true // nothing configured: the embedded sandbox
	}
	if o.sandbox {
		uo.Profile, uo.Sandbox = "sandbox", true
	} else {
		p, err := chooseProfile(o)
		if err != nil {
			fmt.Fprintf(stderr, "mpconsole: %v\n", err)
			return exitCode(err)
		}
		uo.Profile, uo.Color = p.Name, p.Color
		uo.ReadOnly = uo.ReadOnly || p.ReadOnly
	}
	client, cleanup, err := getClient(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return exitCode(err)
	}
	defer cleanup()
	uo.Client = client
	p := tea.NewProgram(ui.New(uo), tea.WithContext(ctx), tea.WithInput(stdin), tea.WithOutput(stdout))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && ctx.Err() == nil {
		fmt.Fprintf(stderr, "mpconsole: %v\n", err)
		return 1
	}
	return 0
}

// configured reports whether any credential is configured: the MPARTICLE_*
// variables or a profiles file.
func configured(path string) bool {
	if os.Getenv("MPARTICLE_CLIENT_ID") != "" {
		return true
	}
	if path == "" {
		var err error
		if path, err = config.DefaultPath(os.Getenv); err != nil {
			return false
		}
	}
	_, err := os.Stat(path)
	return err == nil
}

func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
