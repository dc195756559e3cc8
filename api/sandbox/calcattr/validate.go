package calcattr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/api"
)

// Enumerations of the CA definition. Matching is exact (docs/inconsistencies.md: calculated-attribute enumerations).
var (
	calculationTypes = []string{
		"count", "first_occurrence_timestamp", "last_occurrence_timestamp", "first_occurrence",
		"last_occurrence", "sum", "min", "max", "average", "unique_list", "unique_values_count",
		"most_frequent",
	}
	dataPointTypes      = []string{"event", "event_attribute", "user_attribute"}
	attributeCategories = []string{"event_attribute", "product_attribute", "promotion_attribute"}
	withinUnits         = []string{"days", "weeks"}
)

// opClass is how an operator uses the condition's value fields.
type opClass int

const (
	opNone   opClass = iota // exists, not_exists, empty: no value at all
	opSingle                // value
	opList                  // values (value ignored)
	opRange                 // min_value and max_value
)

// operators is the operator map by condition type (with date
// in_list per docs/inconsistencies.md: condition operators).
var operators = map[string]map[string]opClass{
	"string": {
		"exists": opNone, "not_exists": opNone, "empty": opNone, "in_list": opList,
		"contains": opSingle, "not_contains": opSingle, "pattern": opSingle,
		"equals": opSingle, "not_equals": opSingle,
	},
	"number": {
		"exists": opNone, "not_exists": opNone, "empty": opNone, "in_list": opList,
		"equals": opSingle, "not_equals": opSingle, "greater_than": opSingle,
		"greater_or_equal": opSingle, "less_than": opSingle, "less_than_or_equal": opSingle,
		"between": opRange,
	},
	"boolean": {
		"exists": opNone, "not_exists": opNone, "empty": opNone, "equals": opSingle,
	},
	"date": {
		"exists": opNone, "not_exists": opNone, "empty": opNone, "in_list": opList,
		"equals": opSingle, "before": opSingle, "after": opSingle, "between_dates": opRange,
	},
}

// typeMessages are the documented per-type condition messages.
var typeMessages = map[string]struct{ operator, value, list, min, max string }{
	"string": {
		operator: "Invalid string condition operator",
		value:    "String condition value must be specified",
		list:     "In-list condition values must be specified",
	},
	"number": {
		operator: "Invalid numeric condition operator",
		value:    "Invalid numeric condition value",
		list:     "Invalid numeric in-list condition values",
		min:      "Invalid numeric condition minimum value",
		max:      "Invalid numeric condition maximum value",
	},
	"boolean": {
		operator: "Invalid boolean condition operator",
		value:    "Invalid boolean condition value",
	},
	"date": {
		operator: "Invalid date condition operator",
		value:    "Invalid date condition value",
		list:     "Invalid datetime in-list condition values",
		min:      "Invalid date condition minimum value",
		max:      "Invalid date condition maximum value",
	},
}

// parseDefinition decodes and checks a definition. prefix names it in the
// sandbox's own messages ("draft_definition"). With strict set (create and
// update) the write-only rules apply: time_period type all is refused and
// the earliest-date and retention limits of env are enforced; without it
// (seed) they are not (docs/inconsistencies.md: time_period type all). It returns the definition or at most
// one message per part.
func parseDefinition(raw json.RawMessage, prefix string, env Env, strict bool) (*Definition, []string) {
	o, ok := jsonObject(raw)
	if !ok {
		return nil, []string{"Field '" + prefix + "' is required."}
	}
	d := &Definition{}
	var msgs []string
	if s, _ := fieldString(o, "recipe_type"); s == "event" {
		d.RecipeType = s
	} else {
		msgs = append(msgs, "Invalid recipe type")
	}
	var msg string
	d.DataPoint, msg = parseDataPoint(o, prefix+".datapoint")
	msgs = appendMsg(msgs, msg)
	d.Conditions, msg = parseConditions(o)
	msgs = appendMsg(msgs, msg)
	if s, _ := fieldString(o, "calculation_type"); slices.Contains(calculationTypes, s) {
		d.CalculationType = s
	} else {
		msgs = append(msgs, "Invalid calculation type")
	}
	d.TimePeriod, msg = parseTimePeriod(o, env, strict)
	msgs = appendMsg(msgs, msg)
	d.Seeding, msg = parseSeeding(o, prefix+".seeding")
	msgs = appendMsg(msgs, msg)
	if len(msgs) > 0 {
		return nil, msgs
	}
	return d, nil
}

