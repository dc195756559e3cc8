package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// TestPlanAndRoleKindsListAndGet lists and fetches every data plan and role
// kind against the seeded sandbox, checking what the seed documents.
func TestPlanAndRoleKindsListAndGet(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	for _, tc := range []struct {
		kind    string
		ref     api.Ref
		n       int
		id      string
		name    string
		cell    int    // a column
		content string // its value for id
	}{
		{"plans", api.Ref{"workspace": "4302"}, 3, "checkout_plan", "Checkout", 3, "v1 production, v2 development"},
		{"versions", api.Ref{"workspace": "4302", "plan": "checkout_plan"}, 3, "2", "version 2", 2, "development"},
		{"versions", api.Ref{"workspace": "5101", "plan": "staging_plan"}, 2, "1", "version 1", 2, "production"},
		{"roles", nil, 9, "marketer_role", "Marketer", 2, "3"},
		{"tasks", nil, 25, "audiences:*", "Audiences: full access", 0, "audiences:*"},
		{"rolemanifest", nil, 1, "roles", "role manifest", 1, "1"},
	} {
		t.Run(tc.kind+"/"+tc.id, func(t *testing.T) {
			d := kind(t, tc.kind)
			es, err := c.List(ctx, d, tc.ref)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(es) != tc.n {
				t.Fatalf("%d %s, want %d", len(es), tc.kind, tc.n)
			}
			e, err := c.Get(ctx, d, tc.ref, tc.id)
			if err != nil {
				t.Fatalf("get %s: %v", tc.id, err)
			}
			if e.ID != tc.id || e.Name != tc.name {
				t.Fatalf("got %q %q, want %q %q", e.ID, e.Name, tc.id, tc.name)
			}
			if got := e.Row()[tc.cell]; got != tc.content {
				t.Fatalf("column %s = %q, want %q", d.Columns[tc.cell].Title, got, tc.content)
			}
			if _, err := c.Get(ctx, d, tc.ref, "no_such_thing"); tc.kind != "rolemanifest" && !errors.Is(err, api.ErrNotFound) {
				t.Fatalf("get of a missing %s: %v, want not found", d.Singular, err)
			}
		})
	}
}

// TestRolesNeedAnOrganization: a client that does not know its
// organization asks for one, and takes it from the reference.
func TestRolesNeedAnOrganization(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	cfg := sandboxConfig(t, srv)
	cfg.OrgID = 0
	c := newClient(t, cfg)
	ctx := context.Background()
	_, err := c.List(ctx, kind(t, "roles"), nil)
	var mr *api.MissingRefError
	if !errors.As(err, &mr) || !strings.Contains(err.Error(), "--parent org=ID") {
		t.Fatalf("list without an org: %v, want a missing org", err)
	}
	es, err := c.List(ctx, kind(t, "tasks"), api.Ref{"org": "1"})
	if err != nil || len(es) != 25 {
		t.Fatalf("tasks with --parent org=1: %d, %v", len(es), err)
	}
	if err := api.CheckRef(kind(t, "roles"), nil, false); err != nil {
		t.Fatalf("CheckRef refuses what the client fills: %v", err)
	}
}

// TestVersionCopiedEditedSaved creates a version by copying the latest one,
// edits it through the update protocol and reads it back.
func TestVersionCopiedEditedSaved(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	d := kind(t, "versions")
	ref := api.Ref{"workspace": "4302", "plan": "checkout_plan"}
	list, err := c.List(ctx, d, ref)
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	for _, e := range list {
		raws = append(raws, e.Raw)
	}
	tmpl := d.CreateTemplate(raws)
	var seeded struct {
		Version     int             `json:"version"`
		Env         string          `json:"activated_environment"`
		Description string          `json:"version_description"`
		Document    json.RawMessage `json:"version_document"`
	}
	if err := json.Unmarshal([]byte(tmpl), &seeded); err != nil {
		t.Fatalf("template: %v\n%s", err, tmpl)
	}
	if seeded.Version != 4 || seeded.Env != "none" || seeded.Description != "Copy of version 3" {
		t.Fatalf("template %+v", seeded)
	}
	if same, _ := api.SameJSON(seeded.Document, field(t, list[2].Raw, "version_document")); !same {
		t.Fatal("the template's document is not version 3's")
	}
	if err := d.CheckBody([]byte(tmpl)); err != nil {
		t.Fatalf("the template does not pass the check: %v", err)
	}
	created, err := c.Create(ctx, d, ref, []byte(tmpl))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.ID != "4" {
		t.Fatalf("created %q", created.ID)
	}
	edited := strings.Replace(string(created.Raw), `"activated_environment":"none"`, `"activated_environment":"development"`, 1)
	if edited == string(created.Raw) {
		t.Fatalf("nothing to edit in %s", created.Raw)
	}
	res, err := c.UpdateIfUnchanged(ctx, d, ref, "4", created.Raw, []byte(edited))
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if got := res.After.Row()[2]; got != "development" {
		t.Fatalf("after the update: %q", got)
	}
	plan, err := c.Get(ctx, kind(t, "plans"), api.Ref{"workspace": "4302"}, "checkout_plan")
	if err != nil || !strings.Contains(plan.Row()[3], "v4 development") {
		t.Fatalf("plan after: %v %v", plan.Row(), err)
	}
}

