package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mpconsole/mpconsole/api/sandbox/internal/jsonbody"

	"github.com/mpconsole/mpconsole/api"
)

// request is a matched API request as the operations see it.
type request struct {
	method  string
	route   *route
	params  map[string]string
	query   url.Values
	body    []byte
	cred    *Credential
	account int64 // v1: the accountId (checked); 0 where none is required
	now     time.Time
}

// response is an operation's answer, written after the write is durable.
type response struct {
	status int
	body   []byte // nil for no body
	ctype  string // default application/json
	allow  string // Allow header (405)
}

// Error codes. The reference documents only VALIDATION_ERROR (422 and, for
// v2, 400); the others are the sandbox's own, one per status.
const (
	codeBadRequest       = "BAD_REQUEST"
	codeUnauthorized     = "UNAUTHORIZED"
	codeForbidden        = "FORBIDDEN"
	codeNotFound         = "NOT_FOUND"
	codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	codeTooLarge         = "PAYLOAD_TOO_LARGE"
	codeRequestTimeout   = "REQUEST_TIMEOUT"
	codeRateLimited      = "RATE_LIMITED"
	codeInternal         = "INTERNAL_ERROR"
	codeBadGateway       = "BAD_GATEWAY"
	codeUnavailable      = "SERVICE_UNAVAILABLE"
	codeGatewayTimeout   = "GATEWAY_TIMEOUT"
)

// envelope is the v1 body: {"data":[…],"dataType":…,"errors":…}.
type envelope struct {
	Data     any             `json:"data"`
	DataType string          `json:"dataType,omitempty"`
	Errors   []api.ErrorItem `json:"errors"`
}

// snakeEnvelope is the feed endpoints' variant with a top-level data_type.
type snakeEnvelope struct {
	Data     any             `json:"data"`
	DataType string          `json:"data_type,omitempty"`
	Errors   []api.ErrorItem `json:"errors"`
}

// v2Errors is the body of v2 failures (docs/inconsistencies.md: status per message).
type v2Errors struct {
	Errors []api.ErrorItem `json:"errors"`
}

// encodeResp marshals a value the sandbox built itself; those never fail, but
// a failure still becomes a clean 500 rather than a panic.
func encodeResp(status int, v any) response {
	b, err := marshalPlain(v)
	if err != nil {
		return response{status: http.StatusInternalServerError,
			body: []byte(`{"data":[],"errors":[{"code":"INTERNAL_ERROR","message":"The sandbox could not encode its answer."}]}`)}
	}
	return response{status: status, body: b}
}

// marshalPlain is json.Marshal without HTML escaping: "&gt;" in a User
// Insights fact name and "<" in a name travel as the API sends them.
func marshalPlain(v any) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// okEnv answers with the standard envelope; data must be a slice.
func okEnv(status int, kind string, data any) response {
	return encodeResp(status, envelope{Data: data, DataType: kind})
}

// okSnake answers with the data_type envelope.
func okSnake(status int, kind string, data any) response {
	return encodeResp(status, snakeEnvelope{Data: data, DataType: kind})
}

// bare answers with a bare JSON value (audience lists, filter updates).
func bare(status int, v any) response { return encodeResp(status, v) }

// emptyOK is the answer to a v1 DELETE: an envelope with no data.
func emptyOK(kind string) response { return okEnv(http.StatusAccepted, kind, []struct{}{}) }

func failV1(status int, code, msg, kind string) response {
	return encodeResp(status, envelope{Data: []struct{}{}, DataType: kind, Errors: []api.ErrorItem{{Code: code, Message: msg}}})
}

func failV2(status int, code, msg string) response {
	return encodeResp(status, v2Errors{Errors: []api.ErrorItem{{Code: code, Message: msg}}})
}

// failFor answers a failure in the form of the route's API version.
func failFor(rt *route, status int, code, msg string) response {
	if rt != nil && rt.v2 {
		return failV2(status, code, msg)
	}
	kind := ""
	if rt != nil {
		kind = rt.kind
	}
	return failV1(status, code, msg, kind)
}

// invalid is a business-rule refusal: 422 VALIDATION_ERROR (docs/inconsistencies.md: status per message).
func (rq *request) invalid(msg string) response {
	return failFor(rq.route, http.StatusUnprocessableEntity, api.CodeValidation, msg)
}

func (rq *request) notFound(format string, args ...any) response {
	return failFor(rq.route, http.StatusNotFound, codeNotFound, fmt.Sprintf(format, args...))
}

func (rq *request) badRequest(msg string) response {
	return failFor(rq.route, http.StatusBadRequest, codeBadRequest, msg)
}

