package table

import (
	"slices"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// renamed, inserted and without make a list as a later read returns it:
// a row's name changed, rows added before index at, rows gone.
func renamed(rows []Row, id, name string) []Row {
	out := slices.Clone(rows)
	for i, r := range out {
		if r.ID == id {
			out[i] = Row{ID: r.ID, Cells: []string{r.Cells[0], name, r.Cells[2]}}
		}
	}
	return out
}

func inserted(rows []Row, at int, add ...Row) []Row {
	return slices.Insert(slices.Clone(rows), at, add...)
}

func without(rows []Row, ids ...string) []Row {
	return slices.DeleteFunc(slices.Clone(rows), func(r Row) bool { return slices.Contains(ids, r.ID) })
}

func row(id, name, os string) Row { return Row{ID: id, Cells: []string{id, name, os}} }

// screenLine is the line of the table's view (0 the header) holding the
// cursor mark.
func screenLine(t *testing.T, m *Model) int {
	t.Helper()
	for i, l := range strings.Split(viewtest.Plain(m.View()), "\n") {
		if strings.HasPrefix(l, cursorMark) {
			return i
		}
	}
	t.Fatal("no cursor on screen")
	return -1
}

func TestMergeRowsReportsWhatChanged(t *testing.T) {
	old := appRows(50)
	for _, tc := range []struct {
		name  string
		rows  []Row
		want  Merged
		fresh []string
	}{
		{"nothing", slices.Clone(old), Merged{}, nil},
		{"a cell", renamed(old, "1010", "renamed"), Merged{Changed: 1}, []string{"1010"}},
		{"a row at the top", inserted(old, 0, row("999", "new", "iOS")), Merged{Added: 1}, []string{"999"}},
		{"a row in the middle", inserted(old, 20, row("5000", "new", "iOS")), Merged{Added: 1}, []string{"5000"}},
		{"rows removed", without(old, "1000", "1025", "1049"), Merged{Removed: 3}, nil},
		{"all three", inserted(renamed(without(old, "1003"), "1040", "x"), 10, row("7", "seven", "tvOS")),
			Merged{Changed: 1, Added: 1, Removed: 1}, []string{"1040", "7"}},
		{"reordered", append(slices.Clone(old[25:]), old[:25]...), Merged{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newTable(t, old, 80, 12)
			got := m.MergeRows(tc.rows)
			if got != tc.want {
				t.Fatalf("merged %+v, want %+v", got, tc.want)
			}
			var fresh []string
			for _, r := range tc.rows {
				if m.Fresh(r.ID) {
					fresh = append(fresh, r.ID)
				}
			}
			slices.Sort(fresh)
			slices.Sort(tc.fresh)
			if !slices.Equal(fresh, tc.fresh) {
				t.Fatalf("fresh rows %v, want %v", fresh, tc.fresh)
			}
			if m.Total() != len(tc.rows) {
				t.Fatalf("%d rows, want %d", m.Total(), len(tc.rows))
			}
		})
	}
}

// The cursor stays on its entity, at the same line of the screen, when
// rows above it come and go; when its own row goes, the row below takes
// its place.
func TestMergeRowsKeepsTheCursorOnItsEntity(t *testing.T) {
	old := appRows(200)
	for _, tc := range []struct {
		name string
		rows []Row
		want string
	}{
		{"a row added above", inserted(old, 3, row("1", "one", "iOS"), row("2", "two", "iOS")), "1100"},
		{"rows removed above", without(old, "1001", "1050", "1099"), "1100"},
		{"a row added below", inserted(old, 150, row("1", "one", "iOS")), "1100"},
		{"its row changed", renamed(old, "1100", "still here"), "1100"},
		{"its row removed", without(old, "1100"), "1101"},
		{"its row and the one below removed", without(old, "1100", "1101", "1050"), "1099"},
		{"its row and both beside it removed", without(old, "1099", "1100", "1101"), "1102"},
		{"the last row removed", without(old, "1199"), "1198"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newTable(t, old, 80, 12)
			start := "1100"
			if strings.Contains(tc.name, "last") {
				start = "1199"
			}
			m.SetCursorID(start)
			m.move(-3) // the cursor away from the window's edge
			m.move(3)
			line := screenLine(t, m)
			m.MergeRows(tc.rows)
			if got := selectedID(m); got != tc.want {
				t.Fatalf("cursor on %s, want %s", got, tc.want)
			}
			if got := screenLine(t, m); got != line {
				t.Fatalf("cursor moved from screen line %d to %d", line, got)
			}
		})
	}
}

