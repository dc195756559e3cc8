package main

import (
	"os"
	"strings"
	"testing"

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
