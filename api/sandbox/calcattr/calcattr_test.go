package calcattr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func testEnv() Env {
	return Env{
		Now: testNow, User: "tester@example.com", ActiveLimit: 10,
		RetentionDays: 365, EarliestDate: testNow.AddDate(-1, 0, 0),
	}
}

// testSeed is a workspace with a CA in each lifecycle state, written in
// both data point spellings and with time_period type all on read.
const testSeed = `[
 {"id": 10, "name": "Existing", "description": "draft only", "created_by": "a@example.com",
  "created_on": "2025-12-01T10:00:00.25", "last_modified_on": "2025-12-01T10:00:00.25", "last_modified_by": "a@example.com",
  "active_definition": null,
  "draft_definition": {"recipe_type": "event",
    "data_point": {"type": "event", "event_name": "Add To Cart", "attribute_name": null, "event_type": "commerce_event", "custom_event_type": "add_to_cart"},
    "conditions": null, "calculation_type": "count",
    "time_period": {"type": "all", "date": null, "within": null, "within_unit": null}},
  "audience_count": 0, "activated_on": null, "activated_by": null},
 {"id": 11, "name": "Active", "description": "active only", "created_by": "a@example.com",
  "created_on": "2019-09-10T15:34:44.69", "last_modified_on": "2019-12-06T15:04:22.043", "last_modified_by": "b@example.com",
  "active_definition": {"recipe_type": "event",
    "datapoint": {"type": "event", "event_name": "Purchase", "attribute_name": "Total Amount", "event_type": "commerce_event",
                  "custom_event_type": "purchase", "attribute_category": "product_attribute", "use_product_quantity": true},
    "conditions": [{"type": "number", "operator": "equals", "attribute_name": "Checkout Step", "value": "22", "values": null, "min_value": null, "max_value": null}],
    "calculation_type": "sum",
    "time_period": {"type": "since", "date": "2019-10-01T00:00:00", "within": null, "within_unit": null},
    "seeding": {"cutoff_date": "2019-10-02T00:00:00"}},
  "draft_definition": null,
  "audience_count": 2, "activated_on": "2026-01-15T11:59:30.000Z", "activated_by": "b@example.com"},
 {"id": 12, "name": "Pending", "created_by": "a@example.com",
  "active_definition": {"recipe_type": "event",
    "datapoint": {"type": "event", "event_name": "Login", "event_type": "custom_event", "custom_event_type": "unknown"},
    "conditions": [], "calculation_type": "count",
    "time_period": {"type": "within", "within": 4, "within_unit": "weeks"}},
  "draft_definition": {"recipe_type": "event",
    "datapoint": {"type": "event", "event_name": "Login", "event_type": "custom_event", "custom_event_type": "unknown"},
    "conditions": [], "calculation_type": "count",
    "time_period": {"type": "within", "within": 8, "within_unit": "weeks"}},
  "audience_count": 1, "activated_on": "2020-02-18T19:24:50.426Z", "activated_by": "c@example.com"}
]`

func testBook(t testing.TB) *Book {
	t.Helper()
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(testSeed), &items); err != nil {
		t.Fatal(err)
	}
	b, err := LoadSeed(items, testNow)
	if err != nil {
		t.Fatalf("LoadSeed: %v", err)
	}
	return b
}

// validBody is a create body that passes every rule; tests change one
// thing in it.
const validBody = `{"name": "Lifetime spend", "description": "Sum of purchases",
 "draft_definition": {"recipe_type": "event",
   "datapoint": {"type": "event", "event_name": "Purchase", "attribute_name": "Total Amount", "event_type": "commerce_event",
                 "custom_event_type": "purchase", "attribute_category": "product_attribute", "use_product_quantity": true},
   "conditions": [], "calculation_type": "sum",
   "time_period": {"type": "since", "date": "2025-10-01T00:00:00", "within": null, "within_unit": null},
   "seeding": {"cutoff_date": "2025-10-02T00:00:00"}}}`

func bodyMap(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(validBody), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// delAt removes the value at a dotted path ("a.b.0.c").
func delAt(t testing.TB, m map[string]any, path string) { walkPath(t, m, path, nil, true) }

// setAt sets the value at a dotted path.
func setAt(t testing.TB, m map[string]any, path string, v any) { walkPath(t, m, path, v, false) }

func walkPath(t testing.TB, m map[string]any, path string, v any, del bool) {
	t.Helper()
	parts := strings.Split(path, ".")
	var cur any = m
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if del {
					delete(c, p)
				} else {
					c[p] = v
				}
				return
			}
			cur = c[p]
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n >= len(c) {
				t.Fatalf("path %s: bad index %s", path, p)
			}
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		default:
			t.Fatalf("path %s: %s is not a container", path, p)
		}
	}
}

// condition is a condition body with every value field null.
func condition(typ, op string, fields ...any) map[string]any {
	c := map[string]any{"type": typ, "operator": op, "attribute_name": "Attr",
		"value": nil, "values": nil, "min_value": nil, "max_value": nil}
	for i := 0; i+1 < len(fields); i += 2 {
		c[fields[i].(string)] = fields[i+1]
	}
	return c
}