// The filter and the sort hold: the merged table shows what a table given
// the new rows whole, filtered and sorted alike, shows.
func TestMergeRowsKeepsFilterAndSort(t *testing.T) {
	old := appRows(300)
	rows := inserted(without(old, "1110"), 0, row("1", "app-000199x", "iOS"))
	rows = renamed(rows, "1150", "gone from the filter")
	ids := func(m *Model) []string {
		var out []string
		for _, r := range m.visible {
			out = append(out, m.rows[r].ID)
		}
		return out
	}
	merged, _ := newTable(t, old, 80, 12)
	whole, _ := newTable(t, rows, 80, 12)
	for _, m := range []*Model{merged, whole} {
		m.sortBy(1, true) // name, descending
		m.SetFilter("app-0001")
	}
	merged.SetCursorID("1105")
	merged.MergeRows(rows)
	if col, desc := merged.Sort(); col != 1 || !desc || merged.Filter() != "app-0001" {
		t.Fatalf("sort %d %v, filter %q", col, desc, merged.Filter())
	}
	if got, want := ids(merged), ids(whole); !slices.Equal(got, want) || len(got) != 99 {
		t.Fatalf("visible rows %d, want %d (%v…)", len(got), len(want), got[:3])
	}
	if got := ids(merged)[0]; got != "1" {
		t.Fatalf("first row %s, want the added one", got)
	}
	if selectedID(merged) != "1105" {
		t.Fatalf("cursor on %s", selectedID(merged))
	}
}

// A plan made in another goroutine against rows the table has since
// replaced is made again: the merge is never wrong.
func TestApplyMergeOfAStalePlan(t *testing.T) {
	old := appRows(20)
	m, _ := newTable(t, old, 80, 12)
	plan := m.MergeBase().Plan(renamed(old, "1005", "x"))
	m.SetRows(without(old, "1005"))
	m.sortBy(1, true) // and sorted since
	got := m.ApplyMerge(plan)
	if got != (Merged{Added: 1}) || !m.Fresh("1005") {
		t.Fatalf("merged %+v", got)
	}
	if r := m.rows[m.visible[0]]; r.ID != "1005" { // "x" first, by name descending
		t.Fatalf("first row %s: the plan's order was not made for the sort", r.ID)
	}
}

// The row the cursor waits for (a create's reload) is chosen when the
// merge brings it.
func TestMergeRowsSelectsTheRowWaitedFor(t *testing.T) {
	old := appRows(20)
	m, _ := newTable(t, old, 80, 12)
	m.SetCursorID("77")
	m.MergeRows(inserted(old, 5, row("77", "created", "iOS")))
	if selectedID(m) != "77" {
		t.Fatalf("cursor on %s", selectedID(m))
	}
}

// Fresh rows carry a mark in the right margin, so they show without
// colour, until ClearFresh.
func TestFreshRowsAreMarked(t *testing.T) {
	old := appRows(10)
	m, _ := newTable(t, old, 60, 12)
	m.MergeRows(renamed(old, "1003", "renamed"))
	marked := func() []string {
		var out []string
		for _, l := range strings.Split(viewtest.Plain(m.View()), "\n") {
			if strings.HasSuffix(l, freshMark) {
				out = append(out, strings.Fields(l)[0])
			}
		}
		return out
	}
	if got := marked(); !slices.Equal(got, []string{"1003"}) {
		t.Fatalf("marked rows %v\n%s", got, viewtest.Plain(m.View()))
	}
	for _, l := range strings.Split(viewtest.Plain(m.View()), "\n")[1:] { // the rows
		if w := len([]rune(l)); w != 60 {
			t.Fatalf("line of %d cells: %q", w, l)
		}
	}
	m.ClearFresh()
	if got := marked(); len(got) != 0 || m.HasFresh() {
		t.Fatalf("still marked: %v", got)
	}
}

// A list that changed wholesale is not highlighted row by row.
func TestMergeOfAWholesaleChangeMarksNothing(t *testing.T) {
	old := appRows(3000)
	rows := make([]Row, len(old))
	for i, r := range old {
		rows[i] = Row{ID: r.ID, Cells: []string{r.ID, "other", r.Cells[2]}}
	}
	m, _ := newTable(t, old, 80, 12)
	if got := m.MergeRows(rows); got.Changed != 3000 || m.HasFresh() {
		t.Fatalf("merged %+v, fresh %v", got, m.HasFresh())
	}
}