func writeResponse(w http.ResponseWriter, r response) {
	h := w.Header()
	if r.allow != "" {
		h.Set("Allow", r.allow)
	}
	if r.body != nil {
		ct := r.ctype
		if ct == "" {
			ct = "application/json; charset=utf-8"
		}
		h.Set("Content-Type", ct)
		h.Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	if r.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="mParticle sandbox"`)
	}
	w.WriteHeader(r.status)
	if r.body != nil {
		w.Write(r.body) //nolint:errcheck // the client went away; nothing to do
	}
}

// ---- request bodies ----

// fields is a decoded JSON object body. Its accessors say precisely which
// field has the wrong type; absent and null fields read as "not given".
type fields map[string]json.RawMessage

// fieldError is a body that is JSON but not of the expected shape: 400.
type fieldError struct{ msg string }

func (e *fieldError) Error() string { return e.msg }

// parseBody decodes a body as JSON, refusing syntax errors and trailing
// data with a message that says where.
func parseBody(body []byte) (json.RawMessage, error) {
	raw, err := jsonbody.Parse(body)
	if err != nil {
		return nil, &fieldError{err.Error()}
	}
	return raw, nil
}

// bodyObject decodes a body that must be a JSON object.
func bodyObject(body []byte) (fields, error) {
	raw, err := parseBody(body)
	if err != nil {
		return nil, err
	}
	return asObject(raw, "Request body")
}

func asObject(raw json.RawMessage, what string) (fields, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, &fieldError{what + " must be a JSON object."}
	}
	var f fields
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, &fieldError{what + " must be a JSON object."}
	}
	return f, nil
}

// bodyList decodes a body that is a JSON array of objects, or a single
// object (taken as a list of one).
func bodyList(body []byte) ([]fields, bool, error) {
	raw, err := parseBody(body)
	if err != nil {
		return nil, false, err
	}
	if raw[0] == '{' {
		f, err := asObject(raw, "Request body")
		return []fields{f}, false, err
	}
	if raw[0] != '[' {
		return nil, true, &fieldError{"Request body must be a JSON array of objects."}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, true, &fieldError{"Request body must be a JSON array of objects."}
	}
	out := make([]fields, 0, len(items))
	for i, it := range items {
		f, err := asObject(bytes.TrimSpace(it), fmt.Sprintf("Item %d of the request body", i))
		if err != nil {
			return nil, true, err
		}
		out = append(out, f)
	}
	return out, true, nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// has reports whether the field is present and not null.
func (f fields) has(name string) bool {
	v, ok := f[name]
	return ok && !isNull(v)
}

// str reads a string field: nil when absent or null.
func (f fields) str(name string) (*string, error) {
	v, ok := f[name]
	if !ok || isNull(v) {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, &fieldError{fmt.Sprintf("Field '%s' must be a string.", name)}
	}
	return &s, nil
}

// boolean reads a boolean field: nil when absent or null.
func (f fields) boolean(name string) (*bool, error) {
	v, ok := f[name]
	if !ok || isNull(v) {
		return nil, nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		return nil, &fieldError{fmt.Sprintf("Field '%s' must be true or false.", name)}
	}
	return &b, nil
}

// integer reads an integer field: nil when absent or null.
func (f fields) integer(name string) (*int64, error) {
	v, ok := f[name]
	if !ok || isNull(v) {
		return nil, nil
	}
	var n json.Number
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	if err := d.Decode(&n); err == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return &i, nil
		}
	}
	// An integer sent as a string ("24017") is accepted too.
	var s string
	if json.Unmarshal(v, &s) == nil {
		if i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return &i, nil
		}
	}
	return nil, &fieldError{fmt.Sprintf("Field '%s' must be an integer.", name)}
}

// list reads an array-of-objects field: nil when absent or null.
func (f fields) list(name string) ([]fields, error) {
	v, ok := f[name]
	if !ok || isNull(v) {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		return nil, &fieldError{fmt.Sprintf("Field '%s' must be an array.", name)}
	}
	out := make([]fields, 0, len(items))
	for i, it := range items {
		o, err := asObject(bytes.TrimSpace(it), fmt.Sprintf("Item %d of '%s'", i, name))
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// scalar reads a setting value: strings as they are, booleans as "True" /
// "False" (the form the reference shows), numbers as written; nil for null
// or absent (docs/inconsistencies.md: setting values). Objects and arrays are refused.
func (f fields) scalar(name string) (*string, error) {
	v, ok := f[name]
	if !ok || isNull(v) {
		return nil, nil
	}
	v = bytes.TrimSpace(v)
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, &fieldError{fmt.Sprintf("Field '%s' is not a valid string.", name)}
		}
		return &s, nil
	case 't':
		return pointerTo("True"), nil
	case 'f':
		return pointerTo("False"), nil
	case '{', '[':
		return nil, &fieldError{fmt.Sprintf("Field '%s' must be a string, number or boolean.", name)}
	default:
		return pointerTo(string(v)), nil
	}
}

// settingsList reads a settings array of {name, value}.
func (f fields) settingsList(name string) ([]setting, bool, error) {
	items, err := f.list(name)
	if err != nil || items == nil {
		return nil, f.has(name), err
	}
	out := make([]setting, 0, len(items))
	for i, it := range items {
		n, err := it.str("name")
		if err != nil {
			return nil, true, &fieldError{fmt.Sprintf("Item %d of '%s': %s", i, name, err)}
		}
		if n == nil || strings.TrimSpace(*n) == "" {
			return nil, true, &fieldError{fmt.Sprintf("Item %d of '%s' has no name.", i, name)}
		}
		v, err := it.scalar("value")
		if err != nil {
			return nil, true, &fieldError{fmt.Sprintf("Item %d of '%s': %s", i, name, err)}
		}
		out = append(out, setting{Name: *n, Value: v})
	}
	return out, true, nil
}

// bodyFail turns a body error into its answer (400).
func (rq *request) bodyFail(err error) response { return rq.badRequest(err.Error()) }

// paramID reads a numeric path parameter.
func (rq *request) paramID(name string) (int64, bool) {
	id, err := strconv.ParseInt(rq.params[name], 10, 64)
	return id, err == nil && id > 0
}

// quoteParam shows a path parameter in a message, shortened.
func quoteParam(p string) string {
	if len(p) > 64 {
		p = p[:64] + "…"
	}
	return strconv.Quote(p)
}

// stamp is a timestamp as the API writes it.
func stamp(t time.Time) string { return api.FormatTime(t) }
