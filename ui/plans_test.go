package ui_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
)

// palette opens a kind from the command palette.
func palette(d *driver, kind string) {
	d.waitFor("rows")
	d.settle()
	d.key(":")
	d.typ(kind)
	d.key("enter")
}

// filterTo narrows the table in front to the rows matching filter.
func filterTo(d *driver, filter, want string) {
	d.settle()
	d.key("/")
	d.typ(filter)
	d.key("enter")
	d.waitFor(want)
}

// TestVersionCopiedEditedSavedInConsole drives the console from :plans
// through a workspace to a plan's versions, creates a version with c (the
// latest one's document, the next number), refuses an edit the document's
// shape does not allow, and saves a valid one.
func TestVersionCopiedEditedSavedInConsole(t *testing.T) {
	d := start(t, fixture{})
	palette(d, "plans")
	d.waitFor("Acme Web") // the workspaces: pick one for its plans
	filterTo(d, "4302", "1 of")
	d.key("enter")
	d.waitFor("checkout_plan", "v1 production")
	filterTo(d, "checkout", "1 of 3 rows")
	d.key("enter")
	s := d.waitFor("Checkout › versions", "development")
	if !strings.Contains(s, "ENVIRONMENT") || !strings.Contains(s, "DATA POINTS") {
		t.Fatalf("the versions table lacks its columns:\n%s", s)
	}
	d.settle()
	d.key("c")
	s = d.waitFor(`"version": 4`, `"Copy of version 3"`)
	if !strings.Contains(s, `"activated_environment": "none"`) || !strings.Contains(s, `"data_points"`) {
		t.Fatalf("the template is not a copy of the latest version:\n%s", s)
	}
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("create version 4: saved")
	d.settle()

	versions, _ := api.Lookup("versions")
	ref := api.Ref{"workspace": "4302", "plan": "checkout_plan"}
	got, err := d.client.Get(context.Background(), versions, ref, "4")
	if err != nil {
		t.Fatalf("version 4 was not created: %v", err)
	}
	v3, _ := d.client.Get(context.Background(), versions, ref, "3")
	if same, _ := api.SameJSON(jsonField(t, got.Raw, "version_document"), jsonField(t, v3.Raw, "version_document")); !same {
		t.Fatal("version 4's document is not version 3's")
	}

	d.key("e") // the created row is selected
	d.waitFor(`"version": 4,`)
	d.setLine(5, `  "activated_environment": "prod",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("must be one of none, development, production")
	d.setLine(5, `  "activated_environment": "development",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("update version 4: saved")
	got, err = d.client.Get(context.Background(), versions, ref, "4")
	if err != nil || got.Row()[2] != "development" {
		t.Fatalf("version 4 after the edit: %v %v", got.Row(), err)
	}
}

func jsonField(t *testing.T, raw []byte, k string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m[k] == nil {
		t.Fatalf("no %s in %s (%v)", k, raw, err)
	}
	return m[k]
}

// TestRoleMatrixAt80Columns inspects a role: its tasks as a READ/WRITE
// matrix that fits 80 columns, and where roles are assigned.
func TestRoleMatrixAt80Columns(t *testing.T) {
	d := start(t, fixture{})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 40})
	palette(d, "roles")
	d.waitFor("marketer_role")
	filterTo(d, "marketer", "1 of 9 rows")
	d.key("i")
	s := d.waitFor("Tasks of Marketer", "Audiences")
	for _, l := range strings.Split(s, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("a line is %d cells wide:\n%s", w, s)
		}
	}
	for _, tc := range []struct{ area, want string }{
		{"Audiences", "✓     ✓"},
		{"User Activity View", "✓     ·"},
		{"Rules", "·     ·"},
		{"Log in and view dashboard", "✓     ·"},
	} {
		if l := line(s, tc.area+" "); !strings.Contains(l, tc.want) {
			t.Errorf("%s: %q, want %q\n%s", tc.area, l, tc.want, s)
		}
	}
	if !strings.Contains(s, "done in the dashboard") {
		t.Fatalf("the inspector does not say where roles are assigned:\n%s", s)
	}
}

// TestRoleConflictInConsole: a role changed on the server while it is
// edited meets the editor's conflict view (overwrite, merge, reload).
func TestRoleConflictInConsole(t *testing.T) {
	d := start(t, fixture{})
	palette(d, "roles")
	d.waitFor("marketer_role")
	filterTo(d, "marketer", "1 of 9 rows")
	d.key("e")
	d.waitFor(`"name": "Marketer"`)
	roles, _ := api.Lookup("roles")
	if _, err := d.client.Update(context.Background(), roles, nil, "marketer_role", []byte(`{"name": "Marketing"}`)); err != nil {
		t.Fatal(err)
	}
	d.setLine(3, `  "name": "Marketers",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("Changed on the server", "Marketing")
	d.key("o")
	d.key("y")
	d.waitFor("update role marketer_role: saved")
	e, err := d.client.Get(context.Background(), roles, nil, "marketer_role")
	if err != nil || e.Name != "Marketers" {
		t.Fatalf("after overwrite: %q %v", e.Name, err)
	}
}
