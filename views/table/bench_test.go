package table

import (
	"regexp"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

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
func BenchmarkTableFilterBackspace100k(b *testing.B) { benchBackspace(b, backspaceQuery) }

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
func BenchmarkTableFilterTyping100k(b *testing.B) { benchTyping(b, typingQueries) }

// The same queries negated: each key narrows what the query matches and
// widens what shows (every row but those).
func BenchmarkTableFilterTypingInverse100k(b *testing.B) {
	benchTyping(b, []string{"!app-01234", "!ios", "!mobileweb", "!app-09999"})
}

// Fuzzy queries: "~ap01234" matches every row for its first five keys.
func BenchmarkTableFilterTypingFuzzy100k(b *testing.B) {
	benchTyping(b, []string{"~ap01234", "~ios", "~mbweb", "~a09999"})
}

// Regexes as typed, each key a substring or a regex on the way: anchors,
// a dot, a run, a choice.
func BenchmarkTableFilterTypingRegex100k(b *testing.B) {
	benchTyping(b, []string{"^app-01.3", "app-0.*5$", "(ios|tvos)$", "^10[0-9]5"})
}

// Field equality: each key compares one cell of every row.
func BenchmarkTableFilterTypingField100k(b *testing.B) {
	benchTyping(b, []string{"os=ios", "name=app-012345", "os!=tvos"})
}

// benchTyping types each query one key at a time into the open prompt of
// a table of 100 000 rows, clearing the prompt (untimed) after each.
// ns/worstkey is the update of the costliest key of the queries (by its
// place in them), averaged over its occurrences.
func benchTyping(b *testing.B, queries []string) {
	m := benchTable(b, 100_000)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	var keys []tea.Msg
	var ends []bool // the key ends its query
	for _, q := range queries {
		typed := viewtest.Type(q)
		for i, k := range typed {
			keys = append(keys, k)
			ends = append(ends, i == len(typed)-1)
		}
	}
	var update, frame time.Duration
	byKey := make([]time.Duration, len(keys))
	count := make([]int, len(keys))
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
		byKey[k] += t1.Sub(t0)
		count[k]++
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
	var worst float64
	for k := range byKey {
		if count[k] > 0 {
			worst = max(worst, float64(byKey[k].Nanoseconds())/float64(count[k]))
		}
	}
	b.ReportMetric(float64(update.Nanoseconds())/float64(i), "ns/key")
	b.ReportMetric(float64(frame.Nanoseconds())/float64(i), "ns/frame")
	b.ReportMetric(worst, "ns/worstkey")
}

// Deleting a fuzzy query and a regex one character at a time: the typed
// history restores each shorter query's rows, as for a substring.
func BenchmarkTableFilterBackspaceFuzzy100k(b *testing.B) { benchBackspace(b, "~app-012345") }
func BenchmarkTableFilterBackspaceRegex100k(b *testing.B) { benchBackspace(b, "^app-01.*5$") }

// benchBackspace types q (untimed), then deletes it one character at a
// time down to nothing, and again: ns/key is the update a backspace costs,
// ns/frame the frame that shows it, ns/worstkey the update of the
// costliest deletion, averaged over its occurrences.
func benchBackspace(b *testing.B, q string) {
	m := benchTable(b, 100_000)
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	bs := viewtest.Press("backspace")
	typed := viewtest.Type(q)
	retype := func() {
		for _, k := range typed {
			m.Update(k)
		}
	}
	retype()
	var update, frame time.Duration
	byLen := make([]time.Duration, len(q)+1) // update time by query length before the key
	count := make([]int, len(q)+1)
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
		if m.Filter() != q[:n-1] {
			b.Fatalf("backspace on %q left %q", q[:n], m.Filter())
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

// benchKeys is 100 000 rows' search keys, and the rows in order.
func benchKeys() (searchIndex, []int) {
	ix := newSearchIndex(appRows(100_000))
	src := make([]int, len(ix.end))
	for i := range src {
		src[i] = i
	}
	return ix, src
}

// sahilm/fuzzy over 100 000 keys, against the table's own test of plain
// keys (fuzzyScan): why the table decides plain keys itself.
func BenchmarkFuzzyLibrary100k(b *testing.B) {
	ix, src := benchKeys()
	keys := make([]string, len(src))
	for r := range src {
		keys[r] = ix.key(r)
	}
	at := make([]int32, len(src))
	out := make([]int, 0, len(src))
	for _, q := range []string{"ios", "ap01234"} {
		b.Run("library/"+q, func(b *testing.B) {
			for b.Loop() {
				_ = fuzzy.FindNoSort(q, keys)
			}
		})
		fq := newFuzzyQuery(q)
		b.Run("table/"+q, func(b *testing.B) {
			for b.Loop() {
				out, _ = ix.fuzzyScan(out[:0], src, &fq, at, -1, nil)
			}
		})
	}
}

// A regex run by package regexp over 100 000 keys with (?i) on every
// letter, against the lower-cased literals the table gives it.
func BenchmarkRegexFoldCase100k(b *testing.B) {
	ix, src := benchKeys()
	for _, p := range []string{"app-01.3", "ios$"} {
		for _, re := range []*regexp.Regexp{regexp.MustCompile("(?i)" + p), regexp.MustCompile(p)} {
			b.Run(re.String(), func(b *testing.B) {
				for b.Loop() {
					for r := range src {
						_ = re.MatchString(ix.key(r))
					}
				}
			})
		}
	}
}

// Regexes of the common shapes over 100 000 keys, by package regexp and
// by the table's string searches (glob); a substring search of every key
// for scale. (ios|tvos)+ is not a glob: the table runs package regexp.
func BenchmarkRegexShapes100k(b *testing.B) {
	ix, src := benchKeys()
	out := make([]int, 0, len(src))
	b.Run("substring/app-01", func(b *testing.B) {
		for b.Loop() {
			out, _ = ix.filter(out[:0], src, "app-01", make([]int32, len(src)), -1)
		}
	})
	for _, p := range []string{"^app-01", "ios$", "app-01.3", "app-0.*5$", "(ios|tvos)$", "(ios|tvos)+"} {
		x, err := compileRowRegex(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("regexp/"+p, func(b *testing.B) {
			for b.Loop() {
				for r := range src {
					_ = x.match(ix.key(r), false)
				}
			}
		})
		if x.globs == nil {
			continue
		}
		b.Run("glob/"+p, func(b *testing.B) {
			for b.Loop() {
				out, _ = ix.regexScan(out[:0], src, x, -1, nil)
			}
		})
	}
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
