package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api/sandbox/dataplan"
)

// The reference examples live in testdata/dataplanning and
// testdata/customroles, copied from docs' fact sheets (the validate
// response's filler values made valid JSON).

func testdataBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testdataJSON(t testing.TB, name string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(testdataBytes(t, name), &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func decodeAny(t testing.TB, r sbResp) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %.300s", r.status, err, r.body)
	}
	return v
}

// shapeRules loosen an exact shape comparison: open lets the answer hold
// keys the example does not show; absent names example keys the sandbox
// leaves out by design; extra names answer keys the example lacks. Paths
// are dotted, with [] for array items.
type shapeRules struct {
	open          bool
	absent, extra map[string]bool
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// shapeDiff lists where got's shape (keys and JSON types, recursively)
// differs from the documented example's.
func shapeDiff(doc, got any, path string, rules shapeRules) []string {
	if jsonKind(doc) != jsonKind(got) {
		return []string{fmt.Sprintf("%s: %s, documented %s", path, jsonKind(got), jsonKind(doc))}
	}
	var out []string
	switch d := doc.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range sortedMapKeys(d) {
			kp := strings.TrimPrefix(path+"."+k, ".")
			gv, ok := g[k]
			switch {
			case !ok && !rules.absent[kp]:
				out = append(out, kp+": missing")
			case ok:
				out = append(out, shapeDiff(d[k], gv, kp, rules)...)
			}
		}
		for _, k := range sortedMapKeys(g) {
			kp := strings.TrimPrefix(path+"."+k, ".")
			if _, ok := d[k]; !ok && !rules.open && !rules.extra[kp] {
				out = append(out, kp+": not in the documented example")
			}
		}
	case []any:
		g := got.([]any)
		for i, gv := range g {
			if len(d) == 0 {
				break
			}
			dv := d[0]
			if len(d) == len(g) {
				dv = d[i]
			}
			out = append(out, shapeDiff(dv, gv, path+"[]", rules)...)
		}
	}
	return out
}

func sortedMapKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func wantShape(t *testing.T, what string, doc, got any, rules shapeRules) {
	t.Helper()
	if d := shapeDiff(doc, got, "", rules); len(d) > 0 {
		t.Errorf("%s: shape differs from the reference:\n  %s", what, strings.Join(d, "\n  "))
	}
}

// wantMessages fails unless the answer has the status and exactly these
// errors[] messages, and each item holds a message only (no code).
func wantMessages(t *testing.T, r sbResp, status int, msgs ...string) {
	t.Helper()
	var e struct {
		Errors []map[string]any `json:"errors"`
	}
	if r.status != status || json.Unmarshal(r.body, &e) != nil {
		t.Fatalf("got %d %s, want %d %q", r.status, r.body, status, msgs)
	}
	var got []string
	for _, it := range e.Errors {
		if len(it) != 1 {
			t.Errorf("error item %v: want only a message", it)
		}
		s, _ := it["message"].(string)
		got = append(got, s)
	}
	if !slices.Equal(got, msgs) {
		t.Errorf("messages %q, want %q", got, msgs)
	}
}

const plansPath = "/platform/v2/workspaces/%d/plans"

func pp(ws int64, rest string) string { return fmt.Sprintf(plansPath, ws) + rest }

var stampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$`)

func TestDataPlanningReplaysReferenceExamples(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)

	// List: the seed holds the example's two plans (and one more).
	list := decodeAny(t, c.do("GET", pp(SeedWorkspaceID, ""), nil).want(t, 200)).([]any)
	byID := map[string]any{}
	for _, p := range list {
		byID[p.(map[string]any)["data_plan_id"].(string)] = p
	}
	for _, doc := range testdataJSON(t, "dataplanning/list-plans.response.json").([]any) {
		id := doc.(map[string]any)["data_plan_id"].(string)
		if byID[id] == nil {
			t.Fatalf("seeded plan %s missing: %v", id, list)
		}
		wantShape(t, "list "+id, doc, byID[id], shapeRules{})
	}
	if strings.Contains(string(c.do("GET", pp(SeedWorkspaceID, ""), nil).body), "version_document") {
		t.Errorf("the list carries version documents")
	}

	// Create: the page's request, answered with the page's response shape.
	created := c.do("POST", pp(4303, ""), testdataBytes(t, "dataplanning/create-plan.request.json")).want(t, 200)
	createDoc := testdataJSON(t, "dataplanning/create-plan.response.json")
	got := decodeAny(t, created).(map[string]any)
	wantShape(t, "create plan", createDoc, got, shapeRules{})
	v0 := got["data_plan_versions"].([]any)[0].(map[string]any)
	if v0["data_plan_id"] != "example_data_plan" || got["created_by"] != "client_id:sandbox" || !stampRE.MatchString(got["created_on"].(string)) {
		t.Errorf("create: version plan id %v, created_by %v, created_on %v", v0["data_plan_id"], got["created_by"], got["created_on"])
	}

	// Get: the whole plan with its documents.
	wantShape(t, "get plan", createDoc, decodeAny(t, c.do("GET", pp(4303, "/example_data_plan"), nil).want(t, 200)), shapeRules{})

	// Update: the whole plan, now modified.
	modified := shapeRules{extra: map[string]bool{"last_modified_on": true, "last_modified_by": true}}
	upd := decodeAny(t, c.do("PATCH", pp(4303, "/example_data_plan"), testdataBytes(t, "dataplanning/update-plan.request.json")).want(t, 200)).(map[string]any)
	wantShape(t, "update plan", createDoc, upd, modified)
	if upd["data_plan_description"] != "This is an updated description..." || upd["data_plan_name"] != "Mobile Data Plan" || upd["last_modified_by"] != "client_id:sandbox" {
		t.Errorf("update plan: %v", upd)
	}

	// Versions: created, updated, read, deleted.
	versionDoc := createDoc.(map[string]any)["data_plan_versions"].([]any)[0]
	nv := decodeAny(t, c.do("POST", pp(4303, "/example_data_plan/versions"), testdataBytes(t, "dataplanning/create-version.request.json")).want(t, 200))
	wantShape(t, "create version", versionDoc, nv, shapeRules{})
	if m := nv.(map[string]any); m["version"] != float64(2) || m["activated_environment"] != "development" {
		t.Errorf("create version: %v", m)
	}
	uv := decodeAny(t, c.do("PATCH", pp(4303, "/example_data_plan/versions/2"), testdataBytes(t, "dataplanning/update-version.request.json")).want(t, 200))
	wantShape(t, "update version", versionDoc, uv, modified)
	gv := decodeAny(t, c.do("GET", pp(4303, "/example_data_plan/versions/2"), nil).want(t, 200))
	wantShape(t, "get version", versionDoc, gv, modified)
	if !strings.Contains(fmt.Sprint(gv), "My first data point, updated") {
		t.Errorf("the update did not replace the document: %v", gv)
	}
	if r := c.do("DELETE", pp(4303, "/example_data_plan/versions/2"), nil).want(t, 204); len(r.body) != 0 {
		t.Errorf("delete version answered a body: %s", r.body)
	}
	if r := c.do("DELETE", pp(4303, "/example_data_plan"), nil).want(t, 204); len(r.body) != 0 {
		t.Errorf("delete plan answered a body: %s", r.body)
	}
	c.do("GET", pp(4303, "/example_data_plan"), nil).want(t, 404)

	// Validate: the minimal example conforms; the richer one carries every
	// field of the documented result.
	ok := decodeAny(t, c.do("POST", pp(SeedWorkspaceID, "/validate"), testdataBytes(t, "dataplanning/validate.request.json")).want(t, 200)).(map[string]any)
	res := ok["results"].([]any)
	if len(res) != 1 || len(res[0].(map[string]any)["data"].(map[string]any)["validation_errors"].([]any)) != 0 {
		t.Errorf("a conforming event: %v", ok)
	}
	valDoc := testdataJSON(t, "dataplanning/validate.response.json")
	rich := decodeAny(t, c.do("POST", pp(SeedWorkspaceID, "/validate"), testdataBytes(t, "dataplanning/validate-events.request.json")).want(t, 200))
	wantShape(t, "validate", valDoc, rich, shapeRules{
		open:   true, // a result carries the event's own fields
		absent: map[string]bool{"results[].data.executed_transformations": true}})
	wantShape(t, "validate (errors only)", valDoc.(map[string]any)["results"].([]any)[0].(map[string]any)["data"].(map[string]any)["validation_errors"],
		rich.(map[string]any)["results"].([]any)[0].(map[string]any)["data"].(map[string]any)["validation_errors"], shapeRules{})

	// Error bodies: the documented shape.
	nf := c.do("PATCH", pp(SeedWorkspaceID, "/plan_1"), `{}`)
	wantShape(t, "plan not found", testdataJSON(t, "dataplanning/plan-not-found.response.json"), decodeAny(t, nf), shapeRules{})
	vnf := c.do("GET", pp(SeedWorkspaceID, "/mobile_data_plan/versions/10"), nil)
	wantShape(t, "version not found", testdataJSON(t, "dataplanning/version-not-found.response.json"), decodeAny(t, vnf), shapeRules{})
}

func TestDataPlanningMessages(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	ws := SeedWorkspaceID
	c.do("POST", pp(ws, ""), `{"data_plan_name":"Solo","data_plan_versions":[{"version":1}]}`).want(t, 200)
	c.do("PATCH", pp(ws, "/checkout_plan/versions/2"), `{"quarantine_feed_id":689,"activated_environment":"none"}`).want(t, 200)
	many := make([]any, dataplan.MaxDataPoints+1)
	for i := range many {
		many[i] = map[string]any{"match": map[string]any{"type": "screen_view", "criteria": map[string]any{"screen_name": fmt.Sprint("S", i)}},
			"validator": map[string]any{"type": "json_schema", "definition": map[string]any{}}}
	}
	manyDoc := map[string]any{"data_points": many}
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		msg          string
	}{
		{"GET", "/nope", nil, 404, "The specified plan ID nope in workspace 4302 was not found."},
		{"PATCH", "/nope", `{"data_plan_name":"x"}`, 404, "The specified plan ID nope in workspace 4302 was not found."},
		{"DELETE", "/nope", nil, 404, "The specified plan ID nope in workspace 4302 was not found."},
		{"POST", "/nope/versions", `{"version":1}`, 404, "The specified plan ID nope in workspace 4302 was not found."},
		{"GET", "/mobile_data_plan/versions/10", nil, 404, "The specified version 10 in plan ID mobile_data_plan was not found in workspace 4302."},
		{"PATCH", "/mobile_data_plan/versions/10", `{}`, 404, "The specified version 10 in plan ID mobile_data_plan was not found in workspace 4302."},
		{"DELETE", "/mobile_data_plan/versions/10", nil, 404, "The specified version 10 in plan ID mobile_data_plan was not found in workspace 4302."},
		{"GET", "/mobile_data_plan/versions/x", nil, 404, "The specified version x in plan ID mobile_data_plan was not found in workspace 4302."},
		{"DELETE", "/solo/versions/1", nil, 400, dataplan.MsgLastVersion},
		{"DELETE", "/mobile_data_plan/versions/1", nil, 400, dataplan.MsgActiveInProd},
		{"DELETE", "/checkout_plan/versions/1", nil, 400, dataplan.MsgActiveInProd}, // production and quarantined: production wins
		{"DELETE", "/checkout_plan/versions/2", nil, 400, dataplan.MsgQuarantine},
		{"POST", "/validate", `{"batch":{}}`, 400, dataplan.MsgMissingValue},
		{"POST", "/validate", `{"document":{"data_points":[]},"batch":{"environment":"staging"}}`, 400, dataplan.MsgInvalidBatch},
		{"POST", "/validate", `{"document":{"data_points":[]},"batch":{"events":[{"event_type":"click"}]}}`, 400, dataplan.MsgInvalidBatch},
		{"POST", "/validate", `{"document":[],"batch":{}}`, 400, dataplan.MsgInvalidDocument},
		{"POST", "/validate", `{"document":{"data_points":[{"match":{"type":"custom_event","criteria":{}},"validator":{"definition":{}}}]},"batch":{}}`, 400, dataplan.MsgInvalidPlanDoc},
		{"POST", "/validate", map[string]any{"document": manyDoc, "batch": map[string]any{}}, 400, "Data plan exceeds maximum of 1000 with 1001 data points."},
		{"POST", "/mobile_data_plan/versions", map[string]any{"version": 9, "version_document": manyDoc}, 400, "Data plan exceeds maximum of 1000 with 1001 data points."},
	} {
		r := c.do(tc.method, pp(ws, tc.path), tc.body)
		if r.status != tc.status || r.message() != tc.msg {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, r.status, r.message(), tc.status, tc.msg)
		}
		var e struct {
			Errors []map[string]any `json:"errors"`
		}
		if json.Unmarshal(r.body, &e) != nil || len(e.Errors) == 0 || len(e.Errors[0]) != 1 {
			t.Errorf("%s %s: error body %s is not {errors:[{message}]}", tc.method, tc.path, r.body)
		}
	}
	// The details follow the documented message as further items.
	r := c.do("POST", pp(ws, "/validate"), `{"document":{"data_points":[]},"batch":{"environment":"staging","x":1}}`)
	wantMessages(t, r, 400, dataplan.MsgInvalidBatch, "Field 'batch.x' is not a batch field.",
		"Field 'batch.environment' must be one of: unknown, development, production.")
	// Nothing was deleted by the refusals.
	if n := len(decodeAny(t, c.do("GET", pp(ws, "/checkout_plan"), nil).want(t, 200)).(map[string]any)["data_plan_versions"].([]any)); n != 3 {
		t.Errorf("checkout_plan has %d versions", n)
	}
}

func TestDataPlanRules(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	ws := SeedWorkspaceID
	dp := string(testdataBytes(t, "dataplanning/data-point.json"))
	for _, tc := range []struct {
		name, path, body string
		msgs             []string
	}{
		{"no name", "", `{"data_plan_versions":[{"version":1}]}`, []string{"Field 'data_plan_name' is required."}},
		{"no versions", "", `{"data_plan_name":"X"}`, []string{"Field 'data_plan_versions' must hold at least one version: a plan must contain at least one plan version."}},
		{"bad id", "", `{"data_plan_id":"Bad Id","data_plan_name":"X","data_plan_versions":[{}]}`,
			[]string{"Field 'data_plan_id' must be 1 to 128 characters: a-z, 0-9, '_' and '-', starting with a letter or digit."}},
		{"duplicate id", "", `{"data_plan_id":"foo_bar","data_plan_name":"X","data_plan_versions":[{}]}`,
			[]string{"A data plan with ID foo_bar already exists in workspace 4302."}},
		{"bad environment and version", "", `{"data_plan_name":"X","data_plan_versions":[{"version":0,"activated_environment":"prod"}]}`,
			[]string{"Field 'data_plan_versions[0].version' must be a positive integer.",
				"Field 'data_plan_versions[0].activated_environment' must be one of: none, development, production."}},
		{"data point without match or validator", "/foo_bar/versions", `{"version_document":{"data_points":[{}]}}`,
			[]string{"Field 'version_document.data_points[0].match' is required.", "Field 'version_document.data_points[0].validator' is required."}},
		{"criteria and validator type", "/foo_bar/versions",
			`{"version_document":{"data_points":[{"match":{"type":"custom_event","criteria":{"event_name":"E","custom_event_type":"attribution"}},"validator":{"type":"xml","definition":{}}}]}}`,
			[]string{"Field 'version_document.data_points[0].match.criteria.custom_event_type' must be one of: unknown, navigation, location, search, transaction, user_content, user_preference, social, other, media.",
				"Field 'version_document.data_points[0].validator.type' must be json_schema."}},
		{"unsupported keyword", "/foo_bar/versions",
			`{"version_document":{"data_points":[{"match":{"type":"screen_view","criteria":{"screen_name":"S"}},"validator":{"definition":{"properties":{"data":{"$ref":"#/x"}}}}}]}}`,
			[]string{"Field 'version_document.data_points[0].validator.definition.properties.data.$ref': the keyword $ref is not supported in data plans."}},
		{"duplicate version", "/foo_bar/versions", `{"version":2}`, []string{"Version 2 already exists in plan ID foo_bar."}},
		{"repeated match", "/foo_bar/versions", `{"version_document":{"data_points":[` + dp + `,` + dp + `]}}`,
			[]string{"Field 'version_document.data_points[1].match' repeats the match of data_points[0]; a match may appear once in a document."}},
		{"malformed", "", `{"data_plan_name":`, []string{"Request body is not valid JSON (at byte 18)."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantMessages(t, c.do("POST", pp(ws, tc.path), tc.body), 400, tc.msgs...)
		})
	}
	// Patch: a different version number, a wrong type.
	wantMessages(t, c.do("PATCH", pp(ws, "/foo_bar/versions/1"), `{"version":2}`), 400,
		"Field 'version' (2) must be the version in the path (1): a version's number cannot change.")
	wantMessages(t, c.do("PATCH", pp(ws, "/foo_bar"), `{"data_plan_name":7}`), 400, "Field 'data_plan_name' must be a string.")

	// A property named like an unsupported keyword is fine.
	c.do("POST", pp(ws, "/foo_bar/versions"), `{"version_document":{"data_points":[{"match":{"type":"screen_view","criteria":{"screen_name":"S"}},"validator":{"definition":{"properties":{"not":{"type":"string"}}}}}]}}`).want(t, 200)
	// The id is derived from the name; versions are numbered after the highest.
	p := decodeAny(t, c.do("POST", pp(ws, ""), `{"data_plan_name":"Web & App: 2025!","data_plan_versions":[{"version":3},{}]}`).want(t, 200)).(map[string]any)
	if p["data_plan_id"] != "web_app_2025" {
		t.Errorf("derived id %v", p["data_plan_id"])
	}
	vs := p["data_plan_versions"].([]any)
	if vs[0].(map[string]any)["version"] != float64(1) || vs[1].(map[string]any)["version"] != float64(3) || vs[0].(map[string]any)["activated_environment"] != "none" {
		t.Errorf("versions %v", vs)
	}
	if v := decodeAny(t, c.do("POST", pp(ws, "/web_app_2025/versions"), `{}`).want(t, 200)).(map[string]any); v["version"] != float64(4) {
		t.Errorf("next version %v", v["version"])
	}
	// PATCH leaves what it does not name; a plan's id never changes.
	c.do("PATCH", pp(ws, "/web_app_2025"), `{"data_plan_id":"other","data_plan_name":"Renamed"}`).want(t, 200)
	if g := decodeAny(t, c.do("GET", pp(ws, "/web_app_2025"), nil).want(t, 200)).(map[string]any); g["data_plan_name"] != "Renamed" {
		t.Errorf("rename: %v", g["data_plan_name"])
	}
	// Deactivate, then delete: allowed.
	c.do("PATCH", pp(ws, "/mobile_data_plan/versions/1"), `{"activated_environment":"development"}`).want(t, 200)
	c.do("DELETE", pp(ws, "/mobile_data_plan/versions/1"), nil).want(t, 204)

	// plans/validate: POST validates; GET reads the plan called "validate".
	wantMessages(t, c.do("GET", pp(ws, "/validate"), nil), 404, "The specified plan ID validate in workspace 4302 was not found.")
	c.do("POST", pp(ws, ""), `{"data_plan_id":"validate","data_plan_name":"Validate","data_plan_versions":[{}]}`).want(t, 200)
	c.do("GET", pp(ws, "/validate"), nil).want(t, 200)

	// Methods and workspaces.
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "/foo_bar", "GET, PATCH, DELETE, OPTIONS"},
		{"DELETE", "", "GET, POST, OPTIONS"},
		{"PUT", "/validate", "GET, POST, PATCH, DELETE, OPTIONS"},
		{"GET", "/foo_bar/versions", "POST, OPTIONS"},
	} {
		r := c.do(tc.method, pp(ws, tc.path), nil)
		if r.status != 405 || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 %q", tc.method, tc.path, r.status, r.header.Get("Allow"), tc.allow)
		}
	}
	wantMessages(t, c.do("GET", pp(999, ""), nil), 404, `Workspace "999" does not exist or you do not have access.`)
	wantMessages(t, c.do("GET", "/platform/v2/workspaces/abc/plans", nil), 404, `Workspace "abc" does not exist or you do not have access.`)
}

// The validator follows the guide: unplanned events and attributes,
// missing required attributes, invalid values, and the leniency of types.
func TestDataPlanValidation(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	plan := decodeAny(t, c.do("GET", pp(SeedWorkspaceID, "/mobile_data_plan/versions/2"), nil).want(t, 200)).(map[string]any)
	doc := plan["version_document"]
	validate := func(events []any, userAttrs map[string]any) []map[string]any {
		t.Helper()
		batch := map[string]any{"environment": "development", "events": events}
		if userAttrs != nil {
			batch["user_attributes"] = userAttrs
		}
		r := decodeAny(t, c.do("POST", pp(SeedWorkspaceID, "/validate"), map[string]any{"document": doc, "batch": batch}).want(t, 200))
		var out []map[string]any
		for _, res := range r.(map[string]any)["results"].([]any) {
			for _, e := range res.(map[string]any)["data"].(map[string]any)["validation_errors"].([]any) {
				out = append(out, e.(map[string]any))
			}
		}
		return out
	}
	custom := func(attrs map[string]any) any {
		return map[string]any{"event_type": "custom_event", "data": map[string]any{"event_name": "My Custom Event Name", "custom_event_type": "other", "custom_attributes": attrs}}
	}
	brief := func(errs []map[string]any) string {
		var s []string
		for _, e := range errs {
			s = append(s, fmt.Sprintf("%v %v %v %v %v %v", e["validation_error_type"], e["key"], e["error_pointer"], e["expected"], e["actual"], e["schema_keyword"]))
		}
		return strings.Join(s, " | ")
	}
	for _, tc := range []struct {
		name   string
		events []any
		ua     map[string]any
		want   string
	}{
		{"conforming", []any{custom(map[string]any{"foo": 1.5})}, nil, ""},
		{"a numeric string is a number", []any{custom(map[string]any{"foo": "42"})}, nil, ""},
		{"wrong type", []any{custom(map[string]any{"foo": "abc"})}, nil, "invalid_value foo #/data/custom_attributes/foo number string type"},
		{"missing required", []any{custom(map[string]any{})}, nil, "missing_required custom_attributes #/data/custom_attributes foo <nil> required"},
		{"unplanned attribute", []any{custom(map[string]any{"foo": 1, "bar": "x"})}, nil, "unplanned bar #/data/custom_attributes/bar <nil> bar additionalProperties"},
		{"unplanned event", []any{map[string]any{"event_type": "custom_event", "data": map[string]any{"event_name": "Other", "custom_event_type": "other"}}}, nil,
			"unplanned Other # <nil> Other none"},
		{"screen view", []any{map[string]any{"event_type": "screen_view", "data": map[string]any{"screen_name": "Home", "custom_attributes": map[string]any{"ref": "x"}}}}, nil,
			"unplanned ref #/data/custom_attributes/ref <nil> ref additionalProperties"},
		{"session events are not planned", []any{map[string]any{"event_type": "session_start", "data": map[string]any{}}}, nil, ""},
		{"user attributes", nil, map[string]any{"$Age": "200", "tier": "silver", "nick": "x"},
			`invalid_value $Age #/user_attributes/$Age <= 150 200 maximum | unplanned nick #/user_attributes/nick <nil> nick additionalProperties | invalid_value tier #/user_attributes/tier ["free","gold","platinum"] "silver" enum`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := brief(validate(tc.events, tc.ua)); got != tc.want {
				t.Errorf("errors:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestDataPlansViewer(t *testing.T) {
	srv := startSB(t, Options{})
	v := sbViewer(t, srv)
	v.do("GET", pp(SeedWorkspaceID, ""), nil).want(t, 200)
	v.do("GET", pp(SeedWorkspaceID, "/mobile_data_plan/versions/1"), nil).want(t, 200)
	v.do("GET", pp(SeedOtherWSID, ""), nil).want(t, 404)
	v.do("POST", pp(SeedOtherWSID, ""), `{}`).want(t, 404)
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "", `{"data_plan_name":"V","data_plan_versions":[{}]}`},
		{"PATCH", "/foo_bar", `{"data_plan_name":"V"}`},
		{"DELETE", "/foo_bar", ""},
		{"POST", "/foo_bar/versions", `{}`},
		{"PATCH", "/foo_bar/versions/1", `{"activated_environment":"production"}`},
		{"DELETE", "/foo_bar/versions/2", ""},
		{"POST", "/validate", string(testdataBytes(t, "dataplanning/validate.request.json"))},
	} {
		wantMessages(t, v.do(tc.method, pp(SeedWorkspaceID, tc.path), tc.body), 403,
			fmt.Sprintf("The credential \"viewer\" is read-only: it may not %s.", tc.method))
	}
	a := sbAdmin(t, srv)
	p := decodeAny(t, a.do("GET", pp(SeedWorkspaceID, "/foo_bar"), nil).want(t, 200)).(map[string]any)
	if p["data_plan_name"] != "foo bar" || len(p["data_plan_versions"].([]any)) != 2 {
		t.Errorf("the viewer's writes changed foo_bar: %v", p)
	}
}

