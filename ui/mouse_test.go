package ui_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/ui"
)

// cursorRow is the screen line of the table's cursor row (marked ›).
func cursorRow(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "›") {
			return l
		}
	}
	return ""
}

// firstCell is the first cell of a table line, cursor mark or not.
func firstCell(l string) string {
	f := strings.Fields(strings.TrimPrefix(l, "›"))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// testClock is a clock a test moves by hand.
type testClock struct{ t atomic.Int64 }

func newClock() *testClock {
	c := &testClock{}
	c.t.Store(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}
func (c *testClock) now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *testClock) advance(d time.Duration) { c.t.Add(int64(d)) }

func TestMouseIsOnUnlessTurnedOff(t *testing.T) {
	for _, c := range []struct {
		off  bool
		want tea.MouseMode
	}{{false, tea.MouseModeCellMotion}, {true, tea.MouseModeNone}} {
		d := start(t, fixture{ui: ui.Options{NoMouse: c.off}})
		d.waitFor("Acme Shop")
		if got := d.m.View().MouseMode; got != c.want {
			t.Errorf("NoMouse=%v: mouse mode %v, want %v", c.off, got, c.want)
		}
		if c.off { // and the mouse does nothing
			before := cursorRow(d.settle())
			d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 5, Y: 5})
			if got := cursorRow(d.screen()); got != before {
				t.Errorf("the wheel moved the cursor with the mouse off: %q → %q", before, got)
			}
		}
	}
}

// The wheel scrolls the table; a click selects a row; a second click on
// it within the double-click time opens it, one after does not.
func TestMouseWheelClickAndDoubleClickOnTheTable(t *testing.T) {
	clock := newClock()
	d := start(t, fixture{ui: ui.Options{Now: clock.now}})
	d.waitFor("Acme Shop")
	s := d.settle()
	rows := strings.Split(s, "\n")[3:7] // the four apps, under the header and the column titles
	if firstCell(cursorRow(s)) != firstCell(rows[0]) {
		t.Fatalf("cursor not on the first row:\n%s", s)
	}
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 10, Y: 6})
	if got := cursorRow(d.screen()); firstCell(got) != firstCell(rows[3]) {
		t.Fatalf("after a wheel step down the cursor is on %q, want the fourth row %q", got, rows[3])
	}
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelUp, X: 10, Y: 6})
	if got := cursorRow(d.screen()); firstCell(got) != firstCell(rows[0]) {
		t.Fatalf("after a wheel step up the cursor is on %q", got)
	}

	// Row 2 (third line of the body: header, column titles, row 1, row 2).
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 10, Y: 4})
	if got := cursorRow(d.screen()); firstCell(got) != firstCell(rows[1]) {
		t.Fatalf("a click on %q put the cursor on %q", rows[1], got)
	}
	clock.advance(time.Second) // too late for a double click
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 10, Y: 4})
	if s := d.screen(); crumbsOf(s) != "apps" {
		t.Fatalf("two clicks a second apart opened the row:\n%s", s)
	}
	clock.advance(200 * time.Millisecond)
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 10, Y: 4})
	name := strings.Join(strings.Fields(rows[1])[1:3], " ") // "Acme Rewards"
	d.until("the row opened", func(s string) bool { return strings.HasPrefix(crumbsOf(s), "apps › "+name) })
}

// A click on a breadcrumb goes back to that level.
func TestMouseClickOnABreadcrumbGoesBack(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("acme shop")
	d.key("enter")
	d.key("enter")
	d.waitFor("Data points")
	d.key("enter")
	d.until("the platforms", func(s string) bool { return crumbsOf(s) == "apps › Acme Shop › platforms" })
	d.settle()
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 9, Y: 1}) // "Acme Shop"
	d.until("Acme Shop's kinds", func(s string) bool { return crumbsOf(s) == "apps › Acme Shop" })
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 1, Y: 1}) // "apps"
	s := d.until("the apps", func(s string) bool { return crumbsOf(s) == "apps" })
	if !strings.Contains(s, "/acme shop") {
		t.Fatalf("the apps lost their filter:\n%s", s)
	}
}

// The wheel reaches the inspector (an overlay scrolls itself).
func TestMouseWheelScrollsTheInspector(t *testing.T) {
	d := start(t, fixture{})
	d.send(tea.WindowSizeMsg{Width: 100, Height: 16})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("i")
	d.waitFor("app 1")
	s := d.settle()
	body := strings.Split(s, "\n")[3]
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 10, Y: 8})
	if got := strings.Split(d.screen(), "\n")[3]; got == body {
		t.Fatalf("the wheel did not scroll the inspector:\n%s", d.screen())
	}
}
