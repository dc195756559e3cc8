package main

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
)

// Stamped at release time (goreleaser): -ldflags "-X main.version=v1.2.3
// -X main.commit=… -X main.date=…". Empty: read from the build info.
var (
	version string
	commit  string
	date    string
)

// build is what a binary knows about itself.
type build struct {
	Version  string // the module version, "(devel)" for a local build
	Commit   string // the VCS revision, "" when not recorded
	Date     string // the commit or release date, "" when not recorded
	Modified bool   // built from a tree with uncommitted changes
	Go       string
}

// currentBuild reads the stamped variables, else runtime/debug's build
// info (go install and go build in a checkout record the module version
// and the VCS revision).
func currentBuild() build {
	b := build{Version: version, Commit: commit, Date: date, Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		b.Version = cmp.Or(b.Version, "unknown")
		return b
	}
	var rev, at string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true" && commit == ""
		}
	}
	b.Version = cmp.Or(b.Version, info.Main.Version, "unknown")
	b.Commit = cmp.Or(b.Commit, rev)
	b.Date = cmp.Or(b.Date, at)
	return b
}

// short is the one line of --version: the version and the revision.
func (b build) short() string {
	s := b.Version
	if b.Commit != "" {
		s += " (commit " + b.Commit
		if b.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s
}

func (c *cli) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the VCS revision and the Go version",
		Args:  usageArgs(0, 0, "no argument"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := currentBuild()
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "mpconsole version %s\n", b.Version)
			if b.Commit != "" {
				mod := ""
				if b.Modified {
					mod = " (modified)"
				}
				fmt.Fprintf(w, "commit: %s%s\n", b.Commit, mod)
			}
			if b.Date != "" {
				fmt.Fprintf(w, "date: %s\n", b.Date)
			}
			fmt.Fprintf(w, "go: %s %s/%s\n", b.Go, runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

// manCmd prints the man page (section 1) of every command, generated from
// the command tree: `mpconsole man > mpconsole.1`.
func (c *cli) manCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the man page (roff) on stdout",
		Long:  "Print the man page, section 1, generated from the commands and their flags:\n  mpconsole man > mpconsole.1 && man ./mpconsole.1",
		Args:  usageArgs(0, 0, "no argument"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			completeLong(cmd.Root())
			page, err := mcobra.NewManPage(1, cmd.Root())
			if err != nil {
				return fmt.Errorf("man page: %w", err)
			}
			page = page.WithSection("Exit status", "0 success, 1 a failure (the API, the network, a file), 2 bad usage.")
			_, err = fmt.Fprint(cmd.OutOrStdout(), page.Build(roff.NewDocument()))
			return err
		},
	}
}
