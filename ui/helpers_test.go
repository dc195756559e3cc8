package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/ui"
)

func uiOptionsReadOnly() ui.Options { return ui.Options{ReadOnly: true} }

func draftCount(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "drafts"))
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			n++
		}
	}
	return n
}
