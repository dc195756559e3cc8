package ui_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/promote"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/ui"
)

// seedSecrets are confidential values of account 1's seed: none may reach
// the screen.
var seedSecrets = []string{"My Test App Key", "0d3a9f1b2c4e5a6b7c8d9e0f1a2b3c4d", "amp-live-7a1f00c2d3e4",
	"amp-backup-55e1b0aa9f31", "braze-android-1f2e3d4c5b6a", "ind-3c2b1a0f9e8d", "ax-9988776655", "af-dev-key-0042"}

// makeAlike promotes account 1's apps and platforms into account 2 through
// the API, so that the two compare alike, and returns account 2's client.
func makeAlike(t *testing.T, d *driver) *api.Client {
	t.Helper()
	c2, err := d.mgr.Client(d.ctx, accounts.SandboxProfile, 2)
	if err != nil {
		t.Fatal(err)
	}
	src, err := promote.Take(d.ctx, d.client, promote.Options{Kinds: []string{"apps", "platforms"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := promote.Promote(d.ctx, src, c2, promote.PlanOptions{}, promote.ApplyOptions{}, false); err != nil {
		t.Fatal(err)
	}
	return c2
}

// platform reads a platform of "Acme Shop" in the account of c.
func platform(t *testing.T, ctx context.Context, c *api.Client, os string) *promote.Entry {
	t.Helper()
	s, err := promote.Take(ctx, c, promote.Options{Kinds: []string{"platforms"}})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := s.Lookup("platforms", "Acme Shop", os)
	if !ok {
		t.Fatalf("account %d has no platform Acme Shop/%s", c.AccountID(), os)
	}
	return e
}

// appID is the id of the app named name in the account of c.
func appID(t *testing.T, ctx context.Context, c *api.Client, name string) string {
	t.Helper()
	apps, _ := api.Lookup("apps")
	list, err := c.List(ctx, apps, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.Name == name {
			return e.ID
		}
	}
	t.Fatalf("account %d has no app %q", c.AccountID(), name)
	return ""
}

var crashHandling = regexp.MustCompile(`"crash_handling":\s*"[^"]*"`)

// setCrashHandling changes the iOS platform of "Acme Shop" in account 1
// through the API, behind the console's back.
func setCrashHandling(t *testing.T, d *driver, v string) {
	t.Helper()
	e := platform(t, d.ctx, d.client, "iOS")
	edited := crashHandling.ReplaceAll(e.Raw, []byte(`"crash_handling":"`+v+`"`))
	if string(edited) == string(e.Raw) {
		t.Fatalf("no crash_handling in %s", e.Raw)
	}
	pf, _ := api.Lookup("platforms")
	if _, err := d.client.UpdateIfUnchanged(d.ctx, pf, e.Parents, e.ID, e.Raw, edited); err != nil {
		t.Fatal(err)
	}
}

// openPlatforms opens the platforms of app 1 ("Acme Shop").
func openPlatforms(d *driver) { openPlatformsOf(d, "1") }

// openPlatformsOf opens the platforms of an app.
func openPlatformsOf(d *driver, app string) {
	d.waitFor("Acme Shop")
	d.settle()
	d.key(":")
	d.typ("apps " + app)
	d.key("enter")
	d.waitFor("Data points")
	d.key("enter") // the chooser's first kind: platforms
	d.waitFor("CRASH HANDLING", "Android")
	d.settle()
}

func diffWith(d *driver, target string) {
	d.key(":")
	d.typ("diff " + target)
	d.key("enter")
}

func TestDiffShowsTheChangedPlatformAndPromotesIt(t *testing.T) {
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	c2 := makeAlike(t, d)
	setCrashHandling(t, d, "ForceIgnore")
	openPlatforms(d)

	diffWith(d, "2")
	d.waitFor("~ 1")
	d.settle()
	s := d.screen()
	if h := line(s, "~ 1"); !strings.Contains(h, "= 2  ~ 1  + 0  - 0") {
		t.Fatalf("counts: %q\n%s", h, s)
	}
	if ios := line(s, "iOS"); !strings.Contains(ios, " ~ ") || !strings.Contains(ios, "crash_handling") {
		t.Errorf("iOS row: %q\n%s", ios, s)
	}
	for _, os := range []string{"Android", "MobileWeb"} {
		if l := line(s, os); !strings.Contains(l, " = ") {
			t.Errorf("%s row: %q", os, l)
		}
	}

	// "=" hides the rows that are alike, and shows them again.
	d.key("=")
	s = d.screen()
	if strings.Contains(s, "Android") || !strings.Contains(s, "shown: ~ + -") {
		t.Fatalf("= did not hide the same rows:\n%s", s)
	}
	// The filter works as in any table.
	d.key("=")
	d.key("/")
	d.typ("ios")
	d.key("enter")
	d.until("the filter to leave iOS only", func(s string) bool {
		return strings.Contains(s, "/ios") && strings.Contains(s, "crash_handling") && !strings.Contains(s, "Android")
	})

	// enter on the "~" row shows the field that differs, both values.
	d.key("enter")
	s = d.waitFor("what promoting writes")
	if l := line(s, "crash_handling"); !strings.Contains(l, "ForceCatch") || !strings.Contains(l, "ForceIgnore") {
		t.Fatalf("field diff:\n%s", s)
	}
	d.key("esc")
	d.waitFor("= 2  ~ 1")

	// Mark it (a "*", visible without colour), plan, apply.
	d.key("space")
	s = d.waitFor("1 marked")
	if l := line(s, "iOS"); !strings.HasPrefix(strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(l), "›"), " "), "*") {
		t.Fatalf("the marked row shows no *: %q", l)
	}
	d.key("p")
	s = d.waitFor("0 to create, 1 to update, 0 to delete")
	if !strings.Contains(s, `crash_handling "ForceCatch" → "ForceIgnore"`) {
		t.Fatalf("plan:\n%s", s)
	}
	d.key("y")
	d.waitFor("promoted into sandbox/2")
	d.settle()
	d.key("esc") // back to the comparison, read again
	d.waitFor("= 3  ~ 0  + 0  - 0")

	if got := platform(t, d.ctx, c2, "iOS"); !strings.Contains(string(got.Body), `"crash_handling":"ForceIgnore"`) {
		t.Errorf("account 2's iOS platform after the promote: %s", got.Body)
	}
	entries, err := state.NewJournal(dir).ListIn(state.Scope{BaseURL: c2.V1BaseURL(), Account: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Op != state.OpUpdate || entries[0].Kind != "platforms" || entries[0].Profile != accounts.SandboxProfile ||
		!strings.Contains(string(entries[0].After), "ForceIgnore") {
		t.Fatalf("account 2's journal: %+v", entries)
	}
	if n, _ := state.NewJournal(dir).ListIn(state.Scope{BaseURL: d.client.V1BaseURL(), Account: 1}); len(n) != 0 {
		t.Errorf("account 1's journal has the target's write: %+v", n)
	}
}

func TestDiffOfTheInspectedEntity(t *testing.T) {
	d := start(t, fixture{})
	makeAlike(t, d)
	setCrashHandling(t, d, "ForceIgnore")
	openPlatforms(d)
	d.key("/")
	d.typ("android")
	d.key("enter")
	d.waitFor("1 of 3 rows")
	d.key("i")
	d.waitFor(`"os"`)
	diffWith(d, "2")
	s := d.waitFor("= 1  ~ 0  + 0  - 0")
	if strings.Contains(s, "iOS") || !strings.Contains(s, "Android") {
		t.Fatalf("the comparison of one entity:\n%s", s)
	}
}

func TestPromoteIntoAReadOnlyTargetIsRefusedBeforePlanning(t *testing.T) {
	tests := []struct {
		name    string
		opts    ui.Options
		target  string
		account int64 // the account the changed platform is read back from
	}{
		{"a read-only profile", ui.Options{Account: 2}, "sandbox-viewer/1", 1},
		{"a read-only session", ui.Options{ReadOnly: true}, "2", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := start(t, fixture{ui: tt.opts})
			c2 := makeAlike(t, d)
			setCrashHandling(t, d, "ForceIgnore")
			app := "1"
			if tt.opts.Account == 2 {
				app = appID(t, d.ctx, c2, "Acme Shop")
			}
			openPlatformsOf(d, app)
			diffWith(d, tt.target)
			d.waitFor("~ 1")
			d.settle()
			d.key("~") // hide the changed row, show it again: the cursor stays in the table
			d.key("~")
			d.key("=")
			d.key("space")
			d.key("p")
			s := d.waitFor("read-only")
			if strings.Contains(s, "to update") {
				t.Fatalf("a plan was made:\n%s", s)
			}
			c, err := d.mgr.Client(d.ctx, accounts.SandboxProfile, tt.account)
			if err != nil {
				t.Fatal(err)
			}
			want := "ForceCatch"
			if tt.account == 1 {
				want = "ForceIgnore" // account 1 is the one changed: it must stay so
			}
			if got := platform(t, d.ctx, c, "iOS"); !strings.Contains(string(got.Body), want) {
				t.Errorf("account %d was written: %s", tt.account, got.Body)
			}
		})
	}
}

func TestDiffNamesTheSideThatFailed(t *testing.T) {
	d := start(t, fixture{})
	openPlatforms(d)
	d.srv.InjectNext(sandbox.Fault500, 1) // the first request: the target's (a 500 is not retried)
	diffWith(d, "2")
	s := d.waitFor("couldn't compare: target sandbox/2:")
	if !strings.Contains(line(s, "couldn't compare"), "500") {
		t.Fatalf("the failure:\n%s", s)
	}
	d.settle()
	d.key("ctrl+r")
	d.waitFor("+ 3") // account 2 has no "Acme Shop": its platforms are only here
}

func TestPromotingASecretAsksForItMaskedAndNeverShowsIt(t *testing.T) {
	const typed = "typed-secret-9f8e7d"
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	c2 := makeAlike(t, d)
	openPlatforms(d)
	d.key("/")
	d.typ("ios")
	d.key("enter")
	d.waitFor("1 of 3 rows")
	d.key("enter")
	d.waitFor("serviceconfigs")
	d.settle()

	var screens []string
	look := func() string { s := d.screen(); screens = append(screens, s); return s }
	diffWith(d, "2")
	d.waitFor("- 0")
	d.settle()
	look()
	d.key("enter") // a "+" row: the entity as here has it, its secrets as references
	d.waitFor(`"secret"`)
	look()
	d.key("esc")
	d.key("p")
	s := d.waitFor("secrets:")
	look()
	if !strings.Contains(s, "asked for next, masked") {
		t.Fatalf("plan:\n%s", s)
	}
	_, names, _ := strings.Cut(s, "[secrets: ")
	names, _, _ = strings.Cut(names, "]")
	if names == "" {
		t.Fatalf("the plan names no secret:\n%s", s)
	}
	d.key("y")
	d.waitFor("secrets for sandbox/2")
	for _, n := range strings.Split(names, ", ") {
		d.waitFor("› " + n)
		d.typ(typed)
		look()
		d.key("enter")
	}
	d.waitFor("promoted into sandbox/2")
	look()
	for _, s := range screens {
		for _, v := range append(seedSecrets, typed) {
			if strings.Contains(s, v) {
				t.Fatalf("the screen shows the secret %q:\n%s", v, s)
			}
		}
	}
	entries, err := state.NewJournal(dir).ListIn(state.Scope{BaseURL: c2.V1BaseURL(), Account: 2})
	if err != nil || len(entries) != 1 || entries[0].Op != state.OpCreate {
		t.Fatalf("journal of account 2: %v %+v", err, entries)
	}
	if b := string(entries[0].After); strings.Contains(b, typed) {
		t.Errorf("the journal keeps the secret: %s", b)
	}
}

func TestDeletingInTheTargetNeedsAMarkAndItsName(t *testing.T) {
	d := start(t, fixture{})
	c2 := makeAlike(t, d)
	web := platform(t, d.ctx, d.client, "MobileWeb")
	pf, _ := api.Lookup("platforms")
	if err := d.client.Delete(d.ctx, pf, web.Parents, web.ID); err != nil {
		t.Fatal(err)
	}
	openPlatforms(d)
	diffWith(d, "2")
	d.waitFor("= 2  ~ 0  + 0  - 1")
	d.settle()
	d.key("=") // the "-" row alone, under the cursor
	d.key("p")
	s := d.waitFor("deleted only when marked")
	if strings.Contains(s, "to delete") {
		t.Fatalf("the cursor's - row was planned:\n%s", s)
	}
	d.key("space")
	d.key("p")
	d.waitFor("0 to create, 0 to update, 1 to delete", "- platform Acme Shop/MobileWeb")
	d.key("y")
	d.waitFor("Type “Acme Staging” to confirm")
	d.typ("Acme Shop")
	d.key("enter")
	d.waitFor("not the name")
	for range len("Acme Shop") {
		d.key("backspace")
	}
	d.typ("Acme Staging")
	d.key("enter")
	d.waitFor("promoted into sandbox/2")
	s2, err := promote.Take(d.ctx, c2, promote.Options{Kinds: []string{"platforms"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s2.Lookup("platforms", "Acme Shop", "MobileWeb"); ok {
		t.Error("account 2 still has the platform")
	}
	if _, ok := s2.Lookup("platforms", "Acme Shop", "iOS"); !ok {
		t.Error("account 2 lost a platform that was not marked")
	}
}

// TestDiffSaysTheParentIsMissingThere: platforms of an app the other
// account does not have are all "only here" because the app is missing,
// and the comparison says so rather than letting it read as an app that
// lacks platforms.
func TestDiffSaysTheParentIsMissingThere(t *testing.T) {
	d := start(t, fixture{})
	openPlatforms(d)
	diffWith(d, "2")
	d.waitFor("+ 3", `only here: no app "Acme Shop" there`)

	// Once the accounts are alike, the note goes.
	d2 := start(t, fixture{})
	makeAlike(t, d2)
	openPlatforms(d2)
	diffWith(d2, "2")
	s := d2.waitFor("= 3")
	if strings.Contains(s, "no app") {
		t.Fatalf("the note stays although account 2 has the app:\n%s", s)
	}
}
