package main

import (
	"os"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/keymap"
)

// TestReadmeListsEveryKey keeps the README's key table in step with the
// keymap: every action, by its name.
func TestReadmeListsEveryKey(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	km := keymap.Default()
	for _, a := range km.Actions() {
		if !strings.Contains(readme, "`"+a.Name+"`") {
			t.Errorf("README.md does not list %s (%s)", a.Name, a.Description)
		}
	}
	lines := strings.SplitN(readme, "```sh\n", 2)
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "go run .") || !strings.Contains(strings.SplitN(lines[1], "```", 2)[0], "go test ./...") {
		t.Error("README.md must open with the two set-up commands: go run . and go test ./...")
	}
}

// TestReadmeProfilesExampleIsValid parses the README's profiles file.
func TestReadmeProfilesExampleIsValid(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```toml\n")
	if !ok {
		t.Fatal("no toml example in README.md")
	}
	example, _, _ := strings.Cut(rest, "```")
	example = strings.Replace(example, `"SHA256:…"`, `"SHA256:abc"`, 1)
	if _, err := config.Parse("README.md", []byte(example)); err != nil {
		t.Fatalf("the README's example does not load:\n%v", err)
	}
}
