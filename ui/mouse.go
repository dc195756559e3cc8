package ui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/views/chrome"
	"github.com/mpconsole/mpconsole/views/table"
)

// doubleClick is how close two clicks on one row are to open it.
const doubleClick = 400 * time.Millisecond

// wheelRows is how many rows one wheel step scrolls a table.
const wheelRows = 3

// lastClick is the row clicked last, to tell a double click.
type lastClick struct {
	view int
	row  string
	at   time.Time
}

// mouseMode is the View's mouse mode: cell motion (clicks and the wheel)
// unless the profiles file says mouse = false.
func (m *Model) mouseMode() tea.MouseMode {
	if m.opts.NoMouse {
		return tea.MouseModeNone
	}
	return tea.MouseModeCellMotion
}

// onMouse handles the mouse: the wheel scrolls the view in front (a table
// here; an overlay such as the inspector, editor or diff scrolls itself),
// a click selects a table row, a second click on it soon after opens it,
// and a click on a breadcrumb goes back to that level.
func (m *Model) onMouse(msg tea.MouseMsg) tea.Cmd {
	if m.opts.NoMouse || chrome.TooSmall(m.width, m.height) {
		return nil
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		f := m.top()
		if m.overlay != nil || f == nil || f.tree != nil {
			return m.forward(msg) // an overlay, or a tree, scrolls itself
		}
		switch msg.Button {
		case tea.MouseWheelUp:
			f.table.Scroll(-wheelRows)
		case tea.MouseWheelDown:
			f.table.Scroll(wheelRows)
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return nil
		}
		if msg.Y == chrome.HeaderHeight-1 {
			return m.clickCrumb(msg.X)
		}
		return m.clickRow(msg.X, msg.Y)
	}
	return nil
}

// clickRow selects the table row under a click; a second click on the
// same row within doubleClick (by the session's clock) opens it.
func (m *Model) clickRow(_, y int) tea.Cmd {
	f := m.top()
	if m.overlay == nil && f != nil && f.tree != nil {
		return m.clickTree(f, y)
	}
	if m.overlay != nil || f == nil || f.table.Filtering() {
		return nil
	}
	i, ok := f.table.RowAt(y - chrome.HeaderHeight)
	if !ok {
		return nil
	}
	f.table.SetCursor(i)
	r, ok := f.table.Selected()
	if !ok {
		return nil
	}
	now := m.opts.Now()
	prev := m.click
	m.click = lastClick{view: f.id, row: r.ID, at: now}
	if prev.view == f.id && prev.row == r.ID && now.Sub(prev.at) <= doubleClick {
		m.click = lastClick{}
		return m.onTableAction(table.ActionMsg{Action: table.Open, Row: r})
	}
	return nil
}

// clickCrumb goes back to the level of the breadcrumb clicked (as esc
// would, as many times as needed). The crumb in front, or an overlay's,
// does nothing.
func (m *Model) clickCrumb(x int) tea.Cmd {
	if m.overlay != nil {
		return nil
	}
	h := m.headerInfo()
	i := h.CrumbAt(m.width, x)
	if i < 0 {
		return nil
	}
	n := 0
	for j, f := range m.stack {
		n += len(strings.Split(f.crumb, " › "))
		if i < n {
			if j == len(m.stack)-1 {
				return nil
			}
			m.setStack(m.stack[:j+2])
			return m.pop()
		}
	}
	return nil
}