// parseDataPoint decodes the data point, spelled datapoint or data_point
// (docs/inconsistencies.md: datapoint vs data_point). p is its path for messages.
func parseDataPoint(o map[string]json.RawMessage, p string) (DataPoint, string) {
	var dp DataPoint
	raw, present := jsonField(o, "datapoint")
	if !present {
		raw, present = jsonField(o, "data_point")
	}
	po, ok := jsonObject(raw)
	if !present || !ok {
		return dp, "Field '" + p + "' is required."
	}
	dp.Type, _ = fieldString(po, "type")
	if !slices.Contains(dataPointTypes, dp.Type) {
		return dp, "Invalid data point type"
	}
	if dp.EventType, ok = fieldString(po, "event_type"); !ok || dp.EventType == "" {
		return dp, "Field '" + p + ".event_type' is required."
	}
	var msg string
	for _, f := range []struct {
		key string
		dst **string
	}{
		{"event_name", &dp.EventName}, {"attribute_name", &dp.AttributeName},
		{"custom_event_type", &dp.CustomEventType}, {"attribute_category", &dp.AttributeCategory},
	} {
		if *f.dst, msg = optString(po, f.key, p); msg != "" {
			return dp, msg
		}
	}
	if dp.EventType == "custom_event" && blank(dp.EventName) {
		return dp, "Invalid data point custom event name"
	}
	if dp.Type == "event_attribute" && blank(dp.EventName) {
		return dp, "Field '" + p + ".event_name' is required."
	}
	if !blank(dp.CustomEventType) && dp.EventType != "custom_event" && dp.EventType != "commerce_event" {
		return dp, "Invalid data point custom event type"
	}
	if (dp.Type == "event_attribute" || dp.Type == "user_attribute") && blank(dp.AttributeName) {
		return dp, "Field '" + p + ".attribute_name' is required."
	}
	if !blank(dp.AttributeCategory) && !slices.Contains(attributeCategories, *dp.AttributeCategory) {
		return dp, "Invalid data point attribute category"
	}
	if v, present := jsonField(po, "use_product_quantity"); present {
		if dp.UseProductQuantity, ok = jsonBool(v); !ok {
			return dp, "Field '" + p + ".use_product_quantity' must be a boolean."
		}
	}
	if dp.UseProductQuantity && (blank(dp.AttributeCategory) || *dp.AttributeCategory == "event_attribute") {
		return dp, "Field '" + p + ".use_product_quantity' requires a product or promotion attribute category."
	}
	return dp, ""
}

// parseConditions decodes the condition list: null and [] are both fine and
// kept as sent (docs/inconsistencies.md: conditions). The first bad condition gives the message.
func parseConditions(o map[string]json.RawMessage) ([]Condition, string) {
	raw, present := jsonField(o, "conditions")
	if !present {
		return nil, ""
	}
	arr, ok := jsonArray(raw)
	if !ok {
		return nil, "Invalid condition definition"
	}
	out := make([]Condition, 0, len(arr))
	for _, el := range arr {
		c, msg := parseCondition(el)
		if msg != "" {
			return nil, msg
		}
		out = append(out, c)
	}
	return out, ""
}

