package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Rows appended in batches to a sorted table are merged into the order
// exactly where sorting them all would put them: numbers, text in natural
// order, many equal cells (which keep server order), empty and missing
// cells, both directions, batches of every size; and rows given without
// cells (sorted by their search keys) land where the same rows with cells do.
func TestMergeSortedMatchesSort(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	cells := []string{"", "0", "-1.5", "10", "9", "app-9", "App-10", "app-010", "ios", "iOS", "Android", " x ", "1e3"}
	rows := make([]Row, 600)
	for i := range rows {
		rows[i] = Row{ID: fmt.Sprint(i), Cells: []string{cells[rnd.IntN(len(cells))], cells[rnd.IntN(3)]}}
		if i%50 == 7 {
			rows[i].Cells = rows[i].Cells[:1] // a row without the second cell
		}
	}
	thin := make([]Row, len(rows)) // the same rows as keys, without cells
	for i, r := range rows {
		thin[i] = Row{ID: r.ID, Key: strings.ToLower(strings.Join(r.Cells, "\x1f"))}
	}
	ix, thinIx := newSearchIndex(slices.Clone(rows)), newSearchIndex(thin)
	for _, col := range []int{0, 1} {
		for _, desc := range []bool{false, true} {
			for _, size := range []int{1, 7, 64, 599} {
				t.Run(fmt.Sprintf("col%d desc=%v batch=%d", col, desc, size), func(t *testing.T) {
					order := sortedOrder(rows[:size], &ix, col, desc)
					thinOrder := sortedOrder(thin[:size], &thinIx, col, desc)
					for first := size; first < len(rows); first += size {
						end := min(first+size, len(rows))
						order = mergeSorted(order, rows[:end], &ix, first, col, desc)
						if want := sortedOrder(rows[:end], &ix, col, desc); !slices.Equal(order, want) {
							t.Fatalf("after rows %d to %d: %v\nsorted whole: %v", first, end, order, want)
						}
						thinOrder = mergeSorted(thinOrder, thin[:end], &thinIx, first, col, desc)
						if !slices.Equal(thinOrder, order) {
							t.Fatalf("rows without cells, after rows %d to %d: %v\nwith cells: %v", first, end, thinOrder, order)
						}
					}
				})
			}
		}
	}
}
