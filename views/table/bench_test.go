package table

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// A frame is one View of a 120×40 table (a common terminal less the header,
// status bar and error pane).
const benchW, benchH = 120, 40

func benchTable(b *testing.B, n int) *Model {
	b.Helper()
	m, _ := newTable(b, appRows(n), benchW, benchH)
	return m
}

func benchFrame(b *testing.B, n int) {
	m := benchTable(b, n)
	m.Update(viewtest.Key(m.common.Keys.Nav.Bottom)) // the far end: no cheap first page
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkTableView100(b *testing.B)  { benchFrame(b, 100) }
func BenchmarkTableView100k(b *testing.B) { benchFrame(b, 100_000) }

// One frame with a filter applied, so rows carry highlighted matches.
func BenchmarkTableViewFiltered100k(b *testing.B) {
	m := benchTable(b, 100_000)
	m.SetFilter("app-01")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// One more character typed into the filter over 100 000 rows, and the frame
// that shows it. "app-0" matches every row, so the narrowing pass scans all
// 100 000 keys: the worst case for a growing query.
func BenchmarkTableFilterKeystroke100k(b *testing.B) {
	m := benchTable(b, 100_000)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	one := viewtest.Press("1")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		m.SetFilter("app-0")
		b.StartTimer()
		m.Update(one)
		_ = m.View()
	}
	if m.Filter() != "app-01" || m.Len() != 10_000 {
		b.Fatalf("filter %q matched %d", m.Filter(), m.Len())
	}
}

// Deleting a character: the query shrinks, so the full set is scanned.
func BenchmarkTableFilterBackspace100k(b *testing.B) {
	m := benchTable(b, 100_000)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	bs := viewtest.Press("backspace")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		m.SetFilter("app-0123")
		b.StartTimer()
		m.Update(bs)
		_ = m.View()
	}
}

// One cursor move and its frame at 100 000 rows.
func BenchmarkTableCursorMove100k(b *testing.B) {
	m := benchTable(b, 100_000)
	keys := []tea.Msg{viewtest.Key(m.common.Keys.Nav.Down), viewtest.Key(m.common.Keys.Nav.Up)}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// Sorting 100 000 rows by a text column (a key press: '>').
func BenchmarkTableSort100k(b *testing.B) {
	m := benchTable(b, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.sortBy(1, !m.sortDesc)
	}
}

// Loading 100 000 rows (SetRows: search keys, sort, filter, cursor).
func BenchmarkTableSetRows100k(b *testing.B) {
	rows := appRows(100_000)
	m := benchTable(b, 10)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.SetRows(rows)
	}
}
