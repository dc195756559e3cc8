package ui_test

import (
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/ui"
)

// openUsers opens the users of the session's account.
func openUsers(d *driver) {
	d.waitFor("Acme Shop")
	d.settle()
	d.key(":")
	d.typ("users")
	d.key("enter")
	d.waitFor("testuser@mparticle.com", "CUSTOM ROLE")
	d.settle()
}

// TestUsersShowTheirCustomRoleReadOnly: on the sandbox the users list shows
// each user's custom role as the sandbox keeps it (a change behind the
// console's back shows on refresh); editing says roles are assigned in the
// dashboard, and so does the inspector, over the user's JSON as the API
// sends it.
func TestUsersShowTheirCustomRoleReadOnly(t *testing.T) {
	d := start(t, fixture{})
	openUsers(d)
	s := d.screen()
	for email, role := range map[string]string{"jsmith@acme.example": "Marketer", "mmann@acme.example": "Read Only",
		"test@mparticle.com": "Admin"} {
		if l := line(s, email); !strings.Contains(l, role) {
			t.Errorf("%s's row %q lacks %q", email, l, role)
		}
	}
	if l := line(s, "ops+alerts@acme.example"); strings.Contains(l, "Admin") {
		t.Errorf("a user without a role shows one: %q", l)
	}

	d.key("e")
	if l := lastLine(d.screen()); !strings.Contains(l, "users cannot be edited") || !strings.Contains(l, "assigned in the dashboard") {
		t.Errorf("e on a user: status bar %q", l)
	}

	if err := d.srv.AssignRole(sandbox.SeedAccountID, "ops+alerts@acme.example", "453afgwevc"); err != nil {
		t.Fatal(err)
	}
	d.key("ctrl+r")
	d.until("the new assignment", func(s string) bool { return strings.Contains(line(s, "ops+alerts"), "Activation Admin") })

	filterTo(d, "jsmith", "1 of")
	d.key("enter") // users have no children: enter inspects
	s = d.waitFor("Custom role: Marketer", "Settings › User Management")
	if !strings.Contains(s, `"email": "jsmith@acme.example"`) || strings.Contains(s, `"role`) {
		t.Errorf("the inspector's JSON is not the API's user:\n%s", s)
	}
}

// TestUsersOfAProfileOfTheAPIShowNoRole: a profile of the file (as a real
// API's would be) is not asked for roles: the column stays empty and the
// inspector says no API tells, and where roles are assigned.
func TestUsersOfAProfileOfTheAPIShowNoRole(t *testing.T) {
	d := start(t, fixture{ui: ui.Options{Profile: "api"}, file: `
[profiles.api]
client_id = "` + sandbox.DefaultClientID + `"
client_secret = "` + sandbox.DefaultClientSecret + `"
account_id = 1
base_url = "%s"
token_url = "%s/oauth/token"
`})
	openUsers(d)
	if l := line(d.screen(), "jsmith@acme.example"); strings.Contains(l, "Marketer") {
		t.Errorf("a profile of the API shows a role: %q", l)
	}
	filterTo(d, "jsmith", "1 of")
	d.key("enter")
	d.waitFor("Custom role: not shown", "Settings › User Management")
}
