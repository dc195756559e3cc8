package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func rolesPath(org, acct int64, what string) string {
	return fmt.Sprintf("/platform/v2/organizations/%d/accounts/%d/%s", org, acct, what)
}

// clearAssignments takes every seeded user's role away, so that the
// reference's bodies, which replace the whole manifest, may be sent as is.
func clearAssignments(t *testing.T, srv *Server) {
	t.Helper()
	for _, a := range srv.RoleAssignments() {
		if err := srv.AssignRole(a.AccountID, a.Email, ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.RoleAssignments()); n != 0 {
		t.Fatalf("%d assignments left", n)
	}
}

func roleIDs(t *testing.T, m map[string]any) []string {
	t.Helper()
	var ids []string
	for _, r := range m["roles"].([]any) {
		ids = append(ids, r.(map[string]any)["role_id"].(string))
	}
	return ids
}

func TestCustomRolesReplaysReferenceExamples(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	withVersion := shapeRules{extra: map[string]bool{"version": true}}

	tasks := decodeAny(t, c.do("GET", rolesPath(1, 1, "tasks"), nil).want(t, 200))
	wantShape(t, "tasks", testdataJSON(t, "customroles/tasks.response.json"), tasks, shapeRules{})
	var ids []string
	for _, tk := range tasks.([]any) {
		ids = append(ids, tk.(map[string]any)["task_id"].(string))
	}
	if len(ids) != 25 || ids[0] != "user:core" || !slices.Contains(ids, "api_credentials:*") || !slices.Contains(ids, "privacy:settings") {
		t.Errorf("tasks: %v", ids)
	}

	rolesDoc := testdataJSON(t, "customroles/roles.response.json")
	m := decodeAny(t, c.do("GET", rolesPath(1, 1, "roles"), nil).want(t, 200)).(map[string]any)
	wantShape(t, "roles", rolesDoc, m, withVersion)
	if m["last_modified_on"] != "2022-06-28 18:24:49" || m["version"] != float64(SeedRolesVersion) {
		t.Errorf("seeded manifest: %v %v", m["last_modified_on"], m["version"])
	}
	if got := roleIDs(t, m); !slices.Equal(got, []string{"user-role", "admin-role", "compliance-role", "admin-compliance-role",
		"audiences-only-role", "read-only-role", "support-role", "marketer_role", "453afgwevc"}) {
		t.Errorf("seeded roles %v", got)
	}
	// Every account of the organization reads the same manifest.
	if other := c.do("GET", rolesPath(1, 2, "roles"), nil).want(t, 200); !bytes.Equal(other.body, c.do("GET", rolesPath(1, 1, "roles"), nil).body) {
		t.Errorf("accounts 1 and 2 read different manifests")
	}

	// The create body as documented removes every seeded role, some held.
	create := testdataBytes(t, "customroles/create-role.request.json")
	wantMessages(t, c.do("PUT", rolesPath(1, 1, "roles"), create), 400, "Removed a custom role with active user membership")
	// The curl example is not JSON.
	wantMessages(t, c.do("PUT", rolesPath(1, 1, "roles"), testdataBytes(t, "customroles/create-role-curl.request.txt")), 400, "Miswritten JSON syntax")

	clearAssignments(t, srv)
	m = decodeAny(t, c.do("PUT", rolesPath(1, 1, "roles"), create).want(t, 200)).(map[string]any)
	wantShape(t, "create role", rolesDoc, m, withVersion)
	if got := roleIDs(t, m); !slices.Equal(got, []string{"myRoleId1", "myRoleId2"}) {
		t.Errorf("after create: %v", got)
	}
	first := m["roles"].([]any)[0].(map[string]any)
	if fmt.Sprint(first["tasks"]) != "[map[task_id:user:core] map[task_id:audiences:*] map[task_id:user_activity:view]]" {
		t.Errorf("tasks of myRoleId1: %v", first["tasks"])
	}
	if m["last_modified_by"] != "client_id:sandbox" || !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`).MatchString(m["last_modified_on"].(string)) {
		t.Errorf("last modified: %v %v", m["last_modified_on"], m["last_modified_by"])
	}
	for _, f := range []string{"modify-role", "delete-role"} {
		m = decodeAny(t, c.do("PUT", rolesPath(1, 1, "roles"), testdataBytes(t, "customroles/"+f+".request.json")).want(t, 200)).(map[string]any)
		wantShape(t, f, rolesDoc, m, withVersion)
		r := m["roles"].([]any)
		if len(r) != 1 || r[0].(map[string]any)["name"] != "Marketing Admin" || len(r[0].(map[string]any)["tasks"].([]any)) != 4 {
			t.Errorf("after %s: %v", f, r)
		}
	}
	if m["version"] != float64(SeedRolesVersion+3) {
		t.Errorf("version after three uploads: %v", m["version"])
	}
}

func TestCustomRolesMessages(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	cur := decodeAny(t, c.do("GET", rolesPath(1, 1, "roles"), nil)).(map[string]any)
	with := func(extra ...map[string]any) map[string]any {
		roles := slices.Clone(cur["roles"].([]any))
		for _, e := range extra {
			roles = append(roles, e)
		}
		return map[string]any{"roles": roles}
	}
	role := func(id, name, desc string, tasks ...string) map[string]any {
		ts := []any{}
		for _, tk := range tasks {
			ts = append(ts, map[string]any{"task_id": tk})
		}
		return map[string]any{"role_id": id, "name": name, "description": desc, "tasks": ts}
	}
	text := "Name or Description is empty, has too many characters length, or has restricted characters: "
	many := []map[string]any{}
	for i := range 92 {
		many = append(many, role(fmt.Sprint("r", i), "R", ""))
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		msg    string
	}{
		{"not JSON", `{"roles": [`, 400, "Miswritten JSON syntax"},
		{"empty", ``, 400, "Miswritten JSON syntax"},
		{"not UTF-8", "{\"roles\":[{\"name\":\"\xff\"}]}", 400, "Miswritten JSON syntax"},
		{"no roles", `{}`, 400, "Miswritten JSON syntax: the body must be a JSON object with a 'roles' array"},
		{"task not an object", `{"roles":[{"name":"x","tasks":["rules:*"]}]}`, 400, `Miswritten JSON syntax: 'tasks' of role 0 must be an array of {"task_id": …} objects`},
		{"empty name", with(role("x", " ", "d")), 400, text + "role 9 (x): name is empty"},
		{"long name", with(role("x", strings.Repeat("n", 65), "d")), 400, text + "role 9 (x): name has 65 characters (at most 64)"},
		{"long description", with(role("x", "X", strings.Repeat("d", 257))), 400, text + "role 9 (x): description has 257 characters (at most 256)"},
		{"long id and restricted name", with(role(strings.Repeat("i", 65), "<b>", "")), 400,
			text + "role 9 (" + strings.Repeat("i", 65) + "): name has restricted characters (control characters, < or >); role 9 (" + strings.Repeat("i", 65) + "): role_id has 65 characters (at most 64)"},
		{"duplicate id", with(role("marketer_role", "Again", "")), 400, text + `role_id "marketer_role" is given twice`},
		{"unknown tasks", with(role("x", "X", "", "rules:*", "nope:*", "cropsdemobasicuseractions")), 400, "Tasks not found: nope:*, cropsdemobasicuseractions"},
		{"101 roles", with(many...), 400, "An organization may have at most 100 custom roles; this manifest has 101"},
		{"held role removed", map[string]any{"roles": cur["roles"].([]any)[2:]}, 400, "Removed a custom role with active user membership"},
		{"stale version", map[string]any{"roles": cur["roles"], "version": 0}, 409, "Manifest version 0 is stale; the current version is 1"},
		{"version not a number", map[string]any{"roles": cur["roles"], "version": "1"}, 400, "Miswritten JSON syntax: 'version' must be an integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantMessages(t, c.do("PUT", rolesPath(1, 1, "roles"), tc.body), tc.status, tc.msg)
		})
	}
	// Nothing changed.
	if after := decodeAny(t, c.do("GET", rolesPath(1, 1, "roles"), nil)).(map[string]any); after["version"] != cur["version"] || len(after["roles"].([]any)) != len(cur["roles"].([]any)) {
		t.Errorf("refused uploads changed the manifest")
	}
	// Organization and account.
	wantMessages(t, c.do("GET", rolesPath(2, 1, "roles"), nil), 404, `Organization "2" does not exist or you do not have access`)
	wantMessages(t, c.do("GET", "/platform/v2/organizations/x/accounts/1/tasks", nil), 404, `Organization "x" does not exist or you do not have access`)
	wantMessages(t, c.do("GET", rolesPath(1, 99, "tasks"), nil), 404, `Account "99" does not exist in organization 1 or you do not have access`)
	if r := c.do("POST", rolesPath(1, 1, "roles"), `{}`); r.status != 405 || r.header.Get("Allow") != "GET, PUT, OPTIONS" {
		t.Errorf("POST roles: %d %q", r.status, r.header.Get("Allow"))
	}
	// An absent role id is generated; a task sent twice, or user:core, is kept once.
	m := decodeAny(t, c.do("PUT", rolesPath(1, 1, "roles"), with(role("", "Generated", "", "rules:view", "rules:view", "user:core"))).want(t, 200)).(map[string]any)
	last := m["roles"].([]any)[len(m["roles"].([]any))-1].(map[string]any)
	if !regexp.MustCompile(`^[a-z0-9]{10}$`).MatchString(last["role_id"].(string)) || fmt.Sprint(last["tasks"]) != "[map[task_id:user:core] map[task_id:rules:view]]" {
		t.Errorf("generated role: %v", last)
	}
	// 429: the documented message.
	srv.InjectNext(Fault429, 1)
	r := c.do("GET", rolesPath(1, 1, "tasks"), nil)
	wantMessages(t, r, 429, "Too Many Requests")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("429 without Retry-After")
	}
	srv.InjectNext(Fault502, 1)
	c.do("PUT", rolesPath(1, 1, "roles"), map[string]any{"roles": m["roles"]}).want(t, 502)
	if v := decodeAny(t, c.do("GET", rolesPath(1, 1, "roles"), nil)).(map[string]any)["version"]; v != m["version"] {
		t.Errorf("a 502 fault changed the manifest: version %v", v)
	}
}

func TestCustomRolesViewer(t *testing.T) {
	srv := startSB(t, Options{})
	v := sbViewer(t, srv)
	v.do("GET", rolesPath(1, 1, "tasks"), nil).want(t, 200)
	m := decodeAny(t, v.do("GET", rolesPath(1, 1, "roles"), nil).want(t, 200))
	v.do("GET", rolesPath(1, 2, "roles"), nil).want(t, 404)
	wantMessages(t, v.do("PUT", rolesPath(1, 1, "roles"), m), 403, `The credential "viewer" is read-only: it may not PUT.`)
	wantMessages(t, v.do("PUT", rolesPath(1, 1, "roles"), `not json`), 403, `The credential "viewer" is read-only: it may not PUT.`)
}

// ---- a client written from custom-roles-api.md alone ----

// crTask, crRole and crManifest are the reference's objects; Version is
// the manifest version of its concurrency section, sent back as read.
type crTask struct {
	TaskID      string `json:"task_id"`
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
}

type crRole struct {
	RoleID      string `json:"role_id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Tasks       []struct {
		TaskID string `json:"task_id"`
	} `json:"tasks"`
}

type crManifest struct {
	Roles          []crRole `json:"roles"`
	LastModifiedOn string   `json:"last_modified_on,omitempty"`
	LastModifiedBy string   `json:"last_modified_by,omitempty"`
	Version        *int64   `json:"version,omitempty"`
}

// crError is a refused call: its status and messages.
type crError struct {
	Status   int
	Messages []string
}

func (e *crError) Error() string {
	return fmt.Sprintf("%d: %s", e.Status, strings.Join(e.Messages, "; "))
}

type crClient struct {
	host, clientID, secret string
	org, account           int64
	hc                     *http.Client
	token                  string
}

func (c *crClient) fetchToken(ctx context.Context) error {
	body, _ := json.Marshal(map[string]string{"client_id": c.clientID, "client_secret": c.secret,
		"audience": "https://api.mparticle.com", "grant_type": "client_credentials"})
	req, err := http.NewRequestWithContext(ctx, "POST", c.host+"/oauth/token", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("content-type", "application/json")
	res, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if res.StatusCode != 200 || json.NewDecoder(res.Body).Decode(&tok) != nil || tok.AccessToken == "" {
		return fmt.Errorf("token: status %d", res.StatusCode)
	}
	c.token = tok.AccessToken
	return nil
}

// call sends one request; after a 401 it fetches a token and tries once more.
func (c *crClient) call(ctx context.Context, method, what string, in, out any) error {
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	for attempt := 0; ; attempt++ {
		if c.token == "" {
			if err := c.fetchToken(ctx); err != nil {
				return err
			}
		}
		url := fmt.Sprintf("%s/platform/v2/organizations/%d/accounts/%d/%s", c.host, c.org, c.account, what)
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := c.hc.Do(req)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, what, err)
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, what, err)
		}
		if res.StatusCode == 401 && attempt == 0 {
			c.token = ""
			continue
		}
		if res.StatusCode != 200 {
			var e struct {
				Errors []struct {
					Message string `json:"message"`
				} `json:"errors"`
			}
			json.Unmarshal(raw, &e) //nolint:errcheck // the body shape is not documented; the status is enough
			ce := &crError{Status: res.StatusCode}
			for _, m := range e.Errors {
				ce.Messages = append(ce.Messages, m.Message)
			}
			return ce
		}
		return json.Unmarshal(raw, out)
	}
}

