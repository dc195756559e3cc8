package table

import (
	"testing"
	"time"

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
// 100 000 keys: the worst case for a growing query. "app-0" is set anew
// from an empty query, untimed: a search of every key, as the key typed
// before it would have made (restoring it from the history would search
// nothing and leave the keys' memory colder than typing does).
func BenchmarkTableFilterKeystroke100k(b *testing.B) {
	m := benchTable(b, 100_000)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	one := viewtest.Press("1")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		m.SetFilter("")
		m.SetFilter("app-0")
		b.StartTimer()
		m.Update(one)
		_ = m.View()
	}
	if m.Filter() != "app-01" || m.Len() != 10_000 {
		b.Fatalf("filter %q matched %d", m.Filter(), m.Len())
	}
}

// backspaceQuery is typed one key at a time, then deleted one character at
// a time down to nothing: each deletion widens the result, up to every row
// ("app-0" and shorter match all 100 000).
const backspaceQuery = "app-012345"

// Deleting a typed query one character at a time over 100 000 rows: ns/key
// is the update (the prompt and the filter) a backspace costs, ns/frame the
// frame that shows it, ns/op both; ns/worstkey is the update of the
// costliest deletion, averaged over its occurrences ("app-01" → "app-0",
// which brings back 90 000 rows). The query is retyped, untimed, after it
// is deleted.
func BenchmarkTableFilterBackspace100k(b *testing.B) {
	m := benchTable(b, 100_000)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	bs := viewtest.Press("backspace")
	typed := viewtest.Type(backspaceQuery)
	retype := func() {
		for _, k := range typed {
			m.Update(k)
		}
	}
	retype()
	var update, frame time.Duration
	var byLen [len(backspaceQuery) + 1]time.Duration // update time by query length before the key
	var count [len(backspaceQuery) + 1]int
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		n := len(m.Filter())
		t0 := time.Now()
		m.Update(bs)
		t1 := time.Now()
		_ = m.View()
		t2 := time.Now()
		update += t1.Sub(t0)
		frame += t2.Sub(t1)
		byLen[n] += t1.Sub(t0)
		count[n]++
		if m.Filter() != backspaceQuery[:n-1] {
			b.Fatalf("backspace on %q left %q", backspaceQuery[:n], m.Filter())
		}
		if m.Filter() == "" {
			b.StopTimer()
			retype()
			b.StartTimer()
		}
		i++
	}
	var worst float64
	for n := range byLen {
		if count[n] > 0 {
			worst = max(worst, float64(byLen[n].Nanoseconds())/float64(count[n]))
		}
	}
	b.ReportMetric(float64(update.Nanoseconds())/float64(i), "ns/key")
	b.ReportMetric(float64(frame.Nanoseconds())/float64(i), "ns/frame")
	b.ReportMetric(worst, "ns/worstkey")
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

// typingQueries are typed one key at a time, the prompt cleared between
// them. "app-0…" matches every row at first, so each key narrows a large
// result; "ios" and "mobileweb" start from a quarter of the rows.
var typingQueries = []string{"app-01234", "ios", "mobileweb", "app-09999"}

// Typing a query one key at a time over 100 000 rows: ns/key is the
// update (the prompt and the filter) a key costs, ns/frame the frame that
// shows it; ns/op is both.
func BenchmarkTableFilterTyping100k(b *testing.B) {
	m := benchTable(b, 100_000)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	var keys []tea.Msg
	var ends []bool // the key ends its query
	for _, q := range typingQueries {
		for i, k := range viewtest.Type(q) {
			keys = append(keys, k)
			ends = append(ends, i == len(q)-1)
		}
	}
	var update, frame time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		k := i % len(keys)
		t0 := time.Now()
		m.Update(keys[k])
		t1 := time.Now()
		_ = m.View()
		t2 := time.Now()
		update += t1.Sub(t0)
		frame += t2.Sub(t1)
		if ends[k] {
			b.StopTimer()
			if m.Len() == 0 || m.Len() == m.Total() {
				b.Fatalf("query %q matched %d of %d rows", m.Filter(), m.Len(), m.Total())
			}
			m.SetFilter("")
			b.StartTimer()
		}
		i++
	}
	b.ReportMetric(float64(update.Nanoseconds())/float64(i), "ns/key")
	b.ReportMetric(float64(frame.Nanoseconds())/float64(i), "ns/frame")
}

// One frame of 100 000 rows, every one marked (the mark column and a set
// lookup per row on screen).
func BenchmarkTableViewMarked100k(b *testing.B) {
	m := benchTable(b, 100_000)
	m.MarkAll()
	m.Update(viewtest.Key(m.common.Keys.Nav.Bottom))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// * over 100 000 rows: every row shown marked, from none.
func BenchmarkTableMarkAll100k(b *testing.B) {
	m := benchTable(b, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.ClearMarks()
		m.MarkAll()
	}
}

// A reload of 100 000 rows with 1 000 of them marked: the marks of rows
// still there are kept (pruneMarks) as the rows are indexed again.
func BenchmarkTableReloadMarked100k(b *testing.B) {
	rows := appRows(100_000)
	m, _ := newTable(b, rows, benchW, benchH)
	m.SetFilter("app-0001")
	m.MarkAll()
	m.SetFilter("")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.SetRows(rows)
	}
}
