package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Who holds which custom role. No API says: custom-roles-api.md §8 has
// roles assigned in the dashboard only, and the Platform API's user object
// has no role field. mpconsole's sandbox knows its own assignments and
// serves them outside the API's paths, at GET /sandbox/roleassignments
// (docs/sandbox.md); a client configured for the sandbox (Config.Sandbox)
// reads them there, and the users list shows them in its CUSTOM ROLE
// column. Any other client asks nothing, and the column stays empty.

// HeldRole is the custom role a user holds, as the sandbox says.
type HeldRole struct {
	Email    string `json:"email"`
	RoleID   string `json:"role_id"`
	RoleName string `json:"role_name"`
}

// AssignNote says where custom roles are assigned, for the places that
// show them (the users list's help, the inspector, a refused edit).
const AssignNote = "Custom roles are assigned in the dashboard (Settings › User Management): " +
	"no API assigns a role or says who holds one."

// Sandbox reports whether the client talks to mpconsole's sandbox
// (Config.Sandbox), which also says who holds which custom role.
func (c *Client) Sandbox() bool { return c.cfg.Sandbox }

// HeldRoles lists the users of the client's account that hold a custom
// role. Only the sandbox can say (Config.Sandbox); for any other client it
// asks nothing and returns an error wrapping ErrNotSupported.
func (c *Client) HeldRoles(ctx context.Context) ([]HeldRole, error) {
	if !c.cfg.Sandbox {
		return nil, fmt.Errorf("who holds which custom role: %w: no API says (%s)", ErrNotSupported, AssignNote)
	}
	const p = "/roleassignments"
	resp, err := c.Do(ctx, Request{Version: vSandbox, Method: http.MethodGet, Path: p})
	if err != nil {
		return nil, err
	}
	items, err := c.items(resp, http.MethodGet, p, heldRolesAt)
	if err != nil {
		return nil, err
	}
	out := make([]HeldRole, 0, len(items))
	for _, it := range items {
		var h HeldRole
		if err := json.Unmarshal(it, &h); err != nil || h.Email == "" {
			return nil, &Error{Status: resp.Status, Method: http.MethodGet, Path: c.fullPath(heldRolesAt, p), Kind: ErrBadResponse,
				Excerpt: c.tokens.redactor().text(Excerpt(it, excerptLen)), Attempts: resp.Attempts,
				Items: []ErrorItem{{Message: "expected {email, role_id, role_name}"}}}
		}
		out = append(out, h)
	}
	return out, nil
}

// heldRolesAt is where HeldRoles asks, for its errors' paths.
var heldRolesAt = &Descriptor{Name: "roleassignments", Version: vSandbox}

// heldRoleNotes are the notes of a users list (listScratch.notes): each
// holder's lower-cased e-mail to the role's name. A sandbox that cannot
// say (the request failed) gives every user "?"; any other client, none.
func (c *Client) heldRoleNotes(ctx context.Context) (notes map[string]string, unknown bool) {
	if !c.cfg.Sandbox {
		return nil, false
	}
	held, err := c.HeldRoles(ctx)
	if err != nil {
		c.log.Debug("role assignments unread; the users' custom roles show as ?", "err", err)
		return nil, true
	}
	notes = make(map[string]string, len(held))
	for _, h := range held {
		notes[strings.ToLower(h.Email)] = firstOf(h.RoleName, h.RoleID)
	}
	return notes, false
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// HeldRoleCell is a listed user's custom role cell: the role's name, ""
// for none (or, from a client of the API, not known), "?" when the
// sandbox could not say. ok is false for an entity that was not listed or
// whose kind shows no role.
func HeldRoleCell(e Entity) (role string, ok bool) {
	if e.Kind == nil || !e.listed {
		return "", false
	}
	for i, c := range e.Kind.Columns {
		if c.note {
			return e.Cell(i), true
		}
	}
	return "", false
}
