package ui_test

import (
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/ui"
)

// The profile's skin colours the screen: the current crumb is drawn in
// the skin's accent.
func TestTheProfilesSkinColoursTheScreen(t *testing.T) {
	skin, errs := theme.ParseSkin(map[string]string{"accent": "#ff8800"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	const orange = "38;2;255;136;0"
	for _, c := range []struct {
		skins map[string]theme.Skin
		want  bool
	}{
		{nil, false},
		{map[string]theme.Skin{"": skin}, true},        // the default skin
		{map[string]theme.Skin{"sandbox": skin}, true}, // the profile's own
		{map[string]theme.Skin{"other": skin}, false},  // another profile's
	} {
		d := start(t, fixture{ui: ui.Options{Skins: c.skins}})
		d.waitFor("Acme Shop")
		if got := strings.Contains(d.m.View().Content, orange); got != c.want {
			t.Errorf("skins %v: the accent is the skin's: %v, want %v", c.skins, got, c.want)
		}
	}
}
