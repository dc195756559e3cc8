package promote

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/state"
)

// seedSecrets are confidential values of account 1's seed: none may reach
// an export, a plan, a report or the journal.
var seedSecrets = []string{"My Test App Key", "0d3a9f1b2c4e5a6b7c8d9e0f1a2b3c4d", "amp-live-7a1f00c2d3e4",
	"amp-backup-55e1b0aa9f31", "braze-android-1f2e3d4c5b6a", "ind-3c2b1a0f9e8d", "ax-9988776655", "af-dev-key-0042"}

// secretsFor gives every secret a plan needs a recognisable value.
func secretsFor(p *Plan) map[string]string {
	out := map[string]string{}
	for _, n := range p.Secrets() {
		out[n] = "promoted-" + strings.ToLower(n)
	}
	return out
}

func fixedNow() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }

func noLeak(t *testing.T, what, s string, secrets map[string]string, masks bool) {
	t.Helper()
	for _, v := range seedSecrets {
		if strings.Contains(s, v) {
			t.Errorf("%s holds the seed secret %q", what, v)
		}
	}
	for n, v := range secrets {
		if strings.Contains(s, v) {
			t.Errorf("%s holds the value of secret %s", what, n)
		}
	}
	if !masks && strings.Contains(s, "****") {
		t.Errorf("%s holds a masked value", what)
	}
}

// leftovers checks that every difference of a plan's comparison is either
// blocked (cannot be promoted) or only in the target, and that no
// server-set field shows.
func leftovers(t *testing.T, p *Plan) {
	t.Helper()
	if !p.Empty() {
		t.Errorf("plan not empty:\n%s", text(t, p))
	}
	accounted := map[string]bool{}
	for _, b := range p.Blocked {
		accounted[id(b.Kind, b.Key)] = true
	}
	for _, d := range p.Left {
		accounted[id(d.Kind, d.Key)] = true
	}
	for _, d := range p.Diff.Changed() {
		if !accounted[id(d.Kind, d.Key)] {
			t.Errorf("%s %s differs and is neither blocked nor left", d.Status, d.Label())
		}
		desc, _ := api.Lookup(d.Kind)
		for _, c := range d.Changes {
			for _, ss := range desc.ServerSet {
				if topField(c.Path) == strings.SplitN(ss, "[", 2)[0] && !strings.Contains(ss, ".") {
					t.Errorf("%s: server-set field %s compared", d.Label(), c.Path)
				}
			}
		}
	}
}