func do(t testing.TB, b *Book, env Env, method, rest, query string, body any) Result {
	t.Helper()
	var raw []byte
	switch v := body.(type) {
	case nil:
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	return Serve(b, env, method, rest, q, raw)
}

// errorMessages decodes an error body into its codes and messages.
func errorMessages(t testing.TB, res Result) (codes, msgs []string) {
	t.Helper()
	var eb struct {
		Errors []struct{ Code, Message string }
	}
	if err := json.Unmarshal(res.Body, &eb); err != nil {
		t.Fatalf("error body %q: %v", res.Body, err)
	}
	for _, e := range eb.Errors {
		codes = append(codes, e.Code)
		msgs = append(msgs, e.Message)
	}
	return codes, msgs
}

func getCA(t testing.TB, b *Book, id int64) map[string]any {
	t.Helper()
	res := do(t, b, testEnv(), "GET", fmt.Sprintf("/%d", id), "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %d: %d %s", id, res.Status, res.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(res.Body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func getAt(t testing.TB, m map[string]any, path string) any {
	t.Helper()
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				t.Fatalf("path %s: no key %s in %v", path, p, c)
			}
			cur = v
		case []any:
			n, _ := strconv.Atoi(p)
			cur = c[n]
		default:
			t.Fatalf("path %s: %s is not a container", path, p)
		}
	}
	return cur
}

// TestValidationMessages has one row per validation message: the
// documented ones of create byte for byte, then the sandbox's own. Each row
// runs as a create (POST) and, unless createOnly, as an update (PUT) of a
// never-activated CA, and must change nothing.
func TestValidationMessages(t *testing.T) {
	type row struct {
		name       string
		edit       func(t testing.TB, m map[string]any)
		want       string
		createOnly bool // the PUT of the same body is fine (docs/inconsistencies.md: PUT merges)
	}
	cond := func(c map[string]any) func(testing.TB, map[string]any) {
		return func(t testing.TB, m map[string]any) { setAt(t, m, "draft_definition.conditions", []any{c}) }
	}
	set := func(path string, v any) func(testing.TB, map[string]any) {
		return func(t testing.TB, m map[string]any) { setAt(t, m, path, v) }
	}
	del := func(path string) func(testing.TB, map[string]any) {
		return func(t testing.TB, m map[string]any) { delAt(t, m, path) }
	}
	within := func(n any, unit any) func(testing.TB, map[string]any) {
		return set("draft_definition.time_period", map[string]any{"type": "within", "within": n, "within_unit": unit, "date": nil})
	}
	rows := []row{
		// in the reference's order.
		{"name missing", del("name"), "Field 'name' is required.", true},
		{"name null", set("name", nil), "Field 'name' is required.", false},
		{"name blank", set("name", "  "), "Field 'name' is required.", false},
		{"name not a string", set("name", 7), "Field 'name' is required.", false},
		{"name taken", set("name", "Active"), "Field 'name' must be unique.", false},
		{"draft missing", del("draft_definition"), "Field 'draft_definition' is required.", true},
		{"draft null", set("draft_definition", nil), "Field 'draft_definition' is required.", false},
		{"draft not an object", set("draft_definition", "x"), "Field 'draft_definition' is required.", false},
		{"time period all", set("draft_definition.time_period.type", "all"), "Field 'time_period.type' = 'all' is not supported.", false},
		{"date before retention", set("draft_definition.time_period.date", "2025-01-15T11:59:59"),
			"'time_period.date' must be on or after the earliest date available of 2025-01-15T12:00:00", false},
		{"within days over retention", within(366, "days"),
			"The within time period cannot exceed your configured retention period of 365 days for Calculated Attributes", false},
		{"within weeks over retention", within(53, "weeks"),
			"The within time period cannot exceed your configured retention period of 365 days for Calculated Attributes", false},
		{"recipe type", set("draft_definition.recipe_type", "user"), "Invalid recipe type", false},
		{"recipe type missing", del("draft_definition.recipe_type"), "Invalid recipe type", false},
		{"calculation type", set("draft_definition.calculation_type", "median"), "Invalid calculation type", false},
		{"calculation type missing", del("draft_definition.calculation_type"), "Invalid calculation type", false},
		{"time period missing", del("draft_definition.time_period"), "Invalid time period specification", false},
		{"time period not an object", set("draft_definition.time_period", []any{}), "Invalid time period specification", false},
		{"since without date", set("draft_definition.time_period.date", nil), "Invalid time period specification", false},
		{"since with bad date", set("draft_definition.time_period.date", "last week"), "Invalid time period specification", false},
		{"time period type", set("draft_definition.time_period.type", "forever"), "Invalid 'type' time period specification", false},
		{"time period type missing", del("draft_definition.time_period.type"), "Invalid 'type' time period specification", false},
		{"within missing", within(nil, "days"), "Invalid 'within' time period specification", false},
		{"within zero", within(0, "days"), "Invalid 'within' time period specification", false},
		{"within fractional", within(1.5, "days"), "Invalid 'within' time period specification", false},
		{"within as string", within("7", "days"), "Invalid 'within' time period specification", false},
		{"within unit", within(7, "months"), "Invalid 'within_unit' time period specification", false},
		{"within unit missing", within(7, nil), "Invalid 'within_unit' time period specification", false},
		{"custom event name", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.datapoint.event_type", "custom_event")
			setAt(t, m, "draft_definition.datapoint.event_name", nil)
		}, "Invalid data point custom event name", false},
		{"custom event type", set("draft_definition.datapoint.event_type", "screen_view"), "Invalid data point custom event type", false},
		{"condition not an object", cond(nil), "Invalid condition definition", false},
		{"conditions not an array", set("draft_definition.conditions", "x"), "Invalid condition definition", false},
		{"pattern not a regexp", cond(condition("string", "pattern", "value", "(")), "Invalid condition definition", false},
		{"condition type", cond(condition("list", "equals", "value", "x")), "Invalid condition definition type", false},
		{"string operator", cond(condition("string", "between", "min_value", "a", "max_value", "b")), "Invalid string condition operator", false},
		{"condition attribute name", cond(condition("string", "equals", "value", "x", "attribute_name", "")), "Condition attribute name must be specified", false},
		{"string in-list values", cond(condition("string", "in_list", "values", []any{"a", 1})), "In-list condition values must be specified", false},
		{"string in-list values missing", cond(condition("string", "in_list")), "In-list condition values must be specified", false},
		{"string value", cond(condition("string", "contains")), "String condition value must be specified", false},
		{"numeric operator", cond(condition("number", "contains", "value", "1")), "Invalid numeric condition operator", false},
		{"numeric in-list values", cond(condition("number", "in_list", "values", []any{"1", "two"})), "Invalid numeric in-list condition values", false},
		{"numeric minimum", cond(condition("number", "between", "min_value", "x", "max_value", "2")), "Invalid numeric condition minimum value", false},
		{"numeric maximum", cond(condition("number", "between", "min_value", "1")), "Invalid numeric condition maximum value", false},
		{"numeric maximum below minimum", cond(condition("number", "between", "min_value", "3", "max_value", "2")), "Invalid numeric condition maximum value", false},
		{"numeric value", cond(condition("number", "greater_than", "value", "1,5")), "Invalid numeric condition value", false},
		{"numeric value not a string", cond(condition("number", "equals", "value", 22)), "Invalid numeric condition value", false},
		{"numeric value overflow", cond(condition("number", "equals", "value", "1e999")), "Invalid numeric condition value", false},
		{"boolean operator", cond(condition("boolean", "in_list", "values", []any{"true"})), "Invalid boolean condition operator", false},
		{"boolean value", cond(condition("boolean", "equals", "value", "yes")), "Invalid boolean condition value", false},
		{"date operator", cond(condition("date", "greater_than", "value", "2025-01-01")), "Invalid date condition operator", false},
		{"datetime in-list values", cond(condition("date", "in_list", "values", []any{"2025-01-01", "soon"})), "Invalid datetime in-list condition values", false},
		{"date minimum", cond(condition("date", "between_dates", "min_value", "yesterday", "max_value", "2025-01-01")), "Invalid date condition minimum value", false},
		{"date maximum", cond(condition("date", "between_dates", "min_value", "2025-01-01", "max_value", "2024-12-31")), "Invalid date condition maximum value", false},
		{"date value", cond(condition("date", "before", "value", "2025-13-01")), "Invalid date condition value", false},
		{"value with range", cond(condition("number", "between", "value", "1", "min_value", "1", "max_value", "2")), "Condition value must be empty", false},
		{"value with exists", cond(condition("string", "exists", "value", "x")), "Condition value must be empty", false},
		{"values with single", cond(condition("string", "equals", "value", "x", "values", []any{"x"})), "Condition values must be empty", false},
		{"min with single", cond(condition("number", "equals", "value", "1", "min_value", "0")), "Condition minimum value must be empty", false},
		{"max with list", cond(condition("number", "in_list", "values", []any{"1"}, "max_value", "0")), "Condition maximum value must be empty", false},
		// The sandbox's own messages, for rules the reference states without one.
		{"description not a string", set("description", 5), "Field 'description' must be a string.", false},
		{"data point missing", del("draft_definition.datapoint"), "Field 'draft_definition.datapoint' is required.", false},
		{"data point type", set("draft_definition.datapoint.type", "screen"), "Invalid data point type", false},
		{"event type missing", del("draft_definition.datapoint.event_type"), "Field 'draft_definition.datapoint.event_type' is required.", false},
		{"event attribute without event name", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.datapoint.type", "event_attribute")
			delAt(t, m, "draft_definition.datapoint.event_name")
		}, "Field 'draft_definition.datapoint.event_name' is required.", false},
		{"user attribute without attribute name", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.datapoint.type", "user_attribute")
			setAt(t, m, "draft_definition.datapoint.attribute_name", "")
		}, "Field 'draft_definition.datapoint.attribute_name' is required.", false},
		{"event name not a string", set("draft_definition.datapoint.event_name", 1), "Field 'draft_definition.datapoint.event_name' must be a string.", false},
		{"attribute category", set("draft_definition.datapoint.attribute_category", "user_attribute"), "Invalid data point attribute category", false},
		{"product quantity not a boolean", set("draft_definition.datapoint.use_product_quantity", "yes"), "Field 'draft_definition.datapoint.use_product_quantity' must be a boolean.", false},
		{"product quantity without product category", set("draft_definition.datapoint.attribute_category", "event_attribute"),
			"Field 'draft_definition.datapoint.use_product_quantity' requires a product or promotion attribute category.", false},
		{"seeding not an object", set("draft_definition.seeding", true), "Field 'draft_definition.seeding' must be an object.", false},
		{"seeding without cutoff", set("draft_definition.seeding", map[string]any{}), "Field 'draft_definition.seeding.cutoff_date' is required.", false},
		{"seeding with bad cutoff", set("draft_definition.seeding.cutoff_date", "tomorrow"), "Field 'draft_definition.seeding.cutoff_date' must be a date.", false},
	}
	for _, r := range rows {
		for _, method := range []string{"POST", "PUT"} {
			if method == "PUT" && r.createOnly {
				continue
			}
			t.Run(method+" "+r.name, func(t *testing.T) {
				b := testBook(t)
				m := bodyMap(t)
				r.edit(t, m)
				rest := ""
				if method == "PUT" {
					rest = "/10" // "Existing", never activated: renames are allowed
				}
				before, _ := json.Marshal(b)
				res := do(t, b, testEnv(), method, rest, "", m)
				if res.Status != http.StatusBadRequest || res.Changed {
					t.Fatalf("status %d changed %v, want 400 unchanged: %s", res.Status, res.Changed, res.Body)
				}
				codes, msgs := errorMessages(t, res)
				if !reflect.DeepEqual(msgs, []string{r.want}) {
					t.Errorf("messages %q\nwant       [%q]", msgs, r.want)
				}
				if !reflect.DeepEqual(codes, []string{"VALIDATION_ERROR"}) {
					t.Errorf("codes %q", codes)
				}
				if after, _ := json.Marshal(b); !bytes.Equal(before, after) {
					t.Errorf("a refused write changed the book")
				}
			})
		}
	}
}

