package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views/confirm"
)

// wroteMsg is the answer to a write made from a table.
type wroteMsg struct {
	tag
	op     string // "delete"
	entity api.Entity
	place  place     // where it was written
	draft  state.Key // the entity's draft there
	err    error
}

// readOnlyNotice is what a write key says in a read-only session.
const readOnlyNotice = "read-only: this console sends no writes (--readonly or the profile's read_only)"

// confirmDelete asks before deleting e. The default answer is No; accounts
// and apps ask for their name to be typed.
func (m *Model) confirmDelete(f *frame, e api.Entity) tea.Cmd {
	what := e.Kind.Singular
	label := e.ID
	if e.Name != "" && e.Name != e.ID {
		label = fmt.Sprintf("%s %q", e.ID, e.Name)
	}
	o := confirm.Options{
		ID:      fmt.Sprintf("delete:%d:%s", f.id, e.ID),
		Title:   "Delete " + what,
		Message: fmt.Sprintf("Delete %s %s from %s? This cannot be undone.", what, label, m.placeLabel()),
		Yes:     "Delete",
		Danger:  true,
	}
	if e.Kind.Name == "accounts" || e.Kind.Name == "apps" {
		o.RequireName = e.Name
		if o.RequireName == "" {
			o.RequireName = e.ID
		}
	}
	d := confirm.New(m.common, o)
	m.show(d, o.ID, "delete")
	m.pending = &pendingWrite{frame: f.id, entity: e}
	return nil
}

// pendingWrite is what a dialog that is open will act on.
type pendingWrite struct {
	frame  int
	entity api.Entity
	action string // a kind's action to run; "" for a delete
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

func (m *Model) onConfirm(msg confirm.ResultMsg) tea.Cmd {
	m.overlay = nil
	p := m.pending
	m.pending = nil
	if p == nil || !msg.Confirmed {
		if p != nil && p.action != "" {
			m.setNotice("nothing done")
		} else {
			m.setNotice("nothing deleted")
		}
		return nil
	}
	if m.readOnly() {
		m.setNotice(readOnlyNotice)
		return nil
	}
	if p.action != "" {
		a, _ := p.entity.Kind.Action(p.action)
		return m.act(p.frame, p.entity, a)
	}
	m.inflight++
	c, t, e := m.client, tag{view: p.frame, gen: m.gen}, p.entity
	ctx, pl, dk := m.genCtx, m.here(), m.draftKey(e.Kind, e.Parents, e.ID)
	return func() tea.Msg {
		err := c.Delete(ctx, e.Kind, e.Parents, e.ID)
		return wroteMsg{tag: t, op: "delete", entity: e, place: pl, draft: dk, err: err}
	}
}

// onWrote journals a delete in the place it was made, even when the answer
// lands after the user switched account (the entity is gone all the same),
// and shows the outcome only if the session is still where it asked.
func (m *Model) onWrote(msg wroteMsg) tea.Cmd {
	current := m.arrived(msg.gen)
	if msg.err == nil {
		m.record(msg.place, entryFor(state.OpDelete, msg.entity))
		if err := m.drafts.Delete(msg.draft); err != nil {
			m.showError(fmt.Errorf("deleting the entity's draft: %w", err))
		}
	}
	if !current {
		return nil
	}
	o := writeOrigin(msg.op, msg.entity.Kind, msg.entity.Parents, msg.entity.ID)
	if msg.err != nil {
		m.showErrorFrom(msg.err, o)
		return nil
	}
	m.resolve(o)
	m.setNotice(fmt.Sprintf("%s %s %s: done", msg.op, msg.entity.Kind.Singular, msg.entity.ID))
	return m.reload(m.frameByID(msg.view))
}
