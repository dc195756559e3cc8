package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/inspector"
)

// Hooks for the data plan and custom role kinds: a create's template made
// from the rows beside it (a new data plan version copies the latest) and
// a role's tasks shown as a matrix above its JSON.

// rowBodies is the bodies of frame view's rows, in the order loaded.
func (m *Model) rowBodies(view int) []json.RawMessage {
	f := m.frameByID(view)
	if f == nil {
		return nil
	}
	es := readAll(f.ents.locateAll(rowIDs(f.table.Rows())))
	out := make([]json.RawMessage, len(es))
	for i, e := range es {
		out[i] = e.Raw
	}
	return out
}

// assignNote says where roles are assigned: the API has no way to do it
// nor to say who holds a role.
const assignNote = "Assigning a role to a user is done in the dashboard (Settings › User Management): " +
	"the API neither assigns roles nor says who holds one, and refuses to delete a role a user holds."

// inspectMore adds what an entity's kind shows beyond its JSON; ok is
// false when it adds nothing. A kind that grants access
// (Descriptor.GrantsFrom: a role, to tasks) gets its grants as a matrix,
// the areas' names read once per inspection.
func (m *Model) inspectMore(f *frame, ov *overlay, in *inspector.Model, e api.Entity) (tea.Cmd, bool) {
	if e.Kind != nil && e.Kind.HoldsRoles {
		in.SetPreface(m.heldRolePreface(e))
		return nil, false // the user is re-read as usual; the preface stays
	}
	if e.Kind == nil || e.Kind.GrantsFrom == "" {
		return nil, false
	}
	tasks, ok := m.cat.Lookup(e.Kind.GrantsFrom)
	if !ok {
		return nil, false
	}
	show := func(catalogue []api.Entity) {
		in.SetPreface(func(w int) []string { return roleMatrix(e, catalogue, w) })
	}
	show(nil)
	return request(m, ask[[]api.Entity]{
		view: f.id, what: "list",
		do: func(ctx context.Context, c *api.Client) ([]api.Entity, error) {
			return c.List(ctx, tasks, e.Parents)
		},
		then: func(got []api.Entity, err error) tea.Cmd {
			if m.overlay != ov {
				return nil
			}
			if err != nil {
				m.fail(fmt.Errorf("reading the tasks for the role's matrix: %w", err))
				return nil
			}
			show(got)
			return nil
		},
	}), true
}

// roleMatrix is a role's tasks as a matrix of width cells.
func roleMatrix(e api.Entity, catalogue []api.Entity, width int) []string {
	var rows []inspector.MatrixRow
	for _, g := range api.RoleGrants(e.Raw, catalogue) {
		rows = append(rows, inspector.MatrixRow{Area: g.Area, Read: g.Read, Write: g.Write, Partial: g.Partial})
	}
	title := fmt.Sprintf("Tasks of %s (✓ granted; WRITE is full access)", firstNonEmpty(e.Name, e.ID))
	return inspector.Matrix(title, rows, []string{assignNote}, width)
}

// heldRolePreface is what the inspector shows above a user: the custom
// role the list showed (only the sandbox says which), and where roles are
// assigned.
func (m *Model) heldRolePreface(e api.Entity) func(int) []string {
	role, listed := api.HeldRoleCell(e)
	line := "Custom role: not shown."
	switch {
	case m.client == nil || !m.client.Sandbox() || !listed:
	case role == "?":
		line = "Custom role: unknown (the sandbox did not say when the list was read)."
	case role == "":
		line = "Custom role: none (as the sandbox keeps its assignments)."
	default:
		line = "Custom role: " + role + " (as the sandbox keeps its assignments; read only)."
	}
	return func(w int) []string {
		var out []string
		for _, s := range []string{line, api.AssignNote} {
			out = append(out, strings.Split(ansi.Wrap(s, w, ""), "\n")...)
		}
		return append(out, "")
	}
}