// TestValidBodies: bodies at the edges of the rules are accepted, and
// what is stored is what the decisions say.
func TestValidBodies(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(t testing.TB, m map[string]any)
		check map[string]any // path in the created CA → wanted value
	}{
		{"reference body as is", func(testing.TB, map[string]any) {}, map[string]any{
			"draft_definition.datapoint.use_product_quantity": true, "draft_definition.conditions": []any{},
		}},
		{"data_point spelling is stored as datapoint", func(t testing.TB, m map[string]any) {
			dd := m["draft_definition"].(map[string]any)
			dd["data_point"], dd["datapoint"] = dd["datapoint"], nil
		}, map[string]any{"draft_definition.datapoint.event_name": "Purchase"}},
		{"datapoint wins over data_point", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.data_point", map[string]any{"type": "bogus"})
		}, map[string]any{"draft_definition.datapoint.type": "event"}},
		{"conditions null echoed", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.conditions", nil)
		}, map[string]any{"draft_definition.conditions": nil}},
		{"date on the earliest day", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.time_period.date", "2025-01-15T12:00:00Z")
		}, map[string]any{"draft_definition.time_period.date": "2025-01-15T12:00:00Z"}},
		{"within at retention, foreign fields dropped", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.time_period", map[string]any{"type": "within", "within": 52, "within_unit": "weeks", "date": "2020-01-01"})
		}, map[string]any{"draft_definition.time_period.within": 52.0, "draft_definition.time_period.date": nil}},
		{"since drops within", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.time_period.within", 3)
		}, map[string]any{"draft_definition.time_period.within": nil, "draft_definition.time_period.within_unit": nil}},
		{"no seeding", func(t testing.TB, m map[string]any) { delAt(t, m, "draft_definition.seeding") },
			map[string]any{"draft_definition.seeding": nil}},
		{"custom event type with custom event", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.datapoint.event_type", "custom_event")
		}, map[string]any{"draft_definition.datapoint.custom_event_type": "purchase"}},
		{"no event name outside custom events", func(t testing.TB, m map[string]any) {
			delAt(t, m, "draft_definition.datapoint.event_name")
		}, map[string]any{"draft_definition.datapoint.event_name": nil}},
		{"date in_list", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.conditions", []any{condition("date", "in_list", "values", []any{"2025-01-01", "2025-02-01T10:00:00Z"})})
		}, map[string]any{"draft_definition.conditions.0.values.1": "2025-02-01T10:00:00Z"}},
		{"in_list ignores value", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.conditions", []any{condition("string", "in_list", "value", "x", "values", []any{"a", ""})})
		}, map[string]any{"draft_definition.conditions.0.value": "x"}},
		{"exists with empty fields", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.conditions", []any{condition("boolean", "exists", "value", "", "values", []any{})})
		}, map[string]any{"draft_definition.conditions.0.values": []any{}, "draft_definition.conditions.0.operator": "exists"}},
		{"every type and class", func(t testing.TB, m map[string]any) {
			setAt(t, m, "draft_definition.conditions", []any{
				condition("string", "pattern", "value", "^a.*z$"),
				condition("number", "between", "min_value", "-1.5", "max_value", "2e3"),
				condition("number", "in_list", "values", []any{"1", ".5"}),
				condition("boolean", "equals", "value", "TRUE"),
				condition("date", "between_dates", "min_value", "2025-01-01", "max_value", "2025-01-01"),
				condition("date", "after", "value", "2019-07-16T16:49:31.852015-04:00"),
			})
		}, map[string]any{"draft_definition.conditions.1.max_value": "2e3", "draft_definition.conditions.3.value": "TRUE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testBook(t)
			m := bodyMap(t)
			tt.edit(t, m)
			res := do(t, b, testEnv(), "POST", "", "", m)
			if res.Status != http.StatusCreated || !res.Changed {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			id, err := strconv.ParseInt(string(res.Body), 10, 64)
			if err != nil {
				t.Fatalf("body %q is not a bare integer", res.Body)
			}
			got := getCA(t, b, id)
			for path, want := range tt.check {
				if v := getAt(t, got, path); !reflect.DeepEqual(v, want) {
					t.Errorf("%s = %#v, want %#v", path, v, want)
				}
			}
			if strings.Contains(string(do(t, b, testEnv(), "GET", fmt.Sprintf("/%d", id), "", nil).Body), "data_point") {
				t.Error("the key data_point was emitted")
			}
		})
	}
}

