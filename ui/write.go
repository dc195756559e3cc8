package ui

import (
	"context"
	"encoding/json"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/inspector"
	"github.com/mpconsole/mpconsole/views/table"
)

// readOnlyNotice is what a write key says in a read-only session.
const readOnlyNotice = "read-only: this console sends no writes (--readonly or the profile's read_only)"

// confirmDelete asks before deleting e, shown in frame f. The default
// answer is No; a kind whose delete takes much with it
// (Descriptor.DeleteByName) asks for the entity's name to be typed.
func (m *Model) confirmDelete(f *frame, e api.Entity) tea.Cmd {
	o := confirm.Options{
		Title:   "Delete " + e.Kind.Singular,
		Message: fmt.Sprintf("Delete %s %s from %s? This cannot be undone.", e.Kind.Singular, entityLabel(e), m.placeLabel()),
		Yes:     "Delete",
		Danger:  true,
	}
	if e.Kind.DeleteByName {
		o.RequireName = firstNonEmpty(e.Name, e.ID)
	}
	view := f.id
	m.question(o, "delete", func(r confirm.ResultMsg) tea.Cmd {
		if !r.Confirmed {
			m.setNotice("nothing deleted")
			return nil
		}
		if m.readOnly() {
			m.setNotice(readOnlyNotice)
			return nil
		}
		return m.delete(view, e)
	})
	return nil
}

// delete deletes e and says so, or shows why it could not.
func (m *Model) delete(view int, e api.Entity) tea.Cmd {
	return deleteRequest(m, m.edits, view, e, func(err error) tea.Cmd {
		if err != nil {
			m.fail(err)
			return nil
		}
		m.setNotice(fmt.Sprintf("delete %s %s: done", e.Kind.Singular, e.ID))
		return m.reload(view, "")
	})
}

// deleteRequest deletes e, for frame view: the one delete request of the
// console (a bulk delete sends one per entity). The delete is journaled,
// and the entity's draft dropped, in the place it was made, even when the
// answer lands after the user switched account (the entity is gone all the
// same); then runs only if the session is still where it asked.
func deleteRequest(h host, s *edits, view int, e api.Entity, then func(error) tea.Cmd) tea.Cmd {
	pl, dk := h.here(), s.draftKey(e.Kind, e.Parents, e.ID)
	return request(h, ask[struct{}]{
		view: view, what: "delete", origin: writeOrigin("delete", e.Kind, e.Parents, e.ID),
		do: func(ctx context.Context, c *api.Client) (struct{}, error) {
			return struct{}{}, c.Delete(ctx, e.Kind, e.Parents, e.ID)
		},
		always: func(_ struct{}, err error) {
			if err == nil {
				s.record(pl, entryFor(state.OpDelete, e))
				s.dropDraft(dk, "deleting the entity's draft")
			}
		},
		then: func(_ struct{}, err error) tea.Cmd { return then(err) },
	})
}

func (m *Model) placeLabel() string {
	acct := m.account
	if m.client != nil {
		if acct == "" {
			acct = "account " + itoa(m.client.AccountID())
		} else {
			acct += " (" + itoa(m.client.AccountID()) + ")"
		}
	}
	return acct
}

func entityLabel(e api.Entity) string {
	if e.Name != "" && e.Name != e.ID {
		return fmt.Sprintf("%s %q", e.ID, e.Name)
	}
	return e.ID
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
	view := f.id
	ov := &overlay{comp: t, crumb: "actions"}
	ov.onAction = func(msg table.ActionMsg) tea.Cmd {
		if msg.Action != table.Open && msg.Action != table.Inspect {
			return nil
		}
		a, ok := e.Kind.Action(msg.Row.ID)
		if !ok {
			return nil
		}
		return m.chooseAction(ov, view, e, a)
	}
	m.show(ov)
	return nil
}

// chooseAction runs a read action at once and asks before a write.
func (m *Model) chooseAction(menu *overlay, view int, e api.Entity, a api.Action) tea.Cmd {
	if why := a.Why(e.Raw); why != "" { // the menu stays open; nothing is sent
		m.setNotice(fmt.Sprintf("%s is unavailable: %s", a.Title, why))
		return nil
	}
	m.close(menu)
	if !a.Mutates {
		return m.act(view, e, a)
	}
	if m.readOnly() {
		m.setNotice(readOnlyNotice)
		return nil
	}
	m.question(confirm.Options{
		Title:   a.Title,
		Message: fmt.Sprintf("%s %s %s in %s?", a.Title, e.Kind.Singular, entityLabel(e), m.placeLabel()),
		Yes:     a.Title,
	}, a.Name, func(r confirm.ResultMsg) tea.Cmd {
		if !r.Confirmed {
			m.setNotice("nothing done")
			return nil
		}
		if m.readOnly() {
			m.setNotice(readOnlyNotice)
			return nil
		}
		return m.act(view, e, a)
	})
	return nil
}

// act runs an action in the background. One that changes something is
// journaled in the place it ran, even when the answer lands after the user
// switched account; the outcome is shown only if the session is still
// where it asked.
func (m *Model) act(view int, e api.Entity, a api.Action) tea.Cmd {
	pl := m.here()
	return request(m, ask[json.RawMessage]{
		view: view, what: "action", origin: writeOrigin("action:"+a.Name, e.Kind, e.Parents, e.ID),
		do: func(ctx context.Context, c *api.Client) (json.RawMessage, error) {
			return c.Act(ctx, e.Kind, e.Parents, e.ID, a.Name)
		},
		always: func(_ json.RawMessage, err error) {
			if err == nil && a.Mutates {
				en := entryFor(state.OpAction, e)
				en.Action = a.Name
				m.edits.record(pl, en)
			}
		},
		then: func(body json.RawMessage, err error) tea.Cmd {
			if err != nil {
				m.fail(err)
				return nil
			}
			if a.Mutates {
				m.setNotice(fmt.Sprintf("%s %s %s: done", a.Title, e.Kind.Singular, e.ID))
				return m.reload(view, "")
			}
			in := inspector.New(m.common)
			ov := &overlay{comp: in, crumb: a.Name}
			m.show(ov)
			title := fmt.Sprintf("%s · %s %s", a.Title, e.Kind.Singular, entityLabel(e))
			in.SetJSON(title, body)
			// A status (a calculation's progress) is watched as the kind's entities are.
			m.watch(ov, view, e.Kind, in, func(ctx context.Context, c *api.Client) (string, []byte, error) {
				body, err := c.Act(ctx, e.Kind, e.Parents, e.ID, a.Name)
				return title, body, err
			})
			return nil
		},
	})
}
