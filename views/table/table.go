// Package table is the console's one resource table: generic over columns
// and rows, with a cursor, paging, sorting and a live filter, built to feel
// the same with 100 000 rows as with 100.
//
// # Design
//
// The table keeps three index slices over the rows it was given and never
// copies the rows themselves:
//
//	order    every row, in the current sort order (server order when unsorted)
//	visible  the rows of order that match the filter, in the same order
//	cursor   an index into visible; offset is the first visible row on screen
//
// View renders only the window [offset, offset+page) with lipgloss, so a
// frame costs the same whatever the row count (bubbles' table rendered every
// row; see STYLE.md). The filter matches keys lower-cased once when the
// rows arrive, back to back in one buffer (a row's cells as lines: the
// separator cannot be typed, so a match never spans two cells). Its text
// reads as a substring (case-insensitive), !text (the other rows), ~text
// (fuzzy), a regular expression, or column=value (see readFilter), and the
// prompt says which. When the new query contains the previous one, only
// the previous result is scanned, in place: anything matching the longer
// query matched the shorter. When it only grew at its end (typing), each
// row is first checked where the previous query matched it (see
// filter.go), and what each such narrowing dropped is kept, so that a
// backspace restores the previous result without a search (narrowings);
// the fuzzy filter and a regex narrow and restore the same way (fuzzy.go,
// regex.go). The filtered rows live in one array reused from keystroke to
// keystroke.
//
// Sorting is stable and numeric-aware: cells that are numbers compare as
// numbers, other cells compare in natural order ("app9" < "app10"),
// case-insensitively; equal cells keep server order. '>' and '<' move the
// sort column, 'o' reverses it (see package keymap).
//
// The cursor follows the row ID: across a reload (SetRows), a sort and a
// filter change, the same entity stays selected when it is still there.
// State and Restore capture cursor ID, filter, sort and scroll position so
// the root can restore a table on back-navigation, even before its rows have
// been fetched again.
//
// Rows are given as a slice, not through a provider function: the filter
// needs every row's search key up front anyway, and the table keeps the
// caller's slice without copying it (do not modify it after SetRows). A
// row may come without its cells, as a search key (Key) and a Sum: the
// table sorts, measures and filters it by its key, which then lives only
// in the index, and asks its CellSource for the cells of the rows it
// draws. A big list's rows come so: its cells are not held for every row.
//
// The table never acts on rows itself: enter, i, e, c and ctrl+d send an
// ActionMsg for the root to handle. Edit, create and delete are offered (in
// keys and help) only when SetOps says the kind supports them.
//
// Rows can be marked (ToggleMark, MarkAll; see marks.go): the marks are
// kept by row ID, and the root reads them (Marked) to act on several rows
// at once.
package table

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// Column describes one column.
type Column struct {
	Title string
	// Width is the column's width in cells; for a flexible column, its
	// minimum width (0: the title's width).
	Width int
	// Flex > 0 makes the column share the width left over by the fixed
	// columns, in proportion to Flex.
	Flex int
	// Right aligns the column's cells right (numbers).
	Right bool
}

// Row is one entity as the table shows it.
type Row struct {
	ID    string // stable identity, used to keep the cursor across reloads
	Cells []string
	// Key, when set, is the row's search key already made: the cells
	// lower-cased and joined by \x1f (a listed entity's SearchKey). The
	// table builds it from Cells otherwise. The table keeps it in its
	// search index and clears it in the row it holds.
	Key string
	// Sum stands for the cells of a row given without them (a Key and no
	// Cells: the table reads the cells of the rows on screen from its
	// CellSource): a merge finds such a row changed when its Sum is
	// another (see SumCells).
	Sum uint64
}

// CellSource gives the cells of a row the table was given without them,
// by its place among the rows given (SetRows, then each AppendRows after
// them, or the rows of a merge); nil when it has none. The table asks
// only for the rows it draws.
type CellSource func(row int) []string

// SumCells is a Sum of cells: FNV-1a over the cells and their separators,
// as hash/fnv would make it, without its hasher's allocations (48 ns and
// none against 191 ns and 11 for a row of five cells: BenchmarkSumCells).
func SumCells(cells []string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, c := range cells {
		for i := 0; i < len(c); i++ {
			h = (h ^ uint64(c[i])) * prime
		}
		h = (h ^ rowKeySep) * prime
	}
	return h
}

// Ops says which write actions the table offers for its kind.
type Ops struct {
	Create, Edit, Delete bool
	// Actions: the kind has other operations (the root lists them).
	Actions bool
	// Tree: the kind's entities have others under them (the root shows
	// them as a tree).
	Tree bool
	// ReadOnly: the session may not write. Help offers no write key, but
	// the keys of the kind's operations still send their ActionMsg, so the
	// root can say the console is read-only instead of ignoring the key.
	ReadOnly bool
}

// Action is what the user asked to do with the selected row.
type Action int

// The actions a table sends.
const (
	Open    Action = iota + 1 // enter: drill into children, or inspect a leaf
	Inspect                   // i
	Edit                      // e
	Create                    // c (Row is zero)
	Delete                    // ctrl+d
	Actions                   // a: the kind's other operations
	Tree                      // x: the entity and what lies under it
)

