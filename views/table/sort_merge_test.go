package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// Rows appended in batches to a sorted table are merged into the order
// exactly where sorting them all would put them: numbers, text in natural
// order, many equal cells (which keep server order), empty and missing
// cells, both directions, batches of every size.
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
	for _, col := range []int{0, 1} {
		for _, desc := range []bool{false, true} {
			for _, size := range []int{1, 7, 64, 599} {
				t.Run(fmt.Sprintf("col%d desc=%v batch=%d", col, desc, size), func(t *testing.T) {
					order := sortedOrder(rows[:size], col, desc)
					for first := size; first < len(rows); first += size {
						end := min(first+size, len(rows))
						order = mergeSorted(order, rows[:end], first, col, desc)
						if want := sortedOrder(rows[:end], col, desc); !slices.Equal(order, want) {
							t.Fatalf("after rows %d to %d: %v\nsorted whole: %v", first, end, order, want)
						}
					}
				})
			}
		}
	}
}
