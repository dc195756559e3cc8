package ui_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
)

// closeSecrets closes the one-time secret screen with esc, answering the
// question it asks when the secret was not copied, and waits for it to go.
func closeSecrets(d *driver) {
	d.t.Helper()
	d.key("esc")
	d.waitFor("This secret will not be shown again. Close anyway?")
	d.key("y")
	d.until("the secret screen to close", func(s string) bool {
		return !strings.Contains(s, "shown this once") && !strings.Contains(s, "will not be shown again")
	})
}

// fits fails unless screen is exactly h lines of at most w cells.
func fits(t *testing.T, screen string, w, h int) {
	t.Helper()
	ls := strings.Split(screen, "\n")
	if len(ls) != h {
		t.Fatalf("%d lines, want %d:\n%s", len(ls), h, screen)
	}
	for i, l := range ls {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("line %d is %d cells, want at most %d:\n%s", i+1, n, w, screen)
		}
	}
}

func platformExists(t *testing.T, d *driver, app, id string) bool {
	t.Helper()
	platforms, _ := api.Lookup("platforms")
	_, err := d.client.Get(context.Background(), platforms, api.Ref{"app": app}, id)
	if err != nil && !errors.Is(err, api.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// Below the minimum size nothing the user cannot see acts: a delete typed
// blind deletes nothing, a palette command typed blind runs nothing; the
// too-small screen says keys are ignored; quit still quits.
func TestKeysDoNothingWhileTheTerminalIsTooSmall(t *testing.T) {
	d := start(t, fixture{})
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	drillIntoPlatform(d, "ios")
	d.waitFor("apps › Acme Shop › platforms", "iOS", "1 of")
	d.settle()
	before := d.srv.APIRequests()

	d.send(tea.WindowSizeMsg{Width: 59, Height: 20})
	s := d.waitFor("Terminal too small: 59×20.", "at least 60×16")
	if strings.Contains(s, "ignored") {
		t.Fatalf("the hint shows before a key was typed:\n%s", s)
	}
	d.key("ctrl+d")
	s = d.waitFor("window too small: keys are ignored until it is at least", "60×16 (q quits)")
	fits(t, s, 59, 20)
	d.key("y")
	d.key("enter")
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	s = d.settle()
	if strings.Contains(s, "Delete platform") || strings.Contains(s, "delete platform") || !strings.Contains(s, "iOS") {
		t.Fatalf("a key typed while too small acted:\n%s", s)
	}
	if n := d.srv.APIRequests(); n != before {
		t.Fatalf("%d requests sent for keys typed while too small", n-before)
	}
	if !platformExists(t, d, "1", "ios") {
		t.Fatal("iOS was deleted by keys typed on the too-small screen")
	}
	before = d.srv.APIRequests()

	// The palette, typed blind at 40×10.
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	d.typ(":audiences")
	d.key("enter")
	d.key("ctrl+r")
	d.send(tea.PasteMsg{Content: "audiences"})
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	s = d.settle()
	if strings.Contains(s, "Abandoned Cart") || !strings.Contains(s, "apps › Acme Shop › platforms") {
		t.Fatalf("the palette ran while too small:\n%s", s)
	}
	if n := d.srv.APIRequests(); n != before {
		t.Fatalf("%d requests sent for keys typed while too small", n-before)
	}

	// Quit still quits.
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	d.holdTypes("tea.QuitMsg")
	d.key("q")
	d.until("q to quit", func(string) bool { return len(d.held) > 0 })
}

// At the minimum size the whole screen fits: header, table, error pane,
// status bar and dialogs, both kinds.
func TestRootLayoutAtTheMinimumSize(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.send(tea.WindowSizeMsg{Width: 60, Height: 16})
	s := d.waitFor("apps", "Acme Shop", "4 rows", "SANDBOX")
	fits(t, s, 60, 16)

	d.key("ctrl+d") // app: type its name
	s = d.waitFor("Delete app", "to confirm")
	fits(t, s, 60, 16)
	d.key("esc")
	d.waitFor("nothing deleted")

	// With the error pane open, the body is shortest.
	d.srv.InjectNext("503", 3)
	d.key("ctrl+r")
	d.waitFor("503")
	d.key("j")
	d.key("ctrl+d")
	s = d.waitFor("Delete app", "to confirm", "503")
	fits(t, s, 60, 16)
	d.key("esc")
	d.until("the dialog to close", func(s string) bool { return !strings.Contains(s, "Delete app") })

	d.key(":")
	d.typ("audiences")
	d.key("enter")
	d.waitFor("Abandoned Cart")
	d.settle()
	d.key("ctrl+d") // audience: No / Delete
	s = d.waitFor("Delete audience", "No", "Delete")
	fits(t, s, 60, 16)
	if !strings.Contains(line(s, "Delete"), "No") && !strings.Contains(s, "  Delete") {
		t.Fatalf("the buttons are cut off:\n%s", s)
	}
}
