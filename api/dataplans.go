package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The Data Planning API (dataplanning-api.md): data plans under a
// workspace, and their versions, at /platform/v2/workspaces/{workspace}/
// plans. Answers are bare JSON; updates are PATCHes of the fields given.
// There is no list of a plan's versions: they come inside the plan
// (Descriptor.Within). A plan has no single GET here: the list shows
// versions without their documents and the GET with them, so an edit's
// base (from the list) and the re-read before the update (a GET) would
// never agree; a plan is found in its workspace's list, and a version's
// document is read with the version.

const plansBase = "/workspaces/{workspace}/plans"

// Values of the data plan enumerations (docs/reference.md, data plans).
var (
	planEnvironments = []string{"none", "development", "production"}
	planMatchTypes   = []string{"unknown", "screen_view", "custom_event", "user_attributes", "user_identities",
		"product_action", "promotion_action", "product_impression"}
)

func planKinds() []*Descriptor {
	return []*Descriptor{
		{
			Name: "plans", Singular: "plan", Title: "Data plans", Aliases: []string{"dataplans", "dataplan", "dplans"},
			Version: V2, Parent: "workspaces", Key: "plan",
			Paths: Paths{
				List:   []string{plansBase},
				Create: Endpoint{http.MethodPost, plansBase},
				Update: Endpoint{http.MethodPatch, plansBase + "/{id}"},
				Delete: plansBase + "/{id}",
			},
			Columns: []Column{col("PLAN ID", 22, field("data_plan_id")), col("NAME", 0, field("data_plan_name")),
				col("VERSIONS", 8, count("data_plan_versions")), col("ACTIVE", 28, activeVersions),
				col("CREATED", 16, when("created_on")), col("MODIFIED", 16, when("last_modified_on"))},
			Children: []string{"versions"},
			id:       ffield("data_plan_id"),
			name:     ffield("data_plan_name"),
			// Data plans of a workspace, keyed by data_plan_id (a slug fixed at creation). Update is a PATCH of name and description.
			Help: "What data a workspace expects: plans, each with numbered versions.",
		},
		{
			Name: "versions", Singular: "version", Title: "Data plan versions",
			Aliases: []string{"planversions", "planversion", "dataplanversions", "dataplanversion"},
			Version: V2, Parent: "plans", Within: "data_plan_versions",
			Paths: Paths{
				List:   []string{plansBase + "/{plan}"},
				Get:    plansBase + "/{plan}/versions/{id}",
				Create: Endpoint{http.MethodPost, plansBase + "/{plan}/versions"},
				Update: Endpoint{http.MethodPatch, plansBase + "/{plan}/versions/{id}"},
				Delete: plansBase + "/{plan}/versions/{id}",
			},
			Columns: []Column{col("VERSION", 7, field("version")), col("DESCRIPTION", 0, field("version_description")),
				col("ENVIRONMENT", 11, field("activated_environment")),
				col("DATA POINTS", 11, count("version_document", "data_points")),
				col("CREATED", 16, when("created_on")), col("MODIFIED", 16, when("last_modified_on"))},
			id:   ffield("version"),
			name: func(f fields) string { return "version " + fstr(f, "version") },
			// The versions of a plan, read from the plan (no list endpoint), keyed by number. Activation is a PATCH of activated_environment.
			Help: "The numbered versions of a data plan: the document data is validated against, and where it is active.",
		},
	}
}

// activeVersions lists a plan's versions that are active: "v2 production,
// v3 development".
func activeVersions(o object) string {
	var out []string
	for v := range o.get("data_plan_versions").elems {
		if v.kind() != '{' {
			continue
		}
		if env := text(v.get("activated_environment")); env != "" && env != "none" {
			out = append(out, "v"+text(v.get("version"))+" "+env)
		}
	}
	return strings.Join(out, ", ")
}

// NextVersion is the create body of a new version copied from the latest
// of listed (the versions of one plan): its document, the next number, a
// description saying where it came from, and not active. It is "" when
// listed holds no version.
func NextVersion(listed []json.RawMessage) string {
	var latest map[string]json.RawMessage
	var top int64
	for _, raw := range listed {
		var v map[string]json.RawMessage
		if json.Unmarshal(raw, &v) != nil {
			continue
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(v["version"])), 10, 64)
		if err != nil {
			continue
		}
		if latest == nil || n > top {
			latest, top = v, n
		}
	}
	if latest == nil {
		return ""
	}
	doc := latest["version_document"]
	if len(bytes.TrimSpace(doc)) == 0 {
		doc = json.RawMessage(`{"data_points": []}`)
	}
	desc, _ := json.Marshal(fmt.Sprintf("Copy of version %d", top))
	body := fmt.Sprintf(`{"version": %d, "version_description": %s, "activated_environment": "none", "version_document": %s}`,
		top+1, desc, bytes.TrimSpace(doc))
	var b bytes.Buffer
	if json.Indent(&b, []byte(body), "", "  ") != nil {
		return body
	}
	return b.String() + "\n"
}

