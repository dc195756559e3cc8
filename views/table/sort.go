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
// directions.
func sortedOrder(rows []Row, col int, desc bool) []int {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	if col < 0 || len(rows) < 2 {
		return order
	}
	keys := make([]sortKey, len(rows))
	for i, r := range rows {
		c := ""
		if col < len(r.Cells) {
			c = r.Cells[col]
		}
		keys[i] = makeSortKey(c)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		c := compareKeys(keys[a], keys[b])
		if desc {
			return -c
		}
		return c
	})
	return order
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
