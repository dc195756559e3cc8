package ui_test

import (
	"strings"
	"testing"
)

// A calculated attribute's calculation status, opened as a kind and
// inspected, is titled by its kind's singular: "calculation 8".
func TestACalculationStatusIsTitledByItsKind(t *testing.T) {
	_, d := startLive(t)
	caList(d)
	moveTo(t, d, "Cart Adds")
	d.key("enter")
	d.waitFor("Activation status", "Calculation status")
	moveTo(t, d, "Calculation status")
	d.key("enter")
	d.waitFor("REVISION")
	d.settle()
	d.key("enter")
	s := d.waitFor(`"is_calculated"`)
	if !strings.Contains(s, "calculation 8") || strings.Contains(s, "cacalculation") {
		t.Fatalf("the inspector's title is not the kind's singular:\n%s", s)
	}
}

// With one row marked the bulk editor's notice speaks of one entity, not
// of what "the 1 platform all share".
func TestABulkEditOfOneSaysSo(t *testing.T) {
	d := start(t, fixture{})
	openPlatforms(d)
	d.key("space")
	d.waitFor("1 marked")
	d.key("e")
	s := d.waitFor("1 platform · shared fields")
	if strings.Contains(s, "all share") || !strings.Contains(s, "the fields of 1 platform") {
		t.Fatalf("the notice does not speak of one platform:\n%s", s)
	}
}

// The sort keys do nothing in the tree, which keeps the API's order, and
// say so, naming o (which opens a node's table, where rows sort).
func TestTheTreeSaysItDoesNotSort(t *testing.T) {
	d := start(t, fixture{})
	treeOfAcmeShop(t, d)
	d.settle()
	before := d.screen()
	for _, k := range []string{">", "<"} {
		d.key("/") // another notice first, so the one below is k's
		d.key(k)
		s := d.screen()
		if st := lastLine(s); !strings.Contains(st, "the tree keeps the API's order") || !strings.Contains(st, "o opens") {
			t.Errorf("%s in the tree: status %q", k, st)
		}
		if crumbsOf(s) != crumbsOf(before) {
			t.Fatalf("%s left the tree:\n%s", k, s)
		}
	}
}

// x in an inspector says the inspector has no tree, and where x opens one.
func TestXInAnInspectorSaysWhy(t *testing.T) {
	d := start(t, fixture{})
	inspectAcmeShop(d)
	d.key("x")
	s := d.screen()
	if st := lastLine(s); !strings.Contains(st, "the inspector has no tree") || !strings.Contains(st, "esc goes back") {
		t.Fatalf("x in an inspector: status %q\n%s", st, s)
	}
	if !strings.Contains(s, `"name": "Acme Shop"`) {
		t.Fatalf("x left the inspector:\n%s", s)
	}
}

// The feeds list shows only what the list answer carries (id, name,
// created): module, OS and debug come with a single feed's read, in its
// inspector, and columns for them stood empty on every row.
func TestTheFeedsListShowsNoColumnItCannotFill(t *testing.T) {
	d := start(t, fixture{})
	openInTraveller(d, "feeds")
	d.waitFor("Mailchimp1")
	s := d.settle()
	for _, empty := range []string{"MODULE", "DEBUG", " OS "} {
		if strings.Contains(s, empty) {
			t.Errorf("the feeds list has a %s column, which its rows never fill:\n%s", strings.TrimSpace(empty), s)
		}
	}
}

// Help opened over an inspector gives it back when it closes, by esc or by
// ? again; esc then goes back to the list.
func TestHelpOverAnInspectorGivesItBack(t *testing.T) {
	for _, closeKey := range []string{"esc", "?"} {
		t.Run(closeKey, func(t *testing.T) {
			d := start(t, fixture{})
			inspectAcmeShop(d)
			d.key("?")
			d.waitFor("help")
			d.key(closeKey)
			s := d.screen()
			if !strings.Contains(s, `"name": "Acme Shop"`) || !strings.HasSuffix(crumbsOf(s), "inspect") {
				t.Fatalf("%s from help over the inspector did not give it back:\n%s", closeKey, s)
			}
			d.key("esc")
			s = d.screen()
			if strings.Contains(s, `"name": "Acme Shop"`) || !strings.Contains(s, "1 of 4 rows") {
				t.Fatalf("esc from the inspector did not go back to the list:\n%s", s)
			}
		})
	}
}

// A palette opened over an inspector and cancelled gives the inspector
// back, as help does.
func TestACancelledPaletteGivesBackTheInspector(t *testing.T) {
	d := start(t, fixture{})
	inspectAcmeShop(d)
	d.key(":")
	d.typ("ap")
	d.key("esc")
	s := d.until("the palette closed", func(s string) bool { return !strings.HasSuffix(crumbsOf(s), ":") })
	if !strings.Contains(s, `"name": "Acme Shop"`) || !strings.HasSuffix(crumbsOf(s), "inspect") {
		t.Fatalf("esc from the palette over the inspector did not give it back:\n%s", s)
	}
}

// inspectAcmeShop opens the inspector of the app Acme Shop and waits for
// the console to settle.
func inspectAcmeShop(d *driver) {
	filterApps(d, "acme shop")
	d.key("i")
	d.waitFor(`"name": "Acme Shop"`)
	d.settle()
}
