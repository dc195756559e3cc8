package state

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestBaseDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	home := func() (string, error) { return "/home/ann", nil }
	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	config := func() (string, error) { return `C:\Users\ann\AppData\Roaming`, nil }
	tests := []struct {
		name    string
		goos    string
		env     map[string]string
		home    func() (string, error)
		want    string
		wantErr string
	}{
		{"XDG_STATE_HOME", "linux", map[string]string{"XDG_STATE_HOME": "/var/state/ann"}, home, "/var/state/ann", ""},
		{"relative XDG_STATE_HOME is ignored", "linux", map[string]string{"XDG_STATE_HOME": "state"}, home, "/home/ann/.local/state", ""},
		{"default on Linux", "linux", nil, home, "/home/ann/.local/state", ""},
		{"default on macOS", "darwin", nil, home, "/home/ann/.local/state", ""},
		{"no home", "linux", nil, noHome, "", "$HOME is not defined"},
		{"empty home", "freebsd", nil, func() (string, error) { return "", nil }, "", "set XDG_STATE_HOME"},
		{"windows", "windows", map[string]string{"XDG_STATE_HOME": "/x"}, noHome, `C:\Users\ann\AppData\Roaming`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := baseDir(tt.goos, env(tt.env), tt.home, config)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDirCreatesPrivateDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	base := t.TempDir()
	t.Setenv("XDG_STATE_HOME", base)
	// A pre-existing, too open directory is tightened.
	if err := os.Mkdir(filepath.Join(base, "mpconsole"), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	if d != filepath.Join(base, "mpconsole") {
		t.Fatalf("dir %q", d)
	}
	assertPerm(t, d, 0o700)
	// A file where the directory should be is an error, not a panic.
	t.Setenv("XDG_STATE_HOME", filepath.Join(base, "f"))
	if err := os.WriteFile(filepath.Join(base, "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Dir(); err == nil {
		t.Fatal("no error with a file in the way")
	}
}

func assertPerm(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Fatalf("%s is %o, want %o", path, got, want)
	}
}
