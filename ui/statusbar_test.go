package ui_test

import (
	"strings"
	"testing"
)

// A list that failed to load has no row count: the status bar does not say
// "0 rows" beside "couldn't load"; once a load succeeds it counts them.
func TestAFailedLoadCountsNoRows(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop", "4 rows")
	d.settle()
	d.key("enter") // Acme Shop: platforms, data points
	d.waitFor("Platforms", "Data points")
	d.srv.InjectNext("503", 3) // every attempt
	d.key("enter")
	d.waitFor("couldn't load platforms")
	s := d.settle()
	if st := lastLine(s); strings.Contains(st, "row") {
		t.Fatalf("a list that failed to load counts rows: %q\n%s", st, s)
	}
	d.key("ctrl+r")
	d.waitFor("MobileWeb")
	s = d.settle()
	if st := lastLine(s); !strings.Contains(st, "3 rows") {
		t.Fatalf("the loaded list is not counted: %q", st)
	}
}

// After a create, the cursor is on the new row, not on the first.
func TestACreatedRowIsSelected(t *testing.T) {
	d := start(t, fixture{})
	drillIntoKioskPlatforms(d) // Roku and one more
	d.settle()
	d.key("c")
	d.waitFor("new platform", `"os": "Android"`)
	d.setLine(2, `  "os": "tvOS",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("create platform tvos: saved", "shown this once")
	closeSecrets(d)
	s := d.waitFor("tvOS", "3 rows")
	if l := line(s, "tvOS"); !strings.HasPrefix(l, "›") {
		t.Fatalf("the cursor is not on the created platform:\n%s", s)
	}
}
