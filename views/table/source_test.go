package table

import (
	"fmt"
	"hash/fnv"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// thinRows are rows as a big list gives them: a search key and a Sum, no
// cells; cells holds the cells a CellSource gives back for them, by ID.
func thinRows(first, n int, cells map[string][]string) []Row {
	oses := []string{"iOS", "Android", "MobileWeb", "tvOS"}
	rows := make([]Row, n)
	for i := range rows {
		id := fmt.Sprint(1000 + first + i)
		c := []string{id, fmt.Sprintf("App-%06d", first+i), oses[(first+i)%len(oses)]}
		cells[id] = c
		rows[i] = Row{ID: id, Key: strings.ToLower(strings.Join(c, "\x1f")), Sum: SumCells(c)}
	}
	return rows
}

// Rows given without cells are drawn from the table's CellSource, only
// those on screen; they filter, sort, measure and append as rows with
// cells do, and the table keeps no key of theirs beside its index.
func TestRowsWithoutCells(t *testing.T) {
	cells := map[string][]string{}
	var asked []string
	m := New(viewtest.Common(), cols)
	m.SetCellSource(func(row int) []string { id := m.Rows()[row].ID; asked = append(asked, id); return cells[id] })
	m.SetSize(80, 11) // header + 10 rows
	m.SetRows(thinRows(0, 500, cells))
	m.AppendRows(thinRows(500, 500, cells))

	view := viewtest.Plain(m.View())
	if !strings.Contains(view, "App-000000") || !strings.Contains(view, "MobileWeb") {
		t.Fatalf("the cells on screen are not the source's:\n%s", view)
	}
	if len(asked) > 10 {
		t.Errorf("the source was asked for %d rows to draw 10", len(asked))
	}
	for i, r := range m.Rows() {
		if r.Key != "" {
			t.Fatalf("row %d keeps its key %q beside the index", i, r.Key)
		}
	}
	if w := m.content[1]; w != len("App-000000") {
		t.Errorf("the name column measured %d wide, want %d", w, len("App-000000"))
	}

	m.SetFilter("app-0009")
	if m.Len() != 100 {
		t.Errorf("filter app-0009 shows %d rows, want 100", m.Len())
	}
	m.SetFilter("")

	m.sortBy(1, true)
	if id := m.rows[m.visible[0]].ID; id != "1999" {
		t.Errorf("sorted by name descending, the first row is %s, want 1999", id)
	}
	m.AppendRows(thinRows(1000, 1, cells))
	if id := m.rows[m.visible[0]].ID; id != "2000" {
		t.Errorf("a row appended to the sorted table went elsewhere than the top: the top is %s", id)
	}
}

// A merge of rows without cells finds a row changed by its Sum.
func TestMergeRowsWithoutCells(t *testing.T) {
	cells := map[string][]string{}
	m := New(viewtest.Common(), cols)
	m.SetCellSource(func(row int) []string { return cells[m.Rows()[row].ID] })
	m.SetSize(80, 11)
	m.SetRows(thinRows(0, 50, cells))

	next := thinRows(0, 50, map[string][]string{})
	c := []string{"1007", "App-000007 (renamed)", "tvOS"}
	next[7] = Row{ID: "1007", Key: strings.ToLower(strings.Join(c, "\x1f")), Sum: SumCells(c)}
	cells["1007"] = c
	got := m.MergeRows(next)
	if got != (Merged{Changed: 1}) || !m.Fresh("1007") {
		t.Fatalf("merge: %+v, 1007 fresh %v; want one row changed, 1007", got, m.Fresh("1007"))
	}
	if view := viewtest.Plain(m.View()); !strings.Contains(view, "App-000007 (renamed)") {
		t.Fatalf("the renamed row is not drawn:\n%s", view)
	}
}

// Without a source, a row given without cells shows its key's cells.
func TestRowsWithoutCellsOrSource(t *testing.T) {
	m, _ := newTable(t, thinRows(0, 3, map[string][]string{}), 80, 11)
	if view := viewtest.Plain(m.View()); !strings.Contains(view, "app-000001") {
		t.Fatalf("the key's cells are not drawn:\n%s", view)
	}
}

// A table that reserved room for its rows keeps them where they are as
// they come, and shows, filters and sorts them as one that did not.
func TestReserveChangesNothingShown(t *testing.T) {
	for _, tt := range []struct {
		name, filter string
		sort         int
	}{{"plain", "", -1}, {"filtered", "ios", -1}, {"sorted", "", 1}, {"negated", "!android", -1}} {
		t.Run(tt.name, func(t *testing.T) {
			var views [2]string
			var shown [2][]int
			for k, reserve := range []bool{false, true} {
				cells := map[string][]string{}
				m := New(viewtest.Common(), cols)
				m.SetCellSource(func(row int) []string { return cells[m.Rows()[row].ID] })
				m.SetSize(80, 11)
				m.SetRows(thinRows(0, 100, cells))
				m.SetFilter(tt.filter)
				if tt.sort >= 0 {
					m.sortBy(tt.sort, true)
				}
				var at *Row
				if reserve {
					m.Reserve(NewRoom(1000, thinRows(0, 10, map[string][]string{})))
					at = &m.rows[0]
				}
				for first := 100; first < 1000; first += 300 {
					m.AppendRows(thinRows(first, 300, cells))
				}
				if reserve && at != &m.rows[0] {
					t.Error("the rows were moved though room was reserved for them")
				}
				views[k], shown[k] = viewtest.Plain(m.View()), m.visible
			}
			if views[0] != views[1] || fmt.Sprint(shown[0]) != fmt.Sprint(shown[1]) {
				t.Fatalf("reserved:\n%s\nnot:\n%s", views[1], views[0])
			}
		})
	}
}

// BenchmarkSumCells: a row's Sum, as the load makes one per row, against
// the standard library's FNV-1a (hash/fnv, a hasher per row as SumCells
// is called) over the same cells and separators: the same sum, without
// the hasher's allocations.
func BenchmarkSumCells(b *testing.B) {
	cells := []string{"12345", "App 012345", "iOS, Android", "2020-01-01 00:01", "2020-01-01 00:01"}
	b.Run("SumCells", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = SumCells(cells)
		}
	})
	b.Run("hash/fnv", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h := fnv.New64a()
			for _, c := range cells {
				h.Write([]byte(c))
				h.Write([]byte{rowKeySep})
			}
			_ = h.Sum64()
		}
	})
}

// SumCells is FNV-1a over the cells, each followed by the separator.
func TestSumCellsIsFNV1a(t *testing.T) {
	for _, cells := range [][]string{nil, {""}, {"a"}, {"App 1", "iOS"}, {"Ünïcode", "", "x"}} {
		h := fnv.New64a()
		for _, c := range cells {
			h.Write([]byte(c))
			h.Write([]byte{rowKeySep})
		}
		if got, want := SumCells(cells), h.Sum64(); got != want {
			t.Errorf("SumCells(%q) = %x, FNV-1a %x", cells, got, want)
		}
	}
}
