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
	return decodeOwned(append([]byte(nil), b...)) // entities alias this copy, never the caller's buffer
}

// decodeOwned is DecodeBody on a body nobody else holds: entities alias
// it. It validates and splits in one pass (the splitter of ListStream).
func decodeOwned(b []byte) (Payload, error) {
	var s splitter
	if err := s.finish(b); err != nil {
		return Payload{}, err
	}
	return s.payload(b), nil
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
