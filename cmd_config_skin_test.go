package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// config check reports a skin's bad entries with file, line and key.
func TestConfigCheckReportsTheSkinsBadEntries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte("mouse = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	skin := filepath.Join(dir, "skin.toml")
	if err := os.WriteFile(skin, []byte("accent = \"#ff8800\"\nmuted = \"not-a-colour\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), skin+`:2: muted: colour "not-a-colour"`) {
		t.Fatalf("check: %d %q", code, errb.String())
	}
	if err := os.WriteFile(skin, []byte("accent = \"#ff8800\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb); code != 0 {
		t.Fatalf("check of a good skin: %d %q", code, errb.String())
	}
}