func (a Action) String() string {
	switch a {
	case Open:
		return "open"
	case Inspect:
		return "inspect"
	case Edit:
		return "edit"
	case Create:
		return "create"
	case Delete:
		return "delete"
	case Actions:
		return "actions"
	case Tree:
		return "tree"
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// ActionMsg asks the root to act on a row.
type ActionMsg struct {
	Action Action
	Row    Row
}

// State is what back-navigation restores.
type State struct {
	CursorID string
	Filter   string
	SortCol  int // -1: server order
	SortDesc bool
	Offset   int // first row on screen
}

// Model is the table component.
type Model struct {
	common views.Common

	cols    []Column
	widths  []int // per column: its width on screen (0: hidden)
	want    []int // per column: the width it asks for, within the cap
	content []int // per column: its widest cell (see layout.go)

	rows  []Row
	index searchIndex // lower-cased search key per row
	order []int
	// visible is what shows: order when there is no filter, match, or
	// inv when the filter is negated.
	visible []int
	match   []int    // the rows the filter (not negated) selects: order itself, or in buf's array
	buf     []int    // match's array, reused from keystroke to keystroke
	inv     []int    // the negated filter's rows' array, made at the first one
	at      []int32  // per row: where the query matched its key (see searchIndex.filter, fuzzyScan)
	cur     spec     // the filter match was computed for
	tag     struct { // the filter's tag, measured (see tagText)
		text  string
		width int
	}
	history narrowings // how match was narrowed from shorter queries, to undo on backspace

	cursor int
	offset int
	colOff int // columns after the first scrolled off to the left

	sortCol  int
	sortDesc bool

	filter    string
	filtering bool
	input     textinput.Model

	source CellSource // the cells of rows given without them

	ops       Ops
	loading   bool
	emptyText string
	wantID    string // cursor to restore when rows arrive

	marks   map[string]struct{} // the marked rows' IDs (marks.go)
	markSeq int                 // changes of marks (MarkSeq)
	fresh   map[string]struct{} // rows the last merge changed or added, by ID (merge.go)
}

var _ views.Component = (*Model)(nil)

// New returns an empty table with the given columns.
func New(c views.Common, cols []Column) *Model {
	m := &Model{common: c, sortCol: -1, emptyText: "No rows."}
	m.input = textinput.New()
	m.input.Prompt = "/"
	m.input.Placeholder = "text, !not, ~fuzzy, regex or column=value"
	m.input.SetStyles(c.Styles.TextInput())
	m.SetColumns(cols)
	return m
}

// SetColumns replaces the columns. A sort on a column that no longer exists
// is dropped.
func (m *Model) SetColumns(cols []Column) {
	m.cols = append([]Column(nil), cols...)
	if m.sortCol >= len(m.cols) {
		m.sortCol, m.sortDesc = -1, false
		m.resort()
	} else if m.cur.mode == modeField {
		m.cur = spec{} // the column may have moved: filter anew
		m.applyFilter()
	}
	m.remeasure()
}

// SetCellSource sets where the cells of rows given without them (a Key
// and no Cells) are read from when they are drawn. Without one, such a
// row shows its search key's cells (lower-cased).
func (m *Model) SetCellSource(src CellSource) { m.source = src }

// SetOps sets which write actions are offered.
func (m *Model) SetOps(o Ops) { m.ops = o }

// SetLoading marks the table as waiting for rows.
func (m *Model) SetLoading(b bool) { m.loading = b }

// SetEmptyText sets the text shown when there are no rows ("No apps.").
func (m *Model) SetEmptyText(s string) { m.emptyText = s }

// SetRows replaces the rows (a load or a reload). Sort and filter are
// reapplied and the cursor stays on the same row ID when it is still there.
func (m *Model) SetRows(rows []Row) {
	id := m.wantID
	if id == "" {
		if r, ok := m.Selected(); ok {
			id = r.ID
		}
	}
	m.wantID = ""
	m.loading = false
	m.rows = rows
	m.pruneMarks()
	m.index = newSearchIndex(rows)
	m.remeasure()
	if cap(m.buf) < len(rows) {
		m.buf = make([]int, 0, len(rows))
	}
	if len(m.at) < len(rows) {
		m.at = make([]int32, len(rows))
	}
	m.resort()
	if !m.selectID(id) {
		m.clamp()
	}
}

// AppendRows adds rows after those shown (the next batch of a list still
// arriving). The cursor stays on its row and the filter and sort hold: only
// the new rows are indexed and filtered, and without a sort they are
// placed after the others without looking at the rest. With a sort the
// order is computed again.
func (m *Model) AppendRows(rows []Row) {
	if len(rows) == 0 {
		return
	}
	sel := m.selectedRow()
	first := len(m.rows)
	m.rows = append(m.rows, rows...)
	m.index.append(m.rows[first:])
	if m.measure(first) {
		m.layout()
	}
	if len(m.at) < len(m.rows) {
		m.at = append(m.at, make([]int32, len(m.rows)-len(m.at))...)
	}
	if m.sortCol >= 0 {
		m.reorder(mergeSorted(m.order, m.rows, &m.index, first, m.sortCol, m.sortDesc))
		if !m.selectRow(sel) {
			m.clamp()
		}
		return
	}
	for r := first; r < len(m.rows); r++ {
		m.order = append(m.order, r)
	}
	switch {
	case m.cur.empty():
		m.match, m.visible = m.order, m.order
	case m.cur.litOK && m.cur.rx != nil && m.cur.rx.spanFolds && m.index.mixed > 0:
		// The regex was searched for as a substring while every key was
		// plain; it no longer may be.
		m.cur = spec{}
		m.history.reset()
		m.applyFilter()
		return
	default:
		// The new rows narrowed by the filter, after the others; the
		// backspace history does not know them, so it starts anew.
		m.history.reset()
		add := m.order[len(m.order)-len(rows):]
		n := len(m.match)
		m.match, _ = m.scan(m.match, add, m.cur, -1)
		m.buf = m.match[:0]
		m.visible = m.match
		if m.cur.not && !m.cur.unknownColumn() {
			m.inv, _ = complement(m.inv, add, m.match[n:], -1)
			m.visible = m.inv
		}
	}
	if m.loading && len(m.visible) > 0 && sel < 0 {
		m.clamp()
	}
}

// Room is room for a table's rows made ahead (NewRoom), in any goroutine,
// for Reserve to take on the UI thread: a list still arriving, whose size
// is known, is appended without its arrays growing step by step (each
// growth a copy of everything so far, inside an Update), and their
// allocation (and clearing) happens outside Update too.
type Room struct {
	n     int
	rows  []Row
	order []int
	at    []int32
	index searchIndex // its arrays' room
}

// NewRoom makes room for about n rows like sample (rows of the same list,
// with their keys: the room for keys is sized from theirs).
func NewRoom(n int, sample []Row) *Room {
	if n <= 0 || len(sample) == 0 {
		return nil
	}
	keyBytes, cells := 0, 0
	for _, r := range sample {
		keyBytes += len(r.Key) + 2
		cells += max(len(r.Cells), strings.Count(r.Key, string(rowKeySep))+1)
	}
	per, perCells := keyBytes/len(sample)+1, cells/len(sample)+1
	b := &strings.Builder{}
	b.Grow(per * n)
	return &Room{n: n, rows: make([]Row, 0, n), order: make([]int, 0, n), at: make([]int32, n),
		index: searchIndex{b: b, end: make([]int, 0, n), cellEnd: make([]int32, 0, perCells*n),
			cellOf: make([]int32, 0, n+1), plain: make([]bool, 0, n)}}
}

// Reserve takes room r for the rows to come (nil, or room for no more
// rows than the table has room for, changes nothing). The rows held are
// copied into it: reserve while there are few.
func (m *Model) Reserve(r *Room) {
	if r == nil || r.n <= cap(m.rows) || len(m.rows) == 0 {
		return
	}
	m.rows = append(r.rows, m.rows...)
	aliased := sameSlice(m.visible, m.order)
	matched := sameSlice(m.match, m.order)
	m.order = append(r.order, m.order...)
	if aliased { // no filter: the rows shown are the order itself
		m.visible = m.order
	}
	if matched {
		m.match = m.order
	}
	copy(r.at, m.at)
	m.at = r.at
	m.index.adopt(&r.index)
}

// keySep joins cells in the table's search keys: a row's cells are its
// lines, so a regex's ^ and $ match at a cell's edges. It cannot be typed
// into the filter (the prompt makes a pasted newline a space).
// rowKeySep joins them in a Row's Key, made elsewhere.
const (
	keySep    = '\n'
	rowKeySep = '\x1f'
)

// Rows returns the rows as given.
func (m *Model) Rows() []Row { return m.rows }

// Len is the number of rows that pass the filter.
func (m *Model) Len() int { return len(m.visible) }

// Total is the number of rows.
func (m *Model) Total() int { return len(m.rows) }

// Filter is the current filter text.
func (m *Model) Filter() string { return m.filter }

// Filtering reports whether the filter prompt is open.
func (m *Model) Filtering() bool { return m.filtering }

// Sort returns the sort column (-1: server order) and direction.
func (m *Model) Sort() (col int, desc bool) { return m.sortCol, m.sortDesc }

// Cursor is the cursor's position among the visible rows.
func (m *Model) Cursor() int { return m.cursor }

// Selected returns the row under the cursor.
func (m *Model) Selected() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return Row{}, false
	}
	return m.rows[m.visible[m.cursor]], true
}

