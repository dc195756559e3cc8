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
// row; see STYLE.md). The filter is a case-insensitive substring match over
// keys lower-cased once when the rows arrive, back to back in one buffer
// (cells joined by a separator that cannot be typed, so a match never spans
// two cells). When the new query contains the previous one, only the
// previous result is scanned, in place: anything matching the longer query
// matched the shorter. When it only grew at its end (typing), each row is
// first checked where the previous query matched it (see filter.go), and
// what each such narrowing dropped is kept, so that a backspace restores
// the previous result without a search (narrowings). The filtered rows
// live in one array reused from keystroke to keystroke.
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
// caller's slice without copying it (do not modify it after SetRows).
//
// The table never acts on rows itself: enter, i, e, c and ctrl+d send an
// ActionMsg for the root to handle. Edit, create and delete are offered (in
// keys and help) only when SetOps says the kind supports them.
package table

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

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
	// table builds it from Cells otherwise.
	Key string
}

// Ops says which write actions the table offers for its kind.
type Ops struct {
	Create, Edit, Delete bool
	// Actions: the kind has other operations (the root lists them).
	Actions bool
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

	cols   []Column
	widths []int

	rows    []Row
	index   searchIndex // lower-cased search key per row
	order   []int
	visible []int      // order itself when query is empty, buf's array otherwise
	buf     []int      // the filtered rows' array, reused from keystroke to keystroke
	at      []int32    // per row: where query first occurs in its key (see searchIndex.filter)
	query   string     // lower-cased query that visible was computed for
	history narrowings // how visible was narrowed from shorter queries, to undo on backspace

	cursor int
	offset int
	colOff int // columns after the first scrolled off to the left

	sortCol  int
	sortDesc bool

	filter    string
	filtering bool
	input     textinput.Model

	ops       Ops
	loading   bool
	emptyText string
	wantID    string // cursor to restore when rows arrive
}

var _ views.Component = (*Model)(nil)

// New returns an empty table with the given columns.
func New(c views.Common, cols []Column) *Model {
	m := &Model{common: c, sortCol: -1, emptyText: "No rows."}
	m.input = textinput.New()
	m.input.Prompt = "/"
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
	}
	m.layout()
}

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
	m.index = newSearchIndex(rows)
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
	m.index.append(rows)
	if len(m.at) < len(m.rows) {
		m.at = append(m.at, make([]int32, len(m.rows)-len(m.at))...)
	}
	if m.sortCol >= 0 {
		m.reorder(mergeSorted(m.order, m.rows, first, m.sortCol, m.sortDesc))
		if !m.selectRow(sel) {
			m.clamp()
		}
		return
	}
	filtered := m.query != ""
	for r := first; r < len(m.rows); r++ {
		m.order = append(m.order, r)
	}
	if !filtered {
		m.visible = m.order
	} else {
		// The new rows narrowed by the query, after the visible ones; the
		// backspace history does not know them, so it starts anew.
		m.history.reset()
		add := m.order[len(m.order)-len(rows):]
		m.visible, _ = m.index.filter(m.visible, add, m.query, m.at, -1)
		m.buf = m.visible[:0]
	}
	if m.loading && len(m.visible) > 0 && sel < 0 {
		m.clamp()
	}
}

// keySep joins cells in a search key; it cannot be typed into the filter.
const keySep = '\x1f'

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
	// The input draws its prompt, then width cells of text and one more
	// for the cursor; with the margin that is w-3 cells of text.
	m.input.SetWidth(max(1, w-3))
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
}

// filterFrom sets visible and query for m.filter and returns the position
// of row sel among the visible rows (-1: filtered out).
//
// Every row matching a query matches any part of it, so when the new query
// contains the one visible was computed for, only visible is scanned, in
// place. When it grew at its end (typing), what the narrowing dropped is
// kept in history; when it shrank to, or was edited after, a prefix held
// there (backspace), that prefix's result is restored from history and
// extended if need be. Otherwise (a query replaced) order is scanned into
// buf and the history starts anew. Either way the rows land in buf's array,
// which SetRows sized for every row: a keystroke allocates nothing, and
// visible never holds more than the rows the filter wrote.
func (m *Model) filterFrom(sel int) int {
	q := strings.ToLower(m.filter)
	if q == "" {
		m.visible, m.query = m.order, ""
		m.history.reset()
		if sel < 0 {
			return -1
		}
		return slices.Index(m.order, sel)
	}
	at := m.visibleAt(sel)
	if m.query != "" && !strings.HasPrefix(q, m.query) && !strings.Contains(q, m.query) {
		if n := commonPrefix(q, m.query); n > 0 && m.history.oldest() > 0 && m.history.oldest() <= n {
			for len(m.query) > n {
				var qlen int
				m.visible, at, qlen = m.history.pop(m.visible, m.order, m.at, at)
				m.query = m.query[:qlen]
			}
		}
	}
	switch {
	case q == m.query:
	case m.query != "" && strings.HasPrefix(q, m.query):
		m.history.push(len(m.query), len(m.rows), len(m.visible) == len(m.order))
		m.visible, at = m.index.extend(m.visible[:0], m.visible, q, len(m.query), m.at, sel, &m.history)
		m.history.trim(len(m.rows))
	case m.query != "" && strings.Contains(q, m.query):
		m.history.reset()
		m.visible, at = m.index.filter(m.visible[:0], m.visible, q, m.at, sel)
	default:
		m.history.reset()
		m.visible, at = m.index.filter(m.buf[:0], m.order, q, m.at, sel)
		m.buf = m.visible[:0] // the same array, unless it had to grow
	}
	m.query = q
	return at
}

