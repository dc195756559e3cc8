package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/keymap"
)

// Plugin binds a key in a kind's table to a local command:
//
//	[[plugins]]
//	key     = "ctrl+o"
//	kind    = "apps"
//	name    = "open in the dashboard"
//	command = "xdg-open"
//	args    = ["https://app.mparticle.com/apps/{id}"]
//	output  = "pane"      # or "terminal"
//	timeout = "30s"       # pane only; default 30s
//
// {id}, {name}, {kind}, {account} and {profile} in args are replaced with
// the cursor row's values; no shell runs unless the command is one ("sh",
// "-c", …). The entity's JSON is the command's standard input (with
// output = "terminal", the terminal is, and the JSON is in
// $MPCONSOLE_ENTITY).
type Plugin struct {
	Key     string   `toml:"key"`
	Kind    string   `toml:"kind"`
	Name    string   `toml:"name"`
	Command string   `toml:"command"`
	Args    []string `toml:"args"`
	Output  string   `toml:"output"`
	Timeout string   `toml:"timeout"`
}

// DefaultPluginTimeout bounds a plugin whose output goes to a pane.
const DefaultPluginTimeout = 30 * time.Second

// Wait is how long a pane plugin may run.
func (p Plugin) Wait() time.Duration {
	if d, err := time.ParseDuration(p.Timeout); err == nil && d > 0 {
		return d
	}
	return DefaultPluginTimeout
}

// tableContexts are the keymap contexts active on a kind's table, where a
// plugin's key must not shadow a built-in one.
var tableContexts = []keymap.Context{keymap.Global, keymap.Nav, keymap.Table, keymap.List}

func validatePlugins(path string, lines lineIndex, plugins []Plugin, km keymap.KeyMap) Errors {
	var errs Errors
	line := lines.find(toml.Key{"plugins"})
	cat := api.DefaultCatalog()
	seen := map[[2]string]int{}
	for i := range plugins {
		p := &plugins[i]
		add := func(field, msg string) {
			errs = append(errs, &FieldError{File: path, Line: line, Field: fmt.Sprintf("plugins[%d].%s", i, field), Msg: msg})
		}
		if p.Output == "" {
			p.Output = "pane"
		}
		if p.Output != "pane" && p.Output != "terminal" {
			add("output", fmt.Sprintf("%q: want \"pane\" or \"terminal\"", p.Output))
		}
		if p.Command == "" {
			add("command", "missing: the program to run")
		}
		if p.Timeout != "" {
			if d, err := time.ParseDuration(p.Timeout); err != nil || d <= 0 {
				add("timeout", fmt.Sprintf("%q is not a duration (\"30s\", \"2m\")", p.Timeout))
			}
		}
		if _, ok := cat.Lookup(p.Kind); !ok || p.Kind == "" {
			add("kind", fmt.Sprintf("%q is not a kind of the catalogue (apps, platforms, workspaces, …)", p.Kind))
		} else if d, _ := cat.Lookup(p.Kind); d.Name != p.Kind {
			p.Kind = d.Name // an alias ("ws") names the kind
		}
		k, err := keymap.NormalizeKey(p.Key)
		if err != nil || p.Key == "" {
			add("key", fmt.Sprintf("%q is not a key: %v", p.Key, err))
			continue
		}
		p.Key = k
		if j, ok := seen[[2]string{p.Kind, k}]; ok {
			add("key", fmt.Sprintf("%q is also plugins[%d]'s key on %s", k, j, p.Kind))
		}
		seen[[2]string{p.Kind, k}] = i
		for _, a := range km.Actions() {
			if slices.Contains(tableContexts, a.Context) && slices.Contains(a.Keys, k) {
				add("key", fmt.Sprintf("%q is %s's key (%s) on the table; choose another key or rebind %s in [keys]", k, a.Name, a.Description, a.Name))
			}
		}
	}
	return errs
}

// Expand replaces the row's values in the plugin's args.
func (p Plugin) Expand(values map[string]string) []string {
	pairs := make([]string, 0, 2*len(values))
	for k, v := range values {
		pairs = append(pairs, "{"+k+"}", v)
	}
	r := strings.NewReplacer(pairs...)
	out := make([]string, len(p.Args))
	for i, a := range p.Args {
		out[i] = r.Replace(a)
	}
	return out
}
