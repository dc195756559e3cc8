package api_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// roleCells maps each listed user's e-mail to its CUSTOM ROLE cell.
func roleCells(t *testing.T, c *api.Client) map[string]string {
	t.Helper()
	users := kind(t, "users")
	col := slices.IndexFunc(users.Columns, func(c api.Column) bool { return c.Title == "CUSTOM ROLE" })
	if col < 0 {
		t.Fatal("users have no CUSTOM ROLE column")
	}
	es, err := c.List(context.Background(), users, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range es {
		out[e.Name] = e.Cell(col)
	}
	return out
}

// TestUsersShowTheRoleTheSandboxSays: a sandbox client lists each user's
// custom role in the users' CUSTOM ROLE column, as the sandbox's
// assignments stand; the user's JSON is the API's, untouched.
func TestUsersShowTheRoleTheSandboxSays(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	cfg := sandboxConfig(t, srv)
	cfg.Sandbox = true
	c := newClient(t, cfg)
	ctx := context.Background()

	held, err := c.HeldRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 3 || held[1] != (api.HeldRole{Email: "jsmith@acme.example", RoleID: "marketer_role", RoleName: "Marketer"}) {
		t.Errorf("held roles: %+v", held)
	}
	want := map[string]string{"testuser@mparticle.com": "", "test@mparticle.com": "Admin", "jsmith@acme.example": "Marketer",
		"mmann@acme.example": "Read Only", "ops+alerts@acme.example": ""}
	if got := roleCells(t, c); !maps.Equal(got, want) {
		t.Errorf("roles: %v, want %v", got, want)
	}
	if err := srv.AssignRole(1, "ops+alerts@acme.example", "453afgwevc"); err != nil {
		t.Fatal(err)
	}
	if got := roleCells(t, c)["ops+alerts@acme.example"]; got != "Activation Admin" {
		t.Errorf("after the assignment: %q", got)
	}
	c2 := c.WithAccount(2)
	if got := roleCells(t, c2); !maps.Equal(got, map[string]string{"qa@acme.example": "Compliance"}) {
		t.Errorf("account 2: %v", got)
	}

	// The user as fetched is the API's object: no role in it.
	u, err := c.Get(ctx, kind(t, "users"), nil, sandbox.EncodeUserID("jsmith@acme.example"))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(u.Row(), "Marketer") || strings.Contains(string(u.Raw), "role") || strings.Contains(string(u.Raw), "Marketer") {
		t.Errorf("a fetched user carries a role: %v %s", u.Row(), u.Raw)
	}

	// The sandbox failing to say gives "?", not "no role", and the list stands.
	srv.InjectNext(sandbox.Fault500, 1)
	for email, role := range roleCells(t, c) {
		if role != "?" {
			t.Errorf("%s while the assignments failed: %q", email, role)
		}
	}
}

// TestUsersOfTheAPIAskNothingAboutRoles: a client not made for the sandbox
// never asks the sandbox's own path (the real API has none): the column
// is empty and HeldRoles says no API tells.
func TestUsersOfTheAPIAskNothingAboutRoles(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	if _, err := c.List(ctx, kind(t, "apps"), nil); err != nil { // the token, fetched
		t.Fatal(err)
	}
	before := srv.APIRequests()
	for email, role := range roleCells(t, c) {
		if role != "" {
			t.Errorf("%s: %q from a client of the API", email, role)
		}
	}
	if _, err := c.HeldRoles(ctx); !errors.Is(err, api.ErrNotSupported) {
		t.Errorf("HeldRoles without the sandbox: %v", err)
	}
	if n := srv.APIRequests() - before; n != 1 {
		t.Errorf("%d requests for one users list, want 1", n)
	}
}
