package config

import (
	"strings"
	"testing"
)

func TestPluginsAreChecked(t *testing.T) {
	good := `
[[plugins]]
key = "ctrl+o"
kind = "ws"
command = "echo"
args = ["{id}"]

[[ssh.keys]]
fingerprint = "SHA256:abc"
plugins = true
`
	f, err := Parse("c.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Plugins[0]; p.Kind != "workspaces" || p.Output != "pane" || p.Wait() != DefaultPluginTimeout {
		t.Errorf("plugin %+v", p)
	}
	if r, _ := f.SSH.Rights("SHA256:abc"); !r.Plugins {
		t.Error("the key's plugins right was not read")
	}
	for _, c := range []struct{ file, want string }{
		{"[[plugins]]\nkey = \"y\"\nkind = \"apps\"\ncommand = \"x\"\n", `c.toml:1: plugins[0].key: "y" is list.copy_id's key`},
		{"[keys]\n\"list.copy_id\" = \"ctrl+y\"\n[[plugins]]\nkey = \"/\"\nkind = \"apps\"\ncommand = \"x\"\n", `plugins[0].key: "/" is table.filter's key`},
		{"[[plugins]]\nkey = \"ctrl+o\"\nkind = \"nope\"\ncommand = \"x\"\noutput = \"window\"\n", `plugins[0].kind: "nope" is not a kind`},
		{"[[plugins]]\nkey = \"ctrl+o\"\nkind = \"apps\"\ncommand = \"x\"\noutput = \"window\"\n", `plugins[0].output: "window": want "pane" or "terminal"`},
		{"[[plugins]]\nkey = \"ctrl+o\"\nkind = \"apps\"\n", `plugins[0].command: missing`},
		{"[[plugins]]\nkey = \"ctrl+o\"\nkind = \"apps\"\ncommand = \"x\"\n[[plugins]]\nkey = \"ctrl+o\"\nkind = \"apps\"\ncommand = \"y\"\n", `plugins[1].key: "ctrl+o" is also plugins[0]'s key on apps`},
	} {
		_, err := Parse("c.toml", []byte(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.file, err, c.want)
		}
	}
	// A key rebound away frees it for a plugin.
	if _, err := Parse("c.toml", []byte("[keys]\n\"list.copy_id\" = \"ctrl+y\"\n[[plugins]]\nkey = \"y\"\nkind = \"apps\"\ncommand = \"x\"\n")); err != nil {
		t.Errorf("y after list.copy_id moved: %v", err)
	}
}
