package ui

import (
	"encoding/json"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/inspector"
	"github.com/mpconsole/mpconsole/views/table"
)

const actionsName = "actions"

// actedMsg is the answer to one of a kind's actions.
type actedMsg struct {
	tag
	action api.Action
	entity api.Entity
	body   json.RawMessage
	place  place // where it ran
	err    error
}

// openActions lists the selected entity's other operations (a calculated
// attribute's activate, discard draft, activation and calculation status).
// An action the entity's state forbids (api.Action.Unavailable) is listed
// disabled, with the reason.
func (m *Model) openActions(f *frame, e api.Entity) tea.Cmd {
	t := table.New(m.common, []table.Column{{Title: "ACTION", Width: 20}, {Title: "WHAT", Width: minFlex, Flex: 1}, {Title: "KIND", Width: 6}})
	rows := make([]table.Row, 0, len(e.Kind.Actions))
	for _, a := range e.Kind.Actions {
		kind := "read"
		if a.Mutates {
			kind = "write"
		}
		title, help := a.Title, a.Help
		if why := a.Why(e.Raw); why != "" { // offered disabled, saying why
			title, help = "✗ "+a.Title, "unavailable: "+why
		}
		rows = append(rows, table.Row{ID: a.Name, Cells: []string{title, help, kind}})
	}
	t.SetRows(rows)
	m.show(t, actionsName, "actions")
	m.pending = &pendingWrite{frame: f.id, entity: e}
	return nil
}

// onActionChosen runs a read action at once and asks before a write.
func (m *Model) onActionChosen(msg table.ActionMsg) tea.Cmd {
	p := m.pending
	if p == nil || (msg.Action != table.Open && msg.Action != table.Inspect) {
		return nil
	}
	a, ok := p.entity.Kind.Action(msg.Row.ID)
	if !ok {
		return nil
	}
	if why := a.Why(p.entity.Raw); why != "" { // the menu stays open; nothing is sent
		m.setNotice(fmt.Sprintf("%s is unavailable: %s", a.Title, why))
		return nil
	}
	m.overlay = nil
	if !a.Mutates {
		m.pending = nil
		return m.act(p.frame, p.entity, a)
	}
	if m.readOnly() {
		m.pending = nil
		m.setNotice(readOnlyNotice)
		return nil
	}
	p.action = a.Name
	d := confirm.New(m.common, confirm.Options{
		ID:      "action:" + a.Name,
		Title:   a.Title,
		Message: fmt.Sprintf("%s %s %s in %s?", a.Title, p.entity.Kind.Singular, entityLabel(p.entity), m.placeLabel()),
		Yes:     a.Title,
	})
	m.show(d, "confirm:"+a.Name, a.Name)
	return nil
}

func entityLabel(e api.Entity) string {
	if e.Name != "" && e.Name != e.ID {
		return fmt.Sprintf("%s %q", e.ID, e.Name)
	}
	return e.ID
}

// act runs an action in the background.
func (m *Model) act(frame int, e api.Entity, a api.Action) tea.Cmd {
	m.inflight++
	c, ctx, t, pl := m.client, m.genCtx, tag{view: frame, gen: m.gen}, m.here()
	return func() tea.Msg {
		body, err := c.Act(ctx, e.Kind, e.Parents, e.ID, a.Name)
		return actedMsg{tag: t, action: a, entity: e, body: body, place: pl, err: err}
	}
}

// onActed journals an action that changed something in the place it ran,
// even when the answer lands after the user switched account, and shows
// the outcome only if the session is still where it asked.
func (m *Model) onActed(msg actedMsg) tea.Cmd {
	current := m.arrived(msg.gen)
	if msg.err == nil && msg.action.Mutates {
		e := entryFor(state.OpAction, msg.entity)
		e.Action = msg.action.Name
		m.record(msg.place, e)
	}
	if !current {
		return nil
	}
	o := writeOrigin("action:"+msg.action.Name, msg.entity.Kind, msg.entity.Parents, msg.entity.ID)
	if msg.err != nil {
		m.showErrorFrom(msg.err, o)
		return nil
	}
	m.resolve(o)
	if msg.action.Mutates {
		m.setNotice(fmt.Sprintf("%s %s %s: done", msg.action.Title, msg.entity.Kind.Singular, msg.entity.ID))
		return m.reload(m.frameByID(msg.view))
	}
	in := inspector.New(m.common)
	m.show(in, "result", msg.action.Name)
	in.SetJSON(fmt.Sprintf("%s · %s %s", msg.action.Title, msg.entity.Kind.Singular, entityLabel(msg.entity)), msg.body)
	return nil
}