// TestErrors: several errors at once, malformed bodies and the
// activation messages.
func TestErrors(t *testing.T) {
	t.Run("one error per part, in order", func(t *testing.T) {
		b := testBook(t)
		m := bodyMap(t)
		delAt(t, m, "name")
		setAt(t, m, "description", false)
		setAt(t, m, "draft_definition.recipe_type", "x")
		setAt(t, m, "draft_definition.datapoint.type", "x")
		setAt(t, m, "draft_definition.conditions", []any{condition("x", "y"), condition("z", "w")})
		setAt(t, m, "draft_definition.calculation_type", "x")
		setAt(t, m, "draft_definition.time_period.type", "x")
		setAt(t, m, "draft_definition.seeding", "x")
		_, msgs := errorMessages(t, do(t, b, testEnv(), "POST", "", "", m))
		want := []string{"Field 'name' is required.", "Field 'description' must be a string.", "Invalid recipe type",
			"Invalid data point type", "Invalid condition definition type", "Invalid calculation type",
			"Invalid 'type' time period specification", "Field 'draft_definition.seeding' must be an object."}
		if !reflect.DeepEqual(msgs, want) {
			t.Errorf("messages\n%q\nwant\n%q", msgs, want)
		}
	})
	for _, tt := range []struct{ name, method, rest, body, code, want string }{
		{"create malformed", "POST", "", `{"name": "x"`, "BAD_REQUEST", "Request body is not valid JSON"},
		{"create trailing data", "POST", "", `{} {}`, "BAD_REQUEST", "Request body is not valid JSON"},
		{"create empty body", "POST", "", ` `, "BAD_REQUEST", "Request body is empty"},
		{"create array", "POST", "", `[]`, "BAD_REQUEST", "Request body must be a JSON object."},
		{"update malformed", "PUT", "/10", `{`, "BAD_REQUEST", "Request body is not valid JSON"},
		{"update number", "PUT", "/10", `5678`, "BAD_REQUEST", "Request body must be a JSON object."},
		{"rename after activation", "PUT", "/11", `{"name": "Renamed"}`, "VALIDATION_ERROR",
			"Calculated attribute name cannot be changed once the calculated attribute has been activated."},
		{"activate without draft", "POST", "/11/activation", ``, "VALIDATION_ERROR", "No draft definition was found to activate."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := testBook(t)
			res := do(t, b, testEnv(), tt.method, tt.rest, "", tt.body)
			codes, msgs := errorMessages(t, res)
			exact := tt.code == "VALIDATION_ERROR" || strings.HasSuffix(tt.want, ".")
			if res.Status != http.StatusBadRequest || res.Changed || len(msgs) != 1 ||
				exact && msgs[0] != tt.want || !strings.HasPrefix(msgs[0], tt.want) ||
				!reflect.DeepEqual(codes, []string{tt.code}) {
				t.Errorf("got %d changed=%v %s, want 400 %s %q", res.Status, res.Changed, res.Body, tt.code, tt.want)
			}
		})
	}
}

// TestActivationLimit: the limit counts activations of inactive CAs only.
func TestActivationLimit(t *testing.T) {
	for _, tt := range []struct {
		name          string
		id            int64
		active, limit int
		wantStatus    int
	}{
		{"under the limit", 10, 2, 3, http.StatusNoContent},
		{"at the limit", 10, 3, 3, http.StatusBadRequest},
		{"over the limit", 10, 4, 3, http.StatusBadRequest},
		{"no limit", 10, 1000, 0, http.StatusNoContent},
		{"re-activating an active CA", 12, 3, 3, http.StatusNoContent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := testBook(t)
			env := testEnv()
			env.ActiveInAccount, env.ActiveLimit = tt.active, tt.limit
			res := do(t, b, env, "POST", fmt.Sprintf("/%d/activation", tt.id), "", nil)
			if res.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.wantStatus, res.Body)
			}
			if tt.wantStatus == http.StatusBadRequest {
				if _, msgs := errorMessages(t, res); !reflect.DeepEqual(msgs, []string{"You have reached the account limit on active calculated attributes."}) {
					t.Errorf("messages %q", msgs)
				}
				if res.Changed || b.ActiveCount() != 2 {
					t.Error("a refused activation changed the book")
				}
			} else if !res.Changed {
				t.Error("activation did not report a change")
			}
		})
	}
}

