package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/ui"
)

// Data plans are compared under their workspace, matched by name. The
// target here is account 1 of a second sandbox — the same seed, so the
// same workspaces and plans — through a profile of the file ("prod"), as
// another API would be reached. One sandbox's accounts 1 and 2, which
// share the workspace name "mP Traveller", are compared in
// compare_accounts_plans_test.go.

// prodFixture starts a second sandbox and names its account 1 "prod".
func prodFixture(t *testing.T) fixture {
	t.Helper()
	other, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	id, secret := other.AdminLogin()
	return fixture{ui: ui.Options{Profile: accounts.SandboxProfile}, file: fmt.Sprintf(`
[profiles.prod]
client_id = %q
client_secret = %q
account_id = 1
org_id = 1
base_url = %q
token_url = %q
`, id, secret, other.URL(), other.TokenURL())}
}

// versionBody is a data plan version with one data point.
func versionBody(n int, desc string) string {
	return fmt.Sprintf(`{"version": %d, "version_description": %q, "activated_environment": "none",
		"version_document": {"data_points": [{"description": "Checkout", "match": {"type": "custom_event",
		"criteria": {"event_name": "Checkout", "custom_event_type": "transaction"}},
		"validator": {"type": "json_schema", "definition": {"properties": {}}}}]}}`, n, desc)
}

func lookup(t *testing.T, name string) *api.Descriptor {
	t.Helper()
	k, ok := api.Lookup(name)
	if !ok {
		t.Fatalf("no kind %s", name)
	}
	return k
}

// openVersions opens the versions of a plan of workspace 4302.
func openVersions(d *driver, plan string) {
	palette(d, "plans")
	d.waitFor("Acme Web")
	filterTo(d, "4302", "1 of")
	d.key("enter")
	d.waitFor("checkout_plan", "v1 production")
	filterTo(d, plan, "1 of")
	d.key("enter")
	d.waitFor("› versions", "ENVIRONMENT")
	d.settle()
}

func TestDiffPromotesANewPlanVersion(t *testing.T) {
	d := start(t, prodFixture(t))
	prod, err := d.mgr.Client(d.ctx, "prod", 0)
	if err != nil {
		t.Fatal(err)
	}
	if prod.OrgID() != 1 {
		t.Errorf("the profile's org_id did not reach the client: %d", prod.OrgID())
	}
	at := api.Ref{"workspace": "4302", "plan": "checkout_plan"}
	if _, err := d.client.Create(d.ctx, lookup(t, "versions"), at, []byte(versionBody(4, "Fourth"))); err != nil {
		t.Fatal(err)
	}
	openVersions(d, "checkout")

	diffWith(d, "prod")
	s := d.waitFor("= 3  ~ 0  + 1  - 0")
	if r := line(s, "only in sandbox/1"); !strings.Contains(r, " + ") || !strings.Contains(r, "4") {
		t.Fatalf("version 4's row: %q\n%s", r, s)
	}
	d.key("=") // only the "+" row is left, under the cursor
	d.key("space")
	d.waitFor("1 marked")
	d.key("p")
	s = d.waitFor("1 to create, 0 to update, 0 to delete", "+ version mP Traveller/checkout_plan/4")
	if _, err := prod.Get(d.ctx, lookup(t, "versions"), at, "4"); err == nil {
		t.Fatalf("planning wrote version 4 into prod:\n%s", s)
	}
	d.key("y")
	d.waitFor("promoted into prod/1")
	ent, err := prod.Get(d.ctx, lookup(t, "versions"), at, "4")
	if err != nil {
		t.Fatalf("version 4 in prod: %v", err)
	}
	if !strings.Contains(string(ent.Raw), `"Fourth"`) {
		t.Errorf("version 4 in prod: %s", ent.Raw)
	}
}

func TestDiffPromotesAVersionWithItsNewPlan(t *testing.T) {
	d := start(t, prodFixture(t))
	prod, err := d.mgr.Client(d.ctx, "prod", 0)
	if err != nil {
		t.Fatal(err)
	}
	plan := fmt.Sprintf(`{"data_plan_id": "promo_plan", "data_plan_name": "Promo", "data_plan_versions": [%s, %s]}`,
		versionBody(1, "First"), versionBody(2, "Second"))
	if _, err := d.client.Create(d.ctx, lookup(t, "plans"), api.Ref{"workspace": "4302"}, []byte(plan)); err != nil {
		t.Fatal(err)
	}
	openVersions(d, "promo")

	diffWith(d, "prod")
	d.waitFor("= 0  ~ 0  + 2  - 0")
	d.key("down") // version 2 alone
	d.key("space")
	d.waitFor("1 marked")
	d.key("p")
	s := d.waitFor("1 to create, 0 to update, 0 to delete")
	if !strings.Contains(s, "+ plan mP Traveller/promo_plan (with versions 2)") {
		t.Fatalf("plan:\n%s", s)
	}
	d.key("y")
	d.waitFor("promoted into prod/1")
	at := api.Ref{"workspace": "4302", "plan": "promo_plan"}
	if ent, err := prod.Get(d.ctx, lookup(t, "versions"), at, "2"); err != nil || !strings.Contains(string(ent.Raw), `"Second"`) {
		t.Fatalf("version 2 of promo_plan in prod: %v %s", err, ent.Raw)
	}
	if _, err := prod.Get(d.ctx, lookup(t, "versions"), at, "1"); err == nil {
		t.Error("version 1, not marked, was promoted too")
	}
}