// checkVersion checks a version body against the shape of the reference
// (the version document: match types, validator, environments) before it is sent: the server checks
// more (the JSON Schemas, duplicate matches), this catches what is
// plainly wrong, with the path of each problem.
func checkVersion(body []byte) error {
	var p shapeProblems
	o, ok := p.object(json.RawMessage(body), "the version")
	if !ok {
		return p.err()
	}
	if v, has := o["version"]; has {
		if n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64); err != nil || n < 1 {
			p.add("version must be a positive integer")
		}
	}
	if v, has := o["activated_environment"]; has {
		p.enum(v, "activated_environment", planEnvironments)
	}
	if v, has := o["version_description"]; has {
		p.str(v, "version_description")
	}
	if v, has := o["version_document"]; has {
		if doc, ok := p.object(v, "version_document"); ok {
			pts, ok := p.array(doc["data_points"], "version_document.data_points")
			for i, dp := range pts {
				if !ok || len(p.list) >= maxShapeProblems {
					break
				}
				at := fmt.Sprintf("version_document.data_points[%d]", i)
				d, ok := p.object(dp, at)
				if !ok {
					continue
				}
				if m, ok := p.object(d["match"], at+".match"); ok {
					p.enum(m["type"], at+".match.type", planMatchTypes)
					p.object(m["criteria"], at+".match.criteria")
				}
				if v, ok := p.object(d["validator"], at+".validator"); ok {
					if t := bytes.TrimSpace(v["type"]); len(t) > 0 {
						p.enum(t, at+".validator.type", []string{"json_schema"})
					}
					p.object(v["definition"], at+".validator.definition")
				}
			}
		}
	}
	return p.err()
}

// maxShapeProblems bounds the problems one check reports.
const maxShapeProblems = 8

// shapeProblems collects what a shape check found.
type shapeProblems struct{ list []string }

func (p *shapeProblems) add(format string, args ...any) {
	if len(p.list) < maxShapeProblems {
		p.list = append(p.list, fmt.Sprintf(format, args...))
	}
}

func (p *shapeProblems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(p.list, "; "))
}

func (p *shapeProblems) object(raw json.RawMessage, at string) (map[string]json.RawMessage, bool) {
	raw = bytes.TrimSpace(raw)
	var o map[string]json.RawMessage
	if len(raw) == 0 {
		p.add("%s is required", at)
		return nil, false
	}
	if raw[0] != '{' || json.Unmarshal(raw, &o) != nil {
		p.add("%s must be an object", at)
		return nil, false
	}
	return o, true
}

func (p *shapeProblems) array(raw json.RawMessage, at string) ([]json.RawMessage, bool) {
	raw = bytes.TrimSpace(raw)
	var a []json.RawMessage
	if len(raw) == 0 {
		p.add("%s is required", at)
		return nil, false
	}
	if raw[0] != '[' || json.Unmarshal(raw, &a) != nil {
		p.add("%s must be an array", at)
		return nil, false
	}
	return a, true
}

func (p *shapeProblems) str(raw json.RawMessage, at string) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		p.add("%s must be a string", at)
		return "", false
	}
	return s, true
}

func (p *shapeProblems) enum(raw json.RawMessage, at string, values []string) {
	if len(bytes.TrimSpace(raw)) == 0 {
		p.add("%s is required", at)
		return
	}
	if s, ok := p.str(raw, at); ok && !slices.Contains(values, s) {
		p.add("%s must be one of %s (not %q)", at, strings.Join(values, ", "), s)
	}
}

// checkRole checks one role object: a name of at most 64 characters, a
// description of at most 256, tasks as [{"task_id": …}].
func checkRole(p *shapeProblems, raw json.RawMessage, at string) {
	o, ok := p.object(raw, at)
	if !ok {
		return
	}
	if n, ok := p.str(o["name"], at+".name"); ok && (strings.TrimSpace(n) == "" || len([]rune(n)) > 64) {
		p.add("%s.name must be 1 to 64 characters", at)
	}
	if d, has := o["description"]; has {
		if s, ok := p.str(d, at+".description"); ok && len([]rune(s)) > 256 {
			p.add("%s.description must be at most 256 characters", at)
		}
	}
	if id, has := o["role_id"]; has {
		if s, ok := p.str(id, at+".role_id"); ok && len(s) > 64 {
			p.add("%s.role_id must be at most 64 characters", at)
		}
	}
	tasks, ok := p.array(o["tasks"], at+".tasks")
	for i, t := range tasks {
		if !ok {
			break
		}
		if to, ok := p.object(t, fmt.Sprintf("%s.tasks[%d]", at, i)); ok {
			p.str(to["task_id"], fmt.Sprintf("%s.tasks[%d].task_id", at, i))
		}
	}
}

func checkRoleBody(body []byte) error {
	var p shapeProblems
	checkRole(&p, body, "the role")
	return p.err()
}

func checkManifest(body []byte) error {
	var p shapeProblems
	o, ok := p.object(body, "the manifest")
	if !ok {
		return p.err()
	}
	roles, ok := p.array(o["roles"], "roles")
	for i, r := range roles {
		if !ok {
			break
		}
		checkRole(&p, r, fmt.Sprintf("roles[%d]", i))
	}
	return p.err()
}

// checkPlan checks a plan body: a name, and on create at least one version.
func checkPlan(body []byte) error {
	var p shapeProblems
	o, ok := p.object(body, "the plan")
	if !ok {
		return p.err()
	}
	if v, has := o["data_plan_name"]; has {
		if s, ok := p.str(v, "data_plan_name"); ok && strings.TrimSpace(s) == "" {
			p.add("data_plan_name must not be empty")
		}
	}
	if v, has := o["data_plan_versions"]; has {
		vs, ok := p.array(v, "data_plan_versions")
		for i, raw := range vs {
			if !ok {
				break
			}
			if err := checkVersion(raw); err != nil {
				p.add("data_plan_versions[%d]: %v", i, err)
			}
		}
	}
	return p.err()
}