// TestLifecycle walks the lifecycle the reference sums up, from create to
// delete.
func TestLifecycle(t *testing.T) {
	b := testBook(t)
	env := testEnv()
	expect := func(res Result, status int) Result {
		t.Helper()
		if res.Status != status {
			t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
		}
		return res
	}
	decode := func(res Result) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(res.Body, &m); err != nil {
			t.Fatalf("%s: %v", res.Body, err)
		}
		return m
	}
	equal := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}

	// 1. Create: a draft, nothing active; ids start above the seed's.
	res := expect(do(t, b, env, "POST", "", "", validBody), http.StatusCreated)
	equal("new id", string(res.Body), "13")
	ca := getCA(t, b, 13)
	equal("created_by", ca["created_by"], "tester@example.com")
	equal("created_on", ca["created_on"], "2026-01-15T12:00:00.000")
	equal("last_modified_on", ca["last_modified_on"], "2026-01-15T12:00:00.000")
	equal("active_definition", ca["active_definition"], nil)
	equal("activated_on", ca["activated_on"], nil)
	equal("activated_by", ca["activated_by"], nil)
	equal("audience_count", ca["audience_count"], 0.0)
	equal("draft type", getAt(t, ca, "draft_definition.time_period.type"), "since")
	st := decode(expect(do(t, b, env, "GET", "/13/activation", "", nil), http.StatusOK))
	equal("activation status", st, map[string]any{"calculated_attribute_id": 13.0, "is_active": false, "activated_on": nil, "activated_by": nil})
	st = decode(expect(do(t, b, env, "GET", "/13/calculation", "", nil), http.StatusOK))
	equal("calculation status", st, map[string]any{"id": 13.0, "name": "Lifetime spend", "revision_id": 0.0,
		"is_calculated": false, "calculation_percent_complete": 0.0, "estimated_completion_time": nil})

	// 2. PUT rewrites the draft and may rename before activation.
	env.Now = env.Now.Add(time.Minute)
	env.User = "editor@example.com"
	m := bodyMap(t)
	m["name"] = "Spend"
	setAt(t, m, "draft_definition.calculation_type", "max")
	delAt(t, m, "description")
	res = expect(do(t, b, env, "PUT", "/13", "", m), http.StatusNoContent)
	if !res.Changed || res.Body != nil {
		t.Fatalf("PUT: changed %v body %q", res.Changed, res.Body)
	}
	ca = getCA(t, b, 13)
	equal("renamed", ca["name"], "Spend")
	equal("description kept", ca["description"], "Sum of purchases")
	equal("draft rewritten", getAt(t, ca, "draft_definition.calculation_type"), "max")
	equal("last_modified_by", ca["last_modified_by"], "editor@example.com")
	equal("last_modified_on", ca["last_modified_on"], "2026-01-15T12:01:00.000")
	equal("created_by kept", ca["created_by"], "tester@example.com")
	expect(do(t, b, env, "HEAD", "", "name=Spend", nil), http.StatusNoContent)
	expect(do(t, b, env, "HEAD", "", "name=Lifetime+spend", nil), http.StatusNotFound)

	// 3. Activation moves the draft and starts a calculation.
	env.User = "activator@example.com"
	res = expect(do(t, b, env, "POST", "/13/activation", "", `ignored`), http.StatusNoContent)
	if !res.Changed {
		t.Fatal("activation reported no change")
	}
	ca = getCA(t, b, 13)
	equal("active calc type", getAt(t, ca, "active_definition.calculation_type"), "max")
	equal("draft after activation", ca["draft_definition"], nil)
	equal("activated_on", ca["activated_on"], "2026-01-15T12:01:00.000Z")
	equal("activated_by", ca["activated_by"], "activator@example.com")
	st = decode(expect(do(t, b, env, "GET", "/13/activation", "", nil), http.StatusOK))
	equal("activation status", st, map[string]any{"calculated_attribute_id": 13.0, "is_active": true,
		"activated_on": "2026-01-15T12:01:00.000Z", "activated_by": "activator@example.com"})
	for _, p := range []struct {
		after time.Duration
		pct   float64
		done  bool
	}{{0, 0, false}, {15 * time.Second, 25, false}, {59 * time.Second, 98, false}, {time.Minute, 100, true}, {time.Hour, 100, true}} {
		e := env
		e.Now = env.Now.Add(p.after)
		st = decode(expect(do(t, b, e, "GET", "/13/calculation", "", nil), http.StatusOK))
		equal(fmt.Sprintf("calculation after %v", p.after), st, map[string]any{"id": 13.0, "name": "Spend", "revision_id": 1.0,
			"is_calculated": p.done, "calculation_percent_complete": p.pct, "estimated_completion_time": "2026-01-15T12:02:00.000Z"})
	}
	if b.ActiveCount() != 3 {
		t.Errorf("ActiveCount %d, want 3", b.ActiveCount())
	}

	// 4. No draft left: activating again fails. Renames fail; a new draft
	// and description are fine, and re-activation bumps the revision.
	expect(do(t, b, env, "POST", "/13/activation", "", nil), http.StatusBadRequest)
	expect(do(t, b, env, "PUT", "/13", "", `{"name": "Other"}`), http.StatusBadRequest)
	m = bodyMap(t)
	m["name"], m["description"] = "Spend", "new text"
	setAt(t, m, "draft_definition.calculation_type", "min")
	expect(do(t, b, env, "PUT", "/13", "", m), http.StatusNoContent)
	expect(do(t, b, env, "PUT", "/13", "", `{"description": "newer"}`), http.StatusNoContent)
	ca = getCA(t, b, 13)
	equal("pending draft", getAt(t, ca, "draft_definition.calculation_type"), "min")
	equal("active unchanged", getAt(t, ca, "active_definition.calculation_type"), "max")
	equal("description", ca["description"], "newer")
	env.Now = env.Now.Add(time.Hour)
	expect(do(t, b, env, "POST", "/13/activation", "", nil), http.StatusNoContent)
	st = decode(expect(do(t, b, env, "GET", "/13/calculation", "", nil), http.StatusOK))
	equal("revision", st["revision_id"], 2.0)
	equal("recalculating", st["calculation_percent_complete"], 0.0)
	equal("active after re-activation", getAt(t, getCA(t, b, 13), "active_definition.calculation_type"), "min")

	// 5. Discarding the draft; activation then has nothing to activate.
	expect(do(t, b, env, "PUT", "/13", "", m), http.StatusNoContent)
	res = expect(do(t, b, env, "DELETE", "/13/draft", "", nil), http.StatusNoContent)
	if !res.Changed || getCA(t, b, 13)["draft_definition"] != nil {
		t.Fatal("draft not discarded")
	}
	if res = expect(do(t, b, env, "DELETE", "/13/draft", "", nil), http.StatusNoContent); res.Changed {
		t.Error("discarding a missing draft reported a change")
	}
	_, msgs := errorMessages(t, expect(do(t, b, env, "POST", "/13/activation", "", nil), http.StatusBadRequest))
	equal("after discard", msgs, []string{"No draft definition was found to activate."})

	// 6. Delete removes it entirely; its id is not reused.
	if res = expect(do(t, b, env, "DELETE", "/13", "", nil), http.StatusNoContent); !res.Changed || res.Body != nil {
		t.Fatalf("DELETE: %+v", res)
	}
	for _, rest := range []string{"/13", "/13/activation", "/13/calculation"} {
		_, msgs := errorMessages(t, expect(do(t, b, env, "GET", rest, "", nil), http.StatusNotFound))
		equal("GET "+rest, msgs, []string{"Calculated attribute not found."})
	}
	expect(do(t, b, env, "DELETE", "/13", "", nil), http.StatusNotFound)
	expect(do(t, b, env, "HEAD", "", "name=Spend", nil), http.StatusNotFound)
	m = bodyMap(t)
	equal("next id", string(expect(do(t, b, env, "POST", "", "", m), http.StatusCreated).Body), "14")
}

