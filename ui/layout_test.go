package ui_test

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
)

// columnsOf finds the apps' column titles on a screen: the header line
// and where NAME and PLATFORMS start, in cells.
func columnsOf(t *testing.T, s string) (header string, name, platforms int) {
	t.Helper()
	for _, l := range strings.Split(s, "\n") {
		r := []rune(l)
		if n, p := strings.Index(l, " NAME "), strings.Index(l, " PLATFORMS "); n > 0 && p > n {
			return string(r), len([]rune(l[:n+1])), len([]rune(l[:p+1]))
		}
	}
	t.Fatalf("no column titles:\n%s", s)
	return "", 0, 0
}

// cell is the text of a line between two columns (cells, not bytes: the
// cursor row starts with ›).
func cell(l string, from, to int) string {
	r := []rune(l)
	return strings.TrimSpace(string(r[min(from, len(r)):min(to, len(r))]))
}

// On a wide terminal the apps' NAME column is as wide as the longest name
// (and its padding), not half the screen, and no column is cut; a long
// name takes the room the other columns leave, and they stay whole.
func TestAWideTerminalSizesColumnsToWhatTheyHold(t *testing.T) {
	d := start(t, fixture{})
	d.send(tea.WindowSizeMsg{Width: 200, Height: 40})
	d.waitFor("Acme Shop")
	s := d.settle()
	_, name, platforms := columnsOf(t, s)
	longest := 0
	for _, n := range []string{"Acme Shop", "Acme Rewards", "Acme Kiosk", "Acme Legacy"} {
		row := line(s, n)
		if got := cell(row, name, platforms); got != n {
			t.Fatalf("the NAME cell of %q reads %q:\n%s", n, got, s)
		}
		longest = max(longest, len(n))
	}
	const padding = 2 + 1 // the most padding, and the gap between columns
	if w := platforms - name; w > longest+padding {
		t.Fatalf("NAME is %d cells wide for names of at most %d:\n%s", w, longest, s)
	}
	if row := line(s, "Acme Shop"); !strings.Contains(row, "iOS, Android, MobileWeb   2014-06-11 19:43   2014-06-11 19:43") {
		t.Fatalf("the columns of Acme Shop are cut or crowded: %q", row)
	}
	if strings.Contains(s, "…") || strings.Contains(s, "»") {
		t.Fatalf("a cell is cut or a column hidden at 200 columns:\n%s", s)
	}

	long := "Acme Rewards, the loyalty programme app for members in every market we serve today"
	apps, _ := api.Lookup("apps")
	if _, err := d.client.Update(context.Background(), apps, nil, "2", []byte(`{"name":"`+long+`"}`)); err != nil {
		t.Fatal(err)
	}
	d.key("ctrl+r")
	d.waitFor(long)
	s = d.settle()
	if _, name, platforms = columnsOf(t, s); platforms-name > len(long)+padding || strings.Contains(s, "…") {
		t.Fatalf("at 200 columns a long name of %d cells is cut or takes %d:\n%s", len(long), platforms-name, s)
	}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	s = d.settle()
	header, name, platforms := columnsOf(t, s)
	if got := cell(line(s, "Acme Rewards"), name, platforms); !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Fatalf("at 120 columns the long name reads %q:\n%s", got, s)
	}
	if row := line(s, "Acme Shop"); !strings.Contains(header, "MODIFIED") || !strings.Contains(row, "iOS, Android, MobileWeb") ||
		strings.Join(strings.Fields(row)[len(strings.Fields(row))-4:], " ") != "2014-06-11 19:43 2014-06-11 19:43" {
		t.Fatalf("at 120 columns a long name pushed the other columns out:\n%s", s)
	}
}

// At the least width a long path keeps where it starts and where the
// user is, shortening the app's long name between them; a click on the
// shortened crumb still goes back to the app.
func TestALongPathShortensItsMiddleAndStaysClickable(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	long := "Acme Shop, the storefront app for members in every market we serve today"
	apps, _ := api.Lookup("apps")
	if _, err := d.client.Update(context.Background(), apps, nil, "1", []byte(`{"name":"`+long+`"}`)); err != nil {
		t.Fatal(err)
	}
	d.send(tea.WindowSizeMsg{Width: 60, Height: 16})
	d.key("ctrl+r")
	d.waitFor("Acme Shop, the")
	d.settle()
	d.key("enter")
	d.waitFor("Data points")
	d.key("enter")
	s := d.until("the platforms", func(s string) bool { return strings.HasSuffix(crumbsOf(s), "› platforms") })
	crumbs := crumbsOf(s)
	if !strings.HasPrefix(crumbs, "apps › Acme Shop, the") || !strings.Contains(crumbs, "… › platforms") || len([]rune(crumbs)) > 60 {
		t.Fatalf("crumbs at 60 columns: %q", crumbs)
	}
	d.settle()
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 30, Y: 1}) // within the shortened name
	d.until("the app's kinds", func(s string) bool {
		return strings.HasPrefix(crumbsOf(s), "apps › Acme Shop, the") && !strings.Contains(crumbsOf(s), "platforms")
	})
}
