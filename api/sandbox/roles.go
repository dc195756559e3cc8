package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/api/sandbox/internal/jsonbody"
)

// The Custom Access Roles API: /platform/v2/organizations/{orgId}/accounts/
// {accountId}/tasks and …/roles (docs/sandbox.md). One organization,
// SeedOrgID, holds every account, so every account reads and writes the
// same role manifest. The manifest carries a version: a PUT that sends a
// version other than the current one is refused with 409; a PUT without
// one replaces the manifest whatever its version. Which user holds which
// role is kept with the manifest (seeded; AssignRole in tests), because a
// held role may not be removed.

// SeedOrgID is the organization of every account.
const SeedOrgID int64 = 1

// Limits of the reference, and the sandbox's own form of role ids.
const (
	maxRoles       = 100
	maxRoleIDLen   = 64
	maxRoleNameLen = 64
	maxRoleDescLen = 256
	coreTask       = "user:core"
)

// Documented messages of the Custom Access Roles API (byte for byte).
const (
	msgRoleHeld      = "Removed a custom role with active user membership"
	msgRoleText      = "Name or Description is empty, has too many characters length, or has restricted characters"
	msgTasksNotFound = "Tasks not found"
	msgBadJSON       = "Miswritten JSON syntax"
	msgTooMany       = "Too Many Requests"
)

// task is one element of GET …/tasks.
type task struct {
	TaskID      string `json:"task_id"`
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
}

// tasks are user:core and every task id of the permissions reference.
var tasks = []task{
	{coreTask, "Log in and view dashboard", "Log in and see the main dashboard; every custom role has it"},
	{"user_activity:view", "User Activity View: view only", "Search users and see their details, workspace usage, devices, attributes and audience membership"},
	{"catalog:*", "Data Master Catalog: full access", "View the catalog and annotate data points"},
	{"data_plans:view", "Data Plans: view only", "See existing data plans"},
	{"data_plans:*", "Data Plans: full access", "See, create, edit, activate and delete data plans"},
	{"live_stream:view", "Live Stream: view only", "See Live Stream and inspect events"},
	{"calculated_attributes:view", "Calculated Attributes: view only", "See calculated attributes"},
	{"calculated_attributes:*", "Calculated Attributes: full access", "See, create and delete calculated attributes"},
	{"rules:view", "Rules: view only", "See all rules"},
	{"rules:*", "Rules: full access", "See, create, edit and delete rules"},
	{"audiences:view", "Audiences: view only", "See audiences, the estimator and journeys"},
	{"audiences:*", "Audiences: full access", "See, create, activate and delete audiences and journeys"},
	{"connections:connect_integration", "Connections: connect integration", "Connect an input to an output"},
	{"connections:configure_inputs", "Connections: configure input", "Configure an input"},
	{"connections:configure_outputs", "Connections: configure output", "Configure an output"},
	{"connections:*", "Connections: full access", "Create, delete, activate and deactivate connections"},
	{"data_filter:view", "Filters: view only", "See the data filters"},
	{"data_filter:*", "Filters: full access", "See and create filters"},
	{"privacy:settings", "Data Subject Requests & Privacy: view only", "See the enabled privacy settings"},
	{"privacy:*", "Data Subject Requests & Privacy: full access", "See and change privacy settings"},
	{"workspaces:*", "Workspaces: full access", "See, create and delete workspaces"},
	{"user_management:view", "User Management: view only", "See the account's users"},
	{"user_management:*", "User Management: full access", "See, create and delete users and assign their roles"},
	{"identity_settings:*", "Identity Strategy Settings: full access", "See and change identity (IDSync) settings"},
	{"api_credentials:*", "API Credentials: full access", "See, create, delete and assign API credentials"},
}

func knownTask(id string) bool {
	return slices.ContainsFunc(tasks, func(t task) bool { return t.TaskID == id })
}

// roleManifest is an organization's custom roles, stored as one record.
type roleManifest struct {
	OrgID          int64            `json:"org_id"`
	Roles          []*customRole    `json:"roles"`
	Version        int64            `json:"version"`
	LastModifiedOn string           `json:"last_modified_on"`
	LastModifiedBy string           `json:"last_modified_by"`
	Assignments    []roleAssignment `json:"assignments"`
}

