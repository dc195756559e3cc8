package ui_test

import (
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/ui"
)

// A draft left by a failed save is offered again; dismissing the question
// (esc) must not throw it away, and enter restores it.
func TestRestoreQuestionKeepsTheDraftOnEscAndRestoresOnEnter(t *testing.T) {
	d2, dir := leaveDraft(t)
	d2.key("esc")
	d2.until("the question to close", func(s string) bool { return !strings.Contains(s, "Restore your draft?") })
	if n := draftCount(t, dir); n != 1 {
		t.Fatalf("esc on the restore question left %d drafts, want the draft kept", n)
	}
	d2.key("e")
	d2.waitFor("Restore your draft?")
	d2.key("enter")
	d2.waitFor(`"name": "Draft Name"`)
}

// Quitting with unsaved changes names the entity, and the editor's
// breadcrumb stays the same when the question is answered "keep editing".
func TestQuitQuestionNamesTheEntity(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Unsaved",`)
	d.key("ctrl+c")
	s := d.waitFor("Quit with unsaved changes?")
	if !strings.Contains(strings.Join(strings.Fields(s), " "), `Your edit of app 3 "Acme Kiosk" is kept as a draft`) {
		t.Fatalf("quit question does not name the entity:\n%s", s)
	}
	d.key("n")
	s = d.waitFor(`"name": "Unsaved"`)
	if !strings.Contains(s, `apps › app 3 "Acme Kiosk"`) {
		t.Fatalf("breadcrumbs after keep editing:\n%s", s)
	}
}

// Going back shows the table as it is now: a platform created under an app
// appears in the app's row of the apps table the user returns to.
func TestBackRefreshesTheTableItReturnsTo(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Legacy")
	d.settle()
	d.key("/")
	d.typ("legacy")
	d.key("enter")
	d.waitFor("1 of 4 rows")
	d.key("enter") // the chooser: platforms, data points
	d.waitFor("Platforms", "Data points")
	d.key("enter")
	d.waitFor("No platforms.")
	d.key("c")
	d.waitFor("new platform")
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("shown this once", "create platform android: saved")
	closeSecrets(d)
	d.waitFor("Android")
	d.key("esc")
	d.waitFor("Platforms", "Data points")
	d.key("esc")
	d.settle()
	s := d.until("Acme Legacy's row to list its new platform", func(s string) bool {
		return strings.Contains(line(s, "Acme Legacy"), "Android")
	})
	if !strings.Contains(s, "/legacy") || !strings.Contains(s, "1 of 4 rows") {
		t.Fatalf("the filter was not kept:\n%s", s)
	}
}

