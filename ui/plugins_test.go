package ui_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/ui"
)

// pluginScript writes a script that records its arguments and standard
// input in dir/ran and prints a line.
func pluginScript(t *testing.T) (script, ran string) {
	t.Helper()
	dir := t.TempDir()
	ran = filepath.Join(dir, "ran")
	script = filepath.Join(dir, "plugin.sh")
	body := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + ran + "\ncat >> " + ran + "\necho \"plugin saw $1\"\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	return script, ran
}

// A plugin gets the row's values in its args and the entity's JSON on its
// standard input; its output opens in a pane.
func TestAPluginRunsWithTheRowsValues(t *testing.T) {
	script, ran := pluginScript(t)
	p := config.Plugin{Key: "ctrl+o", Kind: "apps", Name: "probe", Command: script, Output: "pane",
		Args: []string{"{id}", "{name}", "{kind}", "{account}", "{profile}", "literal {id}-x"}}
	d := start(t, fixture{ui: ui.Options{Plugins: []config.Plugin{p}}})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("ctrl+o")
	s := d.waitFor("plugin saw 1", "probe · apps 1")
	if !strings.Contains(strings.Split(s, "\n")[1], "plugin") {
		t.Errorf("the pane's crumb: %q", strings.Split(s, "\n")[1])
	}
	b, err := os.ReadFile(ran)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 7)
	want := []string{"1", "Acme Shop", "apps", "1", "sandbox", "literal 1-x"}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("arg %d: %q, want %q", i, lines[i], w)
		}
	}
	var stdin struct {
		ID   json.Number `json:"id"`
		Name string      `json:"name"`
	}
	if err := json.Unmarshal([]byte(lines[6]), &stdin); err != nil || stdin.Name != "Acme Shop" || stdin.ID != "1" {
		t.Errorf("stdin: %v %q", err, lines[6])
	}
}

// Over SSH a plugin runs only when the key's rights allow it, and a
// terminal plugin never does.
func TestPluginsAreRefusedWithoutTheRight(t *testing.T) {
	script, ran := pluginScript(t)
	for _, c := range []struct {
		name   string
		o      ui.Options
		output string
		notice string
	}{
		{"ssh without the right", ui.Options{Remote: true, NoPlugins: true}, "pane", "its SSH key has no plugins right"},
		{"terminal over ssh", ui.Options{Remote: true}, "terminal", "runs in a local terminal only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.o.Plugins = []config.Plugin{{Key: "ctrl+o", Kind: "apps", Name: "probe", Command: script, Output: c.output, Args: []string{"{id}"}}}
			d := start(t, fixture{ui: c.o})
			d.waitFor("Acme Shop")
			d.settle()
			d.key("ctrl+o")
			d.waitFor(c.notice)
			d.settle()
			if _, err := os.Stat(ran); err == nil {
				t.Fatal("the plugin ran")
			}
		})
	}
}
