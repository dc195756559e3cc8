package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// ":apps 4" opens the apps with app 4 selected and opened, as enter on it
// would: Acme Legacy has no platforms, but apps have two child kinds, so
// the chooser of its kinds opens under its name.
func TestPaletteOpensAnEntityByID(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor(sandbox.SeedAppName)
	d.settle()
	d.key(":")
	d.typ(fmt.Sprintf("apps %d", sandbox.SeedEmptyAppID))
	d.waitFor("with 4 selected, and open it")
	d.key("enter")
	s := d.waitFor("Acme Legacy", "KIND", "Platforms", "Data points")
	if !strings.Contains(s, "The platforms of an app") {
		t.Fatalf("the chooser does not describe the kinds in words:\n%s", s)
	}
	// Back is the apps list, with the cursor on app 4.
	d.key("esc")
	s = d.waitFor(sandbox.SeedAppName)
	if l := line(s, "Acme Legacy"); !strings.Contains(l, "›") {
		t.Fatalf("the cursor is not on app 4:\n%s", s)
	}
	// An id that is not there says so.
	d.key(":")
	d.typ("apps 987654")
	d.key("enter")
	d.waitFor(`no app "987654" in this list`)
}

func TestPaletteOpensAFilteredList(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor(sandbox.SeedAppName)
	d.settle()
	d.key(":")
	d.typ("apps /legacy")
	d.key("enter")
	s := d.until("the filtered apps", func(s string) bool {
		return strings.Contains(s, "Acme Legacy") && !strings.Contains(s, sandbox.SeedAppName) && strings.Contains(s, "/legacy")
	})
	if !strings.Contains(s, "esc clears") {
		t.Fatalf("no filter line:\n%s", s)
	}
}

// A kind that needs a parent opens the parent's list, whose crumb says what
// to pick and what for.
func TestPaletteSaysWhatToPick(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor(sandbox.SeedAppName)
	d.settle()
	for _, tt := range []struct{ kind, want string }{
		{"platforms", "apps — pick an app for its platforms"},
		{"ca", "workspaces — pick a workspace for its calculated attributes"},
	} {
		d.key(":")
		d.typ(tt.kind)
		d.key("enter")
		d.waitFor(tt.want)
		d.settle()
	}
	d.key("enter") // a workspace: straight into its calculated attributes
	d.waitFor("calculatedattributes")
}

// With nothing typed, the arrows choose a suggestion and enter runs it.
func TestPaletteArrowsWithNothingTyped(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor(sandbox.SeedAppName)
	d.settle()
	d.key(":")
	d.key("down") // the first kind: accounts
	d.key("enter")
	d.waitFor(sandbox.SeedAccountName, sandbox.SeedOtherAccountName)
}

// What the palette and the chooser say of a kind is in the user's words:
// no paths, no placeholders, no command-line flags, no methods.
func TestKindDescriptionsSpeakTheUsersLanguage(t *testing.T) {
	for _, d := range api.DefaultCatalog().Kinds() {
		for _, bad := range []string{"/", "{", "--", "§", "POST", "PUT", "GET", "isActive", "accountId", "(sic)"} {
			if strings.Contains(d.Help, bad) {
				t.Errorf("%s: %q has %q", d.Name, d.Help, bad)
			}
		}
	}
}
