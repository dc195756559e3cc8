// Command mpconsole is a terminal console for the mParticle Platform API.
//
//	mpconsole                 the console (on the embedded sandbox when nothing is configured)
//	mpconsole sandbox …       serve the local Platform API sandbox over HTTP
//	mpconsole get KIND [ID]   headless read of any kind, for scripts
//	mpconsole ssh …           serve the console over SSH
//	mpconsole config …        check or create the profiles file
//
// main only parses the command line and wires config → api → ui.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the process exit code:
// 0 success, 1 failure, 2 bad usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return runSandbox(ctx, args[1:], stdout, stderr)
		case "get":
			return runGet(ctx, args[1:], stdout, stderr)
		case "config":
			return runConfig(ctx, args[1:], stdout, stderr)
		case "ssh":
			return runSSH(ctx, args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	return runConsole(ctx, args, stdin, stdout, stderr)
}

const usage = `mpconsole — a terminal console for the mParticle Platform API

Usage:
  mpconsole [--sandbox] [--profile NAME] [--readonly] [--request-timeout 45s]
                                                        the console
  mpconsole sandbox [flags]                             serve the local Platform API sandbox
  mpconsole get KIND [ID] [--parent KIND=ID] [-o table|json] [--request-timeout 45s]
                                                        print entities, for scripts
  mpconsole config check|init [--config FILE]           validate or create the profiles file
  mpconsole ssh [--addr HOST:PORT] [--authorized-keys FILE] [--readonly]
                                                        serve the console over SSH

Run 'mpconsole COMMAND -h' for a command's flags.
`