func (c *crClient) Tasks(ctx context.Context) ([]crTask, error) {
	var out []crTask
	return out, c.call(ctx, "GET", "tasks", nil, &out)
}

func (c *crClient) Manifest(ctx context.Context) (crManifest, error) {
	var out crManifest
	return out, c.call(ctx, "GET", "roles", nil, &out)
}

// Put uploads the manifest's roles with the version it was read at.
func (c *crClient) Put(ctx context.Context, m crManifest) (crManifest, error) {
	var out crManifest
	return out, c.call(ctx, "PUT", "roles", crManifest{Roles: m.Roles, Version: m.Version}, &out)
}

func TestCustomRolesClient(t *testing.T) {
	srv := startSB(t, Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cl := &crClient{host: srv.URL(), clientID: DefaultClientID, secret: DefaultClientSecret, org: SeedOrgID, account: SeedAccountID,
		hc: &http.Client{Timeout: 10 * time.Second}}
	tasks, err := cl.Tasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var steward crRole
	steward.Name, steward.Description = "Data Steward", "Plans and catalogs the data"
	for _, tk := range tasks {
		if strings.HasPrefix(tk.DisplayName, "Data Plans") || strings.HasPrefix(tk.DisplayName, "Data Master") {
			steward.Tasks = append(steward.Tasks, struct {
				TaskID string `json:"task_id"`
			}{tk.TaskID})
		}
	}
	if len(steward.Tasks) != 3 {
		t.Fatalf("tasks for the steward: %v", steward.Tasks)
	}
	read, err := cl.Manifest(ctx)
	if err != nil || read.Version == nil {
		t.Fatalf("manifest: %v (version %v)", err, read.Version)
	}
	mine := read
	mine.Roles = append(slices.Clone(read.Roles), steward)
	written, err := cl.Put(ctx, mine)
	if err != nil {
		t.Fatal(err)
	}
	if *written.Version != *read.Version+1 || len(written.Roles) != len(read.Roles)+1 || written.Roles[len(written.Roles)-1].RoleID == "" {
		t.Errorf("written manifest: version %d, %d roles", *written.Version, len(written.Roles))
	}
	// Another writer, still holding the old version, is refused.
	stale := read
	stale.Roles = read.Roles[:len(read.Roles)-1] // drops 453afgwevc, which no one holds
	_, err = cl.Put(ctx, stale)
	var ce *crError
	if !errors.As(err, &ce) || ce.Status != http.StatusConflict || len(ce.Messages) != 1 || !strings.Contains(ce.Messages[0], "stale") {
		t.Fatalf("stale upload: %v", err)
	}
	// It re-reads and tries again.
	again, err := cl.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again.Roles = slices.DeleteFunc(again.Roles, func(r crRole) bool { return r.RoleID == "453afgwevc" })
	if _, err := cl.Put(ctx, again); err != nil {
		t.Fatal(err)
	}
	// A revoked token is renewed once.
	srv.RevokeTokens()
	if _, err := cl.Tasks(ctx); err != nil {
		t.Errorf("after a revoked token: %v", err)
	}
}

// TestRoleAssignmentsEndpoint: GET /sandbox/roleassignments, the sandbox's
// own answer to who holds which role, follows the v1 rules and the
// assignments as they change; a deleted user's role goes with them.
func TestRoleAssignmentsEndpoint(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	held := func(c *sbClient, acct int64) []string {
		t.Helper()
		var out []string
		for _, it := range c.do("GET", fmt.Sprintf("/sandbox/roleassignments?accountId=%d", acct), nil).want(t, 200).items(t) {
			out = append(out, fmt.Sprintf("%s=%s/%s", it["email"], it["role_id"], it["role_name"]))
		}
		return out
	}
	if got := held(c, 1); !slices.Equal(got, []string{"test@mparticle.com=admin-role/Admin",
		"jsmith@acme.example=marketer_role/Marketer", "mmann@acme.example=read-only-role/Read Only"}) {
		t.Errorf("account 1: %v", got)
	}
	if got := held(c, 2); !slices.Equal(got, []string{"qa@acme.example=compliance-role/Compliance"}) {
		t.Errorf("account 2: %v", got)
	}
	if r := c.do("GET", "/sandbox/roleassignments", nil); r.status != 401 || r.message() != "The accountId query parameter is required." {
		t.Errorf("without accountId: %d %s", r.status, r.body)
	}
	c.do("POST", "/sandbox/roleassignments?accountId=1", `{}`).want(t, 405)
	v := sbViewer(t, srv)
	if got := held(v, 1); len(got) != 3 {
		t.Errorf("viewer, account 1: %v", got)
	}
	v.do("GET", "/sandbox/roleassignments?accountId=2", nil).want(t, 404)

	// A change shows at once (no stale cached answer).
	if err := srv.AssignRole(1, "ops+alerts@acme.example", "453afgwevc"); err != nil {
		t.Fatal(err)
	}
	if err := srv.AssignRole(1, "mmann@acme.example", ""); err != nil {
		t.Fatal(err)
	}
	if got := held(c, 1); !slices.Equal(got, []string{"test@mparticle.com=admin-role/Admin",
		"jsmith@acme.example=marketer_role/Marketer", "ops+alerts@acme.example=453afgwevc/Activation Admin"}) {
		t.Errorf("after the changes: %v", got)
	}

	// Deleting jsmith takes the role away: created again, they hold none.
	c.do("DELETE", "/v1/users/"+EncodeUserID("jsmith@acme.example")+"?accountId=1", nil).want(t, 202)
	c.do("POST", "/v1/users?accountId=1", `{"first_name":"J","email":"jsmith@acme.example"}`).want(t, 201)
	if got := held(c, 1); len(got) != 2 || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "jsmith") }) {
		t.Errorf("the recreated user holds a role: %v", got)
	}
	if slices.ContainsFunc(srv.RoleAssignments(), func(a RoleAssignment) bool { return a.Email == "jsmith@acme.example" }) {
		t.Errorf("the deleted user's assignment stayed: %v", srv.RoleAssignments())
	}
}