func field(t *testing.T, raw []byte, k string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[k]
}

// TestVersionShapeCheck: bodies the reference's shape refuses are refused
// before anything is sent, saying where.
func TestVersionShapeCheck(t *testing.T) {
	d := kind(t, "versions")
	for _, tc := range []struct{ body, want string }{
		{`{"version": 0}`, "version must be a positive integer"},
		{`{"activated_environment": "prod"}`, `activated_environment must be one of none, development, production (not "prod")`},
		{`{"version_document": []}`, "version_document must be an object"},
		{`{"version_document": {}}`, "version_document.data_points is required"},
		{`{"version_document": {"data_points": [{"match": {"type": "event", "criteria": {}}}]}}`,
			"data_points[0].match.type must be one of"},
		{`{"version_document": {"data_points": [{"match": {"type": "screen_view", "criteria": {}}}]}}`,
			"data_points[0].validator is required"},
		{`[1]`, "the version must be an object"},
	} {
		err := d.CheckBody([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
	if err := d.CheckBody([]byte(`{"version_description": "x", "activated_environment": "production"}`)); err != nil {
		t.Errorf("a valid patch refused: %v", err)
	}
}

// TestRoleWrites: a role is created, updated and deleted through the
// manifest; a role another writer changed is a conflict; a manifest sent
// back with a stale version is the sandbox's 409 as a *ConflictError.
func TestRoleWrites(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	other := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	roles, man := kind(t, "roles"), kind(t, "rolemanifest")

	created, err := c.Create(ctx, roles, nil, []byte(`{"role_id": "qa_role", "name": "QA", "tasks": [{"task_id": "rules:view"}]}`))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.ID != "qa_role" || !strings.Contains(string(created.Raw), "user:core") {
		t.Fatalf("created %s", created.Raw)
	}
	if _, err := c.Create(ctx, roles, nil, []byte(`{"role_id": "qa_role", "name": "QA again", "tasks": []}`)); err == nil {
		t.Fatal("a second role with the same id was created")
	}

	// Another writer changes the role after it was read: the update sends nothing.
	if _, err := other.Update(ctx, roles, nil, "qa_role", []byte(`{"name": "Quality"}`)); err != nil {
		t.Fatalf("other writer: %v", err)
	}
	var conflict *api.ConflictError
	_, err = c.UpdateIfUnchanged(ctx, roles, nil, "qa_role", created.Raw, []byte(`{"name": "QA team", "tasks": []}`))
	if !errors.As(err, &conflict) || !strings.Contains(string(conflict.Current), "Quality") {
		t.Fatalf("update over another writer's change: %v, want a conflict holding it", err)
	}

	// The whole manifest written back with the version it was read at,
	// after another write: the sandbox's 409, as a conflict.
	m, err := c.Get(ctx, man, nil, "roles")
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Delete(ctx, roles, nil, "qa_role"); err != nil {
		t.Fatal(err)
	}
	if err := other.Delete(ctx, roles, nil, "qa_role"); !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	_, err = c.Update(ctx, man, nil, "roles", m.Raw)
	if !errors.As(err, &conflict) || conflict.Kind != "rolemanifest" || strings.Contains(string(conflict.Current), "qa_role") {
		t.Fatalf("stale manifest: %v, want a conflict with the current manifest", err)
	}
	if !strings.Contains(err.Error(), "changed on the server") {
		t.Fatalf("conflict reads %q", err)
	}
	// Overwriting (the editor's o: the server's version as the base) goes through.
	res, err := c.UpdateIfUnchanged(ctx, man, nil, "roles", conflict.Current, m.Raw)
	if err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if !strings.Contains(string(res.After.Raw), "qa_role") {
		t.Fatalf("after overwrite: %s", res.After.Raw)
	}

	// A role a user holds cannot be deleted: the documented message.
	err = c.Delete(ctx, roles, nil, "marketer_role")
	if err == nil || !strings.Contains(err.Error(), "Removed a custom role with active user membership") {
		t.Fatalf("delete of a held role: %v", err)
	}
}

// TestRoleGrants renders a role's tasks as areas with read and write.
func TestRoleGrants(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	tasks, err := c.List(ctx, kind(t, "tasks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	role := json.RawMessage(`{"tasks": [{"task_id": "user:core"}, {"task_id": "audiences:*"}, {"task_id": "user_activity:view"},
		{"task_id": "connections:connect_integration"}, {"task_id": "made_up:thing"}]}`)
	gs := api.RoleGrants(role, tasks)
	byArea := map[string]api.Grant{}
	for _, g := range gs {
		byArea[g.Area] = g
	}
	for _, tc := range []struct {
		area        string
		read, write bool
		partial     string
	}{
		{"Log in and view dashboard", true, false, ""},
		{"Audiences", true, true, ""},
		{"User Activity View", true, false, ""},
		{"Connections", false, false, "connect integration"},
		{"Rules", false, false, ""},
		{"made_up", false, false, "thing"},
	} {
		g, ok := byArea[tc.area]
		if !ok {
			t.Errorf("no row %q in %+v", tc.area, gs)
			continue
		}
		if g.Read != tc.read || g.Write != tc.write || strings.Join(g.Partial, ",") != tc.partial {
			t.Errorf("%s: %+v", tc.area, g)
		}
	}
}
