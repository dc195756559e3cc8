package table

// Marks
//
// Rows are marked for an action on several at once (the root deletes or
// edits the marked rows). The table keeps the marked rows' IDs in a set
// beside the rows, so a mark follows its entity through a filter, a sort
// and a reload (SetRows, AppendRows); a reload without the row drops its
// mark. Only rows shown can be marked: MarkAll marks what the filter lets
// through, and a mark the filter then hides stays (Marked counts it apart).
//
// While a row is marked the table draws a mark column of two cells after
// the cursor's margin: '*' and a space on each marked row, so a mark reads without
// colour (NO_COLOR, TERM=dumb) and never looks like the cursor's ›. The
// columns give those cells up while any row is marked.

// markGlyph marks a marked row in the mark column (as the comparison's
// mark).
const markGlyph = "*"

// ToggleMark marks the cursor row, or unmarks it when it is marked, and
// moves the cursor to the next row (space, then space marks the rows one
// after the other). It reports whether the row is marked now; false when
// there is no row.
func (m *Model) ToggleMark() bool {
	r, ok := m.Selected()
	if !ok {
		return false
	}
	before := len(m.marks)
	_, on := m.marks[r.ID]
	if on {
		delete(m.marks, r.ID)
	} else {
		if m.marks == nil {
			m.marks = map[string]struct{}{}
		}
		m.marks[r.ID] = struct{}{}
	}
	m.marksChanged(before)
	m.move(1)
	return !on
}

// MarkAll marks every row shown: with a filter, the rows it lets through.
// It returns how many rows are marked.
func (m *Model) MarkAll() int {
	before := len(m.marks)
	if m.marks == nil {
		m.marks = make(map[string]struct{}, len(m.visible))
	}
	for _, r := range m.visible {
		m.marks[m.rows[r].ID] = struct{}{}
	}
	m.marksChanged(before)
	return len(m.marks)
}

// ClearMarks unmarks every row.
func (m *Model) ClearMarks() {
	before := len(m.marks)
	clear(m.marks)
	m.marksChanged(before)
}

// MarkCount is the number of marked rows.
func (m *Model) MarkCount() int { return len(m.marks) }

// IsMarked reports whether the row id is marked.
func (m *Model) IsMarked(id string) bool {
	_, ok := m.marks[id]
	return ok
}

// Marked returns the marked rows in the table's order (its sort), also
// those the filter hides; hidden counts the latter.
func (m *Model) Marked() (rows []Row, hidden int) {
	if len(m.marks) == 0 {
		return nil, 0
	}
	shown := 0
	for _, r := range m.visible {
		if m.IsMarked(m.rows[r].ID) {
			shown++
		}
	}
	rows = make([]Row, 0, len(m.marks))
	for _, r := range m.order {
		if m.IsMarked(m.rows[r].ID) {
			rows = append(rows, m.rows[r])
		}
	}
	return rows, len(rows) - shown
}

// pruneMarks drops the marks of rows that are no longer there (a reload
// without them: deleted, or gone on the server).
func (m *Model) pruneMarks() {
	if len(m.marks) == 0 {
		return
	}
	before := len(m.marks)
	ids := make(map[string]bool, len(m.marks))
	for _, r := range m.rows {
		if m.IsMarked(r.ID) {
			ids[r.ID] = true
		}
	}
	for id := range m.marks {
		if !ids[id] {
			delete(m.marks, id)
		}
	}
	m.marksChanged(before)
}

// marksChanged counts a change of the marks and lays the columns out
// again when the mark column comes or goes (the first mark made, the last
// one dropped). Marks are only added or only dropped at once, so their
// number tells whether they changed.
func (m *Model) marksChanged(before int) {
	if before != len(m.marks) {
		m.markSeq++
	}
	if (before == 0) != (len(m.marks) == 0) {
		m.layout()
	}
}

// MarkSeq counts the changes of the marks: a root acting on the marked
// rows later (once their entities are read) acts only while it is the
// same.
func (m *Model) MarkSeq() int { return m.markSeq }

// markCells is the width of the mark column: the glyph and a space while
// a row is marked, nothing otherwise.
func (m *Model) markCells() int {
	if len(m.marks) == 0 {
		return 0
	}
	return 2
}
