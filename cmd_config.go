package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/mpconsole/mpconsole/config"
)

// runConfig implements `mpconsole config check|init [--config FILE]`.
func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "check" && args[0] != "init") {
		fmt.Fprintln(stderr, "usage: mpconsole config check|init [--config FILE]")
		return 2
	}
	fs := flag.NewFlagSet("config "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "profiles file (default: $MPCONSOLE_CONFIG or the user config dir)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "config %s: unexpected argument %q\n", args[0], fs.Arg(0))
		return 2
	}
	if *path == "" {
		p, err := config.DefaultPath(os.Getenv)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		*path = p
	}
	if args[0] == "init" {
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
