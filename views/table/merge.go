package table

import "slices"

// A list refreshed in the background replaces the rows shown without the
// user losing their place: MergeRows keeps the cursor on its entity (on
// its nearest neighbour when it went), at the same line of the screen
// when it can, and keeps the filter and the sort. The rows the new list
// changed or added are fresh: drawn in the Changed style, with freshMark
// in the right margin (so they show without colour too), until the root
// calls ClearFresh (the table reads no clock).
//
// The comparison is the costly part (every cell of every row), so it can
// be made off the UI thread: MergeBase, on the UI thread, notes what the
// table holds; Plan, in any goroutine, compares the new rows with it and
// builds their search index and sort order; ApplyMerge, back on the UI
// thread, swaps them in, filters and places the cursor. A plan made
// against rows the table no longer holds (or another sort) is made again
// there, so it is never wrong, only slower. MergeRows is the three at once.

// freshMark marks, in the right margin, a row the last merge changed or
// added. No other mark of the table is drawn there.
const freshMark = "•"

// maxFresh is the most rows a merge highlights: past it the list changed
// wholesale, and marking most of it would say nothing.
const maxFresh = 1000

// Merged says what a merge changed.
type Merged struct {
	Changed, Added, Removed int
}

// Any reports whether the merge changed anything.
func (g Merged) Any() bool { return g.Changed+g.Added+g.Removed > 0 }

// MergeBase is what a table held when a refresh was asked for: the rows
// to compare the new ones with, and the sort to order them by. It holds
// no reference to the table, so Plan may run in another goroutine.
type MergeBase struct {
	rows     []Row
	sortCol  int
	sortDesc bool
}

// MergePlan is a merge made ready off the UI thread.
type MergePlan struct {
	base     []Row
	rows     []Row
	index    searchIndex
	sortCol  int
	sortDesc bool
	order    []int
	fresh    []string            // ids of the rows changed or added
	gone     map[string]struct{} // ids of the rows removed
	merged   Merged
}

// MergeBase notes the rows shown and the sort, for Plan.
func (m *Model) MergeBase() MergeBase {
	return MergeBase{rows: m.rows, sortCol: m.sortCol, sortDesc: m.sortDesc}
}

// Plan compares rows, a new full list, with the base: which rows changed
// (same ID, other cells; for rows given without cells, another Sum),
// were added or removed. It also builds their
// search index and their order under the base's sort. It reads only the
// base and rows (which nobody modifies), so it may run in any goroutine.
//
// Lists keep their order from one read to the next, so the common start
// and end (by ID) are compared in place and only what lies between is
// matched by ID through a map: a row added at the top costs a map of one.
func (b MergeBase) Plan(rows []Row) *MergePlan {
	return b.plan(rows, nil)
}

// plan is Plan with rows' search index already made (nil: made here).
func (b MergeBase) plan(rows []Row, ix *searchIndex) *MergePlan {
	p := &MergePlan{base: b.rows, rows: rows, sortCol: b.sortCol, sortDesc: b.sortDesc}
	old := b.rows
	n := min(len(old), len(rows))
	changed := func(o, r Row) {
		if o.Cells == nil && r.Cells == nil && o.Sum != r.Sum || !slices.Equal(o.Cells, r.Cells) {
			p.merged.Changed++
			p.note(r.ID)
		}
	}
	pre := 0
	for pre < n && old[pre].ID == rows[pre].ID {
		changed(old[pre], rows[pre])
		pre++
	}
	suf := 0
	for suf < n-pre && old[len(old)-1-suf].ID == rows[len(rows)-1-suf].ID {
		changed(old[len(old)-1-suf], rows[len(rows)-1-suf])
		suf++
	}
	midOld, midNew := old[pre:len(old)-suf], rows[pre:len(rows)-suf]
	if len(midOld)+len(midNew) > 0 {
		at := make(map[string]int, len(midOld))
		for i, r := range midOld {
			if _, dup := at[r.ID]; !dup {
				at[r.ID] = i
			}
		}
		matched := make([]bool, len(midOld))
		for _, r := range midNew {
			if i, ok := at[r.ID]; ok && !matched[i] {
				matched[i] = true
				changed(midOld[i], r)
				continue
			}
			p.merged.Added++
			p.note(r.ID)
		}
		for i, r := range midOld {
			if !matched[i] {
				p.merged.Removed++
				if p.gone == nil {
					p.gone = map[string]struct{}{}
				}
				p.gone[r.ID] = struct{}{}
			}
		}
	}
	if ix != nil {
		p.index = *ix
	} else {
		p.index = newSearchIndex(rows)
	}
	p.order = sortedOrder(rows, &p.index, b.sortCol, b.sortDesc)
	return p
}