// SetCursorID puts the cursor on the row id: now if it is shown, else
// when rows holding it arrive (SetRows), as after a create the reload
// brings the new row. Moving the cursor before then cancels it: the
// user's choice wins.
func (m *Model) SetCursorID(id string) {
	if id == "" {
		return
	}
	m.wantID = ""
	if !m.selectID(id) {
		m.wantID = id
	}
}

// State captures cursor, filter, sort and scroll for back-navigation.
func (m *Model) State() State {
	st := State{Filter: m.filter, SortCol: m.sortCol, SortDesc: m.sortDesc, Offset: m.offset}
	if r, ok := m.Selected(); ok {
		st.CursorID = r.ID
	} else {
		st.CursorID = m.wantID
	}
	return st
}

// Restore reapplies a State. When the rows are not loaded yet, the cursor ID
// is kept and applied when they arrive.
func (m *Model) Restore(st State) {
	m.filtering = false
	m.input.Blur()
	m.filter = st.Filter
	m.input.SetValue(st.Filter)
	m.sortCol, m.sortDesc = st.SortCol, st.SortDesc
	if m.sortCol < -1 || m.sortCol >= len(m.cols) {
		m.sortCol, m.sortDesc = -1, false
	}
	m.resort()
	m.offset = max(0, st.Offset)
	if len(m.rows) == 0 {
		m.wantID = st.CursorID
		m.cursor, m.offset = 0, 0
		return
	}
	if !m.selectID(st.CursorID) {
		m.cursor = 0
	}
	m.clamp()
}

// SetFilter sets the filter text, as if typed: the prompt's cursor is at
// its end.
func (m *Model) SetFilter(q string) {
	m.filter = q
	m.input.SetValue(q)
	m.input.CursorEnd()
	m.applyFilter()
}

// SetSize sets the table's size, including its header and filter lines.
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	m.sizeInput()
	m.layout()
	m.clamp()
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Consumes takes every key while the filter prompt is open, and esc (back)
// while a filter is applied, to clear it.
func (m *Model) Consumes(msg tea.KeyPressMsg) bool {
	if m.filtering {
		return true
	}
	return m.filter != "" && key.Matches(msg, m.common.Keys.Global.Back)
}

