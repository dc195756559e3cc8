// Package state keeps what the console must not lose between runs: drafts
// of edits in progress and the journal of the writes it made. Both live in
// the user's state directory (Dir), readable by the user only.
//
// # Design
//
// Drafts are one small JSON file each, named by a hash of their key
// (profile, account, kind, parent, id): no profile name, id or odd
// character ever becomes part of a path, and the key inside the file is
// checked when it is read. A draft is written to a temporary file in the
// same directory, synced, and renamed over the old one, so a crash or a
// closed SSH connection leaves either the previous draft or the new one,
// never half of one. Saving is cheap enough for the editor's once a second.
//
// The journal is one file of JSON lines, appended to with O_APPEND and one
// write per entry, so appenders in several processes do not interleave
// (POSIX makes each O_APPEND write land at the end of the file); a mutex
// orders appenders within a process. An entry is always one line (its JSON
// is compact). A crash can still leave a torn last line: the reader skips
// any line that is not a whole entry and never fails the file because of
// one, and the next append first ends such a line, so the torn bytes cost
// one skipped line and nothing else.
//
// Neither takes a context.Context, a departure from the project's rule for
// I/O: both are small local file operations that the operating system does
// not let us cancel, done in a tea.Cmd by the root. Times come from a Now
// function (default time.Now) so tests can fix the clock.
package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// appName is the directory under the state base directory.
const appName = "mpconsole"

// Dir returns the console's state directory, creating it (0700) if needed:
// $XDG_STATE_HOME/mpconsole or ~/.local/state/mpconsole on Unix,
// os.UserConfigDir()/mpconsole elsewhere (Go has no os.UserStateDir).
func Dir() (string, error) {
	base, err := baseDir(runtime.GOOS, os.Getenv, os.UserHomeDir, os.UserConfigDir)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, appName)
	if err := ensureDir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// baseDir picks the base state directory for an operating system.
func baseDir(goos string, getenv func(string) string, home, config func() (string, error)) (string, error) {
	switch goos {
	case "windows", "plan9":
		d, err := config()
		if err != nil {
			return "", fmt.Errorf("state directory: %w", err)
		}
		return d, nil
	}
	// XDG: a relative XDG_STATE_HOME is invalid and ignored.
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	if h == "" {
		return "", errors.New("state directory: the home directory is unknown (set XDG_STATE_HOME)")
	}
	return filepath.Join(h, ".local", "state"), nil
}

// ensureDir creates dir (and its parents) and makes dir itself 0700: it
// holds drafts that may contain anything the user typed.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("state directory: %s is not a directory", dir)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("state directory: %w", err)
		}
	}
	return nil
}

// ensurePrivateFile makes an existing file 0600 (a file from an older
// version, or one restored from a backup, may be looser).
func ensurePrivateFile(f *os.File) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Mode().Perm() != 0o600 {
		return f.Chmod(0o600)
	}
	return nil
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
