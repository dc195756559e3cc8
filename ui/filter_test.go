package ui_test

import (
	"slices"
	"strings"
	"testing"
)

// The filter's forms through the real console: !inverse, ~fuzzy, a regex,
// column=value, and the text that only looks like a regex or a column, on
// the apps and on an app's platforms. The prompt names the form beside the
// query, the rows shown are those it selects, and the status bar counts
// them once the filter is kept.
func TestFilterModesInTheConsole(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	apps := []string{"Acme Shop", "Acme Rewards", "Acme Kiosk", "Acme Legacy"}
	check := func(filter, tag, status string, all, want []string) {
		t.Helper()
		d.key("/")
		d.typ(filter)
		s := d.screen()
		if prompt := lastLine(strings.TrimRight(s[:strings.LastIndex(s, "\n")], "\n")); !strings.Contains(prompt, "/"+filter) || !strings.Contains(prompt, tag) {
			t.Fatalf("/%s: the prompt line is %q, want the query and %q", filter, prompt, tag)
		}
		for _, name := range all {
			if shown := line(s, name) != ""; shown != slices.Contains(want, name) {
				t.Fatalf("/%s: %s shown %v, want %v; screen:\n%s", filter, name, shown, !shown, s)
			}
		}
		d.key("enter")
		if s := d.screen(); !strings.Contains(lastLine(s), status) {
			t.Fatalf("/%s kept: the status bar says %q, want %q", filter, lastLine(s), status)
		}
		d.key("esc") // the filter goes
		d.waitFor(all...)
	}
	check("!rewards", "inverse", "3 of 4 rows", apps, []string{"Acme Shop", "Acme Kiosk", "Acme Legacy"})
	check("~akio", "fuzzy", "1 of 4 rows", apps, []string{"Acme Kiosk"})
	check("^acme (shop|kiosk)$", "regex", "2 of 4 rows", apps, []string{"Acme Shop", "Acme Kiosk"})
	check("!^acme (shop|kiosk)$", "inverse regex", "2 of 4 rows", apps, []string{"Acme Rewards", "Acme Legacy"})
	check("platforms=SmartTV, Roku", "PLATFORMS equals (exact)", "1 of 4 rows", apps, []string{"Acme Kiosk"})
	check("acme (", "not a regex: substring", "0 of 4 rows", apps, nil)

	d.key("/")
	d.typ("region=eu")
	if s := d.screen(); !strings.Contains(s, "no column “region”") ||
		!strings.Contains(s, "No column “region”: the columns are ID, NAME, PLATFORMS, CREATED, MODIFIED.") {
		t.Fatalf("an unknown column is not named:\n%s", s)
	}
	d.key("esc")

	openPlatforms(d)
	oses := []string{"iOS", "Android", "MobileWeb"}
	check("os=iOS", "OS equals (exact)", "1 of 3 rows", oses, []string{"iOS"})
	check("os!=ios", "OS is not (exact)", "2 of 3 rows", oses, []string{"Android", "MobileWeb"})
	check("^(android|mobile)", "regex", "2 of 3 rows", oses, []string{"Android", "MobileWeb"})
}