// Update handles keys and pastes.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.filtering {
			return m, m.updatePrompt(msg)
		}
		return m, m.updateKeys(msg)
	case tea.PasteMsg:
		if m.filtering {
			return m, m.updatePrompt(msg)
		}
	}
	return m, nil
}

func (m *Model) updatePrompt(msg tea.Msg) tea.Cmd {
	cmd, end := views.UpdatePrompt(m.common.Keys.Filter, &m.input, msg)
	switch end {
	case views.PromptAccepted:
		m.filtering = false
	case views.PromptCleared:
		m.filtering = false
		m.SetFilter("")
	default:
		if v := m.input.Value(); v != m.filter {
			m.filter = v
			m.applyFilter()
		}
	}
	return cmd
}

func (m *Model) updateKeys(msg tea.KeyPressMsg) tea.Cmd {
	nav, t := m.common.Keys.Nav, m.common.Keys.Table
	switch {
	case key.Matches(msg, nav.Up):
		m.move(-1)
	case key.Matches(msg, nav.Down):
		m.move(1)
	case key.Matches(msg, nav.PageUp):
		m.offset -= m.page()
		m.move(-m.page())
	case key.Matches(msg, nav.PageDown):
		m.offset += m.page()
		m.move(m.page())
	case key.Matches(msg, nav.Top):
		m.moved()
		m.cursor = 0
		m.clamp()
	case key.Matches(msg, nav.Bottom):
		m.moved()
		m.cursor = len(m.visible) - 1
		m.clamp()
	case key.Matches(msg, nav.Right):
		if m.moreRight() {
			m.colOff++
			m.layout()
		}
	case key.Matches(msg, nav.Left):
		if m.colOff > 0 {
			m.colOff--
			m.layout()
		}
	case key.Matches(msg, t.Filter):
		m.filtering = true
		m.input.SetValue(m.filter)
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(msg, m.common.Keys.Global.Back) && m.filter != "":
		m.SetFilter("")
	case key.Matches(msg, t.SortNext):
		if len(m.cols) > 0 {
			m.sortBy((m.sortCol+1)%len(m.cols), false)
		}
	case key.Matches(msg, t.SortPrev):
		if len(m.cols) > 0 {
			c := m.sortCol - 1
			if c < 0 {
				c = len(m.cols) - 1
			}
			m.sortBy(c, false)
		}
	case key.Matches(msg, t.SortReverse):
		c := m.sortCol
		if c < 0 && len(m.cols) > 0 {
			c = 0
		}
		if c >= 0 {
			m.sortBy(c, !m.sortDesc)
		}
	case key.Matches(msg, t.Open):
		return m.act(Open)
	case key.Matches(msg, t.Inspect):
		return m.act(Inspect)
	case key.Matches(msg, t.Edit) && m.ops.Edit:
		return m.act(Edit)
	case key.Matches(msg, t.Delete) && m.ops.Delete:
		return m.act(Delete)
	case key.Matches(msg, t.Actions) && m.ops.Actions:
		return m.act(Actions)
	case key.Matches(msg, t.Tree) && m.ops.Tree:
		return m.act(Tree)
	case key.Matches(msg, t.Create) && m.ops.Create:
		return func() tea.Msg { return ActionMsg{Action: Create} }
	}
	return nil
}

func (m *Model) act(a Action) tea.Cmd {
	r, ok := m.Selected()
	if !ok {
		return nil
	}
	return func() tea.Msg { return ActionMsg{Action: a, Row: r} }
}

// ShortHelp is the one-line help: the prompt's keys while filtering, the
// table's otherwise.
func (m *Model) ShortHelp() []key.Binding {
	km := m.keymap()
	if m.filtering {
		return km.ShortHelp(keymap.Filter)
	}
	return km.ShortHelp(keymap.Table)
}

// FullHelp is movement and the table's actions.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.keymap()
	if m.filtering {
		return km.FullHelp(keymap.Filter)
	}
	return km.FullHelp(keymap.Nav, keymap.Table)
}

// keymap returns the keys with unsupported write actions disabled, so help
// does not offer them, nor horizontal scrolling when every column shows.
func (m *Model) keymap() keymap.KeyMap {
	km := *m.common.Keys
	km.Table.Create.SetEnabled(m.ops.Create && !m.ops.ReadOnly)
	km.Table.Edit.SetEnabled(m.ops.Edit && !m.ops.ReadOnly)
	km.Table.Delete.SetEnabled(m.ops.Delete && !m.ops.ReadOnly)
	km.Table.Actions.SetEnabled(m.ops.Actions)
	km.Table.Tree.SetEnabled(m.ops.Tree)
	km.Nav.Left.SetEnabled(m.colOff > 0)
	km.Nav.Right.SetEnabled(m.moreRight())
	return km
}

// --- cursor and window -----------------------------------------------------

// page is the number of row lines on screen.
func (m *Model) page() int {
	h := m.common.Height - 1 // header
	if m.filtering || m.filter != "" {
		h--
	}
	return max(1, h)
}

// RowAt is the visible row drawn on line y of the table's view (0 is its
// header); ok is false when no row is drawn there.
func (m *Model) RowAt(y int) (int, bool) {
	if y < 1 || y > m.page() {
		return 0, false
	}
	i := m.offset + y - 1
	return i, i < len(m.visible)
}

// SetCursor puts the cursor on visible row i (a mouse click).
func (m *Model) SetCursor(i int) {
	m.moved()
	m.cursor = i
	m.clamp()
}

// Scroll moves the cursor by d rows (the mouse wheel).
func (m *Model) Scroll(d int) { m.move(d) }

func (m *Model) move(d int) {
	m.moved()
	m.cursor += d
	m.clamp()
}

