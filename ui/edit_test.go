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

// openApp filters the apps to one and opens the editor on it.
func openApp(d *driver, filter string) {
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ(filter)
	d.key("enter")
	d.waitFor("1 of 4 rows")
	d.key("e")
	d.waitFor(`"name":`)
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
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("App name must be specified.")
	d.setLine(3, `  "name": "Draft Name",`)
	d.until("the draft to be written", func(string) bool { return draftCount(t, dir) == 1 })

	// A new console (a restart) on the same state directory offers the draft.
	d2 := start(t, fixture{ui: ui.Options{StateDir: dir}})
	d2.waitFor("Acme Shop")
	d2.settle()
	d2.key("/")
	d2.typ("kiosk")
	d2.key("enter")
	d2.waitFor("1 of 4 rows")
	d2.key("e")
	d2.waitFor("Restore your draft?")
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
	d.key("esc")
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