// TestEndpoints: the status, body and Allow header of every route and
// method, on the seeded book.
func TestEndpoints(t *testing.T) {
	tests := []struct {
		method, rest, query string
		body                string
		status              int
		want                string // exact body, or "" to skip; "-" for no body
		allow               string
		changed             bool
	}{
		{"GET", "", "", "", 200, "", "", false},
		{"GET", "/", "name=Active", "", 200, "", "", false},
		{"GET", "", "name=Nothing", "", 200, "[]", "", false},
		{"GET", "", "name=", "", 200, "[]", "", false},
		{"GET", "", "name=active", "", 200, "[]", "", false},
		{"GET", "", "name=Activ", "", 200, "[]", "", false},
		{"HEAD", "", "", "", 204, "-", "", false},
		{"HEAD", "", "name=Pending", "", 204, "-", "", false},
		{"HEAD", "", "name=pending", "", 404, "-", "", false},
		{"POST", "", "", validBody, 201, "13", "", true},
		{"PUT", "", "", validBody, 405, `{"errors":[{"code":"METHOD_NOT_ALLOWED","message":"Method PUT is not allowed here."}]}`, "GET, HEAD, POST", false},
		{"DELETE", "", "", "", 405, "", "GET, HEAD, POST", false},
		{"GET", "/11", "", "", 200, "", "", false},
		{"GET", "/11/", "", "", 200, "", "", false},
		{"HEAD", "/11", "", "", 200, "-", "", false},
		{"HEAD", "/99", "", "", 404, "-", "", false},
		{"GET", "/99", "", "", 404, `{"errors":[{"code":"NOT_FOUND","message":"Calculated attribute not found."}]}`, "", false},
		{"GET", "/abc", "", "", 404, `{"errors":[{"code":"NOT_FOUND","message":"Calculated attribute not found."}]}`, "", false},
		{"GET", "/0", "", "", 404, "", "", false},
		{"GET", "/-1", "", "", 404, "", "", false},
		{"GET", "/99999999999999999999", "", "", 404, "", "", false},
		{"PUT", "/10", "", `{"description": "x"}`, 204, "-", "", true},
		{"PUT", "/99", "", `{"description": "x"}`, 404, "", "", false},
		{"PUT", "/99", "", `{`, 404, "", "", false},
		{"DELETE", "/10", "", "", 204, "-", "", true},
		{"DELETE", "/99", "", "", 404, "", "", false},
		{"POST", "/10", "", "", 405, "", "GET, HEAD, PUT, DELETE", false},
		{"PATCH", "/10", "", "", 405, `{"errors":[{"code":"METHOD_NOT_ALLOWED","message":"Method PATCH is not allowed here."}]}`, "GET, HEAD, PUT, DELETE", false},
		{"get", "/10", "", "", 405, `{"errors":[{"code":"METHOD_NOT_ALLOWED","message":"Method get is not allowed here."}]}`, "GET, HEAD, PUT, DELETE", false},
		{"GET", "/11/activation", "", "", 200, `{"calculated_attribute_id":11,"is_active":true,"activated_on":"2026-01-15T11:59:30.000Z","activated_by":"b@example.com"}`, "", false},
		{"GET", "/10/activation", "", "", 200, `{"calculated_attribute_id":10,"is_active":false,"activated_on":null,"activated_by":null}`, "", false},
		{"HEAD", "/10/activation", "", "", 200, "-", "", false},
		{"POST", "/10/activation", "", "", 204, "-", "", true},
		{"POST", "/99/activation", "", "", 404, "", "", false},
		{"DELETE", "/10/activation", "", "", 405, "", "GET, HEAD, POST", false},
		{"DELETE", "/12/draft", "", "", 204, "-", "", true},
		{"DELETE", "/11/draft", "", "", 204, "-", "", false},
		{"DELETE", "/99/draft", "", "", 404, "", "", false},
		{"GET", "/12/draft", "", "", 405, "", "DELETE", false},
		{"GET", "/11/calculation", "", "", 200, `{"id":11,"name":"Active","revision_id":1,"is_calculated":false,"calculation_percent_complete":50,"estimated_completion_time":"2026-01-15T12:00:30.000Z"}`, "", false},
		{"GET", "/12/calculation", "", "", 200, `{"id":12,"name":"Pending","revision_id":1,"is_calculated":true,"calculation_percent_complete":100,"estimated_completion_time":"2020-02-18T19:25:50.426Z"}`, "", false},
		{"GET", "/10/calculation", "", "", 200, `{"id":10,"name":"Existing","revision_id":0,"is_calculated":false,"calculation_percent_complete":0,"estimated_completion_time":null}`, "", false},
		{"POST", "/10/calculation", "", "", 405, "", "GET, HEAD", false},
		{"GET", "/10/other", "", "", 404, `{"errors":[{"code":"NOT_FOUND","message":"No such calculated attributes endpoint."}]}`, "", false},
		{"GET", "/10/activation/x", "", "", 404, "", "", false},
		{"GET", "//activation", "", "", 404, "", "", false},
		{"GET", "x", "", "", 404, "", "", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %q %s", tt.method, tt.rest, tt.query), func(t *testing.T) {
			b := testBook(t)
			res := do(t, b, testEnv(), tt.method, tt.rest, tt.query, tt.body)
			if res.Status != tt.status || res.Allow != tt.allow || res.Changed != tt.changed {
				t.Fatalf("got %d allow %q changed %v, want %d %q %v: %s", res.Status, res.Allow, res.Changed,
					tt.status, tt.allow, tt.changed, res.Body)
			}
			switch {
			case tt.want == "-":
				if res.Body != nil {
					t.Errorf("body %q, want none", res.Body)
				}
			case tt.want != "":
				if string(res.Body) != tt.want {
					t.Errorf("body\n%s\nwant\n%s", res.Body, tt.want)
				}
			case res.Status >= 400:
				if _, msgs := errorMessages(t, res); len(msgs) != 1 {
					t.Errorf("error body %s", res.Body)
				}
			default:
				if !json.Valid(res.Body) {
					t.Errorf("body %q is not JSON", res.Body)
				}
			}
		})
	}
}