// moved drops the row the cursor was to go to when rows arrive, once the
// user moves the cursor over rows on screen.
func (m *Model) moved() {
	if len(m.visible) > 0 {
		m.wantID = ""
	}
}

// clamp keeps the cursor within the rows and the window around the cursor.
func (m *Model) clamp() {
	n := len(m.visible)
	if n == 0 {
		m.cursor, m.offset = 0, 0
		return
	}
	m.cursor = min(max(m.cursor, 0), n-1)
	p := m.page()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+p {
		m.offset = m.cursor - p + 1
	}
	m.offset = min(max(m.offset, 0), max(0, n-p))
}

// selectID moves the cursor to the row with the given ID, if visible.
func (m *Model) selectID(id string) bool {
	if id == "" {
		return false
	}
	for i, r := range m.visible {
		if m.rows[r].ID == id {
			m.cursor = i
			m.clamp()
			return true
		}
	}
	return false
}

// selectRow moves the cursor to the row index r (into rows), if visible.
func (m *Model) selectRow(r int) bool {
	if r < 0 {
		return false
	}
	for i, v := range m.visible {
		if v == r {
			m.cursor = i
			m.clamp()
			return true
		}
	}
	return false
}

func (m *Model) selectedRow() int {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return -1
	}
	return m.visible[m.cursor]
}

// --- filter ----------------------------------------------------------------

// applyFilter recomputes visible for m.filter, narrowing the previous result
// in place when the query only grew, and keeps the selected row when it
// still matches (the top row otherwise).
func (m *Model) applyFilter() {
	sel := m.selectedRow()
	at := m.filterFrom(sel)
	if at < 0 {
		m.cursor, m.offset = 0, 0
	} else {
		m.cursor = at
	}
	m.clamp()
	m.sizeInput()
}

// minPromptText is the fewest cells of text the prompt keeps for the
// query: the filter's tag goes when it would leave fewer.
const minPromptText = 12

// filterTag is what the prompt line says after the query: the filter's
// mode, or why it does not do what its form suggests (a warning); "" when
// there is no filter or no room.
func (m *Model) filterTag() string {
	t, warn, w := m.tagText()
	if w == 0 {
		return ""
	}
	st := m.common.Styles.Table.FilterMode
	if warn {
		st = m.common.Styles.Table.FilterWarn
	}
	return "  " + st.Render(termtext.Sanitize(t))
}

// tagText is the filter's tag unstyled, and the cells it takes on the
// prompt line with the gap before it (0: no tag). The width is kept from
// the last call for the same text, so a keystroke that keeps the filter's
// mode measures nothing.
func (m *Model) tagText() (string, bool, int) {
	if m.filter == "" {
		return "", false, 0
	}
	t, warn := m.cur.tag(m.cols)
	if t != m.tag.text {
		m.tag.text, m.tag.width = t, 2+text.Width(termtext.Sanitize(t))
	}
	if m.common.Width-3-m.tag.width < minPromptText {
		return t, warn, 0
	}
	return t, warn, m.tag.width
}

// sizeInput gives the prompt's input the width of the line less the
// filter's tag. The input draws its prompt, then width cells of text and
// one more for the cursor; with the margin that is w-3 cells of text.
func (m *Model) sizeInput() {
	_, _, w := m.tagText()
	m.input.SetWidth(max(1, m.common.Width-3-w))
}

// columnList is the columns' titles, for a message.
func (m *Model) columnList() string {
	titles := make([]string, len(m.cols))
	for i, c := range m.cols {
		titles[i] = c.Title
	}
	return strings.Join(titles, ", ")
}

// filterFrom sets match, visible and cur for m.filter (see readFilter)
// and returns the position of row sel among the visible rows (-1:
// filtered out). A negated filter finds the rows it would select, then
// shows the others.
func (m *Model) filterFrom(sel int) int {
	old := m.cur
	sp := m.readFilter(m.filter, &old)
	psel := sel // the selected row, for the positive part
	if sp.not && !sp.empty() {
		psel = -1
	}
	var at int
	switch {
	case sp.empty():
		m.match = m.order
		m.history.reset()
		at = -1
		if psel >= 0 {
			at = slices.Index(m.order, psel)
		}
	case sp.mode == modeField: // equality does not narrow as the value grows
		m.history.reset()
		m.match, at = m.scan(m.buf[:0], m.order, sp, psel)
		m.buf = m.match[:0]
	default:
		at = m.narrowTo(&sp, old, psel)
	}
	m.cur = sp
	m.visible = m.match
	if sp.not && !sp.empty() && !sp.unknownColumn() {
		if cap(m.inv) < len(m.rows) {
			m.inv = make([]int, 0, len(m.rows))
		}
		m.inv, at = complement(m.inv[:0], m.order, m.match, sel)
		m.visible = m.inv
	}
	return at
}

// unknownColumn reports whether sp is a field filter on a column the table
// does not have: it selects nothing, negated or not.
func (sp *spec) unknownColumn() bool { return sp.mode == modeField && sp.col < 0 }

// scan appends to out the rows of src that sp (not negated, not empty)
// selects, noting in at what the next narrowing needs.
func (m *Model) scan(out, src []int, sp spec, sel int) ([]int, int) {
	if sp.litOK {
		return m.index.filter(out, src, sp.lit, m.at, sel)
	}
	switch sp.mode {
	case modeFuzzy:
		return m.index.fuzzyScan(out, src, &sp.fz, m.at, sel, nil)
	case modeRegex:
		if sp.rx.seg != nil {
			return m.index.segScan(out, src, sp.rx, m.at, sel, nil)
		}
		return m.index.regexScan(out, src, sp.rx, sel, nil)
	case modeField:
		if sp.col >= 0 {
			return m.index.fieldScan(out, src, sp.col, sp.key, sel)
		}
	}
	return out, -1
}

