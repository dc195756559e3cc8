package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mpconsole/mpconsole/api"
)

// A bulk edit works on the top-level fields of JSON objects, kept in their
// order (the editor shows them as the server wrote them).

// field is one top-level member of a JSON object.
type field struct {
	key string
	val json.RawMessage
}

// objectFields reads the top-level members of a JSON object, in order;
// anything after the object is refused, not dropped.
func objectFields(doc []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, field{key: k, val: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more after the object's closing brace: one JSON object only")
	}
	return out, nil
}

func fieldOf(fs []field, k string) (json.RawMessage, bool) {
	for _, f := range fs {
		if f.key == k {
			return f.val, true
		}
	}
	return nil, false
}

// writeObject writes fields as a compact JSON object.
func writeObject(fs []field) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		if err := json.Compact(&b, f.val); err != nil {
			b.Write(f.val)
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

// sharedFields is what a bulk edit opens with: the top-level fields every
// document has, with the same value in each (compared as JSON values: key
// order, spacing and the spelling of numbers do not count), in the first
// document's order. A document that is not a JSON object is an error.
func sharedFields(docs [][]byte) ([]byte, error) {
	all := make([][]field, len(docs))
	for i, d := range docs {
		fs, err := objectFields(d)
		if err != nil {
			return nil, err
		}
		all[i] = fs
	}
	if len(all) == 0 {
		return []byte("{}"), nil
	}
	var shared []field
	for _, f := range all[0] {
		same := true
		for _, other := range all[1:] {
			v, ok := fieldOf(other, f.key)
			if !ok {
				same = false
				break
			}
			if bytes.Equal(f.val, v) {
				continue // the same text is the same value, without decoding it
			}
			if eq, err := api.SameJSON(f.val, v); err != nil || !eq {
				same = false
				break
			}
		}
		if same {
			shared = append(shared, f)
		}
	}
	return writeObject(shared), nil
}

// applyFields applies to doc what text changes in shared (the document
// the bulk editor opened with): a field the text changed or added is set
// (at the end when doc lacks it), a field the text removed is removed;
// everything else in doc stays as it is, in its order.
func applyFields(doc, shared, text []byte) ([]byte, error) {
	base, err := objectFields(shared)
	if err != nil {
		return nil, fmt.Errorf("the shared fields: %w", err)
	}
	edited, err := objectFields(text)
	if err != nil {
		return nil, fmt.Errorf("the bulk edit's text must be a JSON object of the fields to set: %w", err)
	}
	cur, err := objectFields(doc)
	if err != nil {
		return nil, err
	}
	set := map[string]json.RawMessage{}
	var order []string
	for _, f := range edited {
		if v, ok := fieldOf(base, f.key); ok {
			if eq, err := api.SameJSON(v, f.val); err == nil && eq {
				continue
			}
		}
		set[f.key] = f.val
		order = append(order, f.key)
	}
	removed := map[string]bool{}
	for _, f := range base {
		if _, ok := fieldOf(edited, f.key); !ok {
			removed[f.key] = true
		}
	}
	out := make([]field, 0, len(cur)+len(order))
	for _, f := range cur {
		if removed[f.key] {
			continue
		}
		if v, ok := set[f.key]; ok {
			f.val = v
			delete(set, f.key)
		}
		out = append(out, f)
	}
	for _, k := range order {
		if v, ok := set[k]; ok {
			out = append(out, field{key: k, val: v})
			delete(set, k) // a key the text has twice is set once, to its last value
		}
	}
	return writeObject(out), nil
}