func TestExportApplyConverges(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	dir := t.TempDir()
	if err := Export(take(t, e.src), dir); err != nil {
		t.Fatal(err)
	}
	src, err := Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	journal := &state.Journal{Path: filepath.Join(t.TempDir(), state.JournalFile), Now: fixedNow}

	plan, _, err := Promote(ctx, src, e.tgt, PlanOptions{}, ApplyOptions{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if w := e.log.writes(); len(w) > 0 {
		t.Fatalf("a dry run wrote: %v", w)
	}
	secrets := secretsFor(plan)
	if len(secrets) == 0 {
		t.Fatal("the plan needs no secret: the confidential settings were not recognised")
	}
	// Not every secret given: nothing is sent, the error names the missing one.
	partial := map[string]string{}
	for n, v := range secrets {
		if n != "MIXPANEL_TOKEN_IOS_ACME_SHOP" {
			partial[n] = v
		}
	}
	rep, err := plan.Apply(ctx, e.tgt, ApplyOptions{Secrets: partial})
	var missing *MissingSecretsError
	if !errors.As(err, &missing) || !slices.Equal(missing.Names, []string{"MIXPANEL_TOKEN_IOS_ACME_SHOP"}) {
		t.Fatalf("apply without a secret: %v", err)
	}
	if len(rep.Applied) != 0 || len(rep.NotApplied) != len(plan.Steps) {
		t.Errorf("report after a refused apply: %d applied, %d not applied of %d", len(rep.Applied), len(rep.NotApplied), len(plan.Steps))
	}
	if w := e.log.writes(); len(w) > 0 {
		t.Fatalf("a refused apply wrote: %v", w)
	}

	rep, err = plan.Apply(ctx, e.tgt, ApplyOptions{Secrets: secrets, Journal: journal, Profile: "staging", Now: fixedNow})
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, text(t, rep))
	}
	if len(rep.Applied) != len(plan.Steps) {
		t.Errorf("applied %d of %d steps", len(rep.Applied), len(plan.Steps))
	}
	writes := e.log.writes()
	entries, err := journal.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(writes) {
		t.Errorf("%d writes sent, %d journalled", len(writes), len(entries))
	}
	for _, je := range entries {
		if je.Account != 2 || je.BaseURL != e.tgt.V1BaseURL() || je.Profile != "staging" {
			t.Errorf("journal entry %s %s %s: account %d, base %q, profile %q", je.Op, je.Kind, je.ID, je.Account, je.BaseURL, je.Profile)
		}
	}

	after := MakePlan(src, take(t, e.tgt), PlanOptions{})
	leftovers(t, after)
	// What cannot be promoted, by kind: workspaces, audiences and users have
	// no create; feeds and CAs of workspaces the target lacks; an app
	// without platforms.
	kinds := map[string]bool{}
	for _, b := range after.Blocked {
		kinds[b.Kind] = true
	}
	for _, k := range []string{"apps", "workspaces", "feeds", "calculatedattributes", "audiences", "users"} {
		if !kinds[k] {
			t.Errorf("no %s among what cannot be promoted", k)
		}
	}
	for _, k := range []string{"platforms", "serviceconfigs", "datapoints", "filters", "servicefiltering"} {
		if kinds[k] {
			t.Errorf("%s left unpromoted:\n%s", k, text(t, after))
		}
	}

	// The target has the secret given for it (the API shows its last four
	// characters), and none leaked.
	mixpanel, ok := take(t, e.tgt, "serviceconfigs").Lookup("serviceconfigs", "Acme Shop", "iOS", "Mixpanel", "Default Account")
	if v := secrets["MIXPANEL_TOKEN_IOS_ACME_SHOP"]; !ok || !strings.Contains(string(mixpanel.Raw), "*"+v[len(v)-4:]+`"`) {
		t.Errorf("the target's Mixpanel token is not the one given: %s", mixpanel.Raw)
	}
	planJSON, _ := plan.JSON()
	raw, _ := os.ReadFile(journal.Path)
	noLeak(t, "the plan", text(t, plan)+string(planJSON), secrets, false)
	noLeak(t, "the report", text(t, rep), secrets, false)
	noLeak(t, "the journal", string(raw), secrets, true) // the journal masks (state.Masked)
	_ = filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			b, _ := os.ReadFile(p)
			noLeak(t, p, string(b), secrets, false)
		}
		return nil
	})
}