// visibleAt is the position of row r among the visible rows (-1: not
// there); the cursor's row is found without a search.
func (m *Model) visibleAt(r int) int {
	switch {
	case r < 0:
		return -1
	case m.cursor >= 0 && m.cursor < len(m.visible) && m.visible[m.cursor] == r:
		return m.cursor
	}
	return slices.Index(m.visible, r)
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
func (m *Model) resort() { m.reorder(sortedOrder(m.rows, m.sortCol, m.sortDesc)) }

// --- rendering -------------------------------------------------------------

const gap = 1 // spaces between columns; one more at each edge

// layout computes column widths for the current width.
//
// The first column and the flexible (name) column always show; the other
// columns follow in order while they fit whole, and the first that does not
// fit hides itself and every column after it (a column cut to a few cells
// cannot be read). left/right (nav) scroll the columns after the first (the
// id stays), so every column can be read on a narrow terminal; « and » in
// the header (moreLeft, moreRight) say there is more. They are not the
// cursor row's › (cursorMark), so the two read apart without colour.
func (m *Model) layout() {
	m.colOff = min(m.colOff, max(0, len(m.cols)-2))
	vis := make([]int, 0, len(m.cols))
	for i := range m.cols {
		if i == 0 || i > m.colOff {
			vis = append(vis, i)
		}
	}
	sub := make([]Column, len(vis))
	for j, i := range vis {
		sub[j] = m.cols[i]
	}
	w := layoutColumns(sub, m.common.Width)
	m.widths = make([]int, len(m.cols))
	for j, i := range vis {
		m.widths[i] = w[j]
	}
}

// moreRight reports whether a column is cut or hidden on the right.
func (m *Model) moreRight() bool {
	for i := max(1, m.colOff+1); i < len(m.cols); i++ {
		if m.widths[i] < wantWidth(m.cols[i]) {
			return true
		}
	}
	return false
}

// wantWidth is the width a column asks for: its own, or its title's with
// room for a sort arrow.
func wantWidth(c Column) int {
	if c.Width > 0 {
		return c.Width
	}
	return ansi.StringWidth(c.Title) + 2
}

// layoutColumns gives each column its width within width cells (a margin
// of one cell each side, gap cells between shown columns); a hidden column
// gets 0. The first and the flexible columns are placed first, and are cut
// (from the right) only when they alone do not fit; the rest show whole,
// in order, until one does not fit. What is left goes to the flexible
// columns.
func layoutColumns(cols []Column, width int) []int {
	widths := make([]int, len(cols))
	avail := width - 2
	keep := make([]bool, len(cols))
	used, shown := 0, 0
	for i, c := range cols {
		if i == 0 || c.Flex > 0 {
			keep[i] = true
			used += wantWidth(c)
			shown++
		}
	}
	used += gap * max(0, shown-1)
	for i, c := range cols {
		if keep[i] {
			continue
		}
		if used+gap+wantWidth(c) > avail {
			break
		}
		keep[i] = true
		used += gap + wantWidth(c)
		shown++
	}
	// Lay the kept columns out left to right, cutting what overflows.
	used = 0
	flexTotal := 0
	first := true
	for i, c := range cols {
		if !keep[i] {
			continue
		}
		if !first {
			used += gap
		}
		first = false
		w := wantWidth(c)
		if used+w > avail {
			w = max(0, avail-used)
		}
		widths[i] = w
		used += w
		flexTotal += max(0, c.Flex)
	}
	if extra := avail - used; extra > 0 && flexTotal > 0 {
		given, last := 0, -1
		for i, c := range cols {
			if keep[i] && c.Flex > 0 {
				add := extra * c.Flex / flexTotal
				widths[i] += add
				given += add
				last = i
			}
		}
		widths[last] += extra - given
	}
	return widths
}

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
			m.renderRow(&b, m.rows[m.visible[i]], i == m.cursor, m.query)
			lines++
		}
	}
	if m.filtering || m.filter != "" {
		for ; lines < h-1; lines++ {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		if m.filtering {
			b.WriteString(text.Truncate(" "+m.input.View(), w))
		} else {
			b.WriteString(" ")
			b.WriteString(st.FilterPrompt.Render("/"))
			b.WriteString(st.FilterText.Render(text.Truncate(termtext.Sanitize(m.filter), max(1, w-20))))
			b.WriteString(m.common.Styles.Status.Hint.Render("  (esc clears)"))
		}
	}
	return b.String()
}

func (m *Model) renderHeader(b *strings.Builder) {
	st := m.common.Styles.Table
	b.WriteString(" ")
	used := 1
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
// acts on shows without colour or reverse video (NO_COLOR, TERM=dumb).
// moreLeftMark and moreRightMark mark, in the header, columns scrolled off
// to the left and columns that do not fit on the right; no other mark of
// the table looks like the cursor's.
const (
	cursorMark    = "›"
	moreLeftMark  = "«"
	moreRightMark = "»"
)

// renderRow writes one row: plain stretches in the row style, filter matches
// in the match style, each rendered once.
func (m *Model) renderRow(b *strings.Builder, r Row, selected bool, q string) {
	st := m.common.Styles.Table
	base, hl := st.Row, st.Match
	if selected {
		base, hl = st.Selected, st.SelectedMatch
	}
	var plain strings.Builder
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
	used := 1
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
		cell := ""
		if i < len(r.Cells) {
			cell = termtext.Sanitize(r.Cells[i])
		}
		text := align(text.Fit(cell, cw), c.Right)
		used += cw
		if q == "" {
			plain.WriteString(text)
			continue
		}
		writeMatches(&plain, b, text, q, hl, flush)
	}
	if used < m.common.Width {
		plain.WriteString(strings.Repeat(" ", m.common.Width-used))
	}
	flush()
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
