package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mpconsole/mpconsole/state"
)

// debugLog is the debug log of --log-file and --debug: every API request,
// retry and token request of the command's clients (api.Config.Logger),
// as slog text lines. It never holds a secret: the api package logs none.
type debugLog struct {
	path  string // --log-file
	debug bool   // --debug: the state directory's debug.log
	file  *os.File
	// logger is nil when no log was asked for.
	logger *slog.Logger
}

// debugLogName is the file --debug writes in the user state directory.
const debugLogName = "debug.log"

// open opens the log the flags ask for (appending, mode 0600) and says on
// stderr where --debug put it. Called before any command runs.
func (l *debugLog) open(cmd *cobra.Command, stderr io.Writer) error {
	if l.path == "" && !l.debug {
		return nil
	}
	path := l.path
	if path == "" {
		dir, err := state.Dir()
		if err != nil {
			return fmt.Errorf("--debug: %w (use --log-file FILE)", err)
		}
		path = filepath.Join(dir, debugLogName)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return &usageError{fmt.Sprintf("--log-file: %v", err)}
	}
	// A file that existed with looser permissions is tightened.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("--log-file: %w", err)
	}
	l.file = f
	l.logger = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if l.path == "" {
		fmt.Fprintf(stderr, "mpconsole: debug log: %s\n", path)
	}
	b := currentBuild()
	l.logger.Info("start", "command", cmd.CommandPath(), "version", b.Version, "commit", b.Commit, "pid", os.Getpid())
	return nil
}

// close ends the log; nothing happens when none was opened.
func (l *debugLog) close() {
	if l.file == nil {
		return
	}
	l.logger.Info("exit")
	l.file.Close()
	l.file = nil
}
