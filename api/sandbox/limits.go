package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/api"
)

// Limits on what a request may carry, beyond the body size (maxBody). The
// reference gives none; these are the sandbox's own (docs/sandbox.md).
const (
	// maxNameLen bounds every string whose field name ends in "name" (name,
	// module_name, attribute_name, first_name, event_name, …) and every
	// field name, in characters (code points).
	maxNameLen = 255
	// maxStringLen bounds every other string of a request body (setting
	// values, descriptions, e-mail addresses, CA values), in characters.
	maxStringLen = 4096
)

// parseQuery parses the raw query strictly: a malformed percent-escape, a
// ';' (which Go, unlike some servers, does not take as a separator) or
// invalid UTF-8 is a 400, instead of the pair being silently dropped and
// the parameter read as missing.
func parseQuery(rt *route, raw string) (url.Values, *response) {
	fail := func(msg string) (url.Values, *response) {
		f := failFor(rt, http.StatusBadRequest, codeBadRequest, msg)
		return nil, &f
	}
	if strings.Contains(raw, ";") {
		return fail("The query string contains ';', which does not separate parameters; join them with '&'.")
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return fail("The query string has a malformed percent-escape; '%' must be followed by two hex digits (%25 is a literal '%').")
	}
	for k, vs := range q {
		if !utf8.ValidString(k) {
			return fail("The query string is not valid UTF-8.")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return fail("The query string is not valid UTF-8.")
			}
		}
	}
	return q, nil
}

// parseAccountID reads the accountId query parameter (any casing of the
// name): 401 when it is missing or empty, 400 when it is given more
// than once (also in two casings) or is not a positive integer.
func parseAccountID(rt *route, q url.Values) (int64, *response) {
	var raw []string
	for k, v := range q {
		if strings.EqualFold(k, "accountId") {
			raw = append(raw, v...)
		}
	}
	switch {
	case len(raw) > 1:
		f := failFor(rt, http.StatusBadRequest, codeBadRequest,
			fmt.Sprintf("The accountId query parameter must be given only once (in any casing of its name); this request has it %d times.", len(raw)))
		return 0, &f
	case len(raw) == 0 || raw[0] == "":
		f := failFor(rt, http.StatusUnauthorized, codeUnauthorized, "The accountId query parameter is required.")
		return 0, &f
	}
	id, err := strconv.ParseInt(raw[0], 10, 64)
	if err != nil || id < 1 {
		f := failFor(rt, http.StatusBadRequest, codeBadRequest, "The accountId query parameter must be a positive integer.")
		return 0, &f
	}
	return id, nil
}

// checkBody refuses a body that is not UTF-8 (400) or, when it is JSON,
// holds a string longer than its limit (422 on v1, 400 VALIDATION_ERROR on
// v2 as every v2 validation). Malformed JSON is left to the operation,
// which says where it breaks.
func (rq *request) checkBody() *response {
	if rq.body == nil {
		return nil
	}
	if !utf8.Valid(rq.body) {
		f := rq.badRequest(fmt.Sprintf("Request body is not valid UTF-8 (at byte %d).", invalidUTF8At(rq.body)))
		return &f
	}
	if !json.Valid(rq.body) {
		return nil
	}
	msg := longString(rq.body)
	if msg == "" {
		return nil
	}
	var f response
	if rq.route.v2 {
		f = failV2(http.StatusBadRequest, api.CodeValidation, msg)
	} else {
		f = rq.invalid(msg)
	}
	return &f
}

// invalidUTF8At is the offset of the first byte that is not valid UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// limitFor is the length limit of a string value under the field name.
func limitFor(field string) int {
	if strings.HasSuffix(strings.ToLower(field), "name") {
		return maxNameLen
	}
	return maxStringLen
}

// longString scans valid JSON for the first string longer than its limit
// and returns the message for it, or "". A value is governed by the name
// of the object field it sits in (through arrays: every item of "values"
// is a "values" string).
func longString(body []byte) string {
	type frame struct {
		obj     bool
		wantKey bool
		key     string
	}
	var stack []frame
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			stack = append(stack, frame{obj: true, wantKey: true})
		case '[':
			stack = append(stack, frame{})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].obj {
				stack[n-1].wantKey = true
			}
		case ':':
			stack[len(stack)-1].wantKey = false
		case '"':
			end, escaped := i+1, false
			for ; end < len(body) && body[end] != '"'; end++ {
				if body[end] == '\\' {
					end++
					escaped = true
				}
			}
			s := body[i+1 : end]
			if escaped {
				var dec string
				if json.Unmarshal(body[i:end+1], &dec) == nil {
					s = []byte(dec)
				}
			}
			i = end
			n := utf8.RuneCount(s)
			if top := len(stack) - 1; top >= 0 && stack[top].obj && stack[top].wantKey {
				if n > maxNameLen {
					return fmt.Sprintf("A field name in the request body is longer than %d characters.", maxNameLen)
				}
				stack[top].key = string(s)
				continue
			}
			field := ""
			for j := len(stack) - 1; j >= 0; j-- {
				if stack[j].obj {
					field = stack[j].key
					break
				}
			}
			if limit := limitFor(field); n > limit {
				if field == "" {
					return fmt.Sprintf("A string in the request body is longer than %d characters.", limit)
				}
				return fmt.Sprintf("Field '%s' is longer than %d characters.", field, limit)
			}
		}
	}
	return ""
}