// TestListAndGet: the list is a bare array in id order with the API's
// fields, seeded values echoed verbatim and data_point emitted as
// datapoint; GET shows the same object.
func TestListAndGet(t *testing.T) {
	b := testBook(t)
	res := do(t, b, testEnv(), "GET", "", "", nil)
	var list []map[string]any
	if err := json.Unmarshal(res.Body, &list); err != nil {
		t.Fatalf("%s: %v", res.Body, err)
	}
	var ids []float64
	for _, ca := range list {
		ids = append(ids, ca["id"].(float64))
		var keys []string
		for k := range ca {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"activated_by", "activated_on", "active_definition", "audience_count", "created_by", "created_on",
			"description", "draft_definition", "id", "last_modified_by", "last_modified_on", "name"}
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("keys %v", keys)
		}
	}
	if !reflect.DeepEqual(ids, []float64{10, 11, 12}) {
		t.Errorf("ids %v", ids)
	}
	if bytes.Contains(res.Body, []byte("data_point")) || bytes.Contains(res.Body, []byte("revision")) {
		t.Errorf("list leaks data_point or the revision: %s", res.Body)
	}
	one := getCA(t, b, 10)
	if !reflect.DeepEqual(one, list[0]) {
		t.Errorf("GET differs from the list item:\n%v\n%v", one, list[0])
	}
	for path, want := range map[string]any{
		"created_on":                            "2025-12-01T10:00:00.25",
		"draft_definition.time_period.type":     "all",
		"draft_definition.datapoint.event_name": "Add To Cart",
		"draft_definition.conditions":           nil,
	} {
		if got := getAt(t, one, path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	pending := getCA(t, b, 12)
	for path, want := range map[string]any{
		"created_on":                           "2026-01-15T12:00:00.000", // defaulted from now
		"last_modified_by":                     "a@example.com",
		"description":                          "",
		"active_definition.time_period.within": 4.0,
		"draft_definition.time_period.within":  8.0,
	} {
		if got := getAt(t, pending, path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
}

// TestBookRoundTrip: a book survives encoding/json with every answer
// unchanged, including ids handed out afterwards.
func TestBookRoundTrip(t *testing.T) {
	b := testBook(t)
	env := testEnv()
	do(t, b, env, "POST", "", "", validBody)
	do(t, b, env, "DELETE", "/13", "", nil)
	do(t, b, env, "POST", "/10/activation", "", nil)
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var c Book
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	for _, rest := range []string{"", "/10", "/10/calculation", "/11/activation", "/12"} {
		x, y := do(t, b, env, "GET", rest, "", nil), do(t, &c, env, "GET", rest, "", nil)
		if !bytes.Equal(x.Body, y.Body) {
			t.Errorf("GET %q differs after the round trip:\n%s\n%s", rest, x.Body, y.Body)
		}
	}
	if c.ActiveCount() != 3 {
		t.Errorf("ActiveCount %d", c.ActiveCount())
	}
	if res := do(t, &c, env, "POST", "", "", validBody); string(res.Body) != "14" {
		t.Errorf("id after round trip: %s", res.Body)
	}
	// A book whose next_id was lost still hands out fresh ids.
	d := Book{Items: c.Items}
	m := bodyMap(t)
	m["name"] = "Another"
	if res := do(t, &d, env, "POST", "", "", m); string(res.Body) != "15" {
		t.Errorf("id without next_id: %s", res.Body)
	}
	if res := do(t, NewBook(), env, "POST", "", "", validBody); string(res.Body) != "1" {
		t.Errorf("first id of an empty book: %s", res.Body)
	}
	var empty Book
	if err := json.Unmarshal([]byte(`{}`), &empty); err != nil {
		t.Fatal(err)
	}
	if res := do(t, &empty, env, "GET", "", "", nil); string(res.Body) != "[]" {
		t.Errorf("list of a decoded empty book: %s", res.Body)
	}
}

// TestLoadSeedErrors: a bad seed is refused with a message naming the item.
func TestLoadSeedErrors(t *testing.T) {
	def := `{"recipe_type": "event", "datapoint": {"type": "event", "event_type": "x"}, "calculation_type": "count", "time_period": {"type": "all"}}`
	for _, tt := range []struct{ name, items, want string }{
		{"not an object", `[1]`, "item 0: not a JSON object"},
		{"no id", `[{"name": "a"}]`, "item 0: id"},
		{"id zero", `[{"id": 0, "name": "a"}]`, "is not a positive integer"},
		{"id fraction", `[{"id": 1.5, "name": "a"}]`, "is not a positive integer"},
		{"id object", `[{"id": {}, "name": "a"}]`, "item 0: id"},
		{"no name", `[{"id": 1}]`, `field "name" is required`},
		{"empty name", `[{"id": 1, "name": ""}]`, `field "name" is required`},
		{"name not a string", `[{"id": 1, "name": 5}]`, `field "name" must be a string`},
		{"bad timestamp", `[{"id": 1, "name": "a", "created_on": "yesterday"}]`, `field "created_on"`},
		{"bad activated_on", `[{"id": 1, "name": "a", "activated_on": "x"}]`, `field "activated_on"`},
		{"bad definition", `[{"id": 1, "name": "a", "draft_definition": {"recipe_type": "x"}}]`, "draft_definition: Invalid recipe type; "},
		{"bad audience count", `[{"id": 1, "name": "a", "audience_count": -1}]`, "audience_count"},
		{"duplicate id", `[{"id": 1, "name": "a"}, {"id": "1", "name": "b"}]`, "item 1: duplicate id 1"},
		{"duplicate name", `[{"id": 1, "name": "a", "active_definition": ` + def + `}, {"id": 2, "name": "a"}]`, `item 1: duplicate name "a"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var items []json.RawMessage
			if err := json.Unmarshal([]byte(tt.items), &items); err != nil {
				t.Fatal(err)
			}
			_, err := LoadSeed(items, testNow)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// String ids and out-of-order items are fine; ids continue above the highest.
	var items []json.RawMessage
	_ = json.Unmarshal([]byte(`[{"id": "7", "name": "b", "created_by": "z@example.com", "activated_on": "2020-01-01T00:00:00Z"},
		{"id": 3, "name": "a", "active_definition": `+def+`}]`), &items)
	b, err := LoadSeed(items, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if b.Items[0].ID != 3 || b.Items[1].ID != 7 || b.NextID != 8 || b.ActiveCount() != 1 {
		t.Errorf("book %+v", b)
	}
	a := b.Items[0]
	if a.ActivatedOn == nil || *a.ActivatedOn != "2026-01-15T12:00:00.000Z" || a.Revision != 1 {
		t.Errorf("an active seed without activated_on should count as activated now: %+v", a)
	}
	if z := b.Items[1]; z.ActivatedBy == nil || *z.ActivatedBy != "z@example.com" || z.Revision != 0 {
		t.Errorf("activated_by should default to created_by: %+v", z)
	}
}

// FuzzServe: any method, path and body yields an answer below 500, a
// JSON body or none, and leaves the book unchanged unless it says Changed.
func FuzzServe(f *testing.F) {
	f.Add("POST", "", []byte(validBody), "")
	f.Add("PUT", "/10", []byte(validBody), "")
	f.Add("PUT", "/12", []byte(`{"name":"Pending","draft_definition":{"recipe_type":"event","data_point":{"type":"event_attribute","event_type":"x"},"conditions":[{"type":"number","operator":"between","attribute_name":"a","min_value":"1","max_value":"0"}],"calculation_type":"count","time_period":{"type":"within","within":9223372036854775807,"within_unit":"weeks"}}}`), "")
	f.Add("POST", "/10/activation", []byte(nil), "")
	f.Add("GET", "/11/calculation", []byte(nil), "")
	f.Add("HEAD", "", []byte(nil), "name=Active")
	f.Add("DELETE", "/12/draft", []byte(nil), "")
	f.Add("GET", "/%zz", []byte(`{"a":`), "name=%")
	f.Add("POST", "", []byte(`{"name":"x","draft_definition":{"conditions":[null,{"type":"date","operator":"in_list","values":["2020-01-01",1]}],"seeding":{"cutoff_date":[]}}}`), "")
	base := testBook(f)
	seed, err := json.Marshal(base)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, rest string, body []byte, query string) {
		var b Book
		if err := json.Unmarshal(seed, &b); err != nil {
			t.Fatal(err)
		}
		q, _ := url.ParseQuery(query)
		res := Serve(&b, testEnv(), method, rest, q, body)
		if res.Status < 200 || res.Status >= 500 {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		if res.Body != nil && !json.Valid(res.Body) {
			t.Fatalf("body is not JSON: %q", res.Body)
		}
		if (method == "HEAD" || res.Status == http.StatusNoContent) && res.Body != nil {
			t.Fatalf("%s %d with a body", method, res.Status)
		}
		if (res.Status == http.StatusMethodNotAllowed) != (res.Allow != "") {
			t.Fatalf("status %d with Allow %q", res.Status, res.Allow)
		}
		after, err := json.Marshal(&b)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Changed && !bytes.Equal(after, seed) {
			t.Fatalf("the book changed without Changed")
		}
		if res.Changed && res.Status >= 300 {
			t.Fatalf("Changed with status %d", res.Status)
		}
		// Whatever was stored must be served again.
		if res := Serve(&b, testEnv(), "GET", "", nil, nil); res.Status != 200 {
			t.Fatalf("list after the request: %d", res.Status)
		}
	})
}

func BenchmarkServe(b *testing.B) {
	b.Run("list", func(b *testing.B) {
		book := testBook(b)
		for range b.N {
			if res := Serve(book, testEnv(), "GET", "", nil, nil); res.Status != 200 {
				b.Fatal(res.Status)
			}
		}
	})
	b.Run("create+delete", func(b *testing.B) {
		book := testBook(b)
		body := []byte(strings.Replace(validBody, `"conditions": []`,
			`"conditions": [{"type":"number","operator":"between","attribute_name":"a","min_value":"1","max_value":"2"}]`, 1))
		env := testEnv()
		for range b.N { // create and delete, so the book keeps its size
			res := Serve(book, env, "POST", "", nil, body)
			if res.Status != 201 {
				b.Fatalf("%d %s", res.Status, res.Body)
			}
			if res := Serve(book, env, "DELETE", "/"+string(res.Body), nil, nil); res.Status != 204 {
				b.Fatal(res.Status)
			}
		}
	})
}

// BenchmarkLoadSeed measures seeding 1000 generated drafts (the
// --seed large:N path); ns/op / 1000 is the cost of one seeded CA.
func BenchmarkLoadSeed(b *testing.B) {
	items := make([]json.RawMessage, 0, 1000)
	for i := 1; i <= 1000; i++ {
		items = append(items, json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"Attribute %06d","description":"generated",`+
			`"created_by":"generator","created_on":"2020-01-01T00:00:00.000","last_modified_on":"2020-01-01T00:00:00.000",`+
			`"draft_definition":{"recipe_type":"event","datapoint":{"type":"event","event_name":"Event %06d","event_type":"custom_event"},`+
			`"conditions":[],"calculation_type":"count","time_period":{"type":"within","within":30,"within_unit":"days"}}}`, i, i, i)))
	}
	for b.Loop() {
		if _, err := LoadSeed(items, testNow); err != nil {
			b.Fatal(err)
		}
	}
}
