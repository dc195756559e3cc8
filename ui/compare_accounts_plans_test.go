package ui_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// versionDocument is the version_document of a version's JSON, decoded
// (the key order of its objects is no part of it).
func versionDocument(t *testing.T, raw []byte) any {
	t.Helper()
	var v struct {
		Doc any `json:"version_document"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Doc == nil {
		t.Fatalf("no version_document in %s (%v)", raw, err)
	}
	return v.Doc
}

// TestDiffPromotesAPlanVersionIntoTheOtherAccount: on one sandbox, the way
// a user would, account 1's checkout_plan (versions 1–3 in "mP Traveller")
// is compared with account 2's (versions 1 and 2 in its own "mP
// Traveller") by :diff 2; version 3, only in account 1, is marked and
// promoted, and account 2 then has it with the same document.
func TestDiffPromotesAPlanVersionIntoTheOtherAccount(t *testing.T) {
	d := start(t, fixture{})
	c2, err := d.mgr.Client(d.ctx, accounts.SandboxProfile, sandbox.SeedOtherAccountID)
	if err != nil {
		t.Fatal(err)
	}
	versions := lookup(t, "versions")
	there := api.Ref{"workspace": "5102", "plan": "checkout_plan"}
	if _, err := c2.Get(d.ctx, versions, there, "3"); err == nil {
		t.Fatal("account 2 has version 3 before the promotion")
	}
	v3, err := d.client.Get(d.ctx, versions, api.Ref{"workspace": "4302", "plan": "checkout_plan"}, "3")
	if err != nil {
		t.Fatal(err)
	}

	openVersions(d, "checkout")
	diffWith(d, "2")
	s := d.waitFor("= 2  ~ 0  + 1  - 0")
	if r := line(s, "only in sandbox/1"); !strings.Contains(r, " + ") || !strings.Contains(r, "3") {
		t.Fatalf("version 3's row: %q\n%s", r, s)
	}
	d.key("=") // only the "+" row is left, under the cursor
	d.key("space")
	d.waitFor("1 marked")
	d.key("p")
	s = d.waitFor("1 to create, 0 to update, 0 to delete", "+ version mP Traveller/checkout_plan/3")
	if _, err := c2.Get(d.ctx, versions, there, "3"); err == nil {
		t.Fatalf("planning wrote version 3 into account 2:\n%s", s)
	}
	d.key("y")
	d.waitFor("promoted into sandbox/2")

	got, err := c2.Get(d.ctx, versions, there, "3")
	if err != nil {
		t.Fatalf("version 3 in account 2: %v", err)
	}
	if a, b := versionDocument(t, v3.Raw), versionDocument(t, got.Raw); !reflect.DeepEqual(a, b) {
		t.Errorf("version 3's document in account 2:\n%s\nin account 1:\n%s", got.Raw, v3.Raw)
	}
	// Compared again, the two accounts' versions are alike.
	diffWith(d, "2")
	d.waitFor("= 3  ~ 0  + 0  - 0")
}

// TestDiffPromotesAPlanTheOtherAccountLacks: account 1's plans of "mP
// Traveller" against account 2's show mobile_data_plan and foo_bar only in
// account 1; a plan is promoted with its versions, from its versions'
// comparison, where marking them creates the plan in account 2.
func TestDiffPromotesAPlanTheOtherAccountLacks(t *testing.T) {
	d := start(t, fixture{})
	c2, err := d.mgr.Client(d.ctx, accounts.SandboxProfile, sandbox.SeedOtherAccountID)
	if err != nil {
		t.Fatal(err)
	}
	palette(d, "plans")
	d.waitFor("Acme Web")
	filterTo(d, "4302", "1 of")
	d.key("enter")
	d.waitFor("checkout_plan", "mobile_data_plan")
	d.settle()
	diffWith(d, "2")
	s := d.waitFor("= 1  ~ 0  + 2  - 0")
	for _, plan := range []string{"mobile_data_plan", "foo_bar"} {
		if r := line(s, plan); !strings.Contains(r, " + ") {
			t.Fatalf("%s's row: %q\n%s", plan, r, s)
		}
	}
	d.key("esc") // back to the plans

	openVersions(d, "mobile")
	diffWith(d, "2")
	d.waitFor("= 0  ~ 0  + 2  - 0")
	d.key("space")
	d.key("down")
	d.key("space")
	d.waitFor("2 marked")
	d.key("p")
	d.waitFor("1 to create, 0 to update, 0 to delete", "+ plan mP Traveller/mobile_data_plan (with versions 1, 2)")
	d.key("y")
	d.waitFor("promoted into sandbox/2")

	vs, err := c2.List(d.ctx, lookup(t, "versions"), api.Ref{"workspace": "5102", "plan": "mobile_data_plan"})
	if err != nil || len(vs) != 2 {
		t.Fatalf("mobile_data_plan's versions in account 2: %d, %v", len(vs), err)
	}
}
