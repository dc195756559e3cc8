package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mpconsole/mpconsole/internal/termtext"
)

// Shape says which of the response forms the Platform API uses a body had
// (docs/reference.md, answer shapes).
type Shape int

const (
	ShapeEmpty      Shape = iota // no body, or only whitespace (v1 PUT/DELETE, v2 204s)
	ShapeEnvelope                // {"data":[…],"dataType"|"data_type":…,"errors":…}
	ShapeBareArray               // [ … ] (audience lists, filter updates, v2 lists)
	ShapeBareObject              // { … } without data/errors (v2 CA, activation, calculation)
	ShapeBareScalar              // 5678 (v2 create), or any other bare JSON value
)

func (s Shape) String() string {
	switch s {
	case ShapeEmpty:
		return "empty"
	case ShapeEnvelope:
		return "envelope"
	case ShapeBareArray:
		return "bare array"
	case ShapeBareObject:
		return "bare object"
	case ShapeBareScalar:
		return "bare value"
	}
	return fmt.Sprintf("Shape(%d)", int(s))
}

// Payload is a decoded response body, whatever its shape. Items are the
// entities it carries, each kept as the exact bytes the server sent, so
// fields the console does not know about round-trip unchanged.
type Payload struct {
	Shape    Shape
	Items    []json.RawMessage // entities: envelope data, array elements, or the bare object
	DataType string            // the envelope's dataType or data_type, when present
	Errors   []ErrorItem       // the envelope's errors[] (null, absent and [] all give none)
	Scalar   json.RawMessage   // the value of a ShapeBareScalar body
}

// DecodeBody decodes any response body the Platform API returns: the
// standard envelope, the feed endpoints' data_type envelope, bare arrays,
// bare objects and bare scalars (v2), and empty bodies. It never panics; a
// body that is not JSON gives an error.
//
// An object is read as an envelope when it has a "data" or an "errors" key;
// any other object is a bare entity. Within an envelope, data may be an
// array, a single object (read as one item) or null, and errors may be null,
// absent, an array of {code,message} objects or of strings, or one object.
func DecodeBody(body []byte) (Payload, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return Payload{Shape: ShapeEmpty}, nil
	}
	// One validating pass; the splits below then only look for boundaries.
	if !json.Valid(b) {
		return Payload{}, fmt.Errorf("body is not valid JSON")
	}
	b = append([]byte(nil), b...) // entities alias this copy, never the caller's buffer
	switch b[0] {
	case '[':
		return Payload{Shape: ShapeBareArray, Items: nonNull(splitArray(b))}, nil
	case '{':
		keys := splitObject(b)
		_, hasData := keys["data"]
		_, hasErrors := keys["errors"]
		if !hasData && !hasErrors {
			return Payload{Shape: ShapeBareObject, Items: []json.RawMessage{b}}, nil
		}
		p := Payload{Shape: ShapeEnvelope}
		p.DataType = firstString(keys["dataType"], keys["data_type"])
		items, err := decodeData(keys["data"])
		if err != nil {
			return Payload{}, err
		}
		p.Items = items
		p.Errors = decodeErrors(keys["errors"])
		return p, nil
	default:
		return Payload{Shape: ShapeBareScalar, Scalar: b}, nil
	}
}

// decodeData reads an envelope's data member: an array, one object, or null.
func decodeData(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	switch raw[0] {
	case '[':
		return nonNull(splitArray(raw)), nil
	case '{':
		return []json.RawMessage{raw}, nil
	default:
		return nil, fmt.Errorf("envelope data is neither an array nor an object: %s", Excerpt(raw, 40))
	}
}

// nonNull drops JSON null elements, which carry no entity.
func nonNull(items []json.RawMessage) []json.RawMessage {
	out := items[:0]
	for _, it := range items {
		if t := bytes.TrimSpace(it); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// decodeErrors reads an errors member in every form seen or plausible:
// null, [], [{code,message}], ["message"], or a single object. Anything
// else is ignored rather than failing the whole decode.
func decodeErrors(raw json.RawMessage) []ErrorItem {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '[':
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return nil
		}
		var items []ErrorItem
		for _, e := range elems {
			if it, ok := decodeErrorItem(e); ok {
				items = append(items, it)
			}
		}
		return items
	case '{', '"':
		if it, ok := decodeErrorItem(raw); ok {
			return []ErrorItem{it}
		}
	}
	return nil
}

// decodeErrorItem reads one error: {code, message}, an OAuth-style
// {error, error_description}, or a plain string.
func decodeErrorItem(raw json.RawMessage) (ErrorItem, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ErrorItem{}, false
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil || s == "" {
			return ErrorItem{}, false
		}
		return ErrorItem{Message: cleanText(s)}, true
	}
	if raw[0] != '{' {
		return ErrorItem{}, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ErrorItem{}, false
	}
	it := ErrorItem{
		Code:    cleanText(firstString(m["code"], m["error"])),
		Message: cleanText(firstString(m["message"], m["error_description"], m["description"])),
	}
	if it.Code == "" && it.Message == "" {
		return ErrorItem{}, false
	}
	return it, true
}

// errorItemsFromObject finds error information in a bare object error body
// (an OAuth-style or gateway-style answer with no envelope).
func errorItemsFromObject(raw json.RawMessage) []ErrorItem {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	_, hasErr := m["error"]
	_, hasMsg := m["message"]
	if !hasErr && !hasMsg {
		return nil
	}
	if it, ok := decodeErrorItem(raw); ok {
		return []ErrorItem{it}
	}
	return nil
}

// firstString returns the first of raws that is a non-empty JSON string.
func firstString(raws ...json.RawMessage) string {
	for _, r := range raws {
		var s string
		if len(r) > 0 && json.Unmarshal(r, &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// cleanText makes server-supplied text safe for a terminal (termtext, the
// project's one sanitizer) and trims it.
func cleanText(s string) string { return strings.TrimSpace(termtext.Sanitize(s)) }