func TestPlatformChangeIsOneRow(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	kinds := []string{"apps", "platforms", "serviceconfigs"}
	plan, rep, err := Promote(ctx, take(t, e.src, kinds...), e.tgt, PlanOptions{}, ApplyOptions{Secrets: map[string]string{}}, true)
	if err != nil || rep != nil {
		t.Fatal(err)
	}
	if _, err := plan.Apply(ctx, e.tgt, ApplyOptions{Secrets: secretsFor(plan)}); err != nil {
		t.Fatal(err)
	}

	// Change one platform setting in the source account.
	pf := take(t, e.src, kinds...)
	ios, _ := pf.Lookup("platforms", "Acme Shop", "iOS")
	edited := strings.Replace(string(ios.Raw), `"crash_handling":"ForceCatch"`, `"crash_handling":"ForceIgnore"`, 1)
	if _, err := e.src.UpdateIfUnchanged(ctx, kind(t, "platforms"), ios.Parents, ios.ID, ios.Raw, []byte(edited)); err != nil {
		t.Fatal(err)
	}

	src := take(t, e.src, kinds...)
	d := Compare(src, take(t, e.tgt, kinds...))
	var rows []string
	for _, x := range d.Changed() {
		if x.Status == Differs {
			rows = append(rows, x.Label())
		}
	}
	if !slices.Equal(rows, []string{"platform Acme Shop/iOS"}) {
		t.Fatalf("rows that differ: %v\n%s", rows, diffText(t, d))
	}
	want := `~ platform Acme Shop/iOS: crash_handling "ForceCatch" → "ForceIgnore"` + "\n"
	if got := diffText(t, d); !strings.Contains(got, want) || strings.Count(got, "~ ") != 1 {
		t.Errorf("diff text:\n%s\nwant the line %q only", got, want)
	}
	js, _ := d.JSON()
	var back Diff
	if err := json.Unmarshal(js, &back); err != nil || len(back.Differences) != len(d.Differences) {
		t.Errorf("diff JSON does not read back: %v", err)
	}

	journal := &state.Journal{Path: filepath.Join(t.TempDir(), state.JournalFile), Now: fixedNow}
	plan, rep, err = Promote(ctx, src, e.tgt, PlanOptions{}, ApplyOptions{Journal: journal, Profile: "p"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 1 || plan.Steps[0].Op != Update || len(rep.Applied) != 1 {
		t.Fatalf("plan:\n%s", text(t, plan))
	}
	got, _ := take(t, e.tgt, kinds...).Lookup("platforms", "Acme Shop", "iOS")
	if !strings.Contains(string(got.Body), `"crash_handling":"ForceIgnore"`) {
		t.Errorf("target platform after apply: %s", got.Body)
	}
	entries, _ := journal.List()
	if len(entries) != 1 || entries[0].Op != state.OpUpdate || entries[0].Kind != "platforms" || entries[0].ID != "ios" ||
		!strings.Contains(string(entries[0].Before), "ForceCatch") || !strings.Contains(string(entries[0].After), "ForceIgnore") {
		t.Errorf("journal: %+v", entries)
	}
	again, _, err := Promote(ctx, src, e.tgt, PlanOptions{}, ApplyOptions{}, true)
	if err != nil || !again.Empty() {
		t.Errorf("second plan: %v\n%s", err, text(t, again))
	}
}

func TestFailureMidApplyThenRerun(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	src := take(t, e.src, "apps", "platforms", "datapoints", "serviceconfigs", "filters")
	plan, _, err := Promote(ctx, src, e.tgt, PlanOptions{}, ApplyOptions{}, true)
	if err != nil {
		t.Fatal(err)
	}
	failAt := -1
	for i, s := range plan.Steps {
		if s.Op == Create && s.Kind == "apps" && s.Key[0] == "Acme Shop" {
			failAt = i
		}
	}
	if failAt <= 0 {
		t.Fatalf("no app create in the middle of the plan:\n%s", text(t, plan))
	}
	o := ApplyOptions{Secrets: secretsFor(plan), beforeStep: func(i int, _ Step) {
		if i == failAt {
			e.srv.InjectNext(sandbox.Fault504, 1) // carried out, the answer lost
		}
	}}
	rep, err := plan.Apply(ctx, e.tgt, o)
	if err == nil || !errors.Is(err, api.ErrServer) && !strings.Contains(err.Error(), "504") {
		t.Fatalf("apply with a 504: %v", err)
	}
	if len(rep.Applied) != failAt || rep.Failed == nil || rep.Failed.Step.Key[0] != "Acme Shop" || !rep.Failed.MaybeApplied ||
		len(rep.NotApplied) != len(plan.Steps)-failAt-1 {
		t.Fatalf("report: %d applied, failed %+v, %d not applied of %d\n%s", len(rep.Applied), rep.Failed, len(rep.NotApplied), len(plan.Steps), text(t, rep))
	}
	if !strings.Contains(text(t, rep), "may have carried it out") {
		t.Errorf("report text:\n%s", text(t, rep))
	}

	plan2, rep2, err := Promote(ctx, src, e.tgt, PlanOptions{}, ApplyOptions{Secrets: secretsFor(plan)}, false)
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, text(t, rep2))
	}
	for _, s := range plan2.Steps {
		if s.Kind == "apps" {
			t.Errorf("rerun creates %s again", s.Label())
		}
	}
	apps, err := e.tgt.List(ctx, kind(t, "apps"), nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, a := range apps {
		names[a.Name]++
		if names[a.Name] > 1 {
			t.Errorf("app %q twice in the target", a.Name)
		}
	}
	final, _, err := Promote(ctx, src, e.tgt, PlanOptions{}, ApplyOptions{}, true)
	if err != nil || !final.Empty() {
		t.Errorf("plan after the rerun: %v\n%s", err, text(t, final))
	}
}

func TestDryRunSendsNoWrite(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	src := take(t, e.src)
	src.RenameWorkspace("mP Traveller", "Staging")
	e.log.writes()
	plan, rep, err := Promote(ctx, src, e.tgt, PlanOptions{Prune: true}, ApplyOptions{}, true)
	if err != nil || rep != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) == 0 {
		t.Fatal("nothing planned")
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("planning wrote: %v", w)
	}
}