// Renaming the account the session works in renames it in the header.
func TestRenamingTheCurrentAccountUpdatesTheHeader(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key(":")
	d.typ("accounts")
	d.key("enter")
	d.waitFor("Acme Staging")
	d.settle()
	d.key("e")
	d.waitFor(`"name": "Acme Production"`)
	d.setLine(3, `  "name": "Acme Renamed",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("update account 1: saved")
	s := d.settle()
	if h := header(s); !strings.Contains(h, "Acme Renamed (1)") {
		t.Fatalf("header after renaming the current account: %q", h)
	}
}

// A write key on a kind the API cannot write says so instead of doing
// nothing, and sends nothing.
func TestWriteKeysOnAReadOnlyKindSayWhy(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key(":")
	d.typ("users")
	d.key("enter")
	d.waitFor("testuser@mparticle.com")
	d.settle()
	for _, tt := range []struct{ key, want string }{
		{"e", "users cannot be edited"},
		{"c", "users cannot be created"},
		{"ctrl+d", "users cannot be deleted"},
		{"a", "users have no other operations"},
	} {
		d.key(tt.key)
		if s := d.screen(); !strings.Contains(lastLine(s), tt.want) {
			t.Fatalf("%s on users: status bar %q, want %q", tt.key, lastLine(s), tt.want)
		}
	}
}

func TestOutputsAskForTheirModule(t *testing.T) {
	d := start(t, fixture{})
	openInTraveller(d, "outputs")
	d.waitFor("choose a module", "Indicative")
	d.settle()
	d.key("/")
	d.typ("indicative")
	d.key("enter")
	d.key("enter")
	s := d.waitFor("outputs", "Indicative Main Project")
	if strings.Contains(s, "needs module") {
		t.Fatalf("still asks for --parent:\n%s", s)
	}
}

func TestASuccessfulRefreshClearsAnOlderFailure(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.srv.InjectNext("500", 1) // not retried
	d.key("ctrl+r")
	d.waitFor("500 Internal Server Error")
	d.key("ctrl+r")
	s := d.settle()
	if strings.Contains(s, "500 Internal Server Error") {
		t.Fatalf("the pane still shows a failure the refresh superseded:\n%s", s)
	}
	d.key("!")
	d.waitFor("500") // the log keeps it
}

func TestReboundKeysDriveTheConsole(t *testing.T) {
	km, err := keymap.Apply(map[string][]string{"table.filter": {"f"}, "global.palette": {";"}})
	if err != nil {
		t.Fatal(err)
	}
	d := start(t, fixture{ui: ui.Options{Keys: &km}})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("f")
	d.typ("kiosk")
	d.key("enter")
	d.waitFor("1 of 4 rows")
	d.key(";")
	d.typ("ws")
	d.key("enter")
	d.waitFor("mP Traveller")
	d.key("?")
	d.waitFor("filter")
	if s := d.screen(); !strings.Contains(line(s, "filter"), "f") {
		t.Fatalf("help does not show the rebound key:\n%s", s)
	}
}

func TestUseAnAccountThatDoesNotExistStaysPut(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop", "Acme Production (1)")
	d.settle()
	d.key(":")
	d.typ("use 99")
	d.key("enter")
	s := d.waitFor("404", "Account 99 does not exist")
	if !strings.Contains(s, "Acme Production (1)") || !strings.Contains(s, "Acme Shop") {
		t.Fatalf("the session left account 1:\n%s", s)
	}
	s = d.settle()
	if !strings.Contains(s, "4 rows") {
		t.Fatalf("the view did not reload:\n%s", s)
	}
}

// A save that lands while "Quit with unsaved changes?" is up closes the
// editor; answering "keep editing" then goes back to the table (it
// dereferenced the closed editor).
func TestSaveLandingUnderTheQuitQuestion(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Kiosk Saved Meanwhile",`)
	d.key("ctrl+s")
	d.waitFor("Kiosk Saved Meanwhile") // the diff
	d.key("y")                         // sent; the answer waits until the driver reads it
	d.key("ctrl+c")
	d.waitFor("Quit with unsaved changes?")
	d.waitFor("update app 3: saved")
	d.key("n")
	d.until("the table", func(s string) bool {
		return !strings.Contains(s, "Quit with unsaved changes?") && strings.Contains(s, "Kiosk Saved Meanwhile") && strings.Contains(s, "rows")
	})
}

// A session whose profile cannot connect still opens kinds from the
// palette; nothing is asked, so the spinner must not turn for ever.
func TestOpeningAKindWithoutAConnectionDoesNotSpinForEver(t *testing.T) {
	d := start(t, fixture{ui: ui.Options{Profile: "broken"}, file: `
[profiles.broken]
client_id = "sandbox"
client_secret_env = "MPCONSOLE_TEST_UNSET_SECRET"
account_id = 1
base_url = "%s"
token_url = "%s/oauth/token"
`})
	d.waitFor("MPCONSOLE_TEST_UNSET_SECRET")
	d.key(":")
	d.typ("apps")
	d.key("enter")
	d.until("the palette to close", func(s string) bool { return !strings.Contains(s, ":apps") })
	s := d.settle()
	if !strings.Contains(s, "not connected") {
		t.Fatalf("no word on why nothing loads:\n%s", s)
	}
}