// step is how the rows of one filter are found from those of another.
type step uint8

// The steps from one filter to another.
const (
	stepNone     step = iota // not from its rows: search every row
	stepSame                 // the same rows
	stepExtend               // a substring that grew at its end: from the notes (searchIndex.extend)
	stepContains             // a substring that holds the other: search its rows
	stepFuzzy                // a fuzzy query that grew at its end (fuzzyExtend)
	stepWithin               // a regex whose rows are among the other's (rowRegex.within)
	stepSegment              // a regex of one segment that adds to the other's (searchIndex.segExtend)
)

// stepFrom is how the rows of sp are found from those of cur. plainOnly:
// every key is plain, so a regex's letters that fold to more than one lower
// case (s, ſ) are their ASCII one.
func stepFrom(cur, sp *spec, plainOnly bool) step {
	switch {
	case cur.empty() || cur.mode == modeField:
		return stepNone
	case sp.litOK && cur.litOK:
		switch {
		case sp.lit == cur.lit:
			return stepSame
		case strings.HasPrefix(sp.lit, cur.lit):
			return stepExtend
		case strings.Contains(sp.lit, cur.lit):
			return stepContains
		}
	case sp.mode == modeFuzzy && cur.mode == modeFuzzy:
		switch {
		case sp.key == cur.key:
			return stepSame
		case strings.HasPrefix(sp.key, cur.key):
			return stepFuzzy
		}
	case sp.mode == modeRegex && !sp.litOK:
		curRegex := cur.mode == modeRegex && !cur.litOK
		switch {
		case curRegex && cur.rx.src == sp.rx.src:
			return stepSame
		case sp.rx.seg != nil && cur.litOK && sp.rx.seg.extends(nil, cur.lit) && (plainOnly || sp.rx.within(spanSeq(cur.lit))),
			sp.rx.seg != nil && curRegex && cur.rx.seg != nil && sp.rx.seg.extends(cur.rx.seg, "") && (plainOnly || sp.rx.within(cur.rx.seq)):
			return stepSegment
		case cur.litOK && sp.rx.within(spanSeq(cur.lit)), cur.mode == modeRegex && !cur.litOK && sp.rx.within(cur.rx.seq):
			return stepWithin
		}
	}
	return stepNone
}

// narrowTo sets match for sp, a substring, a fuzzy query or a regex, the
// filter match was computed for being cur, and returns the position of
// row sel in it (-1: not there).
//
// Every row matching a filter matches one it narrows (a substring that
// holds the other, a fuzzy query that extends it, a regex whose sequence
// starts with the other's), so then only match is scanned, in place. When
// the query grew at its end (typing), what the narrowing dropped and the
// notes it moved are kept in history, a frame for each, which also holds
// the filter it started from; when the new filter does not narrow the
// current one (a backspace, a regex key that widens it: a. to a.*), the
// newest frame that started from a filter it narrows, or is, is found,
// and the frames after it undone: its rows come back without a search,
// and are narrowed if need be. Otherwise (a query replaced) order is
// scanned into buf and the history starts anew. Either way the rows land
// in buf's array, which SetRows sized for every row: a substring's
// keystroke allocates nothing, and match never holds more than the rows
// the filter wrote.
func (m *Model) narrowTo(sp *spec, cur spec, sel int) int {
	at := m.matchAt(sel, cur)
	if stepFrom(&cur, sp, m.index.mixed == 0) == stepNone {
		k := len(m.history.frames) - 1
		for ; k >= 0; k-- {
			if s := stepFrom(&m.history.frames[k].from, sp, m.index.mixed == 0); s != stepNone && s != stepContains {
				break
			}
		}
		for k >= 0 && len(m.history.frames) > k {
			m.match, at, cur = m.history.pop(m.match, m.order, m.at, at)
		}
	}
	all := len(m.match) == len(m.order)
	switch stepFrom(&cur, sp, m.index.mixed == 0) {
	case stepSame:
	case stepExtend:
		m.history.push(cur, len(m.rows), all)
		m.match, at = m.index.extend(m.match[:0], m.match, sp.lit, len(cur.lit), m.at, sel, &m.history)
		m.history.trim(len(m.rows))
	case stepContains:
		m.history.reset()
		m.match, at = m.index.filter(m.match[:0], m.match, sp.lit, m.at, sel)
	case stepFuzzy:
		m.history.push(cur, len(m.rows), all)
		if m.history.stale {
			// The notes are not the shorter query's (a frame that lost its
			// moved notes was undone): match the whole query again, in the
			// shorter one's rows; this frame cannot give the notes back.
			m.history.lose()
			m.match, at = m.index.fuzzyScan(m.match[:0], m.match, &sp.fz, m.at, sel, &m.history)
			m.history.stale = false
			break
		}
		m.match, at = m.index.fuzzyExtend(m.match[:0], m.match, &sp.fz, len(cur.fz.asc), m.at, sel, &m.history)
		m.history.shed(len(m.rows))
	case stepSegment:
		prev := len(cur.lit)
		if !cur.litOK {
			prev = len(cur.rx.seg.s)
		}
		m.history.push(cur, len(m.rows), all)
		m.match, at = m.index.segExtend(m.match[:0], m.match, sp.rx, prev, m.at, sel, &m.history)
		m.history.trim(len(m.rows))
	case stepWithin:
		m.history.push(cur, len(m.rows), all)
		if sp.rx.seg != nil { // its notes are written, and the old ones logged
			m.match, at = m.index.segScan(m.match[:0], m.match, sp.rx, m.at, sel, &m.history)
			m.history.trim(len(m.rows))
			break
		}
		m.match, at = m.index.regexScan(m.match[:0], m.match, sp.rx, sel, &m.history)
	default:
		m.history.reset()
		m.match, at = m.scan(m.buf[:0], m.order, *sp, sel)
		m.buf = m.match[:0] // the same array, unless it had to grow
	}
	return at
}

