package ui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/views/table"
)

// maxViews bounds the views a session remembers per account.
const maxViews = 50

// visited is one view of the history: a state of the navigation stack
// (its frames, so each level's kind, parent and crumb) and the cursor,
// filter and sort of the table in front when it was left.
type visited struct {
	stack []*frame
	state table.State
}

// viewHistory is the views visited in one account, oldest first. at is the
// view in front; last is the one before the latest move, where
// list.last_view goes.
type viewHistory struct {
	views    []visited
	at, last int
}

// viewsHere is the history of the place the session works in. Each account
// has its own (like the stack kept in saved): a view of one account is
// never restored in another.
func (m *Model) viewsHere() *viewHistory {
	p := m.here()
	h := m.views[p]
	if h == nil {
		h = &viewHistory{at: -1, last: -1}
		m.views[p] = h
	}
	return h
}

// visitView records the stack now in front as a new view: the view left
// keeps its table's state, the views ahead of it (after going back) are
// dropped, and the oldest go beyond maxViews.
func (m *Model) visitView() {
	if len(m.stack) == 0 || m.client == nil {
		return
	}
	h := m.viewsHere()
	if h.at >= 0 && h.at < len(h.views) {
		cur := &h.views[h.at]
		if slices.Equal(cur.stack, m.stack) {
			return // the same view (a reload): nothing visited
		}
		cur.state = topState(cur.stack)
		h.views = h.views[:h.at+1]
	}
	h.views = append(h.views, visited{stack: slices.Clone(m.stack)})
	h.last, h.at = h.at, len(h.views)-1
	if over := len(h.views) - maxViews; over > 0 {
		h.views = slices.Delete(h.views, 0, over)
		h.at -= over
		h.last -= over
	}
}

func topState(stack []*frame) table.State {
	if len(stack) == 0 {
		return table.State{}
	}
	return stack[len(stack)-1].table.State()
}

// historyKey handles list.last_view, list.prev_view and list.next_view on
// the table in front; ok is false for any other key.
func (m *Model) historyKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if m.overlay != nil || len(m.stack) == 0 {
		return nil, false
	}
	lk := m.keys.List
	h := m.viewsHere()
	switch {
	case key.Matches(msg, lk.LastView):
		if h.last < 0 || h.last >= len(h.views) || h.last == h.at {
			m.setNotice("no other view visited yet")
			return nil, true
		}
		return m.goToView(h, h.last), true
	case key.Matches(msg, lk.PrevView):
		if h.at <= 0 {
			m.setNotice("no earlier view")
			return nil, true
		}
		return m.goToView(h, h.at-1), true
	case key.Matches(msg, lk.NextView):
		if h.at < 0 || h.at >= len(h.views)-1 {
			m.setNotice("no later view")
			return nil, true
		}
		return m.goToView(h, h.at+1), true
	}
	return nil, false
}

// goToView puts view i of h in front with the cursor, filter and sort it
// was left with, and refreshes its rows.
func (m *Model) goToView(h *viewHistory, i int) tea.Cmd {
	if h.at >= 0 && h.at < len(h.views) {
		h.views[h.at].state = topState(m.stack)
	}
	v := h.views[i]
	h.last, h.at = h.at, i
	m.setStack(slices.Clone(v.stack))
	f := m.top()
	f.table.Restore(v.state)
	m.errs.clear()
	m.layout()
	m.enteredView()
	m.setNotice(fmt.Sprintf("view %d of %d", i+1, len(h.views)))
	return m.load(f)
}
