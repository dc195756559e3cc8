// Package diff compares JSON documents structurally and renders what
// changed: the review before a save, "the server's version changed since
// you opened the editor", and the journal's revert preview.
//
// # Design
//
// Documents are parsed into an ordered tree (Parse) rather than into Go maps,
// so that changes are listed in the order the user reads them, numbers keep
// their spelling ("1.50" is shown as written) and any valid JSON works,
// whatever the kind. Objects are compared key by key whatever their order;
// arrays index by index (an element inserted at the front shows as every
// later element changed and one added at the end: the API documents no
// identity for array elements, so a cleverer alignment would be a guess).
// Numbers are equal when their values are ("1.0" and "1"), compared exactly
// with math/big; strings after unescaping ("\u0061" and "a"). A key given
// twice in one object counts once, the last value winning, as it does in
// encoding/json (the editor refuses such text before it gets here).
//
// A value that appears or disappears is one change at its path (an added
// platform is one "+ platforms[2]: {…}", not one line per field); a value
// whose type changes is one change.
//
// Paths are written the way jq users read them: name, name.sub,
// list[3].field, and ["odd key"] for keys that are not plain identifiers.
// The same notation, with [*] for "any index", makes a Pattern, which is how
// the editor names the fields the API will not change
// ("platforms[*].access_keys"); a key step applied to an array applies to
// each element, so "platforms.access_keys" says the same.
package diff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/internal/jsonnum"
)

type valueKind uint8

const (
	nullKind valueKind = iota
	boolKind
	numberKind
	stringKind
	arrayKind
	objectKind
)

// node is one JSON value.
type node struct {
	kind  valueKind
	text  string   // bool: "true"/"false"; number: as written; string: unescaped
	keys  []string // object keys, in document order, each once
	vals  []*node  // object values, parallel to keys
	elems []*node  // array elements
}

func (n *node) member(k string) (*node, bool) {
	for i, kk := range n.keys {
		if kk == k {
			return n.vals[i], true
		}
	}
	return nil, false
}

// Doc is a parsed JSON document.
type Doc struct{ root *node }

// Parse reads one JSON document. Text after it, or invalid JSON, is an
// error.
func Parse(data []byte) (*Doc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("invalid JSON: text after the document")
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return &Doc{root: root}, nil
}

func parseValue(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("invalid JSON: empty document")
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return parseToken(dec, tok)
}

func parseToken(dec *json.Decoder, tok json.Token) (*node, error) {
	switch t := tok.(type) {
	case nil:
		return &node{kind: nullKind}, nil
	case bool:
		return &node{kind: boolKind, text: strconv.FormatBool(t)}, nil
	case json.Number:
		return &node{kind: numberKind, text: string(t)}, nil
	case string:
		return &node{kind: stringKind, text: t}, nil
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: objectKind}
			var index map[string]int
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("invalid JSON: %w", err)
				}
				k, _ := kt.(string)
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				if index == nil {
					index = map[string]int{}
				}
				if i, dup := index[k]; dup {
					n.vals[i] = v // the last one wins, as in encoding/json
					continue
				}
				index[k] = len(n.keys)
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return n, nil
		case '[':
			n := &node{kind: arrayKind}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return n, nil
		}
	}
	return nil, fmt.Errorf("invalid JSON: unexpected %v", tok)
}

// equal compares two values structurally.
func equal(a, b *node) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case nullKind:
		return true
	case boolKind, stringKind:
		return a.text == b.text
	case numberKind:
		return jsonnum.Equal(a.text, b.text)
	case arrayKind:
		if len(a.elems) != len(b.elems) {
			return false
		}
		for i := range a.elems {
			if !equal(a.elems[i], b.elems[i]) {
				return false
			}
		}
		return true
	}
	if len(a.keys) != len(b.keys) {
		return false
	}
	for i, k := range a.keys {
		bv, ok := b.member(k)
		if !ok || !equal(a.vals[i], bv) {
			return false
		}
	}
	return true
}

// compact renders a value as compact JSON.
func compact(n *node) string {
	var b strings.Builder
	writeCompact(&b, n)
	return b.String()
}

func writeCompact(b *strings.Builder, n *node) {
	switch n.kind {
	case nullKind:
		b.WriteString("null")
	case boolKind, numberKind:
		b.WriteString(n.text)
	case stringKind:
		writeQuoted(b, n.text)
	case arrayKind:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCompact(b, e)
		}
		b.WriteByte(']')
	case objectKind:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeQuoted(b, k)
			b.WriteByte(':')
			writeCompact(b, n.vals[i])
		}
		b.WriteByte('}')
	}
}

// writeQuoted writes s as a JSON string, escaping only what JSON requires
// (and invalid UTF-8, as U+FFFD).
func writeQuoted(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&0xf])
		case r == utf8.RuneError:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
