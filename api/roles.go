package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Custom Access Roles API (custom-roles-api.md): tasks, custom roles and
// the role manifest, under /platform/v2/organizations/{org}/accounts/
// {account}. Answers are bare JSON. Every write replaces the whole manifest
// (PUT …/roles); the console sends back the manifest's version, so a
// manifest another writer changed in between is refused (the sandbox's 409)
// and reported as a *ConflictError, like any other edit conflict.
//
// {account} is the client's own account and {org} its organization
// (Config.OrgID) unless the reference names them: the API has no way to
// find an account's organization, so a client without one needs
// --parent org=ID.

// rolesBase is the path prefix of the Custom Access Roles API.
const rolesBase = "/organizations/{org}/accounts/{account}"

// manifestSpec marks a kind written through the role manifest. whole: the
// entity is the manifest itself; otherwise it is one role of it.
type manifestSpec struct{ whole bool }

func roleKinds() []*Descriptor {
	return []*Descriptor{
		{
			Name: "roles", Singular: "role", Title: "Custom roles", Aliases: []string{"customroles", "customrole", "accessroles"},
			GrantsFrom: "tasks",
			Version:    V2, Within: "roles",
			Paths: Paths{
				List:   []string{rolesBase + "/roles"},
				Create: Endpoint{http.MethodPut, rolesBase + "/roles"},
				Update: Endpoint{http.MethodPut, rolesBase + "/roles"},
				Delete: rolesBase + "/roles",
			},
			Columns: []Column{col("ROLE ID", 22, field("role_id")), col("NAME", 0, field("name")),
				col("TASKS", 5, count("tasks")), col("DESCRIPTION", 40, field("description"))},
			id:       ffield("role_id"),
			manifest: &manifestSpec{},
			// The organization's custom roles, read from the role manifest; every write PUTs the whole manifest back with its version. Assigning a role to a user is done in the dashboard (no API).
			Help: "Custom access roles of the organization: which tasks each grants. Assign them in the dashboard.",
		},
		{
			Name: "tasks", Singular: "task", Title: "Tasks", Aliases: []string{"roletasks", "permissions"},
			Version: V2,
			Paths:   Paths{List: []string{rolesBase + "/tasks"}},
			Columns: []Column{col("TASK ID", 32, field("task_id")), col("NAME", 0, field("display_name")),
				col("DESCRIPTION", 40, field("description"))},
			id:   ffield("task_id"),
			name: ffield("display_name"),
			// Every task a custom role may hold (GET …/tasks). Read only.
			Help: "Every unit of access a custom role can grant.",
		},
		{
			Name: "rolemanifest", Singular: "manifest", Title: "Role manifest", Aliases: []string{"rolesmanifest", "manifests"},
			Version: V2, Single: true,
			Paths: Paths{
				Get:    rolesBase + "/roles",
				Update: Endpoint{http.MethodPut, rolesBase + "/roles"},
			},
			Columns: []Column{col("ROLES", 5, count("roles")), col("VERSION", 7, field("version")),
				col("MODIFIED", 16, func(o object) string { return manifestTime(str(o, "last_modified_on")) }), col("BY", 0, field("last_modified_by"))},
			id:       func(fields) string { return "roles" },
			name:     func(fields) string { return "role manifest" },
			manifest: &manifestSpec{whole: true},
			// The whole role manifest as one document (GET and PUT …/roles), with its version for optimistic concurrency.
			Help: "Every custom role as one document, edited and saved whole.",
		},
	}
}

// clientFilled is ref with the placeholders a client fills itself
// ({account}, {org}) marked as given, for checks made without a client
// (CheckRef): whether the client knows its organization is its own to say.
func clientFilled(d *Descriptor, ref Ref) Ref {
	if !usesScope(d) {
		return ref
	}
	out := ref.Clone()
	for _, k := range []string{"account", "org"} {
		if out[k] == "" {
			out[k] = "0"
		}
	}
	return out
}

func usesScope(d *Descriptor) bool {
	keys := RefKeys(d)
	return slices.Contains(keys, "account") || slices.Contains(keys, "org")
}

