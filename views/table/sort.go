package table

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// sortedOrder returns the row indices sorted by column col (server order
// when col < 0). The sort is stable: equal cells keep server order, in both
// directions. ix is the rows' search index (for the rows given without
// cells: a sort key is lower-cased anyway).
func sortedOrder(rows []Row, ix *searchIndex, col int, desc bool) []int {
	return sortedFrom(rows, ix, 0, col, desc)
}

// sortedFrom is sortedOrder of rows[first:], as indices into rows.
func sortedFrom(rows []Row, ix *searchIndex, first, col int, desc bool) []int {
	order := make([]int, len(rows)-first)
	for i := range order {
		order[i] = first + i
	}
	if col < 0 || len(order) < 2 {
		return order
	}
	keys := make([]sortKey, len(order))
	for i := range keys {
		keys[i] = makeSortKey(sortCell(rows, ix, first+i, col))
	}
	slices.SortStableFunc(order, func(a, b int) int {
		c := compareKeys(keys[a-first], keys[b-first])
		if desc {
			return -c
		}
		return c
	})
	return order
}

// sortCell is the text row r sorts by in column col: its cell, or for a
// row given without cells its search key's (lower-cased, as makeSortKey
// would make it).
func sortCell(rows []Row, ix *searchIndex, r, col int) string {
	if cells := rows[r].Cells; cells != nil {
		if col < len(cells) {
			return cells[col]
		}
		return ""
	}
	s, _, _ := ix.cell(r, col)
	return s
}

// mergeSorted returns order (the indices of rows[:first], sorted by column
// col) with the rows from first on merged in, as sortedOrder would place
// them: the new rows are sorted among themselves, then each goes after
// every row already there that it does not precede, found by a binary
// search from where the one before it went. Equal cells keep server order
// (the new rows come after their equals). O(b log b + b log n) comparisons
// and one copy of order, for b new rows among n.
func mergeSorted(order []int, rows []Row, ix *searchIndex, first, col int, desc bool) []int {
	add := sortedFrom(rows, ix, first, col, desc)
	key := func(r int) sortKey { return makeSortKey(sortCell(rows, ix, r, col)) }
	out := make([]int, 0, len(order)+len(add))
	at := 0
	for _, r := range add {
		k := key(r)
		n, _ := slices.BinarySearchFunc(order[at:], k, func(o int, k sortKey) int {
			c := compareKeys(key(o), k)
			if desc {
				c = -c
			}
			if c == 0 {
				return -1 // an equal row already there stays before r
			}
			return c
		})
		out = append(append(out, order[at:at+n]...), r)
		at += n
	}
	return append(out, order[at:]...)
}

// reorder sets the row order and recomputes visible for the filter.
func (m *Model) reorder(order []int) {
	m.order = order
	m.cur = spec{} // order changed: scan it whole
	m.history.reset()
	m.filterFrom(-1)
}

// sortKey is a cell prepared for comparison.
type sortKey struct {
	num   float64
	isNum bool
	s     string // lower-cased text
}

func makeSortKey(c string) sortKey {
	t := strings.TrimSpace(c)
	if t != "" && strings.ContainsRune("0123456789+-.", rune(t[0])) {
		if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsNaN(f) {
			return sortKey{num: f, isNum: true, s: t}
		}
	}
	return sortKey{s: strings.ToLower(t)}
}

// compareKeys orders numbers numerically and before text, and text in
// natural order.
func compareKeys(a, b sortKey) int {
	switch {
	case a.isNum && b.isNum:
		return cmp.Compare(a.num, b.num)
	case a.isNum:
		return -1
	case b.isNum:
		return 1
	}
	return natural(a.s, b.s)
}

// natural compares strings with runs of digits compared by value, so that
// "app9" < "app10".
func natural(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			ra, rb := strings.TrimLeft(a[si:i], "0"), strings.TrimLeft(b[sj:j], "0")
			if len(ra) != len(rb) {
				return cmp.Compare(len(ra), len(rb))
			}
			if c := strings.Compare(ra, rb); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
		i++
		j++
	}
	return cmp.Compare(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
