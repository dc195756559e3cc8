package ui

import (
	"charm.land/bubbles/v2/help"
	"fmt"
	"github.com/mpconsole/mpconsole/keymap"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
)

// listKey handles the list context's keys on the table in front: the
// history of views, marks and copying the cursor row's values. ok is
// false for any other key, or when an overlay is in front.
func (m *Model) listKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if cmd, ok := m.historyKey(msg); ok {
		return cmd, true
	}
	if cmd, ok := m.markKey(msg); ok {
		return cmd, true
	}
	f := m.top()
	if m.overlay != nil || f == nil {
		return nil, false
	}
	lk := m.keys.List
	var what string
	switch {
	case key.Matches(msg, lk.CopyID):
		what = "id"
	case key.Matches(msg, lk.CopyName):
		what = "name"
	default:
		return m.pluginKey(f, msg)
	}
	e, ok := m.selectedEntity(f)
	if !ok || e.Kind == nil {
		m.setNotice("no row to copy from")
		return nil, true
	}
	value := e.ID
	if what == "name" {
		value = e.Name
	}
	if value == "" {
		m.setNotice(fmt.Sprintf("this %s has no %s to copy", e.Kind.Singular, what))
		return nil, true
	}
	// tea.SetClipboard is written as OSC 52, which reaches the local
	// clipboard over SSH too (as the inspector's copy).
	return tea.Batch(tea.SetClipboard(value),
		views.NoticeCmd(fmt.Sprintf("Copied the %s's %s %q to the clipboard (OSC 52).", e.Kind.Singular, what, value))), true
}

// selectedEntity is the entity under the cursor of frame f: its table's
// row, or its tree's node.
func (m *Model) selectedEntity(f *frame) (api.Entity, bool) {
	if f.tree != nil {
		return f.tree.selected()
	}
	r, ok := f.table.Selected()
	if !ok || f.kind == nil {
		return api.Entity{}, false
	}
	e, ok := f.ents.get(r.ID)
	return e, ok
}

// listHelp is the help of the table in front: the table's keys, then the
// list context's (history of views, copy), which the root handles.
type listHelp struct {
	table help.KeyMap
	keys  *keymap.KeyMap
}

func (l listHelp) ShortHelp() []key.Binding { return l.table.ShortHelp() }

func (l listHelp) FullHelp() [][]key.Binding {
	return append(l.table.FullHelp(), l.keys.FullHelp(keymap.List)...)
}