// scope fills {account} with the client's account and {org} with its
// organization, when the kind's paths name them and ref does not.
func (c *Client) scope(d *Descriptor, ref Ref) Ref {
	if !usesScope(d) {
		return ref
	}
	out := ref.Clone()
	if out["account"] == "" {
		out["account"] = strconv.FormatInt(c.account, 10)
	}
	if out["org"] == "" && c.cfg.OrgID > 0 {
		out["org"] = strconv.FormatInt(c.cfg.OrgID, 10)
	}
	return out
}

// OrgID is the organization the client names in role and task paths (0
// when it was not configured).
func (c *Client) OrgID() int64 { return c.cfg.OrgID }

// within takes a kind's entities out of the member of the list answer
// that holds them (Descriptor.Within).
func (c *Client) within(resp *Response, path string, d *Descriptor, items []json.RawMessage) ([]json.RawMessage, error) {
	if d.Within == "" {
		return items, nil
	}
	if len(items) != 1 {
		return nil, c.shapeError(resp, path, d, fmt.Sprintf("expected one object holding %q", d.Within))
	}
	raw := bytes.TrimSpace(decodeFields(items[0]).get(d.Within).raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] != '[' {
		return nil, c.shapeError(resp, path, d, fmt.Sprintf("%q is not an array", d.Within))
	}
	return nonNull(splitArray(raw)), nil
}

func (c *Client) shapeError(resp *Response, path string, d *Descriptor, msg string) *Error {
	return &Error{Status: resp.Status, Method: http.MethodGet, Path: c.fullPath(d, path), Kind: ErrBadResponse,
		Attempts: resp.Attempts, Items: []ErrorItem{{Message: msg}}}
}

// manifestDoc is the role manifest as read: its roles kept as sent, and
// its version (nil when the manifest carries none).
type manifestDoc struct {
	path    string
	raw     json.RawMessage
	roles   []json.RawMessage
	version json.RawMessage
}

func (m *manifestDoc) roleIndex(id string) int {
	return slices.IndexFunc(m.roles, func(r json.RawMessage) bool { return fstr(decodeFields(r), "role_id") == id })
}

// readManifest reads the role manifest.
func (c *Client) readManifest(ctx context.Context, d *Descriptor, parent Ref) (*manifestDoc, error) {
	p, err := expand(d.Name, rolesBase+"/roles", parent, "")
	if err != nil {
		return nil, err
	}
	return c.manifestAt(ctx, d, p)
}

// manifestAt reads the role manifest at its expanded path.
func (c *Client) manifestAt(ctx context.Context, d *Descriptor, p string) (*manifestDoc, error) {
	resp, err := c.Do(ctx, Request{Version: V2, Method: http.MethodGet, Path: p})
	if err != nil {
		return nil, err
	}
	return c.parseManifest(resp, p, d)
}

func (c *Client) parseManifest(resp *Response, p string, d *Descriptor) (*manifestDoc, error) {
	body := bytes.TrimSpace(resp.Body)
	if len(body) == 0 || body[0] != '{' || !json.Valid(body) {
		return nil, c.shapeError(resp, p, d, "the role manifest is not a JSON object")
	}
	f := splitObject(body)
	m := &manifestDoc{path: p, raw: json.RawMessage(body), version: f["version"]}
	if r := bytes.TrimSpace(f["roles"]); len(r) > 0 && r[0] == '[' {
		m.roles = nonNull(splitArray(r))
	}
	return m, nil
}