func (m *roleManifest) key() string { return idKey("roles", m.OrgID) }

// customRole is one role of the manifest, as the API shows it.
type customRole struct {
	Description string     `json:"description"`
	Name        string     `json:"name"`
	RoleID      string     `json:"role_id"`
	Tasks       []roleTask `json:"tasks"`
}

type roleTask struct {
	TaskID string `json:"task_id"`
}

// roleAssignment says a user of an account holds a role.
type roleAssignment struct {
	AccountID int64  `json:"account_id"`
	Email     string `json:"email"`
	RoleID    string `json:"role_id"`
}

// manifestView is the manifest as GET and PUT …/roles answer it.
type manifestView struct {
	Roles          []*customRole `json:"roles"`
	LastModifiedOn string        `json:"last_modified_on,omitempty"`
	LastModifiedBy string        `json:"last_modified_by,omitempty"`
	Version        int64         `json:"version"`
}

func (m *roleManifest) view() manifestView {
	roles := m.Roles
	if roles == nil {
		roles = []*customRole{}
	}
	return manifestView{roles, m.LastModifiedOn, m.LastModifiedBy, m.Version}
}

// manifest is the organization's manifest; an organization that never had
// one (an empty seed, an older data file) has an empty one at version 0.
func (st *state) manifest() *roleManifest {
	if m := st.roles.get(SeedOrgID); m != nil {
		return m
	}
	return &roleManifest{OrgID: SeedOrgID, Roles: []*customRole{}}
}

// held reports whether an existing user holds the role.
func (st *state) held(m *roleManifest, roleID string) bool {
	return slices.ContainsFunc(m.Assignments, func(a roleAssignment) bool {
		return a.RoleID == roleID && st.userByEmail(a.AccountID, a.Email) != nil
	})
}

// roleScope checks the path's organization and account (404) and refuses
// a read-only credential's PUT (403).
func (s *Server) roleScope(rq *request) *response {
	org, err := strconv.ParseInt(rq.params["orgId"], 10, 64)
	if err != nil || org != SeedOrgID {
		f := failMessages(http.StatusNotFound, fmt.Sprintf("Organization %s does not exist or you do not have access", quoteParam(rq.params["orgId"])))
		return &f
	}
	acct, err := strconv.ParseInt(rq.params["accountId"], 10, 64)
	if err != nil || s.st.accounts.get(acct) == nil || !rq.cred.canReach(acct) {
		f := failMessages(http.StatusNotFound, fmt.Sprintf("Account %s does not exist in organization %d or you do not have access", quoteParam(rq.params["accountId"]), org))
		return &f
	}
	if rq.method != http.MethodGet && rq.cred.ReadOnly {
		f := failMessages(http.StatusForbidden, fmt.Sprintf("The credential %q is read-only: it may not %s.", rq.cred.ClientID, safeMethod(rq.method)))
		return &f
	}
	return nil
}

func (s *Server) listTasks(rq *request, _ *tx) response {
	if f := s.roleScope(rq); f != nil {
		return *f
	}
	return bare(http.StatusOK, tasks)
}

func (s *Server) getRoles(rq *request, _ *tx) response {
	if f := s.roleScope(rq); f != nil {
		return *f
	}
	return bare(http.StatusOK, s.st.manifest().view())
}

