// Package jsonbody checks request bodies the way every sandbox endpoint
// does, so the v1 handlers and the calculated-attribute package refuse an
// empty or malformed body with the same words.
package jsonbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Parse returns the body without surrounding white space when it is one
// JSON value; otherwise an error whose text is the answer's message, saying
// where the syntax broke.
func Parse(body []byte) (json.RawMessage, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errors.New("Request body is empty; a JSON body is required.")
	}
	if !json.Valid(trimmed) {
		var v any
		err := json.Unmarshal(trimmed, &v)
		msg := "Request body is not valid JSON"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			msg += fmt.Sprintf(" (at byte %d)", se.Offset)
		}
		return nil, errors.New(msg + ".")
	}
	return trimmed, nil
}