// note records a changed or added row, up to maxFresh of them.
func (p *MergePlan) note(id string) {
	if len(p.fresh) <= maxFresh {
		p.fresh = append(p.fresh, id)
	}
}

// MergeRows replaces the rows with rows, a new full list of the same kind
// (see ApplyMerge).
func (m *Model) MergeRows(rows []Row) Merged {
	return m.ApplyMerge(m.MergeBase().Plan(rows))
}

// ApplyMerge replaces the rows with the plan's. The filter and the sort
// hold; the cursor stays on its row's ID (or the row SetCursorID waits
// for), on the same screen line when the window allows; when that row is
// gone it goes to the nearest row that is still there, looking down first,
// as the row below would take its place. The rows the plan found changed
// or added are fresh until ClearFresh, unless there are more than
// maxFresh. A plan made against other rows or another sort is brought up
// to date first.
func (m *Model) ApplyMerge(p *MergePlan) Merged {
	if !sameSlice(p.base, m.rows) {
		p = m.MergeBase().plan(p.rows, &p.index) // the rows' keys are in p's index
	} else if p.sortCol != m.sortCol || p.sortDesc != m.sortDesc {
		p.order = sortedOrder(p.rows, &p.index, m.sortCol, m.sortDesc)
	}
	id := m.wantID
	if id == "" {
		if r, ok := m.Selected(); ok {
			id = r.ID
		}
	}
	line := m.cursor - m.offset
	var near []string // when the cursor's row is gone: the rows around it, nearest first
	if _, gone := p.gone[id]; gone && m.wantID == "" {
		near = m.neighbours(p.gone)
	}

	m.wantID = ""
	m.loading = false
	m.rows = p.rows
	m.pruneMarks()
	m.index = p.index
	m.remeasure()
	m.order = p.order
	if cap(m.buf) < len(m.rows) {
		m.buf = make([]int, 0, len(m.rows))
	}
	if len(m.at) < len(m.rows) {
		m.at = make([]int32, len(m.rows))
	}
	m.cur = spec{} // new rows: scan them whole
	m.history.reset()
	m.filterFrom(-1)

	m.fresh = nil
	if len(p.fresh) > 0 && len(p.fresh) <= maxFresh {
		m.fresh = make(map[string]struct{}, len(p.fresh))
		for _, f := range p.fresh {
			m.fresh[f] = struct{}{}
		}
	}

	at := m.visibleIndex(id)
	for i := 0; at < 0 && i < len(near); i++ {
		at = m.visibleIndex(near[i])
	}
	if at >= 0 {
		m.cursor = at
		m.offset = at - line
	}
	m.clamp()
	return p.merged
}

// sameSlice reports whether a and b are the same slice: the same array
// from the same start, as long.
func sameSlice[E any](a, b []E) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// neighbours lists the visible rows around the cursor that are not gone,
// nearest first, those below before those above at the same distance; at
// most a page's worth each way.
func (m *Model) neighbours(gone map[string]struct{}) []string {
	var out []string
	reach := max(m.page(), 16)
	for d := 1; d <= reach; d++ {
		for _, i := range []int{m.cursor + d, m.cursor - d} {
			if i < 0 || i >= len(m.visible) {
				continue
			}
			if id := m.rows[m.visible[i]].ID; !isIn(gone, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

func isIn(set map[string]struct{}, id string) bool {
	_, ok := set[id]
	return ok
}

// visibleIndex is the position of the row with this ID among the visible
// rows, -1 when it is not there.
func (m *Model) visibleIndex(id string) int {
	if id == "" {
		return -1
	}
	for i, r := range m.visible {
		if m.rows[r].ID == id {
			return i
		}
	}
	return -1
}

// Fresh reports whether the row with this ID was changed or added by the
// last merge and is still highlighted.
func (m *Model) Fresh(id string) bool { return isIn(m.fresh, id) }

// HasFresh reports whether any row is highlighted.
func (m *Model) HasFresh() bool { return len(m.fresh) > 0 }

// ClearFresh ends the highlight of the rows the last merge changed.
func (m *Model) ClearFresh() { m.fresh = nil }
