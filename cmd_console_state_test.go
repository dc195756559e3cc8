package main

import (
	"context"
	"os"
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
