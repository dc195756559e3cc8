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
		s1.close()
		t.Fatal(err)
	}
	defer s2.close()
	if s1.stateDir == "" || !s1.stateTemporary || s1.stateDir == s2.stateDir {
		s1.close()
		t.Fatalf("state dirs %q and %q (temporary %v)", s1.stateDir, s2.stateDir, s1.stateTemporary)
	}
	if fi, err := os.Stat(s1.stateDir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		s1.close()
		t.Fatalf("state dir: %v %v", fi, err)
	}
	s1.close()
	if _, err := os.Stat(s1.stateDir); !os.IsNotExist(err) {
		t.Fatalf("the state dir outlived its sandbox: %v", err)
	}
}