// putManifest sends roles as the whole manifest with version (left out
// when nil) and returns the manifest the server answered. A stale version
// (409) is a *ConflictError holding current(), what the entity is now.
func (c *Client) putManifest(ctx context.Context, d *Descriptor, m *manifestDoc, roles []json.RawMessage, version json.RawMessage, id string, current func(*manifestDoc) []byte) (*manifestDoc, error) {
	if roles == nil {
		roles = []json.RawMessage{}
	}
	body := map[string]any{"roles": roles}
	if v := bytes.TrimSpace(version); len(v) > 0 && !bytes.Equal(v, []byte("null")) {
		body["version"] = json.RawMessage(v)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name, err)
	}
	resp, err := c.Do(ctx, Request{Version: V2, Method: http.MethodPut, Path: m.path, Body: b})
	var ae *Error
	if errors.As(err, &ae) && ae.Status == http.StatusConflict {
		now, rerr := c.manifestAt(ctx, d, m.path)
		if rerr != nil {
			return nil, fmt.Errorf("%w (re-reading the role manifest: %v)", err, rerr)
		}
		return nil, &ConflictError{Kind: d.Name, ID: id, Current: current(now)}
	}
	if err != nil {
		return nil, err
	}
	return c.parseManifest(resp, m.path, d)
}

// manifestCreate adds a role to the manifest.
func (c *Client) manifestCreate(ctx context.Context, d *Descriptor, parent Ref, body []byte) (Entity, error) {
	if d.manifest.whole {
		return Entity{}, unsupported(d, OpCreate)
	}
	role, err := roleObject(d, body)
	if err != nil {
		return Entity{}, err
	}
	m, err := c.readManifest(ctx, d, parent)
	if err != nil {
		return Entity{}, err
	}
	before := map[string]bool{}
	for _, r := range m.roles {
		before[fstr(decodeFields(r), "role_id")] = true
	}
	want := fstr(decodeFields(role), "role_id")
	if want != "" && before[want] {
		return Entity{}, fmt.Errorf("%s: a role with role_id %q already exists", d.Name, want)
	}
	after, err := c.putManifest(ctx, d, m, append(slices.Clone(m.roles), role), m.version, want,
		func(now *manifestDoc) []byte { return now.raw })
	if err != nil {
		return Entity{}, err
	}
	for _, r := range after.roles {
		id := fstr(decodeFields(r), "role_id")
		if (want != "" && id == want) || (want == "" && !before[id]) {
			return d.entity(r, parent), nil
		}
	}
	return d.entity(role, parent), nil
}

// manifestUpdate changes one role (its id kept), or replaces the whole
// manifest. The version sent is the body's when it has one (the whole
// manifest), else the one just read.
func (c *Client) manifestUpdate(ctx context.Context, d *Descriptor, parent Ref, id string, body []byte) (Entity, error) {
	m, err := c.readManifest(ctx, d, parent)
	if err != nil {
		return Entity{}, err
	}
	if d.manifest.whole {
		f := decodeFields(bytes.TrimSpace(body))
		roles := f.get("roles")
		if f.kind() != '{' || roles.kind() != '[' {
			return Entity{}, fmt.Errorf("%s: the body must be a JSON object with a \"roles\" array", d.Name)
		}
		version := m.version
		if v := f.get("version"); v.raw != nil {
			version = v.raw
		}
		after, err := c.putManifest(ctx, d, m, nonNull(splitArray(roles.raw)), version, id,
			func(now *manifestDoc) []byte { return now.raw })
		if err != nil {
			return Entity{}, err
		}
		return d.entity(after.raw, parent), nil
	}
	i := m.roleIndex(id)
	if i < 0 {
		return Entity{}, c.notFound(d, m.path, id)
	}
	role, err := mergeRole(d, m.roles[i], body, id)
	if err != nil {
		return Entity{}, err
	}
	roles := slices.Clone(m.roles)
	roles[i] = role
	after, err := c.putManifest(ctx, d, m, roles, m.version, id, func(now *manifestDoc) []byte {
		if j := now.roleIndex(id); j >= 0 {
			return now.roles[j]
		}
		return nil
	})
	if err != nil {
		return Entity{}, err
	}
	if j := after.roleIndex(id); j >= 0 {
		return d.entity(after.roles[j], parent), nil
	}
	return d.entity(role, parent), nil
}