// mergeBench is a 100 000-row table and the next read of its list: ten
// rows renamed, one added near the top, one removed further down. The rows
// bring their search keys, as a listed entity's do (Entity.SearchKey),
// and the cursor is on row cursor.
func mergeBench(b *testing.B, cursor string) (*Model, []Row, []Row) {
	b.Helper()
	keyed := func(r Row) Row {
		r.Key = strings.ToLower(strings.Join(r.Cells, "\x1f"))
		return r
	}
	old := appRows(100_000)
	for i := range old {
		old[i] = keyed(old[i])
	}
	m, _ := newTable(b, old, benchW, benchH)
	m.SetCursorID(cursor)
	next := slices.Clone(old)
	for i := range 10 {
		r := next[i*9_000+7]
		next[i*9_000+7] = keyed(Row{ID: r.ID, Cells: []string{r.Cells[0], r.Cells[1] + "-renamed", r.Cells[2]}})
	}
	next = without(inserted(next, 100, keyed(row("1", "new", "iOS"))), "1500")
	return m, old, next
}

// A whole merge of 100 000 rows on the UI thread: plan and apply.
func BenchmarkMergeRows100k(b *testing.B) {
	m, old, next := mergeBench(b, "51000")
	lists := [2][]Row{next, old}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		got := m.MergeRows(lists[i%2])
		i++
		if got.Changed != 10 {
			b.Fatalf("merged %+v", got)
		}
	}
}

// The part of a merge the UI thread runs when the plan was made in the
// request's goroutine: swapping the rows in, filtering them and placing
// the cursor. The plans are made untimed.
func BenchmarkApplyMerge100k(b *testing.B) {
	for _, filter := range []string{"", "app-05"} {
		b.Run("filter="+filter, func(b *testing.B) {
			m, old, next := mergeBench(b, "51000")
			m.SetFilter(filter)
			lists := [2][]Row{next, old}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				p := m.MergeBase().Plan(lists[i%2])
				i++
				b.StartTimer()
				m.ApplyMerge(p)
			}
			if selectedID(m) != "51000" {
				b.Fatalf("cursor on %s", selectedID(m))
			}
		})
	}
}

// The plan alone, as the request's goroutine makes it.
func BenchmarkMergePlan100k(b *testing.B) {
	m, _, next := mergeBench(b, "51000")
	base := m.MergeBase()
	b.ReportAllocs()
	for b.Loop() {
		_ = base.Plan(next)
	}
}

// A merge while the filter is being typed leaves the prompt open and the
// typing goes on over the new rows.
func TestMergeWhileTheFilterIsTyped(t *testing.T) {
	old := appRows(200)
	m, _ := newTable(t, old, 80, 12)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	typeText(m, "app-0001")
	m.MergeRows(inserted(old, 0, row("1", "app-0001xx", "iOS")))
	if !m.Filtering() || m.Filter() != "app-0001" || m.Len() != 101 {
		t.Fatalf("prompt %v, filter %q, %d rows", m.Filtering(), m.Filter(), m.Len())
	}
	typeText(m, "x")
	if m.Len() != 1 || selectedID(m) != "1" {
		t.Fatalf("%d rows after typing on, cursor on %s", m.Len(), selectedID(m))
	}
}

// A merge keeps the marks of the rows still there and drops those of the
// rows gone, and the columns take the width of the merged rows' content.
func TestMergeKeepsMarksAndMeasuresTheNewRows(t *testing.T) {
	old := appRows(20)
	m, _ := newTable(t, old, 120, 30)
	m.ToggleMark() // 1000, and the cursor moves to 1001
	m.ToggleMark() // 1001
	long := strings.Repeat("n", 60)
	m.MergeRows(renamed(without(old, "1000"), "1005", long))
	if m.MarkCount() != 1 || !m.IsMarked("1001") || m.IsMarked("1000") {
		t.Fatalf("after the merge: %d marked, 1001 %v, 1000 %v", m.MarkCount(), m.IsMarked("1001"), m.IsMarked("1000"))
	}
	if !strings.Contains(viewtest.Plain(m.View()), long) {
		t.Fatalf("the merged long name is cut:\n%s", viewtest.Plain(m.View()))
	}
}
