package table

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

func markedIDs(m *Model) []string {
	rows, _ := m.Marked()
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

// ToggleMark marks the cursor row and moves down, so space, space marks
// two rows; on a marked row it unmarks.
func TestToggleMarkMarksAndMovesDown(t *testing.T) {
	m, c := newTable(t, appRows(5), 60, 8)
	for range 2 {
		if !m.ToggleMark() {
			t.Fatal("ToggleMark did not mark")
		}
	}
	if got := markedIDs(m); !slices.Equal(got, []string{"1000", "1001"}) || m.Cursor() != 2 {
		t.Fatalf("marked %v with the cursor on %d, want 1000 1001 and 2", got, m.Cursor())
	}
	send(m, viewtest.Key(c.Keys.Nav.Up))
	if m.ToggleMark() {
		t.Fatal("ToggleMark on a marked row marked it")
	}
	if got := markedIDs(m); !slices.Equal(got, []string{"1000"}) || m.MarkCount() != 1 {
		t.Fatalf("after unmarking 1001: %v", got)
	}
	// The last row: it is marked and the cursor stays.
	send(m, viewtest.Key(c.Keys.Nav.Bottom))
	m.ToggleMark()
	if m.Cursor() != 4 || !m.IsMarked("1004") {
		t.Fatalf("the last row: cursor %d, marked %v", m.Cursor(), markedIDs(m))
	}
	m.ClearMarks()
	if m.MarkCount() != 0 || len(markedIDs(m)) != 0 {
		t.Fatalf("ClearMarks left %v", markedIDs(m))
	}
	empty, _ := newTable(t, nil, 60, 8)
	if empty.ToggleMark() || empty.MarkAll() != 0 {
		t.Fatal("an empty table marked a row")
	}
}

// Marks belong to the rows' IDs: a filter hides a mark without dropping
// it, a sort reorders the marked rows, a reload keeps the marks of the rows
// still there and drops the others, and appended rows keep every mark.
func TestMarksSurviveFilterSortAndReload(t *testing.T) {
	m, _ := newTable(t, appRows(20), 60, 12)
	m.SetCursorID("1003")
	m.ToggleMark()
	m.SetCursorID("1012")
	m.ToggleMark()

	m.SetFilter("app-00001")
	rows, hidden := m.Marked()
	if len(rows) != 2 || hidden != 1 {
		t.Fatalf("under the filter: %d marked, %d hidden; want 2 and 1", len(rows), hidden)
	}
	m.SetFilter("")
	m.sortBy(1, true) // name, descending
	if got := markedIDs(m); !slices.Equal(got, []string{"1012", "1003"}) {
		t.Fatalf("sorted descending: %v", got)
	}

	rows20 := appRows(20)
	m.AppendRows(appRows(25)[20:])
	if m.MarkCount() != 2 {
		t.Fatalf("appending rows changed the marks: %v", markedIDs(m))
	}
	// A reload without 1012 (deleted) drops its mark.
	reload := slices.DeleteFunc(slices.Clone(rows20), func(r Row) bool { return r.ID == "1012" })
	m.SetRows(reload)
	if got := markedIDs(m); !slices.Equal(got, []string{"1003"}) {
		t.Fatalf("after a reload without 1012: %v", got)
	}
	m.SetRows(nil)
	if m.MarkCount() != 0 {
		t.Fatalf("an empty reload kept %d marks", m.MarkCount())
	}
}

// MarkAll marks the rows the filter shows, and only those.
func TestMarkAllMarksTheFilteredRows(t *testing.T) {
	m, _ := newTable(t, appRows(30), 60, 12)
	m.SetFilter("app-00002")
	if n := m.MarkAll(); n != 10 {
		t.Fatalf("MarkAll under the filter marked %d, want 10", n)
	}
	for _, id := range markedIDs(m) {
		if id < "1020" || id > "1029" {
			t.Fatalf("marked %s, which the filter hides", id)
		}
	}
	m.SetFilter("")
	if n := m.MarkAll(); n != 30 {
		t.Fatalf("MarkAll without a filter: %d marked, want 30", n)
	}
}

// A marked row shows a * in the mark column, without colour; the column
// comes with the first mark and goes with the last, every row keeps the
// table's width, and the cursor's › is still the cursor's alone.
func TestMarkedRowsShowWithoutColour(t *testing.T) {
	km := keymap.Default()
	c := views.NewCommon(theme.New(theme.Options{NoColor: true}), &km)
	m := New(c, cols)
	m.SetSize(60, 8)
	m.SetRows(appRows(5))
	lines := func() []string { return strings.Split(viewtest.Plain(m.View()), "\n") }
	if strings.Contains(strings.Join(lines()[1:], "\n"), markGlyph) {
		t.Fatalf("a mark with nothing marked:\n%s", strings.Join(lines(), "\n"))
	}
	header := lines()[0]

	m.ToggleMark() // 1000 marked, the cursor on 1001
	m.SetCursorID("1002")
	m.ToggleMark() // 1002 marked, the cursor on 1003
	send(m, viewtest.Key(c.Keys.Nav.Up))
	ls := lines()
	want := []string{" * ", "   ", "›* ", "   ", "   "}
	for i, w := range want {
		if !strings.HasPrefix(ls[i+1], w) {
			t.Fatalf("row %d starts %q, want %q:\n%s", i, ls[i+1][:min(len(ls[i+1]), 4)], w, strings.Join(ls, "\n"))
		}
	}
	if !strings.HasPrefix(ls[0], "  ") || ls[0] == header {
		t.Fatalf("the header did not make room for the mark column: %q", ls[0])
	}
	for i, l := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(l); w > 60 || (i > 0 && w != 60) {
			t.Fatalf("line %d is %d cells, want a row of 60: %q", i, w, l)
		}
	}
	if strings.Count(viewtest.Plain(m.View()), cursorMark) != 1 {
		t.Fatalf("› marks more than the cursor row:\n%s", viewtest.Plain(m.View()))
	}
	m.ClearMarks()
	if got := lines()[0]; got != header || strings.Contains(strings.Join(lines()[1:], "\n"), markGlyph) {
		t.Fatalf("the mark column stayed after the marks were cleared:\n%s", strings.Join(lines(), "\n"))
	}
}

// A marked row is drawn in the theme's Marked style (the cursor row keeps
// the Selected style).
func TestMarkedRowsUseTheThemesStyle(t *testing.T) {
	m, c := newTable(t, appRows(3), 60, 6)
	m.SetCursorID("1001")
	m.ToggleMark()
	want := c.Styles.Table.Marked.Render(" " + markGlyph + " ")
	if row := strings.Split(m.View().Content, "\n")[2]; !strings.HasPrefix(row, want[:strings.Index(want, markGlyph)]) {
		t.Fatalf("the marked row is not in the Marked style: %q (style starts %q)", row, want)
	}
}