func TestDataPlansFaults(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	srv.InjectNext(Fault503, 1)
	if r := c.do("GET", pp(SeedWorkspaceID, ""), nil).want(t, 503); !strings.Contains(r.message(), "injected") {
		t.Errorf("503 body %s", r.body)
	}
	srv.InjectNext(Fault429, 1)
	if r := c.do("GET", pp(SeedWorkspaceID, ""), nil).want(t, 429); r.header.Get("Retry-After") != "1" {
		t.Errorf("429 without Retry-After")
	}
	// 504 loses the answer of a create that was carried out.
	srv.InjectNext(Fault504, 1)
	c.do("POST", pp(SeedWorkspaceID, ""), `{"data_plan_name":"Lost answer","data_plan_versions":[{}]}`).want(t, 504)
	c.do("GET", pp(SeedWorkspaceID, "/lost_answer"), nil).want(t, 200)
	// 500 stops it before the backend.
	srv.InjectNext(Fault500, 1)
	c.do("POST", pp(SeedWorkspaceID, ""), `{"data_plan_name":"Never","data_plan_versions":[{}]}`).want(t, 500)
	c.do("GET", pp(SeedWorkspaceID, "/never"), nil).want(t, 404)
	srv.InjectNext(FaultGarbage, 1)
	if r := c.do("GET", pp(SeedWorkspaceID, "/foo_bar"), nil).want(t, 200); json.Valid(r.body) {
		t.Errorf("garbage fault sent JSON")
	}
}

