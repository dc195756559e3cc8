package sshd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/config"
)

// Over a real SSH connection a plugin runs on the server's host only for
// a key given the plugins right; another key's session refuses it and
// runs nothing, and a terminal plugin is refused even with the right.
func TestPluginsRunOnlyForAKeyWithTheRight(t *testing.T) {
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	script := filepath.Join(dir, "plugin.sh")
	body := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + ran + "\necho \"plugin saw $1\"\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	var allowed gossh.Signer
	h := newHarness(t, setup{
		manager: func(h *harness) accounts.Options {
			allowed = h.newKey(true)
			return accounts.Options{Sandbox: h.sb, NoCache: true}
		},
		opts: func(o *Options) {
			o.Rights = config.SSHConfig{Keys: []config.SSHKey{{Fingerprint: fingerprint(allowed), Name: "ops", Plugins: true}}}
			o.Plugins = []config.Plugin{
				{Key: "ctrl+o", Kind: "apps", Name: "probe", Command: script, Output: "pane", Args: []string{"{id}"}},
				{Key: "O", Kind: "apps", Name: "shell", Command: script, Output: "terminal", Args: []string{"{name}"}},
			}
		},
	})

	other := h.open(h.anyKey, 100, 30)
	other.waitFor("Acme Shop", "4 rows")
	other.key("ctrl+o")
	other.waitFor("no plugins right")
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("the plugin ran for a key without the right")
	}

	ops := h.open(allowed, 100, 30)
	ops.waitFor("Acme Shop", "4 rows")
	ops.key("O")
	ops.waitFor("runs in a local terminal only")
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("a terminal plugin ran over SSH")
	}
	ops.key("ctrl+o")
	ops.waitFor("plugin saw 1", "probe")
	b, err := os.ReadFile(ran)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != "1" {
		t.Errorf("the plugin ran with %q, want the row's id 1", got)
	}
}