// parseCondition decodes and checks one condition (docs/inconsistencies.md: condition operators).
func parseCondition(raw json.RawMessage) (Condition, string) {
	var c Condition
	o, ok := jsonObject(raw)
	if !ok {
		return c, "Invalid condition definition"
	}
	c.Type, _ = fieldString(o, "type")
	ops, ok := operators[c.Type]
	if !ok {
		return c, "Invalid condition definition type"
	}
	msgs := typeMessages[c.Type]
	if c.AttributeName, ok = fieldString(o, "attribute_name"); !ok || strings.TrimSpace(c.AttributeName) == "" {
		return c, "Condition attribute name must be specified"
	}
	c.Operator, _ = fieldString(o, "operator")
	class, ok := ops[c.Operator]
	if !ok {
		return c, msgs.operator
	}

	// Fields the operator does not use must be empty.
	switch {
	case (class == opRange || class == opNone) && jsonSet(o, "value"):
		return c, "Condition value must be empty"
	case class != opList && jsonSet(o, "values"):
		return c, "Condition values must be empty"
	case class != opRange && jsonSet(o, "min_value"):
		return c, "Condition minimum value must be empty"
	case class != opRange && jsonSet(o, "max_value"):
		return c, "Condition maximum value must be empty"
	}
	// Echo what was sent where it is a string (or a list of strings).
	c.Value = stringPtr(o, "value")
	c.MinValue = stringPtr(o, "min_value")
	c.MaxValue = stringPtr(o, "max_value")
	if v, present := jsonField(o, "values"); present {
		if arr, ok := jsonArray(v); ok && len(arr) == 0 {
			c.Values = []string{}
		}
	}

	switch class {
	case opSingle:
		s, ok := fieldString(o, "value")
		if !ok || s == "" || !valueValid(c.Type, s) {
			return c, msgs.value
		}
		if c.Operator == "pattern" {
			if _, err := regexp.Compile(s); err != nil {
				return c, "Invalid condition definition"
			}
		}
	case opList:
		vals, ok := stringArray(o, "values")
		if !ok || len(vals) == 0 {
			return c, msgs.list
		}
		for _, s := range vals {
			if !valueValid(c.Type, s) {
				return c, msgs.list
			}
		}
		c.Values = vals
	case opRange:
		lo, ok := fieldString(o, "min_value")
		if !ok || !valueValid(c.Type, lo) {
			return c, msgs.min
		}
		hi, ok := fieldString(o, "max_value")
		if !ok || !valueValid(c.Type, hi) || less(c.Type, hi, lo) {
			return c, msgs.max
		}
	}
	return c, ""
}

// decimal is a plain decimal number, as condition values carry them.
var decimal = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)
})

// valueValid reports whether s is a valid value of the condition type.
func valueValid(typ, s string) bool {
	switch typ {
	case "number":
		if !decimal().MatchString(s) {
			return false
		}
		_, err := strconv.ParseFloat(s, 64)
		return err == nil
	case "boolean":
		return strings.EqualFold(s, "true") || strings.EqualFold(s, "false")
	case "date":
		_, err := api.ParseTime(s)
		return err == nil
	}
	return true
}

// less reports whether a < b for two valid values of a range type.
func less(typ, a, b string) bool {
	if typ == "date" {
		ta, _ := api.ParseTime(a)
		tb, _ := api.ParseTime(b)
		return ta.Before(tb)
	}
	fa, _ := strconv.ParseFloat(a, 64)
	fb, _ := strconv.ParseFloat(b, 64)
	return fa < fb
}

// parseTimePeriod decodes the time period; it keeps only the fields of its
// type.
func parseTimePeriod(o map[string]json.RawMessage, env Env, strict bool) (TimePeriod, string) {
	var tp TimePeriod
	raw, present := jsonField(o, "time_period")
	to, ok := jsonObject(raw)
	if !present || !ok {
		return tp, "Invalid time period specification"
	}
	tp.Type, _ = fieldString(to, "type")
	switch tp.Type {
	case "all":
		if strict {
			return tp, "Field 'time_period.type' = 'all' is not supported."
		}
		if _, present := jsonField(to, "date"); present {
			d, _, ok := timeField(to, "date")
			if !ok {
				return tp, "Invalid time period specification"
			}
			tp.Date = &d
		}
	case "since":
		d, t, ok := timeField(to, "date")
		if !ok {
			return tp, "Invalid time period specification"
		}
		if strict && !env.EarliestDate.IsZero() && t.Before(env.EarliestDate) {
			return tp, "'time_period.date' must be on or after the earliest date available of " +
				env.EarliestDate.UTC().Format(earliestLayout)
		}
		tp.Date = &d
	case "within":
		v, _ := jsonField(to, "within")
		n, ok := jsonInt(v)
		if !ok || n < 1 {
			return tp, "Invalid 'within' time period specification"
		}
		unit, _ := fieldString(to, "within_unit")
		if !slices.Contains(withinUnits, unit) {
			return tp, "Invalid 'within_unit' time period specification"
		}
		if r := int64(env.RetentionDays); strict && r > 0 && (n > r || unit == "weeks" && n*7 > r) {
			return tp, fmt.Sprintf("The within time period cannot exceed your configured retention period of %d days for Calculated Attributes", env.RetentionDays)
		}
		tp.Within, tp.WithinUnit = &n, &unit
	default:
		return tp, "Invalid 'type' time period specification"
	}
	return tp, ""
}