func TestDataPlansAndRolesPersist(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sandbox.db")
	srv, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	startHandlerServer(t, srv)
	c := sbAdmin(t, srv)
	c.do("POST", pp(4303, ""), testdataBytes(t, "dataplanning/create-plan.request.json")).want(t, 200)
	c.do("POST", pp(4303, "/example_data_plan/versions"), testdataBytes(t, "dataplanning/create-version.request.json")).want(t, 200)
	c.do("PATCH", pp(4303, "/example_data_plan/versions/2"), `{"activated_environment":"production","version_description":"kept"}`).want(t, 200)
	c.do("DELETE", pp(SeedWorkspaceID, "/foo_bar/versions/2"), nil).want(t, 204)
	c.do("DELETE", pp(SeedOtherWSID, "/staging_plan"), nil).want(t, 204)
	m := decodeAny(t, c.do("GET", rolesPath(1, 1, "roles"), nil).want(t, 200)).(map[string]any)
	m["roles"] = append(m["roles"].([]any), map[string]any{"role_id": "persisted", "name": "Persisted", "tasks": []any{map[string]any{"task_id": "rules:view"}}})
	c.do("PUT", rolesPath(1, 1, "roles"), m).want(t, 200)
	if err := srv.AssignRole(SeedAccountID, "ops+alerts@acme.example", "persisted"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv2, err := New(Options{DataFile: file, Seed: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	startHandlerServer(t, srv2)
	c = sbAdmin(t, srv2)
	v := decodeAny(t, c.do("GET", pp(4303, "/example_data_plan/versions/2"), nil).want(t, 200)).(map[string]any)
	if v["activated_environment"] != "production" || v["version_description"] != "kept" || v["version_document"] == nil {
		t.Errorf("version after restart: %v", v)
	}
	if n := len(decodeAny(t, c.do("GET", pp(SeedWorkspaceID, "/foo_bar"), nil).want(t, 200)).(map[string]any)["data_plan_versions"].([]any)); n != 1 {
		t.Errorf("foo_bar has %d versions after restart", n)
	}
	c.do("GET", pp(SeedOtherWSID, "/staging_plan"), nil).want(t, 404)
	m = decodeAny(t, c.do("GET", rolesPath(1, 2, "roles"), nil).want(t, 200)).(map[string]any)
	if m["version"] != float64(SeedRolesVersion+1) || !strings.Contains(fmt.Sprint(m["roles"]), "persisted") {
		t.Errorf("manifest after restart: version %v", m["version"])
	}
	if !slices.Contains(srv2.RoleAssignments(), RoleAssignment{SeedAccountID, "ops+alerts@acme.example", "persisted"}) {
		t.Errorf("assignment lost: %v", srv2.RoleAssignments())
	}
	// The held role cannot be removed after the restart either.
	roles := m["roles"].([]any)
	m["roles"] = roles[:len(roles)-1]
	wantMessages(t, c.do("PUT", rolesPath(1, 1, "roles"), m), 400, "Removed a custom role with active user membership")
	// Sequence numbers keep counting: a new plan lists after the others.
	c.do("POST", pp(4303, ""), `{"data_plan_name":"Later","data_plan_versions":[{}]}`).want(t, 200)
	ids := []string{}
	for _, p := range decodeAny(t, c.do("GET", pp(4303, ""), nil)).([]any) {
		ids = append(ids, p.(map[string]any)["data_plan_id"].(string))
	}
	if !slices.Equal(ids, []string{"kiosk_plan", "example_data_plan", "later"}) {
		t.Errorf("plans of 4303: %v", ids)
	}
	srv2.Close()
}

func TestDataPlansSeeds(t *testing.T) {
	srv := startSB(t, Options{Seed: "large:3"})
	c := sbAdmin(t, srv)
	if n := len(decodeAny(t, c.do("GET", pp(1, ""), nil).want(t, 200)).([]any)); n != 3 {
		t.Errorf("large:3 has %d plans in workspace 1", n)
	}
	c.do("GET", pp(1, "/plan_000002/versions/1"), nil).want(t, 200)
	if n := len(decodeAny(t, c.do("GET", rolesPath(1, 1, "roles"), nil).want(t, 200)).(map[string]any)["roles"].([]any)); n != len(roleTemplates) {
		t.Errorf("large:3 has %d roles", n)
	}
	empty := startSB(t, Options{Seed: "empty"})
	e := sbAdmin(t, empty)
	e.do("POST", "/v1/accounts", `{"name":"First"}`).want(t, 201)
	m := decodeAny(t, e.do("GET", rolesPath(1, 1, "roles"), nil).want(t, 200)).(map[string]any)
	if m["version"] != float64(0) || len(m["roles"].([]any)) != 0 {
		t.Errorf("the empty seed's manifest: %v", m)
	}
	// Deleting an account takes its workspaces' plans along.
	dsrv := startSB(t, Options{})
	d := sbAdmin(t, dsrv)
	d.do("DELETE", "/v1/apps/5/platforms/ios?accountId=2", nil).want(t, 202)
	d.do("DELETE", "/v1/apps/5?accountId=2", nil).want(t, 202)
	d.do("DELETE", "/v1/accounts?accountId=2", nil).want(t, 202)
	d.do("GET", pp(SeedOtherWSID, ""), nil).want(t, 404)
	dsrv.mu.RLock()
	defer dsrv.mu.RUnlock()
	if len(dsrv.st.plans.list(SeedOtherWSID)) != 0 {
		t.Errorf("account 2's plans survived its deletion")
	}
}

// The shape comparison itself: types, missing and extra keys, array items.
func TestShapeDiff(t *testing.T) {
	doc := map[string]any{"a": 1.0, "b": []any{map[string]any{"c": "x"}}, "n": nil}
	got := map[string]any{"a": "1", "b": []any{map[string]any{"d": 1.0}}, "n": nil, "e": true}
	want := []string{"a: string, documented number", "b[].c: missing", "b[].d: not in the documented example", "e: not in the documented example"}
	if d := shapeDiff(doc, got, "", shapeRules{}); !slices.Equal(d, want) {
		t.Errorf("diff %q, want %q", d, want)
	}
	if d := shapeDiff(doc, got, "", shapeRules{open: true, absent: map[string]bool{"b[].c": true}}); !slices.Equal(d, want[:1]) {
		t.Errorf("loosened diff %q", d)
	}
}

// messageOnlyPath reports the paths whose error items carry a message only
// (the Data Planning and Custom Access Roles APIs).
func messageOnlyPath(p string) bool {
	return isRolesPath(p) || regexp.MustCompile(`^/platform/v2/workspaces/[^/]+/plans(/|$)`).MatchString(p)
}
