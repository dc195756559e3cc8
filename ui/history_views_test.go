package ui_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// crumbsOf is the breadcrumb line of a screen.
func crumbsOf(s string) string { return strings.TrimSpace(strings.Split(s, "\n")[1]) }

// - toggles to the last view; [ and ] walk the views visited, each
// restored with the filter and cursor it was left with.
func TestViewHistoryGoesBackAndForthWithCursorAndFilter(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("acme shop")
	d.key("enter")
	d.key("enter") // into Acme Shop's kinds
	d.waitFor("Data points")
	d.key("enter") // its platforms
	d.waitFor("apps › Acme Shop › platforms", "MobileWeb")
	d.settle()
	d.key("down")
	cursorLine := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "›") {
				return l
			}
		}
		return ""
	}
	before := d.screen()
	d.key(":")
	d.typ("services")
	d.key("enter")
	d.until("the services list", func(s string) bool { return crumbsOf(s) == "services" })
	d.settle()

	d.key("-") // back to the platforms, as they were left
	d.until("the platforms again", func(s string) bool { return strings.HasPrefix(crumbsOf(s), "apps › Acme Shop › platforms") })
	s := d.settle()
	if got, want := cursorLine(s), cursorLine(before); got != want || want == "" {
		t.Fatalf("cursor after -: %q, want %q\n%s", got, want, s)
	}
	d.key("-") // and to the services again
	d.until("the services again", func(s string) bool { return crumbsOf(s) == "services" })
	d.settle()

	d.key("[")
	d.until("the platforms", func(s string) bool { return strings.HasPrefix(crumbsOf(s), "apps › Acme Shop › platforms") })
	d.settle()
	d.key("[") // Acme Shop's kinds
	d.until("the kinds", func(s string) bool { return crumbsOf(s) == "apps › Acme Shop" })
	d.key("[") // the apps, filtered as they were left
	d.until("the apps", func(s string) bool { return crumbsOf(s) == "apps" })
	s = d.settle()
	if !strings.Contains(s, "/acme shop") {
		t.Fatalf("the apps' filter was not restored:\n%s", s)
	}
	d.key("[")
	d.waitFor("no earlier view")
	d.key("]")
	d.until("the kinds", func(s string) bool { return crumbsOf(s) == "apps › Acme Shop" })
	d.key("]")
	d.until("the platforms", func(s string) bool { return strings.HasPrefix(crumbsOf(s), "apps › Acme Shop › platforms") })
	d.settle()
	d.key("]")
	d.until("the services", func(s string) bool { return crumbsOf(s) == "services" })
	d.settle()
	d.key("]")
	d.waitFor("no later view")
}

// The history belongs to the account it was made in: another account
// starts with none.
func TestViewHistoryBelongsToItsAccount(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key(":")
	d.typ("services")
	d.key("enter")
	d.until("the services list", func(s string) bool { return crumbsOf(s) == "services" })
	d.settle()
	d.key(":")
	d.typ("use 2")
	d.key("enter")
	d.until("the other account", func(s string) bool { return strings.Contains(line(s, "sandbox"), "2") && crumbsOf(s) == "apps" })
	d.settle()
	d.key("-")
	s := d.waitFor("no other view visited yet")
	if crumbsOf(s) != "apps" {
		t.Fatalf("- left the account's first view:\n%s", s)
	}
}

// y and Y copy the cursor row's id and name with OSC 52, and a notice
// says what was copied.
func TestCopyTheRowsIDAndName(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("acme shop")
	d.key("enter")
	s := d.settle()
	id := strings.TrimPrefix(strings.Fields(line(s, "Acme Shop"))[0], "›")
	for _, c := range []struct{ key, want string }{{"y", id}, {"Y", "Acme Shop"}} {
		var got []string
		d.hold = func(msg tea.Msg) bool {
			if fmt.Sprintf("%T", msg) == "tea.setClipboardMsg" {
				got = append(got, reflect.ValueOf(msg).String())
				return true
			}
			return false
		}
		d.key(c.key)
		d.waitFor("to the clipboard (OSC 52)", fmt.Sprintf("%q", c.want))
		d.until("the clipboard message", func(string) bool { return len(got) > 0 })
		if got[0] != c.want {
			t.Errorf("%s copied %q, want %q", c.key, got[0], c.want)
		}
		d.hold = nil
	}
}
