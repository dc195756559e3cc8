package ui_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/ui"
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

// drillIntoKioskPlatforms opens apps › Acme Kiosk › platforms (Roku and
// one more).
func drillIntoKioskPlatforms(d *driver) {
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("kiosk")
	d.key("enter")
	d.key("enter")
	d.waitFor("Platforms")
	d.key("enter")
	d.waitFor("Roku")
	d.settle()
}

// The error pane belongs to the request that failed: the same request
// succeeding later closes it (the log keeps the entry); another request's
// success leaves it.
func TestErrorPaneClosesWhenItsRequestSucceeds(t *testing.T) {
	t.Run("a create refused by a rule, corrected", func(t *testing.T) {
		d := start(t, fixture{})
		drillIntoKioskPlatforms(d)
		d.key("c")
		d.waitFor("new platform", `"os": "Android"`)
		d.setLine(2, `  "os": "Roku",`)
		d.key("ctrl+s")
		d.key("y")
		d.waitFor("422", "Platform already exists for the specified App.")
		d.setLine(2, `  "os": "tvOS",`)
		d.key("ctrl+s")
		d.key("y")
		s := d.waitFor("create platform", ": saved", "shown this once")
		if strings.Contains(s, "already exists") {
			t.Fatalf("the 422 of the create that has since succeeded is still shown:\n%s", s)
		}
		closeSecrets(d)
		d.key("!")
		d.waitFor("Platform already exists for the specified App.") // the log keeps it
	})
	t.Run("a create that got a 503, made again", func(t *testing.T) {
		d := start(t, fixture{})
		drillIntoKioskPlatforms(d)
		d.key("c")
		d.waitFor("new platform")
		d.srv.InjectNext("503", 3) // every attempt: a 503 says nothing was done, so a POST is retried
		d.key("ctrl+s")
		d.key("y")
		d.waitFor("503 Service Unavailable")
		d.key("ctrl+s")
		d.key("y")
		s := d.waitFor("create platform android: saved")
		if strings.Contains(s, "503 Service Unavailable") {
			t.Fatalf("the 503 of the create that has since succeeded is still shown:\n%s", s)
		}
	})
	t.Run("a list that failed to load, reloaded", func(t *testing.T) {
		d := start(t, fixture{})
		d.waitFor("Acme Shop")
		d.settle()
		d.key("enter") // Acme Shop: platforms, data points
		d.waitFor("Platforms", "Data points")
		d.srv.InjectNext("503", 3) // every attempt
		d.key("enter")
		s := d.waitFor("couldn't load platforms: 503 Service Unavailable — ctrl+r to retry", "✗ 503")
		if strings.Contains(s, "No platforms.") {
			t.Fatalf("a list that failed to load says it is empty:\n%s", s)
		}
		d.key("ctrl+r")
		d.waitFor("iOS", "MobileWeb")
		s = d.settle()
		if strings.Contains(s, "503 Service Unavailable") || strings.Contains(s, "✗ 503") || strings.Contains(s, "couldn't load") {
			t.Fatalf("the failure of the load that has since succeeded is still shown:\n%s", s)
		}
	})
	t.Run("another request's success leaves it", func(t *testing.T) {
		d := start(t, fixture{})
		d.waitFor("Acme Shop")
		d.settle()
		d.key("ctrl+d")
		d.waitFor("Delete app")
		d.typ("Acme Shop")
		d.key("enter")
		d.waitFor("422", "Deleting an app that has active platforms is not allowed.")
		d.settle()
		before := d.srv.APIRequests()
		d.key("ctrl+r") // the apps load fine: the delete is still refused
		d.until("the reload", func(string) bool { return d.srv.APIRequests() > before })
		s := d.settle()
		if !strings.Contains(s, "Deleting an app that has active platforms is not allowed.") {
			t.Fatalf("a reload closed the pane of a failed delete:\n%s", s)
		}
	})
}

// A notice belongs to the view that made it: opening another view, or
// going back, drops it; a reload of the same view keeps it.
func TestNoticesStayWithTheirView(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) // notices do not expire under this clock
	d := start(t, fixture{ui: ui.Options{Now: func() time.Time { return now }}})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("ctrl+d")
	d.waitFor("Delete app")
	d.key("esc")
	d.waitFor("nothing deleted")
	d.key("ctrl+r")
	d.settle()
	d.waitFor("nothing deleted")
	d.key("enter") // Acme Shop's chooser
	s := d.waitFor("Platforms", "Data points")
	if strings.Contains(s, "nothing deleted") {
		t.Fatalf("the apps' notice followed the user into Acme Shop:\n%s", s)
	}
	d.key("e")
	d.waitFor("this list cannot be edited")
	d.key("esc")
	s = d.waitFor("4 rows")
	if strings.Contains(s, "cannot be edited") {
		t.Fatalf("the chooser's notice followed the user back:\n%s", s)
	}
}

// The one-time secret screen asks before closing when the secret was not
// copied (No is the default); after y copies it, closing does not ask.
func TestSecretScreenAsksBeforeClosing(t *testing.T) {
	d := start(t, fixture{})
	drillIntoKioskPlatforms(d)
	d.key("c")
	d.waitFor("new platform")
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("shown this once", `"secret"`)
	back := func() {
		d.until("the secret screen to come back", func(s string) bool {
			return strings.Contains(s, "shown this once") && !strings.Contains(s, "Close anyway?")
		})
	}
	for _, k := range []string{"esc", "q", ":", "ctrl+c"} {
		d.key(k)
		d.waitFor("This secret will not be shown again. Close anyway?")
		d.key("enter") // No
		back()
	}
	d.key("y") // copies
	d.waitFor("Copied")
	d.key("esc")
	s := d.until("the secret screen to close", func(s string) bool { return !strings.Contains(s, "shown this once") })
	if strings.Contains(s, "Close anyway?") {
		t.Fatalf("asked after the secret was copied:\n%s", s)
	}
	d.waitFor("Android", "3 rows")
}

// The actions menu offers what the entity's state forbids disabled, with
// the reason, and choosing it sends nothing.
func TestActionsMenuDisablesWhatTheStateForbids(t *testing.T) {
	d := start(t, fixture{})
	openInTraveller(d, "ca")
	d.waitFor("Abandoned Idea")
	d.settle()
	d.key("/")
	d.typ("abandoned idea") // never activated, draft discarded: no definition
	d.key("enter")
	d.waitFor("1 of 5 rows")
	d.key("a")
	s := d.waitFor("✗ Activate", "unavailable: no draft definition to activate", "✗ Discard draft", "Activation status")
	if strings.Contains(line(s, "Activation status"), "✗") {
		t.Fatalf("a read action is disabled:\n%s", s)
	}
	before := d.srv.APIRequests()
	d.key("enter") // the cursor is on Activate
	s = d.waitFor("Activate is unavailable: no draft definition to activate")
	if strings.Contains(s, "Activate calculatedattribute") {
		t.Fatalf("a disabled action asked to confirm:\n%s", s)
	}
	d.key("y")
	d.settle()
	if n := d.srv.APIRequests(); n != before {
		t.Fatalf("%d requests sent for a disabled action", n-before)
	}
	d.waitFor("✗ Activate") // the menu is still open
}
