package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/ui"
)

func getApp(t *testing.T, d *driver, id string) api.Entity {
	t.Helper()
	apps, _ := api.Lookup("apps")
	e, err := d.client.Get(context.Background(), apps, nil, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// openInTraveller opens a kind that lives under a workspace (":ca",
// ":outputs") and picks the "mP Traveller" workspace for it.
func openInTraveller(d *driver, kind string) {
	d.waitFor("Acme Shop")
	d.key(":")
	d.typ(kind)
	d.key("enter")
	d.waitFor("mP Traveller")
	d.settle()
	d.key("/")
	d.typ("traveller")
	d.key("enter")
	d.key("enter")
}

// filterApps waits for the apps and filters them down to one.
func filterApps(d *driver, filter string) {
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ(filter)
	d.key("enter")
	d.waitFor("1 of 4 rows")
}

// openApp filters the apps to one and opens the editor on it.
func openApp(d *driver, filter string) {
	filterApps(d, filter)
	d.key("e")
	d.waitFor(`"name":`)
}

// leaveDraft makes a save of app 3 fail (empty name), types on, waits for
// the draft on disk, and starts a new console (a restart) on the same
// sandbox and state directory, asking it to edit the app again: "Restore
// your draft?" is up.
func leaveDraft(t *testing.T) (d2 *driver, dir string) {
	t.Helper()
	dir = t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("App name must be specified.")
	d.setLine(3, `  "name": "Draft Name",`)
	d.until("the draft to be written", func(string) bool { return draftCount(t, dir) == 1 })

	d2 = restart(t, d, ui.Options{StateDir: dir})
	filterApps(d2, "kiosk")
	d2.key("e")
	d2.waitFor("Restore your draft?")
	return d2, dir
}

func TestRenameAppAndReadItBack(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Acme Kiosk Renamed",`)
	d.key("ctrl+s")
	d.waitFor("Acme Kiosk Renamed") // the diff
	d.key("y")
	d.waitFor("update app 3: saved")
	d.settle()
	if e := getApp(t, d, "3"); e.Name != "Acme Kiosk Renamed" {
		t.Fatalf("server has %q", e.Name)
	}
	d.key("esc")
	d.waitFor("Acme Kiosk Renamed", "4 rows")
}

func TestEmptyNameShowsTheDocumented422AndKeepsTheText(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "",`)
	d.key("ctrl+s")
	d.key("y")
	s := d.waitFor("422", "VALIDATION_ERROR: App name must be specified.")
	if !strings.Contains(s, `"name": "",`) {
		t.Fatalf("the editor lost the text:\n%s", s)
	}
	if e := getApp(t, d, "3"); e.Name != "Acme Kiosk" {
		t.Fatalf("server changed: %q", e.Name)
	}
}

func TestChangingTheIDIsRefusedLocally(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	before := d.srv.APIRequests()
	d.setLine(2, `  "id": 99,`)
	d.key("ctrl+s")
	d.waitFor("id cannot be changed")
	if n := d.srv.APIRequests(); n != before {
		t.Fatalf("%d requests sent for a refused edit", n-before)
	}
}

func TestConcurrentChangeIsDetectedBeforeOverwriting(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	apps, _ := api.Lookup("apps")
	if _, err := d.client.Update(context.Background(), apps, nil, "3", []byte(`{"name":"Changed Elsewhere"}`)); err != nil {
		t.Fatal(err)
	}
	d.setLine(3, `  "name": "Mine",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("Changed on the server", "Changed Elsewhere")
	if e := getApp(t, d, "3"); e.Name != "Changed Elsewhere" {
		t.Fatalf("overwritten without asking: %q", e.Name)
	}
	d.key("o") // overwrite: review again against the newer version
	d.key("y")
	d.waitFor("update app 3: saved")
	if e := getApp(t, d, "3"); e.Name != "Mine" {
		t.Fatalf("after overwrite: %q", e.Name)
	}
}

func TestDraftSurvivesAFailedSaveAndARestart(t *testing.T) {
	d2, _ := leaveDraft(t) // a new console on the same state directory offers the draft
	d2.key("y")
	d2.waitFor(`"name": "Draft Name"`)
}

func TestCreateAppShowsItsSecretsOnce(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("c")
	d.waitFor("new app", `"platforms"`)
	d.key("ctrl+s")
	d.key("y")
	s := d.waitFor("shown this once", `"secret"`)
	if !strings.Contains(s, `"os": "iOS"`) {
		t.Fatalf("secrets view:\n%s", s)
	}
	closeSecrets(d)
	d.waitFor("New App", "5 rows")
}

func TestRevertFromTheJournal(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Temporary Name",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("update app 3: saved")
	d.settle()
	d.key(":")
	d.typ("history")
	d.key("enter")
	d.waitFor("update", "Temporary Name")
	d.key("enter") // revert: the editor opens on the previous version
	d.waitFor(`"name": "Acme Kiosk"`)
	d.key("ctrl+s")
	d.key("y")
	d.until("the editor to close on the reverted app", func(s string) bool {
		return strings.Contains(s, "1 of 4 rows") && !strings.Contains(s, `"name"`)
	})
	if e := getApp(t, d, "3"); e.Name != "Acme Kiosk" {
		t.Fatalf("after revert: %q", e.Name)
	}
}

// drillIntoPlatform opens app "Acme Shop" and one of its platforms.
func drillIntoPlatform(d *driver, os string) {
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("acme shop")
	d.key("enter")
	d.key("enter")
	d.waitFor("Platforms", "Data points")
	d.key("enter")
	d.waitFor("MobileWeb")
	d.settle()
	d.key("/")
	d.typ(os)
	d.key("enter")
}

func TestCreatePlatformShowsItsSecretOnce(t *testing.T) {
	d := start(t, fixture{})
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
	d.key("c")
	d.waitFor("new platform", `"os": "Android"`)
	d.key("ctrl+s")
	d.key("y")
	s := d.waitFor("shown this once", `"secret"`, `"os": "Android"`)
	_ = s
	closeSecrets(d)
	d.waitFor("Android", "3 rows")
	platforms, _ := api.Lookup("platforms")
	got, err := d.client.Get(context.Background(), platforms, api.Ref{"app": "3"}, "android")
	if err != nil || !strings.Contains(string(got.Raw), `"secret":null`) {
		t.Fatalf("the API returns the secret again, or no platform: %s %v", got.Raw, err)
	}
}

func TestConfigureAServiceOnAPlatform(t *testing.T) {
	d := start(t, fixture{})
	drillIntoPlatform(d, "android")
	d.key("enter")
	d.waitFor("Braze", "Indicative")
	d.settle()
	d.key("c")
	d.waitFor("new serviceconfig", "GoogleAnalyticsEventForwarder")
	d.setLine(9, `      "value": "UA-1234-5"`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("create serviceconfig")
	d.settle()
	sc, _ := api.Lookup("serviceconfigs")
	list, err := d.client.List(context.Background(), sc, api.Ref{"app": "1", "platform": "android"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range list {
		if strings.Contains(string(e.Raw), "GoogleAnalyticsEventForwarder") {
			found = true
		}
	}
	if !found {
		t.Fatalf("GA not configured on Android: %d configs", len(list))
	}
}

func TestACredentialThatMayNotWriteIsExplained(t *testing.T) {
	// A profile of the viewer credential that the file does not mark read-only:
	// the console sends the write and the API refuses it with 403.
	d := start(t, fixture{ui: ui.Options{Profile: "viewer-rw"}, file: `
[profiles.viewer-rw]
client_id = "viewer"
client_secret = "viewer-secret"
account_id = 1
base_url = "%s"
token_url = "%s/oauth/token"
`})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Nope",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("This credential may not write", "403") // the error pane explains a 403 on a write
	if e := getApp(t, d, "3"); e.Name != "Acme Kiosk" {
		t.Fatalf("server changed: %q", e.Name)
	}
}

func TestQuittingWithUnsavedChangesAsksFirst(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Unsaved",`)
	d.key("ctrl+c")
	d.waitFor("Quit with unsaved changes?")
	d.key("enter") // No is the default: keep editing
	d.waitFor(`"name": "Unsaved"`)
}

// A feed's list carries its id, name and date only: the editor opens on
// the feed as a read of it answers, so its settings are there to edit,
// a save finds no change that nobody made, and the settings survive it.
func TestAnEditStartsFromARead(t *testing.T) {
	d := start(t, fixture{})
	openInTraveller(d, "feeds")
	d.waitFor("Mailchimp1")
	d.settle()
	d.key("/")
	d.typ("mailchimp1")
	d.key("enter")
	d.waitFor("1 of")
	d.key("e")
	d.waitFor(`"module_name": "MailChimp"`, `"listId"`)
	d.setLine(4, `  "name": "Mailchimp Renamed",`)
	d.key("ctrl+s")
	d.waitFor("Mailchimp Renamed") // the diff
	d.key("y")
	s := d.waitFor(": saved")
	if strings.Contains(s, "changed on the server") {
		t.Fatalf("a conflict nobody made:\n%s", s)
	}
	feeds, _ := api.Lookup("feeds")
	e, err := d.client.Get(context.Background(), feeds, api.Ref{"workspace": "4302"}, "229")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Mailchimp Renamed" || !strings.Contains(string(e.Raw), `"listId"`) {
		t.Fatalf("the server has %s", e.Raw)
	}
}
