package ui

import (
	"encoding/json"
	"fmt"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views/table"
)

const historyName = "history"

// revertMsg carries the entity as it is now, for reverting an update.
type revertMsg struct {
	gen     int
	entry   state.Entry
	current api.Entity
	err     error
}

// openHistory lists the journal of writes, newest first. enter on an
// update reverts it: the editor opens on the entity as it is now with the
// previous version's fields, so the revert goes through the same diff,
// conflict check and journal as any edit.
func (m *Model) openHistory() tea.Cmd {
	if m.journal == nil {
		m.showError(m.stateErr)
		return nil
	}
	if m.client == nil {
		m.setNotice(notConnected)
		return nil
	}
	// Only this API and account's writes, by this session's SSH key, as
	// the profiles it may use: ids of another sandbox or another key's
	// writes mean nothing here (and are not this session's to see).
	scope := state.Scope{Owner: m.opts.Owner, BaseURL: m.client.V1BaseURL(), Account: m.client.AccountID(), Profiles: m.opts.Allowed}
	j, gen := m.journal, m.gen
	m.inflight++
	return func() tea.Msg {
		entries, err := j.ListIn(scope) // the journal only grows: read it off the UI thread
		return historyMsg{gen: gen, entries: entries, err: err}
	}
}

// historyMsg is the journal, read for :history.
type historyMsg struct {
	gen     int
	entries []state.Entry
	err     error
}

func (m *Model) onHistory(msg historyMsg) tea.Cmd {
	if !m.arrived(msg.gen) {
		return nil
	}
	if msg.err != nil {
		m.showError(fmt.Errorf("reading the journal: %w", msg.err))
		return nil
	}
	entries := msg.entries
	t := table.New(m.common, []table.Column{
		{Title: "TIME", Width: 19}, {Title: "WHERE", Width: 20}, {Title: "OP", Width: 8},
		{Title: "KIND", Width: 16}, {Title: "ID", Width: 12}, {Title: "NAME", Width: minFlex, Flex: 1},
	})
	t.SetEmptyText("No writes yet on this API and account.")
	rows := make([]table.Row, len(entries))
	for i, e := range entries {
		op := string(e.Op)
		if e.Action != "" {
			op = e.Action
		}
		name := e.Name
		if e.Op == state.OpUpdate {
			if n := nameOf(e.After); n != "" && n != nameOf(e.Before) {
				name = fmt.Sprintf("%s → %s", nameOf(e.Before), n)
			}
		}
		rows[i] = table.Row{ID: strconv.Itoa(i), Cells: []string{
			e.Time.Local().Format("2006-01-02 15:04:05"), fmt.Sprintf("%s/%d", e.Profile, e.Account), op, e.Kind, e.ID, name}}
	}
	t.SetRows(rows)
	m.show(t, historyName, "history")
	m.history = entries
	return nil
}

func nameOf(raw []byte) string {
	var v struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return ""
	}
	return v.Name
}

// onHistoryAction reverts the chosen update.
func (m *Model) onHistoryAction(msg table.ActionMsg) tea.Cmd {
	if msg.Action != table.Open {
		if msg.Action == table.Inspect {
			return m.inspectHistory(msg.Row.ID)
		}
		return nil
	}
	i, err := strconv.Atoi(msg.Row.ID)
	if err != nil || i < 0 || i >= len(m.history) {
		return nil
	}
	e := m.history[i]
	switch {
	case e.Op != state.OpUpdate:
		m.setNotice("only updates can be reverted; i shows what was written")
		return nil
	case m.readOnly():
		m.setNotice(readOnlyNotice)
		return nil
	case m.client == nil || e.Profile != m.profile.Name || e.Account != m.client.AccountID():
		m.showError(fmt.Errorf("this write was made as profile %q in account %d: switch there first (:use)", e.Profile, e.Account))
		return nil
	}
	d, ok := m.cat.Lookup(e.Kind)
	if !ok {
		return nil
	}
	m.overlay = nil
	m.inflight++
	c, ctx, gen := m.client, m.genCtx, m.gen
	return func() tea.Msg {
		cur, err := c.Get(ctx, d, api.Ref(e.Parent), e.ID)
		return revertMsg{gen: gen, entry: e, current: cur, err: err}
	}
}

func (m *Model) onRevert(msg revertMsg) tea.Cmd {
	if !m.arrived(msg.gen) {
		return nil
	}
	if msg.err != nil {
		m.showError(fmt.Errorf("reverting: %w", msg.err))
		return nil
	}
	d := msg.current.Kind
	text, err := d.WithFields(msg.current.Raw, msg.entry.Before)
	if err != nil {
		m.showError(fmt.Errorf("reverting: %w", err))
		return nil
	}
	f := m.top()
	if f == nil {
		return nil
	}
	cmd := m.openEditor(f, d, msg.current.Parents, &msg.current)
	if m.editing != nil && m.overlay != nil && m.overlay.name == editorName {
		m.overlay.crumb = "revert " + d.Singular
		m.editing.ed.SetText(pretty(text))
		m.draftNow(m.editing)
	}
	return cmd
}

// inspectHistory shows one journal entry as JSON.
func (m *Model) inspectHistory(id string) tea.Cmd {
	i, err := strconv.Atoi(id)
	if err != nil || i < 0 || i >= len(m.history) {
		return nil
	}
	b, err := json.Marshal(m.history[i])
	if err != nil {
		return nil
	}
	m.inspectRaw("journal entry", b, "entry")
	return nil
}
