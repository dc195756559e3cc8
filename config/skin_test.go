package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestSkinsBesideTheProfilesFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("config.toml", `
[profiles.prod]
client_id = "a"
client_secret_env = "S"
account_id = 1
skin = "red"

[profiles.dev]
client_id = "a"
client_secret_env = "S"
account_id = 2
`)
	write("skin.toml", "# every profile's\naccent = \"#00ff00\"\n\nacent = \"#00ff00\"\njson_key = \"#12345\"\nok = 3\n")
	write("skins/red.toml", "accent = \"red\"\n")
	f, err := Load(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	skins, errs := f.Skins()
	want := []string{
		filepath.Join(dir, "skin.toml") + ":4: acent: unknown colour",
		filepath.Join(dir, "skin.toml") + `:5: json_key: colour "#12345": want #rgb or #rrggbb`,
		filepath.Join(dir, "skin.toml") + `:6: ok: want a colour as a string`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%v\nwant %d", errs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d: %q, want it to start %q", i, errs[i], w)
		}
	}
	if got := skins["dev"]["accent"]; got != lipgloss.Color("#00ff00") {
		t.Errorf("dev (skin.toml) accent %v", got)
	}
	if got := skins["prod"]["accent"]; got != lipgloss.Color("1") {
		t.Errorf("prod (skins/red.toml) accent %v", got)
	}
	if _, ok := skins[""]["json_key"]; ok || len(skins[""]) != 1 {
		t.Errorf("the bad entries were kept: %v", skins[""])
	}

	// A named skin that does not exist is an error; a bad name too.
	os.Remove(filepath.Join(dir, "skins", "red.toml"))
	if _, errs := f.Skins(); !strings.Contains(errs.Error(), "red.toml: reading the skin") {
		t.Errorf("a missing named skin: %v", errs)
	}
	if _, err := Parse("c.toml", []byte("[profiles.p]\nclient_id=\"a\"\nclient_secret_env=\"S\"\naccount_id=1\nskin=\"../x\"\n")); err == nil ||
		!strings.Contains(err.Error(), `c.toml:5: profile "p": skin: "../x" is not a skin name`) {
		t.Errorf("a skin name with a path: %v", err)
	}
}
