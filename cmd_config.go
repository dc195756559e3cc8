package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mpconsole/mpconsole/config"
)

// configCmd is `mpconsole config init|check`.
func (c *cli) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Validate or create the profiles file",
		Long: `Validate (check) or create (init) the profiles file: $MPCONSOLE_CONFIG, else
config.toml in the user config directory, unless --config names one.`,
		Args: usageArgs(0, 0, "a subcommand: check or init"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &cmdUsageError{cmd: cmd.CommandPath(), err: errors.New("want a subcommand: check or init")}
		},
	}
	for _, sub := range []struct{ name, short string }{
		{"check", "Validate the profiles file and list its profiles"},
		{"init", "Write a commented example profiles file (mode 0600)"},
	} {
		var path string
		sc := &cobra.Command{
			Use:   sub.name,
			Short: sub.short,
			Args:  usageArgs(0, 0, "no argument"),
			RunE: func(cmd *cobra.Command, _ []string) error {
				return status(runConfig(sub.name, path, c.stdout, c.stderr))
			},
		}
		sc.Flags().StringVar(&path, "config", "", "profiles file (default: $MPCONSOLE_CONFIG or the user config dir)")
		cmd.AddCommand(sc)
	}
	return cmd
}

// runConfig runs `mpconsole config check|init` on the profiles file at
// path ("": the default one).
func runConfig(verb, p string, stdout, stderr io.Writer) int {
	path := &p
	if *path == "" {
		p, err := config.DefaultPath(os.Getenv)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		*path = p
	}
	if verb == "init" {
		if err := config.Init(*path); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s (mode 0600): a commented example that defines no profile yet, so mpconsole\n"+
			"still starts the embedded sandbox; uncomment a profile, fill it in, then run: mpconsole config check\n", *path)
		return 0
	}
	f, err := loadConfig(*path)
	if errors.Is(err, config.ErrNoFile) {
		fmt.Fprintf(stderr, "%v; create one with: mpconsole config init\n", err)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, w := range f.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintf(stdout, "%s: ok\n", f.Path)
	if len(f.Profiles) == 0 {
		fmt.Fprintln(stdout, "no profile defined: mpconsole starts the embedded sandbox (uncomment or add a [profiles.NAME] table to use a real account)")
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tCLIENT ID\tACCOUNT\tSECRET FROM\tAPI\tMODE")
	for _, name := range f.ProfileNames() {
		p := f.Profiles[name]
		v1, _, _, _ := p.Endpoints()
		mode := "read-write"
		if p.ReadOnly {
			mode = "read-only"
		}
		if name == f.DefaultProfile {
			name += " (default)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", name, p.ClientID, p.AccountID, p.SecretSource(), v1, mode)
	}
	tw.Flush()
	return 0
}

// loadConfig loads and validates the profiles file, [keys] included.
func loadConfig(path string) (*config.File, error) {
	return config.Load(path)
}
