package ui_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/ui"
)

// seeded lists kind under parent with the admin client: what the sandbox
// holds, to compare the screen with.
func seeded(t *testing.T, d *driver, kind string, parent api.Ref) []api.Entity {
	t.Helper()
	k, ok := api.Lookup(kind)
	if !ok {
		t.Fatalf("no kind %s", kind)
	}
	items, err := d.client.List(context.Background(), k, parent)
	if err != nil {
		t.Fatalf("listing %s: %v", kind, err)
	}
	return items
}

// treeOfAcmeShop opens the tree of app 1 from the apps table and waits for
// its platforms.
func treeOfAcmeShop(t *testing.T, d *driver) (platforms []api.Entity) {
	t.Helper()
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("acme shop")
	d.key("enter")
	d.waitFor("1 of 4 rows")
	d.key("x")
	platforms = seeded(t, d, "platforms", api.Ref{"app": "1"})
	if len(platforms) == 0 {
		t.Fatal("the seed has no platforms in app 1")
	}
	d.until("the tree of Acme Shop", func(s string) bool { return crumbsOf(s) == "apps › Acme Shop › tree" })
	d.waitFor("Platforms (" + strconv.Itoa(len(platforms)) + ")")
	return platforms
}

// withServices is the first platform of app 1 that has service
// configurations, its line in the tree (the root is line 0, "Platforms"
// line 1) and its configurations.
func withServices(t *testing.T, d *driver, platforms []api.Entity) (int, api.Entity, []api.Entity) {
	t.Helper()
	for i, p := range platforms {
		if scs := seeded(t, d, "serviceconfigs", p.Ref()); len(scs) > 0 {
			return 2 + i, p, scs
		}
	}
	t.Fatal("no platform of app 1 has service configurations")
	return 0, api.Entity{}, nil
}

// x on an app shows it with its platforms and data points, as the sandbox
// has them; expanding a platform lists its service configurations.
func TestTreeOfAnAppShowsItsPlatformsAndLoadsServiceConfigurations(t *testing.T) {
	d := start(t, fixture{})
	platforms := treeOfAcmeShop(t, d)
	s := d.settle()
	if l := line(s, "▾ Acme Shop"); !strings.HasPrefix(l, "›▾ Acme Shop  app 1") {
		t.Fatalf("root line %q", l)
	}
	for _, p := range platforms {
		if l := line(s, "─ ▸ "+p.Name); !strings.Contains(l, "id "+p.ID) {
			t.Errorf("platform %s (id %s) not shown with its id:\n%s", p.Name, p.ID, s)
		}
	}
	points := seeded(t, d, "datapoints", api.Ref{"app": "1"})
	if !strings.Contains(s, "Data points ("+strconv.Itoa(len(points))+")") {
		t.Fatalf("data points not counted (%d in the sandbox):\n%s", len(points), s)
	}

	at, p, scs := withServices(t, d, platforms)
	for range at {
		d.key("down")
	}
	if l := cursorRow(d.screen()); !strings.Contains(l, p.Name) {
		t.Fatalf("cursor on %q, want platform %s", l, p.Name)
	}
	d.key("right") // expands the platform: its service configurations load
	d.waitFor("Service configurations (" + strconv.Itoa(len(scs)) + ")")
	s = d.settle()
	for _, sc := range scs {
		if !strings.Contains(s, "▸ "+sc.Name) {
			t.Errorf("service configuration %q of %s not shown:\n%s", sc.Name, p.Name, s)
		}
	}
	if strings.Contains(s, "loading…") {
		t.Fatalf("still loading:\n%s", s)
	}
	// Collapse and expand again: nothing is asked again.
	before := d.srv.APIRequests()
	d.key("left")
	if strings.Contains(d.screen(), "Service configurations") {
		t.Fatal("← did not collapse the platform")
	}
	d.key("enter")
	d.waitFor("Service configurations (" + strconv.Itoa(len(scs)) + ")")
	if n := d.srv.APIRequests() - before; n != 0 {
		t.Fatalf("expanding a loaded node made %d requests", n)
	}
}

