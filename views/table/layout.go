package table

import (
	"strings"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views/text"
)

// Column widths
//
// A column is as wide as what it holds: its widest cell, or its title with
// room for the sort arrow when that is wider (natural). The widest cell of
// each column is measured when rows arrive, by SetRows for all of them and
// by AppendRows for the new batch only (measure), never while drawing a
// frame; a cell no longer in bytes than the widest so far is skipped
// unread, and one of printable ASCII is as wide as it is long. A streamed
// list therefore only widens its columns as batches arrive, and only when a
// batch holds a wider cell; a filter or a sort changes no width.
//
// No column takes more than a third of the table (at least capMin cells)
// while others need the room (capped). The first column and the flexible
// (name) column are placed first; the others follow in order while they fit
// whole, and the first that does not fit hides itself and every column
// after it (a column cut to a few cells cannot be read). What width is left
// goes first to the columns the cap cut, the flexible ones first, up to
// what they hold, then to up to pad cells of padding after each column;
// the rest stays empty at the right. The name column is never wider than
// its longest name, and a wide terminal shows every column whole.
//
// Before any row arrives (loading, an empty list) a column asks for its
// declared Width, or its title's.

const (
	capMin = 20 // the least a column's cap gets (a name stays readable)
	pad    = 2  // the most padding after a column on a wide table
)

// remeasure measures every row's cells anew (rows replaced, columns
// changed) and lays the columns out.
func (m *Model) remeasure() {
	if len(m.content) != len(m.cols) {
		m.content = make([]int, len(m.cols))
	}
	clear(m.content)
	m.measure(0)
	m.layout()
}

// measure widens the columns' content widths to the widest cells of rows
// and reports whether one grew.
func (m *Model) measure(from int) bool {
	grew := false
	for r := from; r < len(m.rows); r++ {
		cells := m.rows[r].Cells
		n := len(cells)
		if cells == nil { // a row given without cells: its key's, lower-cased, are as wide
			n = m.index.cellCount(r)
		}
		for i := range min(n, len(m.content)) {
			var s string
			if cells != nil {
				s = cells[i]
			} else {
				s, _, _ = m.index.cell(r, i)
			}
			if len(s) <= m.content[i] {
				continue // no cell is wider than its bytes (see widthBound)
			}
			if w := widthOver(s, m.content[i]); w > m.content[i] {
				m.content[i], grew = w, true
			}
		}
	}
	return grew
}

// widthOver is cellWidth(s) when that may be more than least, and at most
// least when it cannot be: printable ASCII is as wide as it is long, and
// a cell whose widthBound is not more than least is not measured.
func widthOver(s string, least int) int {
	if ascii(s) {
		return len(s)
	}
	if b := widthBound(s); b <= least {
		return b
	}
	return text.Width(termtext.Sanitize(s))
}

// cellWidth is the width of a cell as renderRow draws it (sanitized).
func cellWidth(s string) int {
	if ascii(s) {
		return len(s)
	}
	return text.Width(termtext.Sanitize(s))
}

// ascii reports whether s is printable ASCII only.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// widthBound is never less than cellWidth(s), and cheap: no character is
// wider than two cells, and none below U+1100 (where the wide ones start)
// is wider than one, nor an invalid byte (drawn as U+FFFD); a mark
// joining the character before it counts though it adds no width.
func widthBound(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 || r < 0x1100 {
			n++
		} else {
			n += 2
		}
		i += size
	}
	return n
}

// layout computes column widths for the current width and content.
//
// left/right (nav) scroll the columns after the first (the id stays), so
// every column can be read on a narrow terminal; « and » in the header
// (moreLeftMark, moreRightMark) say there is more. They are not the cursor row's ›
// (cursorMark), so the two read apart without colour.
func (m *Model) layout() {
	m.colOff = min(m.colOff, max(0, len(m.cols)-2))
	vis := make([]int, 0, len(m.cols))
	for i := range m.cols {
		if i == 0 || i > m.colOff {
			vis = append(vis, i)
		}
	}
	sub := make([]Column, len(vis))
	nat := make([]int, len(vis))
	for j, i := range vis {
		sub[j] = m.cols[i]
		nat[j] = m.natural(i)
	}
	width := m.common.Width - m.markCells()
	w := layoutColumns(sub, nat, width)
	want := capped(nat, width-2)
	m.widths = make([]int, len(m.cols))
	m.want = make([]int, len(m.cols))
	for j, i := range vis {
		m.widths[i], m.want[i] = w[j], want[j]
	}
}