func TestWorkspaceRenameAndPrune(t *testing.T) {
	ctx := context.Background()
	e := start(t)
	src := take(t, e.src, "workspaces", "feeds", "calculatedattributes", "apps", "platforms")
	if err := src.RenameWorkspace("mP Traveller", "Staging"); err != nil {
		t.Fatal(err)
	}
	if err := src.RenameWorkspace("nope", "x"); err == nil {
		t.Error("renaming a workspace the snapshot lacks")
	}
	plan, rep, err := Promote(ctx, src, e.tgt, PlanOptions{Prune: true}, ApplyOptions{}, false)
	if err != nil {
		t.Fatalf("%v\n%s", err, text(t, rep))
	}
	var created, deleted []string
	for _, s := range plan.Steps {
		switch s.Op {
		case Create:
			created = append(created, s.Label())
		case Delete:
			deleted = append(deleted, s.Label())
		}
	}
	for _, want := range []string{"feed Staging/Mailchimp1", "calculatedattribute Staging/ca1", "calculatedattribute Staging/Lifetime Purchases"} {
		if !slices.Contains(created, want) {
			t.Errorf("not created: %s (created %v)", want, created)
		}
	}
	// Children before their parents; feeds have no delete.
	if !slices.Equal(deleted, []string{"calculatedattribute Staging/Staging Session Count", "platform Acme Shop (Staging)/iOS", `app "Acme Shop (Staging)"`}) {
		t.Errorf("deleted: %v", deleted)
	}
	blocked := map[string]string{}
	for _, b := range plan.Blocked {
		blocked[b.Label()] = b.Reason
	}
	if r := blocked["calculatedattribute Staging/Abandoned Idea"]; !strings.Contains(r, "no definition") {
		t.Errorf("a CA without a definition: %q", r)
	}
	if r := blocked["feed Staging/radarStagingFeed"]; !strings.Contains(r, "cannot be deleted") {
		t.Errorf("a feed to prune: %q", r)
	}
	final, _, err := Promote(ctx, src, e.tgt, PlanOptions{Prune: true}, ApplyOptions{}, true)
	if err != nil || !final.Empty() {
		t.Errorf("second plan: %v\n%s", err, text(t, final))
	}
	// Created from its draft, an active CA still differs in what only
	// activation writes.
	for _, b := range final.Blocked {
		blocked[b.Label()] = b.Reason
	}
	if r := blocked["calculatedattribute Staging/ca1"]; !strings.Contains(r, "active_definition") {
		t.Errorf("an active CA: %q\n%s", r, text(t, final))
	}
	leftovers(t, final)
}

func TestApplyRefusesAnotherAccount(t *testing.T) {
	e := start(t)
	src := take(t, e.src, "apps", "platforms")
	plan := MakePlan(src, take(t, e.tgt, "apps", "platforms"), PlanOptions{})
	if _, err := plan.Apply(context.Background(), e.src, ApplyOptions{}); err == nil || !strings.Contains(err.Error(), "account 2") {
		t.Errorf("a plan for account 2 applied with a client of account 1: %v", err)
	}
	if w := e.log.writes(); len(w) > 0 {
		t.Errorf("wrote: %v", w)
	}
}

func kind(t *testing.T, name string) *api.Descriptor {
	t.Helper()
	d, ok := api.Lookup(name)
	if !ok {
		t.Fatalf("no kind %s", name)
	}
	return d
}
