package promote

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// plansOf takes the data plans and versions of an account; account 1's
// workspace "mP Traveller" is keyed as account 2's "Staging", so the two
// match (workspaces cannot be created through the API).
func plansOf(t *testing.T, c *api.Client) *Snapshot {
	t.Helper()
	s := take(t, c, "plans", "versions")
	if c.AccountID() == sandbox.SeedAccountID {
		if err := s.RenameWorkspace(sandbox.SeedWorkspaceName, "Staging"); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// version reads a data plan version of account 2's workspace through the
// API.
func version(t *testing.T, c *api.Client, plan, n string) map[string]any {
	t.Helper()
	ent, err := c.Get(context.Background(), kind(t, "versions"), api.Ref{"workspace": "5101", "plan": plan}, n)
	if err != nil {
		t.Fatalf("reading version %s of %s in account 2: %v", n, plan, err)
	}
	var m map[string]any
	if err := json.Unmarshal(ent.Raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func stepLabels(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, string(s.Op)+" "+s.Label())
	}
	return out
}

func TestDataPlansPromoteIntoAnotherAccount(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	if got := Kinds(); slices.Index(got, "workspaces") > slices.Index(got, "plans") || slices.Index(got, "plans") > slices.Index(got, "versions") {
		t.Fatalf("dependency order: %v", got)
	}

	// Plans account 2 lacks are created carrying their versions.
	src, tgt := plansOf(t, e.src), plansOf(t, e.tgt)
	if _, ok := src.Lookup("versions", "Staging", "checkout_plan", "3"); !ok {
		t.Fatalf("no version Staging/checkout_plan/3 in %v", src.Entries())
	}
	plan := MakePlan(src, tgt, PlanOptions{})
	want := []string{"create plan Staging/checkout_plan", "create plan Staging/foo_bar", "create plan Staging/mobile_data_plan"}
	if got := stepLabels(plan); !slices.Equal(got, want) {
		t.Fatalf("steps %v, want %v\n%s", got, want, text(t, plan))
	}
	if s := text(t, plan); !strings.Contains(s, "+ plan Staging/checkout_plan (with versions 1, 2, 3)") {
		t.Errorf("plan text:\n%s", s)
	}
	if _, err := plan.Apply(ctx, e.tgt, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if w := e.log.writes(); len(w) != 3 || !strings.HasPrefix(w[0], "POST /platform/v2/workspaces/5101/plans") {
		t.Errorf("writes: %v", w)
	}
	if v := version(t, e.tgt, "checkout_plan", "3"); v["version_document"] == nil {
		t.Errorf("version 3 of checkout_plan in account 2 has no document: %v", v)
	}
	if again := MakePlan(plansOf(t, e.src), plansOf(t, e.tgt), PlanOptions{}); !again.Empty() {
		t.Fatalf("second plan not empty:\n%s", text(t, again))
	}

	// A version only in account 1 is "+", and created alone.
	vd := kind(t, "versions")
	body := `{"version": 4, "version_description": "Fourth", "activated_environment": "none",
		"version_document": {"data_points": [{"description": "Checkout", "match": {"type": "custom_event",
		"criteria": {"event_name": "Checkout", "custom_event_type": "transaction"}},
		"validator": {"type": "json_schema", "definition": {"properties": {}}}}]}}`
	at := api.Ref{"workspace": "4302", "plan": "checkout_plan"}
	if _, err := e.src.Create(ctx, vd, at, []byte(body)); err != nil {
		t.Fatal(err)
	}
	e.log.writes()
	src, tgt = plansOf(t, e.src), plansOf(t, e.tgt)
	d := diffText(t, Compare(src, tgt))
	if !strings.Contains(d, "+ version Staging/checkout_plan/4\n") {
		t.Fatalf("diff:\n%s", d)
	}
	plan = MakePlan(src, tgt, PlanOptions{})
	if got := stepLabels(plan); !slices.Equal(got, []string{"create version Staging/checkout_plan/4"}) {
		t.Fatalf("steps %v\n%s", got, text(t, plan))
	}
	if _, err := plan.Apply(ctx, e.tgt, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if w := e.log.writes(); !slices.Equal(w, []string{"POST /platform/v2/workspaces/5101/plans/checkout_plan/versions"}) {
		t.Errorf("writes: %v", w)
	}
	if v := version(t, e.tgt, "checkout_plan", "4"); v["version_description"] != "Fourth" {
		t.Errorf("version 4 in account 2: %v", v)
	}

	// A changed version document is an update (a PATCH).
	changed := strings.Replace(body, `"Checkout"`, `"Checkout v2"`, 1)
	if _, err := e.src.Update(ctx, vd, at, "4", []byte(changed)); err != nil {
		t.Fatal(err)
	}
	e.log.writes()
	src, tgt = plansOf(t, e.src), plansOf(t, e.tgt)
	plan = MakePlan(src, tgt, PlanOptions{})
	if len(plan.Steps) != 1 || plan.Steps[0].Op != Update || plan.Steps[0].Changes[0].Path != "version_document.data_points[0].description" {
		t.Fatalf("plan:\n%s", text(t, plan))
	}
	if _, err := plan.Apply(ctx, e.tgt, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if w := e.log.writes(); !slices.Equal(w, []string{"PATCH /platform/v2/workspaces/5101/plans/checkout_plan/versions/4"}) {
		t.Errorf("writes: %v", w)
	}
	doc, _ := json.Marshal(version(t, e.tgt, "checkout_plan", "4")["version_document"])
	if !strings.Contains(string(doc), "Checkout v2") {
		t.Errorf("version 4's document in account 2: %s", doc)
	}
	if again := MakePlan(plansOf(t, e.src), plansOf(t, e.tgt), PlanOptions{}); !again.Empty() {
		t.Fatalf("second plan not empty:\n%s", text(t, again))
	}
}

func TestDataPlanVersionWaitsForItsPlan(t *testing.T) {
	e := start(t)
	src, tgt := plansOf(t, e.src), plansOf(t, e.tgt)
	// Without its plan in the plan's source, a version cannot be created.
	only, err := NewSnapshot([]string{"versions"})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*Entry{mustLookup(t, src, "workspaces", "Staging"), mustLookup(t, src, "versions", "Staging", "foo_bar", "1")} {
		if err := only.Add(&Entry{Kind: x.Kind, Key: x.Key, Body: x.Body}); err != nil {
			t.Fatal(err)
		}
	}
	plan := MakePlan(only, tgt, PlanOptions{})
	if !plan.Empty() || len(plan.Blocked) != 1 || !strings.Contains(plan.Blocked[0].Reason, "plan Staging/foo_bar is not in the target") {
		t.Fatalf("plan:\n%s", text(t, plan))
	}
	// A plan without versions is not created: the API needs one.
	only.Add(&Entry{Kind: "plans", Key: []string{"Staging", "bare"}, Body: json.RawMessage(`{"data_plan_id":"bare","data_plan_name":"Bare"}`)})
	plan = MakePlan(only, tgt, PlanOptions{})
	if s := text(t, plan); !strings.Contains(s, "plan Staging/bare: the API creates a plan only with at least one version") {
		t.Errorf("plan:\n%s", s)
	}
}

func mustLookup(t *testing.T, s *Snapshot, kind string, key ...string) *Entry {
	t.Helper()
	e, ok := s.Lookup(kind, key...)
	if !ok {
		t.Fatalf("no %s %v", kind, key)
	}
	return e
}

func TestDataPlansExportImport(t *testing.T) {
	e := start(t)
	src := take(t, e.src, "plans", "versions")
	dir := filepath.Join(t.TempDir(), "export")
	if err := Export(src, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"workspaces/mP Traveller/plans/checkout_plan.json", "workspaces/mP Traveller/plans/checkout_plan/versions/3.json"} {
		if _, err := filepath.Glob(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
		if m, _ := filepath.Glob(filepath.Join(dir, f)); len(m) != 1 {
			t.Errorf("no file %s", f)
		}
	}
	back, err := Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := diffText(t, Compare(src, back)); strings.ContainsAny(got, "+-~") {
		t.Errorf("import differs from the export:\n%s", got)
	}
	if len(back.Entries()) != len(src.Entries()) {
		t.Errorf("%d entries back, %d exported", len(back.Entries()), len(src.Entries()))
	}
}

func TestRolesNeedTheOrganization(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	// The test clients have no OrgID: roles are left out of every kind,
	// and naming them is an error.
	if s := take(t, e.src); slices.Contains(s.Kinds, "roles") {
		t.Errorf("kinds without an organization: %v", s.Kinds)
	}
	if _, err := Take(ctx, e.src, Options{Kinds: []string{"roles"}}); err == nil || !strings.Contains(err.Error(), "org_id") {
		t.Errorf("roles without an organization: %v", err)
	}
	client := func(acct int64) *api.Client {
		c, err := api.New(api.Config{ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, AccountID: acct, OrgID: 1,
			V1BaseURL: e.srv.V1URL(), V2BaseURL: e.srv.V2URL(), TokenURL: e.srv.TokenURL(), CacheDir: t.TempDir(),
			Retry: api.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxElapsed: 10 * time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	src := take(t, client(1), "roles")
	if n := len(src.Entries()); n != 9 { // the seven templates and the manifest example's two
		t.Fatalf("%d roles read, want 9", n)
	}
	// The organization is shared: both accounts read the same roles.
	if d := diffText(t, Compare(src, take(t, client(2), "roles"))); strings.ContainsAny(d, "+-~") {
		t.Errorf("roles differ between the accounts of one organization:\n%s", d)
	}
}