// i on an entity of the tree opens the inspector, enter on a leaf too;
// esc comes back to the tree as it was.
func TestTreeNodesOpenTheInspector(t *testing.T) {
	d := start(t, fixture{})
	platforms := treeOfAcmeShop(t, d)
	d.settle()
	d.key("down") // Platforms: a list, not an entity
	d.key("i")
	d.waitFor("platforms is a list, not an entity: o opens its table")
	d.key("down") // the first platform
	d.key("i")
	d.waitFor("inspect", `"os": "`+platforms[0].Name+`"`, "platform "+platforms[0].ID)
	d.key("esc")
	s := d.waitFor("Platforms (")
	if l := cursorRow(s); !strings.Contains(l, platforms[0].Name) {
		t.Fatalf("esc from the inspector left the cursor on %q", l)
	}
	// A data point is a leaf: enter inspects it.
	points := seeded(t, d, "datapoints", api.Ref{"app": "1"})
	if len(points) == 0 {
		t.Skip("the seed has no data points in app 1")
	}
	d.key("G")
	s = d.screen()
	last := points[len(points)-1]
	if l := cursorRow(s); !strings.Contains(l, "• "+last.Name) {
		t.Fatalf("cursor on %q at the bottom, want data point %q", l, last.Name)
	}
	d.key("enter")
	d.waitFor("inspect", `"name": "`+last.Name+`"`)
	d.key("esc")
	d.waitFor("Data points (")
}

// o on a kind node opens its table under its entity, in the navigation
// stack: esc comes back to the tree, then to the apps with their cursor.
func TestTreeKindNodeOpensItsTableAndEscGoesBack(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop", "Acme Rewards")
	d.settle()
	d.key("/")
	d.typ("acme")
	d.key("enter")
	d.key("down") // not the first row: the cursor must be kept
	apps := d.settle()
	want := cursorRow(apps)
	d.key("x")
	d.until("the tree", func(s string) bool { return strings.HasSuffix(crumbsOf(s), "› tree") })
	d.waitFor("Platforms (")
	d.settle()
	d.key("down") // Platforms
	d.key("o")
	d.until("the platforms table", func(s string) bool {
		c := crumbsOf(s)
		return strings.Contains(c, "› tree › ") && strings.HasSuffix(c, " › platforms")
	})
	d.waitFor("ACCESS KEY")
	d.settle()
	d.key("esc")
	s := d.until("the tree again", func(s string) bool { return strings.HasSuffix(crumbsOf(s), "› tree") })
	if l := cursorRow(s); !strings.Contains(l, "Platforms") {
		t.Fatalf("back in the tree, the cursor is on %q", l)
	}
	d.settle()
	d.key("esc")
	d.until("the apps", func(s string) bool { return crumbsOf(s) == "apps" })
	s = d.settle()
	if got := cursorRow(s); got != want {
		t.Fatalf("cursor back on the apps %q, want %q\n%s", got, want, s)
	}
}

// x on a kind whose entities have nothing under them says so, and its
// help does not offer it; an app's help does.
func TestTreeOnlyForKindsWithChildren(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("?")
	d.waitFor("tree of what is under it")
	d.key("esc")
	d.key(":")
	d.typ("users")
	d.key("enter")
	d.until("the users", func(s string) bool { return crumbsOf(s) == "users" })
	d.settle()
	d.key("x")
	s := d.waitFor("users have nothing under them to show as a tree")
	if crumbsOf(s) != "users" {
		t.Fatalf("x on users left the table:\n%s", s)
	}
	d.key("?")
	s = d.waitFor("help")
	if strings.Contains(s, "tree of what is under it") {
		t.Fatalf("the users' help offers the tree:\n%s", s)
	}
}

// A load that fails shows why in its node (and the pane); enter on the
// node asks again, and the answer replaces the error.
func TestTreeChildLoadFailureShowsInTheNode(t *testing.T) {
	d := start(t, fixture{})
	platforms := treeOfAcmeShop(t, d)
	d.settle()
	at, p, scs := withServices(t, d, platforms)
	for range at {
		d.key("down")
	}
	d.srv.InjectNext(sandbox.Fault500, 1) // a 500 is not retried
	d.key("right")
	s := d.waitFor("✗ couldn't load: 500")
	l := line(s, "Service configurations")
	if !strings.Contains(l, "▸ Service configurations  ✗ couldn't load: 500") || !strings.Contains(s, "enter retries") {
		t.Fatalf("the node does not say why:\n%s", s)
	}
	if !strings.Contains(s, "500 Internal Server Error") {
		t.Fatalf("no pane for the failure:\n%s", s)
	}
	if l := cursorRow(s); !strings.Contains(l, p.Name) {
		t.Fatalf("cursor on %q, want %s", l, p.Name)
	}
	d.key("down") // the failed node
	d.key("enter")
	d.waitFor("Service configurations (" + strconv.Itoa(len(scs)) + ")")
	s = d.settle()
	if strings.Contains(s, "✗") || strings.Contains(s, "500 Internal Server Error") {
		t.Fatalf("the retry left the error (node or pane):\n%s", s)
	}
	for _, sc := range scs {
		if !strings.Contains(s, sc.Name) {
			t.Errorf("service configuration %q not shown after the retry", sc.Name)
		}
	}
}

