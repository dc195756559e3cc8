package dataplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Unsupported are the JSON Schema keywords the reference lists as not
// supported in validators (it spells them _Ref, AllOf, …).
var Unsupported = []string{"$ref", "$recursiveRef", "$recursiveAnchor", "patternProperties", "allOf", "anyOf",
	"oneOf", "if", "not", "else", "then", "dependencies", "dependentRequired", "dependentSchemas"}

var schemaTypes = []string{"string", "number", "integer", "boolean", "object", "array", "null"}

// decodeAny decodes JSON keeping numbers as json.Number.
func decodeAny(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// checkSchema notes what makes a validator definition unusable: a keyword
// the reference does not support, a malformed type, required, pattern or
// bound.
func checkSchema(p *problems, path string, raw json.RawMessage) {
	v, err := decodeAny(raw)
	if err != nil {
		p.add("Field '%s' must be a JSON Schema object.", path)
		return
	}
	walkSchema(p, path, v)
}

func walkSchema(p *problems, path string, v any) {
	if _, ok := v.(bool); ok {
		return
	}
	s, ok := v.(map[string]any)
	if !ok {
		p.add("Field '%s' must be a JSON Schema (an object or a boolean).", path)
		return
	}
	for _, k := range sortedKeys(s) {
		val, kp := s[k], join(path, k)
		if slices.Contains(Unsupported, k) {
			p.add("Field '%s': the keyword %s is not supported in data plans.", kp, k)
			continue
		}
		switch k {
		case "type":
			if !validTypeKeyword(val) {
				p.add("Field '%s' must be one of %s, or an array of them.", kp, oneOf(schemaTypes))
			}
		case "properties", "definitions", "$defs":
			m, ok := val.(map[string]any)
			if !ok {
				p.add("Field '%s' must be an object of schemas.", kp)
				continue
			}
			for _, name := range sortedKeys(m) {
				walkSchema(p, kp+"."+name, m[name])
			}
		case "items":
			if list, ok := val.([]any); ok {
				for i, it := range list {
					walkSchema(p, fmt.Sprintf("%s[%d]", kp, i), it)
				}
			} else {
				walkSchema(p, kp, val)
			}
		case "additionalProperties", "additionalItems", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems":
			walkSchema(p, kp, val)
		case "required":
			list, ok := val.([]any)
			if ok {
				for _, it := range list {
					if _, isStr := it.(string); !isStr {
						ok = false
					}
				}
			}
			if !ok {
				p.add("Field '%s' must be an array of strings.", kp)
			}
		case "enum":
			if _, ok := val.([]any); !ok {
				p.add("Field '%s' must be an array.", kp)
			}
		case "pattern":
			str, ok := val.(string)
			if !ok {
				p.add("Field '%s' must be a string.", kp)
			} else if _, err := regexp.Compile(str); err != nil {
				p.add("Field '%s' is not a valid regular expression.", kp)
			}
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
			if _, ok := val.(json.Number); !ok {
				p.add("Field '%s' must be a number.", kp)
			}
		case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
			n, ok := val.(json.Number)
			if i, err := strconv.ParseInt(string(n), 10, 64); !ok || err != nil || i < 0 {
				p.add("Field '%s' must be a non-negative integer.", kp)
			}
		}
	}
}

func validTypeKeyword(v any) bool {
	switch t := v.(type) {
	case string:
		return slices.Contains(schemaTypes, t)
	case []any:
		for _, it := range t {
			s, ok := it.(string)
			if !ok || !slices.Contains(schemaTypes, s) {
				return false
			}
		}
		return len(t) > 0
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// ---- evaluation ----

// ValidationError is one violation in a validation result. Expected and
// Actual are null where the reference says so (unplanned and missing items).
type ValidationError struct {
	Type           string  `json:"validation_error_type"`
	Key            string  `json:"key"`
	ErrorPointer   string  `json:"error_pointer"`
	Expected       *string `json:"expected"`
	Actual         *string `json:"actual"`
	ActionExpected string  `json:"action_expected"`
	SchemaKeyword  string  `json:"schema_keyword"`
}

func ptr(s string) *string { return &s }

// evaluator walks a value against a schema, collecting violations.
type evaluator struct {
	errs []ValidationError
}

func (e *evaluator) invalid(key, pointer, keyword, expected, actual string) {
	e.errs = append(e.errs, ValidationError{Type: "invalid_value", Key: key, ErrorPointer: pointer,
		Expected: ptr(expected), Actual: ptr(actual), ActionExpected: "allow", SchemaKeyword: keyword})
}

// escapePointer escapes a JSON Pointer token.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// eval checks v (found at pointer, under the name key) against schema.
func (e *evaluator) eval(schema any, v any, pointer, key string) {
	s, ok := schema.(map[string]any)
	if !ok {
		if b, isBool := schema.(bool); isBool && !b {
			e.errs = append(e.errs, ValidationError{Type: "unplanned", Key: key, ErrorPointer: pointer,
				Actual: ptr(key), ActionExpected: "drop_attribute", SchemaKeyword: "none"})
		}
		return
	}
	if t, has := s["type"]; has {
		types := typeList(t)
		if !slices.ContainsFunc(types, func(ty string) bool { return matchesType(ty, v) }) {
			e.invalid(key, pointer, "type", strings.Join(types, " or "), jsonType(v))
			return
		}
	}
	if list, has := s["enum"].([]any); has && !slices.ContainsFunc(list, func(x any) bool { return sameValue(x, v) }) {
		e.invalid(key, pointer, "enum", compact(list), compact(v))
	}
	if c, has := s["const"]; has && !sameValue(c, v) {
		e.invalid(key, pointer, "const", compact(c), compact(v))
	}
	switch val := v.(type) {
	case string:
		e.evalString(s, val, pointer, key)
		if n, ok := parseNumber(val); ok && wantsNumber(s) {
			e.evalNumber(s, n, val, pointer, key)
		}
	case json.Number:
		if n, err := val.Float64(); err == nil {
			e.evalNumber(s, n, string(val), pointer, key)
		}
	case map[string]any:
		e.evalObject(s, val, pointer, key)
	case []any:
		e.evalArray(s, val, pointer, key)
	}
}

func typeList(t any) []string {
	switch x := t.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, it := range x {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// matchesType applies the guide's leniency: a string that converts to the
// expected number or boolean counts as one.
func matchesType(t string, v any) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		switch x := v.(type) {
		case json.Number:
			return true
		case string:
			_, ok := parseNumber(x)
			return ok
		}
	case "integer":
		switch x := v.(type) {
		case json.Number:
			f, err := x.Float64()
			return err == nil && f == math.Trunc(f)
		case string:
			f, ok := parseNumber(x)
			return ok && f == math.Trunc(f)
		}
	case "boolean":
		switch x := v.(type) {
		case bool:
			return true
		case string:
			_, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(x)))
			return err == nil && x != "1" && x != "0" && !strings.EqualFold(x, "t") && !strings.EqualFold(x, "f")
		}
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func wantsNumber(s map[string]any) bool {
	t := typeList(s["type"])
	return slices.Contains(t, "number") || slices.Contains(t, "integer")
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameValue compares JSON values; a string equal to a number's text
// matches it (the leniency of types applies to enum and const too).
func sameValue(a, b any) bool {
	if compact(a) == compact(b) {
		return true
	}
	as, aStr := a.(string)
	bs, bStr := b.(string)
	switch {
	case aStr && !bStr:
		return as == strings.Trim(compact(b), `"`)
	case bStr && !aStr:
		return bs == strings.Trim(compact(a), `"`)
	}
	return false
}

func num(s map[string]any, k string) (float64, bool) {
	n, ok := s[k].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func count(s map[string]any, k string) (int, bool) {
	n, ok := s[k].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(string(n))
	return i, err == nil
}

func (e *evaluator) evalString(s map[string]any, v, pointer, key string) {
	n := utf8.RuneCountInString(v)
	if m, ok := count(s, "minLength"); ok && n < m {
		e.invalid(key, pointer, "minLength", fmt.Sprintf("at least %d characters", m), fmt.Sprintf("%d characters", n))
	}
	if m, ok := count(s, "maxLength"); ok && n > m {
		e.invalid(key, pointer, "maxLength", fmt.Sprintf("at most %d characters", m), fmt.Sprintf("%d characters", n))
	}
	if pat, ok := s["pattern"].(string); ok {
		if re, err := regexp.Compile(pat); err == nil && !re.MatchString(v) {
			e.invalid(key, pointer, "pattern", pat, v)
		}
	}
	if f, ok := s["format"].(string); ok && !matchesFormat(f, v) {
		e.invalid(key, pointer, "format", f, v)
	}
}

// matchesFormat checks the formats the guide names; others pass.
func matchesFormat(f, v string) bool {
	switch f {
	case "email":
		a, err := mail.ParseAddress(v)
		return err == nil && a.Address == v
	case "uri":
		u, err := url.Parse(v)
		return err == nil && u.Scheme != ""
	case "date":
		_, err := time.Parse("2006-01-02", v)
		return err == nil
	case "time":
		_, err := time.Parse("15:04:05Z07:00", v)
		if err != nil {
			_, err = time.Parse("15:04:05", v)
		}
		return err == nil
	case "date-time":
		_, err := time.Parse(time.RFC3339, v)
		return err == nil
	}
	return true
}

func (e *evaluator) evalNumber(s map[string]any, n float64, text, pointer, key string) {
	if m, ok := num(s, "minimum"); ok && n < m {
		e.invalid(key, pointer, "minimum", ">= "+strconv.FormatFloat(m, 'g', -1, 64), text)
	}
	if m, ok := num(s, "maximum"); ok && n > m {
		e.invalid(key, pointer, "maximum", "<= "+strconv.FormatFloat(m, 'g', -1, 64), text)
	}
	if m, ok := num(s, "exclusiveMinimum"); ok && n <= m {
		e.invalid(key, pointer, "exclusiveMinimum", "> "+strconv.FormatFloat(m, 'g', -1, 64), text)
	}
	if m, ok := num(s, "exclusiveMaximum"); ok && n >= m {
		e.invalid(key, pointer, "exclusiveMaximum", "< "+strconv.FormatFloat(m, 'g', -1, 64), text)
	}
	if m, ok := num(s, "multipleOf"); ok && m > 0 {
		if q := n / m; math.Abs(q-math.Round(q)) > 1e-9 {
			e.invalid(key, pointer, "multipleOf", "a multiple of "+strconv.FormatFloat(m, 'g', -1, 64), text)
		}
	}
}

func (e *evaluator) evalObject(s map[string]any, v map[string]any, pointer, key string) {
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			name, _ := r.(string)
			if _, has := v[name]; !has {
				e.errs = append(e.errs, ValidationError{Type: "missing_required", Key: key, ErrorPointer: pointer,
					Expected: ptr(name), ActionExpected: "allow", SchemaKeyword: "required"})
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	for _, k := range sortedKeys(v) {
		child := pointer + "/" + escapePointer(k)
		if ps, planned := props[k]; planned {
			e.eval(ps, v[k], child, k)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				e.errs = append(e.errs, ValidationError{Type: "unplanned", Key: k, ErrorPointer: child,
					Actual: ptr(k), ActionExpected: "drop_attribute", SchemaKeyword: "additionalProperties"})
			}
		case map[string]any:
			e.eval(ap, v[k], child, k)
		}
	}
	if m, ok := count(s, "minProperties"); ok && len(v) < m {
		e.invalid(key, pointer, "minProperties", fmt.Sprintf("at least %d properties", m), fmt.Sprintf("%d properties", len(v)))
	}
	if m, ok := count(s, "maxProperties"); ok && len(v) > m {
		e.invalid(key, pointer, "maxProperties", fmt.Sprintf("at most %d properties", m), fmt.Sprintf("%d properties", len(v)))
	}
}

func (e *evaluator) evalArray(s map[string]any, v []any, pointer, key string) {
	switch items := s["items"].(type) {
	case map[string]any:
		for i, it := range v {
			e.eval(items, it, fmt.Sprintf("%s/%d", pointer, i), key)
		}
	case []any:
		for i, it := range v {
			if i < len(items) {
				e.eval(items[i], it, fmt.Sprintf("%s/%d", pointer, i), key)
			}
		}
	}
	if m, ok := count(s, "minItems"); ok && len(v) < m {
		e.invalid(key, pointer, "minItems", fmt.Sprintf("at least %d items", m), fmt.Sprintf("%d items", len(v)))
	}
	if m, ok := count(s, "maxItems"); ok && len(v) > m {
		e.invalid(key, pointer, "maxItems", fmt.Sprintf("at most %d items", m), fmt.Sprintf("%d items", len(v)))
	}
	if u, _ := s["uniqueItems"].(bool); u {
		seen := map[string]bool{}
		for _, it := range v {
			k := compact(it)
			if seen[k] {
				e.invalid(key, pointer, "uniqueItems", "unique items", "a repeated item "+k)
				break
			}
			seen[k] = true
		}
	}
}