// natural is the width column i asks for: its widest cell or its title,
// or, before any row arrived, its declared width.
func (m *Model) natural(i int) int {
	c := m.cols[i]
	if len(m.rows) == 0 || i >= len(m.content) {
		return wantWidth(c)
	}
	return max(titleWidth(c), m.content[i])
}

// moreRight reports whether a column is hidden on the right, or cut to
// less than its share.
func (m *Model) moreRight() bool {
	for i := max(1, m.colOff+1); i < len(m.cols); i++ {
		if m.widths[i] < m.want[i] {
			return true
		}
	}
	return false
}

// wantWidth is the width a column asks for before it holds rows: its
// declared one, or its title's with room for a sort arrow.
func wantWidth(c Column) int {
	if c.Width > 0 {
		return c.Width
	}
	return text.Width(c.Title) + 2
}

// titleWidth is the least width of a column holding rows: its title with
// room for a sort arrow, unless the column was declared narrower (a mark
// column one cell wide).
func titleWidth(c Column) int {
	t := text.Width(c.Title)
	if c.Width > 0 {
		return min(t+2, max(c.Width, t))
	}
	return t + 2
}

// capped is each natural width within the cap of a table avail cells wide.
func capped(natural []int, avail int) []int {
	limit := max(capMin, avail/3)
	out := make([]int, len(natural))
	for i, n := range natural {
		out[i] = min(n, limit)
	}
	return out
}

// layoutColumns gives each column its width within width cells (a margin
// of one cell each side, gap cells between shown columns), from the widths
// they ask for (natural); a hidden column gets 0. See "Column widths"
// above.
func layoutColumns(cols []Column, natural []int, width int) []int {
	widths := make([]int, len(cols))
	avail := width - 2
	want := capped(natural, avail)
	keep := make([]bool, len(cols))
	used, shown := 0, 0
	for i, c := range cols {
		if i == 0 || c.Flex > 0 {
			keep[i] = true
			used += want[i]
			shown++
		}
	}
	used += gap * max(0, shown-1)
	for i := range cols {
		if keep[i] {
			continue
		}
		if used+gap+want[i] > avail {
			break
		}
		keep[i] = true
		used += gap + want[i]
		shown++
	}
	// Lay the kept columns out left to right, cutting what overflows.
	used = 0
	first, last := true, -1
	for i := range cols {
		if !keep[i] {
			continue
		}
		if !first {
			used += gap
		}
		first = false
		w := want[i]
		if used+w > avail {
			w = max(0, avail-used)
		}
		widths[i] = w
		used += w
		last = i
	}
	extra := avail - used
	// The columns the cap cut grow back toward what they hold, the
	// flexible ones first.
	for _, flex := range []bool{true, false} {
		for i, c := range cols {
			if extra <= 0 {
				break
			}
			if keep[i] && (c.Flex > 0) == flex && natural[i] > widths[i] {
				add := min(extra, natural[i]-widths[i])
				widths[i] += add
				extra -= add
			}
		}
	}
	// Padding after every column but the last, the same for each.
	if shown > 1 && extra > 0 {
		p := min(pad, extra/(shown-1))
		for i := range cols {
			if keep[i] && i != last {
				widths[i] += p
			}
		}
	}
	return widths
}

// spaces is blank room to write without allocating: 256 spaces.
const (
	spaces16 = "                "
	spaces64 = spaces16 + spaces16 + spaces16 + spaces16
	spaces   = spaces64 + spaces64 + spaces64 + spaces64
)

// writeSpaces writes n spaces to b (the room left right of the columns,
// on every row of a frame).
func writeSpaces(b *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(spaces))
		b.WriteString(spaces[:k])
		n -= k
	}
}
