// Command mpconsole is a terminal console for the mParticle Platform API.
//
//	mpconsole                 the console (on the embedded sandbox when nothing is configured)
//	mpconsole sandbox …       serve the local Platform API sandbox over HTTP
//	mpconsole get KIND [ID]   headless read of any kind, for scripts
//	mpconsole export|diff|apply  keep accounts alike through exported files
//	mpconsole ssh …           serve the console over SSH
//	mpconsole config …        check or create the profiles file
//	mpconsole version|completion|man
//
// main only parses the command line (cobra, styled by fang) and wires
// config → api → ui.
package main

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"
)

func main() {
	// SIGHUP: the terminal went away (a closed window, a dropped SSH
	// connection); the console ends as on a quit, cleaning up after itself.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli is one run of the command line: where it reads and writes, and the
// debug log every command shares.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            debugLog
}

// run parses and runs a command line and returns the process exit code:
// 0 success, 1 failure, 2 bad usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	root := c.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := fang.Execute(ctx, root, fang.WithoutVersion(), fang.WithoutManpage(), fang.WithErrorHandler(c.printError),
		fang.WithColorSchemeFunc(helpColors))
	c.log.close()
	return exitCodeOf(err)
}

// helpColors is fang's default colour scheme with every colour resolved
// once: its palette's colours look their value up in a table built anew on
// each use, and styled help uses them thousands of times.
func helpColors(c lipgloss.LightDarkFunc) fang.ColorScheme {
	cs := fang.DefaultColorScheme(c)
	for _, p := range []*color.Color{&cs.Base, &cs.Title, &cs.Description, &cs.Codeblock, &cs.Program, &cs.DimmedArgument,
		&cs.Comment, &cs.Flag, &cs.FlagDefault, &cs.Command, &cs.QuotedString, &cs.Argument, &cs.Help, &cs.Dash,
		&cs.ErrorHeader[0], &cs.ErrorHeader[1], &cs.ErrorDetails} {
		if *p != nil {
			r, g, b, a := (*p).RGBA()
			*p = color.RGBA64{R: uint16(r), G: uint16(g), B: uint16(b), A: uint16(a)}
		}
	}
	return cs
}

// rootCmd builds the command tree. The root command is the console.
func (c *cli) rootCmd() *cobra.Command {
	root := c.consoleCmd()
	root.Version = currentBuild().short()
	root.SetVersionTemplate("{{.Name}} version {{.Version}}\n")
	root.PersistentFlags().StringVar(&c.log.path, "log-file", "", "append a debug log (requests, retries, token requests; never a secret) to this file (0600)")
	root.PersistentFlags().BoolVar(&c.log.debug, "debug", false, "write the debug log to debug.log in the user state directory")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		return c.log.open(cmd, c.stderr)
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &cmdUsageError{cmd: cmd.CommandPath(), err: err}
	})
	root.AddCommand(c.sandboxCmd(), c.getCmd(), c.sshCmd(), c.configCmd(), c.versionCmd(), c.manCmd(),
		c.exportCmd(), c.diffCmd(), c.applyCmd())
	return root
}

// exitStatus is a command's exit code after it has said all it had to
// say on stderr: the error handler prints nothing more.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// status turns a command body's exit code into RunE's error.
func status(code int) error {
	if code == 0 {
		return nil
	}
	return exitStatus(code)
}

// usageError is a problem with the command line: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// cmdUsageError is a usage error of one command, found by the command
// line parser (an unknown flag, a bad flag value, a wrong argument count).
type cmdUsageError struct {
	cmd string
	err error
}

func (e *cmdUsageError) Error() string { return e.err.Error() }
func (e *cmdUsageError) Unwrap() error { return e.err }

// cobraUsagePrefixes start the messages of cobra's own usage errors that
// reach the error handler without passing a flag error function.
var cobraUsagePrefixes = []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
	"invalid argument", "accepts ", "requires at least", "requires at most", "accepts at most", "accepts between"}

func isUsage(err error) bool {
	var ue *usageError
	var ce *cmdUsageError
	return errors.As(err, &ue) || errors.As(err, &ce)
}

// isCobraUsage recognises cobra's own usage errors by their wording (it
// has no type for them).
func isCobraUsage(err error) bool {
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(err.Error(), p) {
			return true
		}
	}
	return false
}

// exitCodeOf maps Execute's error to the exit code: 0, 2 for bad usage,
// else 1 (or the code a command chose).
func exitCodeOf(err error) int {
	var es exitStatus
	switch {
	case err == nil:
		return 0
	case errors.As(err, &es):
		return int(es)
	case isUsage(err), isCobraUsage(err):
		return 2
	}
	return 1
}

// exitCode is the status of an error a command reports itself.
func exitCode(err error) int {
	if isUsage(err) {
		return 2
	}
	return 1
}

// printError is fang's error handler: one line naming the command, and
// for bad usage where to find the usage. Commands that already reported
// their failure (exitStatus) add nothing.
func (c *cli) printError(w io.Writer, _ fang.Styles, err error) {
	var es exitStatus
	if errors.As(err, &es) {
		return
	}
	cmd := "mpconsole"
	var ce *cmdUsageError
	if errors.As(err, &ce) {
		cmd = ce.cmd
	}
	fmt.Fprintf(w, "%s: %v\n", cmd, err)
	if isUsage(err) || isCobraUsage(err) {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd)
	}
}

// usageArgs is a cobra.PositionalArgs that checks the count and reports a
// wrong one as a usage error of the command.
func usageArgs(minN, maxN int, want string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < minN:
			return &cmdUsageError{cmd: cmd.CommandPath(), err: fmt.Errorf("want %s", want)}
		case maxN >= 0 && len(args) > maxN:
			return &cmdUsageError{cmd: cmd.CommandPath(), err: fmt.Errorf("unexpected argument %q (want %s)", args[maxN], want)}
		}
		return nil
	}
}