// parseSeeding decodes the optional seeding; p is its path for messages.
func parseSeeding(o map[string]json.RawMessage, p string) (*Seeding, string) {
	raw, present := jsonField(o, "seeding")
	if !present {
		return nil, ""
	}
	so, ok := jsonObject(raw)
	if !ok {
		return nil, "Field '" + p + "' must be an object."
	}
	if !jsonSet(so, "cutoff_date") {
		return nil, "Field '" + p + ".cutoff_date' is required."
	}
	d, _, ok := timeField(so, "cutoff_date")
	if !ok {
		return nil, "Field '" + p + ".cutoff_date' must be a date."
	}
	return &Seeding{CutoffDate: d}, ""
}

// timeField reads a timestamp string in any form api.ParseTime reads.
func timeField(o map[string]json.RawMessage, key string) (string, time.Time, bool) {
	s, ok := fieldString(o, key)
	if !ok {
		return "", time.Time{}, false
	}
	t, err := api.ParseTime(s)
	return s, t, err == nil
}

// optString reads an optional string field: nil when absent or null, a
// message when it is another type.
func optString(o map[string]json.RawMessage, key, p string) (*string, string) {
	v, present := jsonField(o, key)
	if !present {
		return nil, ""
	}
	s, ok := jsonString(v)
	if !ok {
		return nil, "Field '" + p + "." + key + "' must be a string."
	}
	return &s, ""
}

// stringPtr returns the field when it is a JSON string, else nil.
func stringPtr(o map[string]json.RawMessage, key string) *string {
	s, ok := fieldString(o, key)
	if !ok {
		return nil
	}
	return &s
}

// stringArray reads a field that must be an array of strings.
func stringArray(o map[string]json.RawMessage, key string) ([]string, bool) {
	v, present := jsonField(o, key)
	if !present {
		return nil, false
	}
	arr, ok := jsonArray(v)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for _, el := range arr {
		s, ok := jsonString(el)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func blank(s *string) bool { return s == nil || *s == "" }

// JSON helpers over json.RawMessage. They never fail loudly: a value of the
// wrong kind is reported as not ok.

func jsonKind(v []byte) byte {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

func isJSONNull(v []byte) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// jsonField returns the field's value; absent and null are both "not present".
func jsonField(o map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	v, ok := o[key]
	if !ok || isJSONNull(v) {
		return nil, false
	}
	return v, true
}

// jsonSet reports whether a field holds something: not absent, null, "" or [].
func jsonSet(o map[string]json.RawMessage, key string) bool {
	v, present := jsonField(o, key)
	if !present {
		return false
	}
	if s, ok := jsonString(v); ok {
		return s != ""
	}
	if arr, ok := jsonArray(v); ok {
		return len(arr) > 0
	}
	return true
}

func jsonObject(v []byte) (map[string]json.RawMessage, bool) {
	if jsonKind(v) != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, false
	}
	return m, true
}

func jsonArray(v []byte) ([]json.RawMessage, bool) {
	if jsonKind(v) != '[' {
		return nil, false
	}
	var a []json.RawMessage
	if err := json.Unmarshal(v, &a); err != nil {
		return nil, false
	}
	return a, true
}

func jsonString(v []byte) (string, bool) {
	if jsonKind(v) != '"' {
		return "", false
	}
	// Values come from an already decoded parent, so a string without
	// escapes is its bytes between the quotes (fast path for large seeds).
	if v = bytes.TrimSpace(v); len(v) >= 2 && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

func fieldString(o map[string]json.RawMessage, key string) (string, bool) {
	v, present := jsonField(o, key)
	if !present {
		return "", false
	}
	return jsonString(v)
}

func jsonBool(v []byte) (bool, bool) {
	switch string(bytes.TrimSpace(v)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// jsonInt reads a JSON number that is an integer written without fraction
// or exponent.
func jsonInt(v []byte) (int64, bool) {
	v = bytes.TrimSpace(v)
	if k := jsonKind(v); k != '-' && (k < '0' || k > '9') {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	return n, err == nil
}
