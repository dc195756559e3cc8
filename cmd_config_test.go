package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigInitAndCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "mpconsole config init") {
		t.Fatalf("check without file: %d %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"config", "init", "--config", path}, nil, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("init mode: %v %v", fi, err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb); code != 0 {
		t.Fatalf("check: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "sandbox (default)") || strings.Contains(out.String(), "sandbox-secret") {
		t.Fatalf("check listing: %s", out.String())
	}
	if err := os.WriteFile(path, []byte("[profiles.x]\nclient_id=\"a\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"config", "check", "--config", path}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), `profile "x": account_id: missing`) {
		t.Fatalf("bad file: %d %q", code, errb.String())
	}
	if code := run(context.Background(), []string{"config", "frob"}, nil, &out, &errb); code != 2 {
		t.Fatalf("bad usage: %d", code)
	}
}