// putRoles replaces the manifest. Everything is checked before anything
// changes: syntax (400 Miswritten JSON syntax), the version (409), names,
// ids and descriptions, task ids, the number of roles, then the roles
// left out that a user holds.
func (s *Server) putRoles(rq *request, t *tx) response {
	if f := s.roleScope(rq); f != nil {
		return *f
	}
	in, err := parseManifest(rq.body)
	if err != nil {
		return failMessages(http.StatusBadRequest, err.Error())
	}
	cur := s.st.manifest()
	if in.version != nil && *in.version != cur.Version {
		return failMessages(http.StatusConflict,
			fmt.Sprintf("Manifest version %d is stale; the current version is %d", *in.version, cur.Version))
	}
	var textProblems, unknown []string
	ids := map[string]bool{}
	for i, r := range in.roles {
		textProblems = append(textProblems, checkRoleText(i, r)...)
		if r.RoleID != "" {
			if ids[r.RoleID] {
				return failMessages(http.StatusBadRequest, fmt.Sprintf("%s: role_id %q is given twice", msgRoleText, r.RoleID))
			}
			ids[r.RoleID] = true
		}
		for _, tk := range r.Tasks {
			if !knownTask(tk.TaskID) && !slices.Contains(unknown, tk.TaskID) {
				unknown = append(unknown, tk.TaskID)
			}
		}
	}
	switch {
	case len(textProblems) > 0:
		return failMessages(http.StatusBadRequest, msgRoleText+": "+strings.Join(textProblems, "; "))
	case len(unknown) > 0:
		return failMessages(http.StatusBadRequest, msgTasksNotFound+": "+strings.Join(unknown, ", "))
	case len(in.roles) > maxRoles:
		return failMessages(http.StatusBadRequest,
			fmt.Sprintf("An organization may have at most %d custom roles; this manifest has %d", maxRoles, len(in.roles)))
	}
	for _, old := range cur.Roles {
		if !ids[old.RoleID] && s.st.held(cur, old.RoleID) {
			return failMessages(http.StatusBadRequest, msgRoleHeld)
		}
	}
	next := &roleManifest{OrgID: SeedOrgID, Version: cur.Version + 1, LastModifiedOn: rq.now.UTC().Format("2006-01-02 15:04:05"),
		LastModifiedBy: createdBy(rq.cred), Roles: make([]*customRole, 0, len(in.roles))}
	for _, r := range in.roles {
		if r.RoleID == "" {
			r.RoleID = newRoleID(ids)
			ids[r.RoleID] = true
		}
		r.Tasks = withCore(r.Tasks)
		next.Roles = append(next.Roles, r)
	}
	for _, a := range cur.Assignments { // assignments of deleted roles go with them
		if ids[a.RoleID] {
			next.Assignments = append(next.Assignments, a)
		}
	}
	s.st.roles.put(next)
	t.put(next)
	return bare(http.StatusOK, next.view())
}

// manifestInput is a parsed PUT body.
type manifestInput struct {
	roles   []*customRole
	version *int64
}

// parseManifest reads a PUT body. A body that is not JSON is exactly
// "Miswritten JSON syntax"; JSON of the wrong shape adds what is wrong.
func parseManifest(body []byte) (manifestInput, error) {
	var in manifestInput
	shape := func(format string, args ...any) (manifestInput, error) {
		return in, fmt.Errorf("%s: %s", msgBadJSON, fmt.Sprintf(format, args...))
	}
	if !utf8.Valid(body) {
		return in, errors.New(msgBadJSON)
	}
	raw, err := jsonbody.Parse(body)
	if err != nil {
		return in, errors.New(msgBadJSON)
	}
	var top map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &top) != nil {
		return shape("the body must be a JSON object with a 'roles' array")
	}
	if v, ok := top["version"]; ok && !isNull(v) {
		n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
		if err != nil {
			return shape("'version' must be an integer")
		}
		in.version = &n
	}
	var items []json.RawMessage
	if r, ok := top["roles"]; !ok || isNull(r) || json.Unmarshal(r, &items) != nil {
		return shape("the body must be a JSON object with a 'roles' array")
	}
	for i, it := range items {
		var f map[string]json.RawMessage
		it = bytes.TrimSpace(it)
		if len(it) == 0 || it[0] != '{' || json.Unmarshal(it, &f) != nil {
			return shape("role %d must be a JSON object", i)
		}
		r := &customRole{}
		for _, fd := range []struct {
			name string
			dst  *string
		}{{"role_id", &r.RoleID}, {"name", &r.Name}, {"description", &r.Description}} {
			if v, ok := f[fd.name]; ok && !isNull(v) && json.Unmarshal(v, fd.dst) != nil {
				return shape("'%s' of role %d must be a string", fd.name, i)
			}
		}
		if v, ok := f["tasks"]; ok && !isNull(v) {
			var ts []json.RawMessage
			if json.Unmarshal(v, &ts) != nil {
				return shape("'tasks' of role %d must be an array of {\"task_id\": …} objects", i)
			}
			for _, traw := range ts {
				var tk struct {
					TaskID *string `json:"task_id"`
				}
				traw = bytes.TrimSpace(traw)
				if len(traw) == 0 || traw[0] != '{' || json.Unmarshal(traw, &tk) != nil || tk.TaskID == nil {
					return shape("'tasks' of role %d must be an array of {\"task_id\": …} objects", i)
				}
				r.Tasks = append(r.Tasks, roleTask{*tk.TaskID})
			}
		}
		in.roles = append(in.roles, r)
	}
	return in, nil
}

var roleIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]+$`) })

// restricted reports characters a name or description may not hold:
// control characters and angle brackets.
func restricted(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '<' || r == '>' })
}

// checkRoleText lists what is wrong with a role's id, name and description.
func checkRoleText(i int, r *customRole) []string {
	who := fmt.Sprintf("role %d", i)
	if r.RoleID != "" {
		who += fmt.Sprintf(" (%s)", r.RoleID)
	}
	var out []string
	switch n := utf8.RuneCountInString(r.Name); {
	case strings.TrimSpace(r.Name) == "":
		out = append(out, who+": name is empty")
	case n > maxRoleNameLen:
		out = append(out, fmt.Sprintf("%s: name has %d characters (at most %d)", who, n, maxRoleNameLen))
	case restricted(r.Name):
		out = append(out, who+": name has restricted characters (control characters, < or >)")
	}
	switch n := utf8.RuneCountInString(r.Description); {
	case n > maxRoleDescLen:
		out = append(out, fmt.Sprintf("%s: description has %d characters (at most %d)", who, n, maxRoleDescLen))
	case restricted(r.Description):
		out = append(out, who+": description has restricted characters (control characters, < or >)")
	}
	switch n := len(r.RoleID); {
	case n > maxRoleIDLen:
		out = append(out, fmt.Sprintf("%s: role_id has %d characters (at most %d)", who, n, maxRoleIDLen))
	case n > 0 && !roleIDRE().MatchString(r.RoleID):
		out = append(out, who+": role_id may hold only letters, digits, '_' and '-'")
	}
	return out
}

// withCore puts user:core first and drops repeated task ids.
func withCore(ts []roleTask) []roleTask {
	out := []roleTask{{coreTask}}
	for _, tk := range ts {
		if !slices.Contains(out, tk) {
			out = append(out, tk)
		}
	}
	return out
}

// newRoleID generates an id like the reference's 453afgwevc: ten lower-case
// letters and digits, not yet taken.
func newRoleID(taken map[string]bool) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	for {
		b := make([]byte, 10)
		rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		if !taken[string(b)] {
			return string(b)
		}
	}
}

// RoleAssignment is a user holding a custom role.
type RoleAssignment struct {
	AccountID int64
	Email     string
	RoleID    string
}

// RoleAssignments lists which user holds which custom role (the API has no
// endpoint for it: the dashboard assigns roles; GET /sandbox/roleassignments
// shows an account's).
func (s *Server) RoleAssignments() []RoleAssignment {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []RoleAssignment
	for _, a := range s.st.manifest().Assignments {
		out = append(out, RoleAssignment(a))
	}
	return out
}

// sandboxPrefix is where the sandbox serves what the references have no
// endpoint for. Nothing under it is part of the Platform API.
const sandboxPrefix = "/sandbox"

// heldRoleView is one element of GET /sandbox/roleassignments: a user of
// the account and the custom role they hold. No API says who holds a role
// (custom-roles-api.md §8: roles are assigned in the dashboard, and the
// user object has no role field); the sandbox knows its own assignments
// and serves them here, outside /v1 and /platform/v2, rather than adding a
// field the reference's user object does not have.
type heldRoleView struct {
	Email    string `json:"email"`
	RoleID   string `json:"role_id"`
	RoleName string `json:"role_name"`
	DataType string `json:"data_type"`
}

// listRoleAssignments answers the account's users that hold a custom role,
// in the order of the users list, with the role's id and name.
func (s *Server) listRoleAssignments(rq *request, _ *tx) response {
	m := s.st.manifest()
	names := make(map[string]string, len(m.Roles))
	for _, r := range m.Roles {
		names[r.RoleID] = r.Name
	}
	out := []heldRoleView{}
	for _, u := range s.st.users.list(rq.account) {
		for _, a := range m.Assignments {
			if a.AccountID == rq.account && strings.EqualFold(a.Email, u.Email) {
				out = append(out, heldRoleView{u.Email, a.RoleID, names[a.RoleID], "role_assignment"})
				break
			}
		}
	}
	return okEnv(http.StatusOK, "role_assignment", out)
}

// dropAssignments takes an account's user's roles away (the user is
// deleted: a user created later with the same e-mail holds none).
func (st *state) dropAssignments(t *tx, accountID int64, email string) {
	cur := st.manifest()
	gone := func(a roleAssignment) bool { return a.AccountID == accountID && strings.EqualFold(a.Email, email) }
	if !slices.ContainsFunc(cur.Assignments, gone) {
		return
	}
	next := *cur
	next.Assignments = slices.DeleteFunc(slices.Clone(cur.Assignments), gone)
	st.roles.put(&next)
	t.put(&next)
}

// AssignRole gives a user of an account a custom role, as the UI does;
// roleID "" takes the user's role away. The change is persisted.
func (s *Server) AssignRole(accountID int64, email, roleID string) error {
	var err error
	s.writeOp(func(t *tx) response {
		if s.st.userByEmail(accountID, email) == nil {
			err = fmt.Errorf("account %d has no user %s", accountID, email)
			return response{status: http.StatusNotFound}
		}
		cur := s.st.manifest()
		if roleID != "" && !slices.ContainsFunc(cur.Roles, func(r *customRole) bool { return r.RoleID == roleID }) {
			err = fmt.Errorf("no custom role %q", roleID)
			return response{status: http.StatusNotFound}
		}
		s.st.dropAssignments(t, accountID, email)
		if roleID != "" {
			next := *s.st.manifest()
			next.Assignments = append(slices.Clone(next.Assignments), roleAssignment{accountID, email, roleID})
			s.st.roles.put(&next)
			t.put(&next)
		}
		return response{status: http.StatusOK}
	})
	return err
}

// ---- seed ----

// roleTemplates are the reference's standard role templates, then the two
// roles of its manifest example.
var roleTemplates = []customRole{
	{"Provides common permissions needed for general users", "User", "user-role", tasksOf(
		"audiences:*", "calculated_attributes:*", "connections:configure_inputs", "connections:configure_outputs",
		"connections:connect_integration", "data_filter:*", "data_plans:*", "live_stream:view", "rules:*", "workspaces:*")},
	{"Provides necessary permissions for admin users", "Admin", "admin-role", tasksOf(adminTasks...)},
	{"Provides necessary permissions for compliance users", "Compliance", "compliance-role", tasksOf(
		"audiences:view", "connections:connect_integration", "data_filter:view", "data_plans:view", "identity_settings:*",
		"live_stream:view", "privacy:*", "rules:view", "user_management:view", "workspaces:*")},
	{"Provides necessary permissions for admin and compliance users", "Admin & Compliance", "admin-compliance-role",
		tasksOf(append(slices.Clone(adminTasks), "privacy:*")...)},
	{"Provides Audiences-only access", "Audiences Only", "audiences-only-role", tasksOf("audiences:*")},
	{"Provides read only access to mParticle features", "Read Only", "read-only-role", tasksOf(
		"audiences:view", "calculated_attributes:view", "data_filter:view", "data_plans:view", "identity_settings:*",
		"live_stream:view", "rules:view", "workspaces:*")},
	{"Provides necessary access for technical support", "Support", "support-role", tasksOf(
		"api_credentials:*", "audiences:*", "calculated_attributes:*", "catalog:*", "connections:configure_inputs",
		"connections:configure_outputs", "connections:connect_integration", "data_filter:*", "data_plans:*",
		"identity_settings:*", "live_stream:view", "privacy:settings", "rules:*", "user_activity:view", "workspaces:*")},
	{"Marketers can view and create new audiences", "Marketer", "marketer_role", tasksOf("audiences:*", "user_activity:view")},
	{"Activation Admins can connect audiences to outputs and setup new connections for production", "Activation Admin",
		"453afgwevc", tasksOf("connections:*", "live_stream:view")},
}

var adminTasks = []string{"api_credentials:*", "audiences:*", "calculated_attributes:*", "catalog:*",
	"connections:configure_inputs", "connections:configure_outputs", "connections:connect_integration", "data_filter:*",
	"data_plans:*", "identity_settings:*", "live_stream:view", "rules:*", "user_activity:view", "user_management:*", "workspaces:*"}

func tasksOf(ids ...string) []roleTask {
	out := make([]roleTask, len(ids))
	for i, id := range ids {
		out[i] = roleTask{id}
	}
	return out
}

// seedAssignments are the seeded users' roles; those whose user is not in
// the seed are left out.
var seedAssignments = []roleAssignment{
	{SeedAccountID, SeedUserEmail, "admin-role"},
	{SeedAccountID, "jsmith@acme.example", "marketer_role"},
	{SeedAccountID, "mmann@acme.example", "read-only-role"},
	{SeedOtherAccountID, "qa@acme.example", "compliance-role"},
	{SeedAccountID, "user000001@acme.example", "admin-role"}, // large:N
}

// Seeded manifest facts (docs/sandbox.md).
const (
	SeedRolesVersion  int64 = 1
	seedRolesModified       = "2022-06-28 18:24:49"
	seedRolesBy             = SeedUserEmail
)

// seedRoles writes the organization's manifest: the templates and the
// example roles (each with user:core first), held by seeded users.
func seedRoles(st *state) error {
	m := &roleManifest{OrgID: SeedOrgID, Version: SeedRolesVersion, LastModifiedOn: seedRolesModified, LastModifiedBy: seedRolesBy}
	for _, tpl := range roleTemplates {
		r := tpl
		for _, tk := range r.Tasks {
			if !knownTask(tk.TaskID) {
				return fmt.Errorf("role seed: %s: unknown task %s", r.RoleID, tk.TaskID)
			}
		}
		r.Tasks = withCore(r.Tasks)
		m.Roles = append(m.Roles, &r)
	}
	for _, a := range seedAssignments {
		if st.userByEmail(a.AccountID, a.Email) != nil {
			m.Assignments = append(m.Assignments, a)
		}
	}
	st.roles.put(m)
	return nil
}

// seedPlansAndRoles adds the data plans and the role manifest to a seeded
// state: the plans of the seeded workspaces (N generated ones in workspace
// 1 for large:N), and the manifest whenever there is an account.
func seedPlansAndRoles(st *state, spec seedSpec) error {
	switch spec.kind {
	case "empty":
		return nil
	case "large":
		seedLargePlans(st, spec.n)
	default:
		if err := seedPlans(st); err != nil {
			return err
		}
	}
	return seedRoles(st)
}

// declarePlansAndRoles declares the indexes of data plans (by workspace,
// named by data_plan_id) and role manifests (by organization).
func (st *state) declarePlansAndRoles() {
	st.plans = newIndex(st, "plan", func(p *dataPlan) int64 { return p.Seq }, func(p *dataPlan) int64 { return p.WorkspaceID },
		func(p *dataPlan) []string { return []string{p.ID} })
	st.roles = newIndex(st, "roles", func(m *roleManifest) int64 { return m.OrgID }, nil, nil)
}

// isRolesPath reports whether a path is one of the Custom Access Roles
// API's (its 429 carries the documented "Too Many Requests").
func isRolesPath(p string) bool {
	segs := splitPath(strings.ToLower(p))
	return len(segs) == 7 && segs[0] == "platform" && segs[1] == "v2" && segs[2] == "organizations" && segs[4] == "accounts"
}