// manifestDelete removes a role (refused by the server when a user holds it).
func (c *Client) manifestDelete(ctx context.Context, d *Descriptor, parent Ref, id string) error {
	if d.manifest.whole {
		return unsupported(d, OpDelete)
	}
	m, err := c.readManifest(ctx, d, parent)
	if err != nil {
		return err
	}
	i := m.roleIndex(id)
	if i < 0 {
		return c.notFound(d, m.path, id)
	}
	_, err = c.putManifest(ctx, d, m, slices.Delete(slices.Clone(m.roles), i, i+1), m.version, id,
		func(now *manifestDoc) []byte {
			if j := now.roleIndex(id); j >= 0 {
				return now.roles[j]
			}
			return nil
		})
	return err
}

// roleObject checks that a body is one role object.
func roleObject(d *Descriptor, body []byte) (json.RawMessage, error) {
	b, err := d.body(body)
	if err != nil {
		return nil, err
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("%s: a role is a JSON object", d.Name)
	}
	return json.RawMessage(b), nil
}

// mergeRole is the role old with the fields of body over it, its role_id
// kept: the manifest's other fields of the role survive an update that
// sends only the updatable ones.
func mergeRole(d *Descriptor, old json.RawMessage, body []byte, id string) (json.RawMessage, error) {
	b, err := roleObject(d, body)
	if err != nil {
		return nil, err
	}
	var o, n map[string]json.RawMessage
	if err := json.Unmarshal(old, &o); err != nil {
		return nil, fmt.Errorf("%s %q: %w", d.Name, id, err)
	}
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, fmt.Errorf("%s %q: %w", d.Name, id, err)
	}
	for k, v := range n {
		o[k] = v
	}
	idj, _ := json.Marshal(id)
	o["role_id"] = idj
	out, err := json.Marshal(o)
	return out, err
}

// manifestTime renders the manifest's last_modified_on
// ("2022-06-28 18:24:49") like the other timestamps.
func manifestTime(s string) string {
	if t, err := time.Parse(time.DateTime, s); err == nil {
		return t.Format("2006-01-02 15:04")
	}
	return s
}

// Grant is one row of a role's task matrix: an area of the product and
// what the role may do there.
type Grant struct {
	Area  string // "Audiences"
	Read  bool   // view access
	Write bool   // full access
	// Partial names the limited writes granted without full access
	// ("connect integration").
	Partial []string
	Tasks   []string // the task ids behind the row
}

// RoleGrants turns a role's tasks into a matrix row per area, in the
// order the tasks catalogue lists them, every area of the catalogue
// included (then areas of unknown tasks, as sent).
// tasks is the catalogue (GET …/tasks), which names the areas; without it
// the task ids name them. A task id is AREA:LEVEL: "view", "core" and
// "settings" are read access, "*" full access (read and write), anything
// else a limited write.
func RoleGrants(role json.RawMessage, tasks []Entity) []Grant {
	var r struct {
		Tasks []struct {
			TaskID string `json:"task_id"`
		} `json:"tasks"`
	}
	_ = json.Unmarshal(role, &r)
	held := map[string]bool{}
	for _, t := range r.Tasks {
		held[t.TaskID] = true
	}
	order := []string{}
	names := map[string]string{}
	for _, t := range tasks {
		area, _, _ := strings.Cut(t.ID, ":")
		if _, ok := names[area]; !ok {
			order = append(order, area)
			n, _, _ := strings.Cut(t.Name, ":")
			names[area] = strings.TrimSpace(n)
		}
	}
	for _, t := range r.Tasks {
		area, _, _ := strings.Cut(t.TaskID, ":")
		if !slices.Contains(order, area) {
			order = append(order, area)
		}
	}
	var out []Grant
	for _, area := range order {
		g := Grant{Area: names[area]}
		if g.Area == "" {
			g.Area = area
		}
		for _, t := range r.Tasks {
			a, level, _ := strings.Cut(t.TaskID, ":")
			if a != area || slices.Contains(g.Tasks, t.TaskID) {
				continue
			}
			g.Tasks = append(g.Tasks, t.TaskID)
			switch level {
			case "view", "core", "settings", "":
				g.Read = true
			case "*":
				g.Read, g.Write = true, true
			default:
				g.Partial = append(g.Partial, strings.ReplaceAll(level, "_", " "))
			}
		}
		out = append(out, g)
	}
	return out
}
