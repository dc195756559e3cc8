package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// The embedded sandbox keeps its drafts and journal in a directory of its
// own, removed when it stops: a second run (a new sandbox reusing the same
// ids) starts with none.
func TestEmbeddedSandboxStateDirIsItsOwn(t *testing.T) {
	s1, err := openSession(context.Background(), sessionFlags{sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := openSession(context.Background(), sessionFlags{sandbox: true})
	if err != nil {
		s1.Close()
		t.Fatal(err)
	}
	defer s2.Close()
	if s1.StateDir == "" || !s1.StateTemporary || s1.StateDir == s2.StateDir {
		s1.Close()
		t.Fatalf("state dirs %q and %q (temporary %v)", s1.StateDir, s2.StateDir, s1.StateTemporary)
	}
	if fi, err := os.Stat(s1.StateDir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		s1.Close()
		t.Fatalf("state dir: %v %v", fi, err)
	}
	s1.Close()
	if _, err := os.Stat(s1.StateDir); !os.IsNotExist(err) {
		t.Fatalf("the state dir outlived its sandbox: %v", err)
	}
}

// TestConsoleRequestTimeoutFlag: the console refuses a budget that is not
// positive before it looks for a terminal or starts anything.
func TestConsoleRequestTimeoutFlag(t *testing.T) {
	for _, v := range []string{"0s", "-5s", "soon"} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"--request-timeout", v}, nil, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), "request-timeout") || out.Len() != 0 {
			t.Errorf("--request-timeout %s: exit %d, stderr %q", v, code, errb.String())
		}
	}
}