// matchAt is the position of row r in match, computed for old (-1: not
// there); the cursor's row is found without a search.
func (m *Model) matchAt(r int, old spec) int {
	switch {
	case r < 0:
		return -1
	case !old.not && m.cursor >= 0 && m.cursor < len(m.match) && m.match[m.cursor] == r:
		return m.cursor
	}
	return slices.Index(m.match, r)
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// --- sort ------------------------------------------------------------------

func (m *Model) sortBy(col int, desc bool) {
	sel := m.selectedRow()
	m.sortCol, m.sortDesc = col, desc
	m.resort()
	if !m.selectRow(sel) {
		m.clamp()
	}
}

// resort recomputes order for the sort and visible for the filter.
func (m *Model) resort() { m.reorder(sortedOrder(m.rows, &m.index, m.sortCol, m.sortDesc)) }

// --- rendering -------------------------------------------------------------

const gap = 1 // spaces between columns; one more at each edge

// View renders the header, the visible window of rows and the filter line.
func (m *Model) View() tea.View {
	return tea.NewView(m.render())
}

func (m *Model) render() string {
	w, h := m.common.Width, m.common.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	st := m.common.Styles.Table
	var b strings.Builder
	b.Grow(w * h * 2)
	m.renderHeader(&b)
	lines := 1
	p := m.page()

	switch {
	case len(m.visible) == 0:
		msg := m.emptyText
		switch {
		case m.loading && len(m.rows) == 0:
			msg = "Loading…"
		case len(m.rows) > 0 && m.cur.unknownColumn():
			msg = "No column “" + termtext.Sanitize(m.cur.name) + "”: the columns are " + m.columnList() + ". esc clears the filter."
		case len(m.rows) > 0:
			msg = "No rows match “" + termtext.Sanitize(m.filter) + "”. esc clears the filter."
		}
		b.WriteByte('\n')
		b.WriteString(st.Empty.Render(text.Fit(" "+msg, w)))
		lines++
	default:
		end := min(len(m.visible), m.offset+p)
		for i := m.offset; i < end; i++ {
			b.WriteByte('\n')
			m.renderRow(&b, m.visible[i], i == m.cursor)
			lines++
		}
	}
	if m.filtering || m.filter != "" {
		for ; lines < h-1; lines++ {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		tag := m.filterTag()
		if m.filtering {
			b.WriteString(text.Truncate(" "+m.input.View(), w-text.Width(tag)))
			b.WriteString(tag)
		} else {
			hint := "  (esc clears)"
			if w-text.Width(tag+hint) < minPromptText+3 {
				tag = ""
			}
			b.WriteString(" ")
			b.WriteString(st.FilterPrompt.Render("/"))
			b.WriteString(st.FilterText.Render(text.Truncate(termtext.Sanitize(m.filter), max(1, w-20-text.Width(tag)))))
			b.WriteString(tag)
			b.WriteString(m.common.Styles.Status.Hint.Render(hint))
		}
	}
	return b.String()
}

func (m *Model) renderHeader(b *strings.Builder) {
	st := m.common.Styles.Table
	used := 1 + m.markCells()
	b.WriteString(strings.Repeat(" ", used))
	first := true
	for i, c := range m.cols {
		cw := m.widths[i]
		if cw == 0 {
			continue
		}
		if !first {
			sep := strings.Repeat(" ", gap)
			if i > 0 && m.colOff > 0 && i == m.colOff+1 {
				sep = st.Header.Render(moreLeftMark) + strings.Repeat(" ", gap-1) // columns hidden here
			}
			b.WriteString(sep)
			used += gap
		}
		first = false
		used += cw
		title := c.Title
		style := st.Header
		if i == m.sortCol {
			style = st.HeaderSorted
			if m.sortDesc {
				title += " ↓"
			} else {
				title += " ↑"
			}
		}
		b.WriteString(style.Render(align(text.Fit(title, cw), c.Right)))
	}
	if m.moreRight() && used < m.common.Width {
		b.WriteString(strings.Repeat(" ", m.common.Width-used-1) + st.Header.Render(moreRightMark))
	}
}

// align moves the padding of a fitted cell to the left for right-aligned
// columns.
func align(s string, right bool) string {
	if !right {
		return s
	}
	t := strings.TrimRight(s, " ")
	return strings.Repeat(" ", len(s)-len(t)) + t
}

// cursorMark marks the cursor row in the left margin, so the row a key
// acts on shows without colour or reverse video (NO_COLOR, TERM=dumb); a
// marked row's markGlyph is in the cell after it (marks.go).
// moreLeftMark and moreRightMark mark, in the header, columns scrolled off
// to the left and columns that do not fit on the right; no other mark of
// the table looks like the cursor's.
const (
	cursorMark    = "›"
	moreLeftMark  = "«"
	moreRightMark = "»"
)

// renderRow writes row ri: plain stretches in the row style, what the
// filter matched in the match style, each rendered once. A negated filter
// matched nothing in the rows it shows.
func (m *Model) renderRow(b *strings.Builder, ri int, selected bool) {
	r := m.rows[ri]
	st := m.common.Styles.Table
	base, hl := st.Row, st.Match
	marked := m.IsMarked(r.ID)
	fresh := m.fresh != nil && isIn(m.fresh, r.ID)
	switch {
	case selected:
		base, hl = st.Selected, st.SelectedMatch
	case marked:
		base = st.Marked
	case fresh:
		base = st.Changed
	}
	var plain strings.Builder
	plain.Grow(m.common.Width + 3) // the row: its cells, room, the cursor mark
	flush := func() {
		if plain.Len() > 0 {
			b.WriteString(base.Render(plain.String()))
			plain.Reset()
		}
	}
	if selected {
		plain.WriteString(cursorMark) // the cursor, without colour
	} else {
		plain.WriteByte(' ')
	}
	used := 1 + m.markCells()
	if m.markCells() > 0 {
		if marked {
			plain.WriteString(markGlyph + " ") // the mark, without colour
		} else {
			plain.WriteString("  ")
		}
	}
	cells := r.Cells
	if cells == nil && m.source != nil {
		cells = m.source(ri)
	}
	if cells == nil {
		cells = m.index.cells(ri)
	}
	sp := &m.cur
	filtered := !sp.empty() && !sp.not
	var fz []int // fuzzy: where the library matched, in the row's key
	if filtered && sp.mode == modeFuzzy {
		fz = fuzzyMatched(sp.key, m.index.key(ri))
	}
	first := true
	for i, c := range m.cols {
		cw := m.widths[i]
		if cw == 0 {
			continue
		}
		if !first {
			plain.WriteString(strings.Repeat(" ", gap))
			used += gap
		}
		first = false
		raw := ""
		if i < len(cells) {
			raw = cells[i]
		}
		cell := termtext.Sanitize(raw)
		fitted := text.Fit(cell, cw)
		text := align(fitted, c.Right)
		used += cw
		switch {
		case !filtered:
			plain.WriteString(text)
		case sp.mode == modeSubstring:
			writeMatches(&plain, b, text, sp.key, hl, flush)
		case sp.mode == modeRegex:
			writeSpans(&plain, b, text, regexSpans(sp.rx, text), hl, flush)
		case sp.mode == modeField && i == sp.col:
			lo, hi := content(text)
			writeSpans(&plain, b, text, [][2]int{{lo, hi}}, hl, flush)
		case sp.mode == modeFuzzy && cell == raw:
			kc, ka, ok := m.index.cell(ri, i)
			if !ok || len(kc) != len(raw) {
				plain.WriteString(text)
				break
			}
			shift := 0 // the spaces align put before the cell
			if c.Right {
				shift = len(fitted) - len(strings.TrimRight(fitted, " "))
			}
			writeSpans(&plain, b, text, fuzzySpans(fz, ka, len(kc), raw, fitted, shift), hl, flush)
		default:
			plain.WriteString(text)
		}
	}
	if used < m.common.Width {
		pad := m.common.Width - used // the room the columns leave
		if fresh {
			pad-- // the right margin holds the mark
		}
		writeSpaces(&plain, pad)
		if fresh {
			plain.WriteString(freshMark)
		}
	}
	flush()
}

// content is where a fitted cell's text is, without the padding.
func content(s string) (lo, hi int) {
	hi = len(strings.TrimRight(s, " "))
	return hi - len(strings.TrimLeft(s[:hi], " ")), hi
}

// regexSpans is where x matches in a fitted cell (not empty matches),
// when lower-casing it keeps its length.
func regexSpans(x *rowRegex, s string) [][2]int {
	lo, hi := content(s)
	lt := strings.ToLower(s[lo:hi])
	if len(lt) != hi-lo {
		return nil
	}
	var out [][2]int
	for _, loc := range x.re.FindAllStringIndex(lt, -1) {
		if loc[1] > loc[0] {
			out = append(out, [2]int{lo + loc[0], lo + loc[1]})
		}
	}
	return out
}

// fuzzySpans is where the characters the library matched (at, byte
// offsets in the row's key) fall in one cell: the cell, raw, is at ka in
// the key, n bytes long; fitted is it cut to its column, and shift the
// spaces align put before it. A character past what the cut kept is not
// shown.
func fuzzySpans(at []int, ka, n int, raw, fitted string, shift int) [][2]int {
	kept := commonPrefix(raw, fitted)
	var out [][2]int
	for _, a := range at {
		o := a - ka
		if o < 0 || o >= n {
			continue
		}
		_, size := utf8.DecodeRuneInString(raw[o:])
		if o+size > kept {
			continue
		}
		if n := len(out); n > 0 && out[n-1][1] == shift+o { // next to the last: one span, rendered once
			out[n-1][1] += size
			continue
		}
		out = append(out, [2]int{shift + o, shift + o + size})
	}
	return out
}

// writeSpans writes text, highlighting its spans (in order, apart).
// Plain parts accumulate in plain; a span flushes plain first.
func writeSpans(plain, b *strings.Builder, text string, spans [][2]int, hl lipgloss.Style, flush func()) {
	at := 0
	for _, sp := range spans {
		if sp[0] < at || sp[1] > len(text) {
			continue
		}
		plain.WriteString(text[at:sp[0]])
		flush()
		b.WriteString(hl.Render(text[sp[0]:sp[1]]))
		at = sp[1]
	}
	plain.WriteString(text[at:])
}

// writeMatches writes text, highlighting the occurrences of q. Plain parts
// accumulate in plain; a match flushes plain first.
func writeMatches(plain, b *strings.Builder, text, q string, hl lipgloss.Style, flush func()) {
	lt := strings.ToLower(text)
	if len(lt) != len(text) {
		// Lower-casing changed byte lengths (rare scripts): no highlight.
		plain.WriteString(text)
		return
	}
	for {
		i := strings.Index(lt, q)
		if i < 0 {
			plain.WriteString(text)
			return
		}
		plain.WriteString(text[:i])
		flush()
		b.WriteString(hl.Render(text[i : i+len(q)]))
		text, lt = text[i+len(q):], lt[i+len(q):]
	}
}