// A workspace's tree holds its kinds; outputs, which need a module, say
// so and open their table, where the module is picked.
func TestTreeOfAWorkspace(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key(":")
	d.typ("workspaces")
	d.key("enter")
	d.until("the workspaces", func(s string) bool { return crumbsOf(s) == "workspaces" })
	s := d.settle()
	first := strings.TrimPrefix(cursorRow(s), "›")
	id := strings.Fields(first)[0]
	d.key("x")
	d.waitFor("Audiences (", "Calculated attributes (", "Data plans (", "Feeds (")
	s = d.settle()
	for _, k := range []string{"audiences", "calculatedattributes", "plans", "feeds"} {
		kd, _ := api.Lookup(k)
		n := len(seeded(t, d, k, api.Ref{"workspace": id}))
		if !strings.Contains(s, kd.Title+" ("+strconv.Itoa(n)+")") {
			t.Errorf("%s (%d in the sandbox) not counted:\n%s", kd.Title, n, s)
		}
	}
	l := line(s, "Output configurations")
	if !strings.Contains(l, "• Output configurations  needs a module picked from services: o opens its table") {
		t.Fatalf("outputs line %q", l)
	}
}

// The tree is a view of the history: - goes back to it and to the view
// before; switching account drops it.
func TestTreeInTheViewHistoryAndDroppedBySwitchingAccount(t *testing.T) {
	d := start(t, fixture{})
	treeOfAcmeShop(t, d)
	d.settle()
	d.key("esc")
	d.until("the apps", func(s string) bool { return crumbsOf(s) == "apps" })
	d.settle()
	d.key("-")
	d.until("the tree again", func(s string) bool { return crumbsOf(s) == "apps › Acme Shop › tree" })
	s := d.settle()
	if !strings.Contains(s, "Platforms (") || strings.Contains(s, "loading…") {
		t.Fatalf("the tree restored from the history:\n%s", s)
	}
	d.key(":")
	d.typ("use 2")
	d.key("enter")
	d.until("the other account", func(s string) bool { return strings.Contains(line(s, "sandbox"), "2") && crumbsOf(s) == "apps" })
	d.settle()
	d.key(":")
	d.typ("use 1")
	d.key("enter")
	s = d.until("back in account 1", func(s string) bool {
		return strings.Contains(line(s, "sandbox"), "(1)") && strings.Contains(s, "1 of 4 rows")
	})
	if strings.Contains(crumbsOf(s), "tree") {
		t.Fatalf("the tree outlived the account switch:\n%s", s)
	}
	d.settle()
	for range 3 {
		d.key("[")
		if strings.Contains(crumbsOf(d.screen()), "tree") {
			t.Fatalf("the history still holds the tree:\n%s", d.screen())
		}
	}
}

// ctrl+r loads again the kinds the tree shows open, keeping what is
// expanded; help names the tree's keys.
func TestTreeRefreshKeepsItsShape(t *testing.T) {
	d := start(t, fixture{})
	platforms := treeOfAcmeShop(t, d)
	d.settle()
	at, p, scs := withServices(t, d, platforms)
	for range at {
		d.key("down")
	}
	d.key("right")
	d.waitFor("Service configurations (" + strconv.Itoa(len(scs)) + ")")
	d.settle()
	points := seeded(t, d, "datapoints", api.Ref{"app": "1"})
	dp, _ := api.Lookup("datapoints")
	if _, err := d.client.Create(context.Background(), dp, api.Ref{"app": "1"},
		[]byte(`[{"name": "planted behind the tree", "type": "Event", "event_type": "other"}]`)); err != nil {
		t.Fatal(err)
	}
	d.key("ctrl+r")
	d.waitFor("Data points ("+strconv.Itoa(len(points)+1)+")", "planted behind the tree")
	s := d.settle()
	if !strings.Contains(s, "Service configurations ("+strconv.Itoa(len(scs))+")") || !strings.Contains(s, "▸ "+scs[0].Name) {
		t.Fatalf("the refresh closed %s:\n%s", p.Name, s)
	}
	if l := cursorRow(s); !strings.Contains(l, p.Name) {
		t.Fatalf("the refresh moved the cursor to %q", l)
	}
	d.key("?")
	s = d.waitFor("Tree")
	for _, want := range []string{"expand/collapse (a leaf: inspect)", "collapse, or go to the parent", "open in its table", "toggle to the last view"} {
		if !strings.Contains(s, want) {
			t.Errorf("the tree's help lacks %q:\n%s", want, s)
		}
	}
}

// The wheel scrolls the tree; a click selects a line, a double click does
// what enter does.
func TestTreeWithTheMouse(t *testing.T) {
	clock := newClock()
	d := start(t, fixture{ui: ui.Options{Now: clock.now}})
	platforms := treeOfAcmeShop(t, d)
	d.settle()
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 10, Y: 5})
	if l := cursorRow(d.screen()); !strings.Contains(l, platforms[1].Name) {
		t.Fatalf("a wheel step down put the cursor on %q, want the second platform", l)
	}
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 10, Y: 3}) // line 1: Platforms
	if l := cursorRow(d.screen()); !strings.Contains(l, "Platforms (") {
		t.Fatalf("a click put the cursor on %q, want Platforms", l)
	}
	clock.advance(100 * time.Millisecond)
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 10, Y: 3})
	s := d.screen()
	if !strings.Contains(cursorRow(s), "▸ Platforms (") || strings.Contains(s, "─ ▸ "+platforms[0].Name) {
		t.Fatalf("a double click did not collapse Platforms:\n%s", s)
	}
}

// One expand-all starts at most 16 loads, however much lies under the node.
func TestTreeExpandAllIsBounded(t *testing.T) {
	d := start(t, fixture{})
	treeOfAcmeShop(t, d)
	d.settle()
	for range 2 { // the platforms' kinds, then the service configurations' kinds
		before := d.srv.APIRequests()
		d.key("E")
		d.settle()
		if n := d.srv.APIRequests() - before; n == 0 || n > 16 {
			t.Fatalf("expand-all made %d requests, want 1 to 16", n)
		}
	}
	s := d.screen()
	if !strings.Contains(s, "Data point filters (") || strings.Contains(s, "loading…") {
		t.Fatalf("expand-all did not open the service configurations:\n%s", s)
	}
}

// The tree writes nothing and has no marks: the write keys, the filter
// and the mark keys say so (naming o) instead of doing nothing unseen,
// and its help does not offer the mark keys.
func TestTreeSaysWhatItDoesNotDo(t *testing.T) {
	d := start(t, fixture{})
	treeOfAcmeShop(t, d)
	d.settle()
	before := d.srv.APIRequests()
	// Each key says something other than the key before it, so a notice
	// left over never passes for the next key's.
	for _, c := range []struct{ key, says string }{
		{"space", "the tree has no marks"}, {"e", "the tree writes nothing"},
		{"*", "the tree has no marks"}, {"c", "the tree writes nothing"},
		{"ctrl+u", "the tree has no marks"}, {"ctrl+d", "the tree writes nothing"},
		{"/", "the tree has no filter"}, {"a", "the tree writes nothing"},
	} {
		k := c.key
		d.key(k)
		s := d.screen()
		if crumbsOf(s) != "apps › Acme Shop › tree" {
			t.Fatalf("%s left the tree:\n%s", k, s)
		}
		if st := lastLine(s); !strings.Contains(st, c.says) || !strings.Contains(st, "o opens") {
			t.Errorf("%s in the tree: status %q, want %q and what o does", k, st, c.says)
		}
		if strings.Contains(s, "list of kinds") {
			t.Errorf("%s in the tree speaks of a list of kinds:\n%s", k, s)
		}
	}
	if n := d.srv.APIRequests() - before; n != 0 {
		t.Fatalf("the keys made %d requests", n)
	}
	d.key("?")
	s := d.waitFor("Tree")
	for _, gone := range []string{"mark/unmark", "mark every row", "clear the marks"} {
		if strings.Contains(s, gone) {
			t.Errorf("the tree's help offers %q:\n%s", gone, s)
		}
	}
}

// A load that answers after its tree was left shows nothing: no error
// pane for a view that is gone.
func TestALeftTreesLateFailureShowsNothing(t *testing.T) {
	d := start(t, fixture{})
	platforms := treeOfAcmeShop(t, d)
	d.settle()
	at, _, _ := withServices(t, d, platforms)
	for range at {
		d.key("down")
	}
	d.srv.InjectNext(sandbox.Fault500, 1) // a 500 is not retried
	d.holdReplies("tree")
	d.key("right")
	d.until("the load", func(string) bool { return len(d.held) == 1 })
	d.key("esc")
	d.until("the apps", func(s string) bool { return crumbsOf(s) == "apps" })
	d.release()
	if s := d.settle(); strings.Contains(s, "500 Internal Server Error") {
		t.Fatalf("the left tree's failure opened a pane:\n%s", s)
	}
}
