package api

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// A small scanner that splits a JSON document already known to be valid
// (json.Valid) into its top-level parts without decoding them: the
// elements of an array, the members of an object. encoding/json would scan
// every byte twice per step (check, then decode); a list answer went
// through that four to six times. On invalid input the scanner returns
// something meaningless but never panics or loops (FuzzScan checks both
// that and agreement with encoding/json on valid input).

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	default: // number, true, false, null
		start := i
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
				if i == start {
					return i + 1 // a stray delimiter: step over it
				}
				return i
			}
			i++
		}
		return i
	}
}

// splitArray returns the elements of a valid JSON array, each a sub-slice
// of b (capacity capped, so appending to one cannot overwrite the next).
func splitArray(b []byte) []json.RawMessage {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil
	}
	var out []json.RawMessage
	for i++; ; {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] == ']' {
			return out
		}
		j := skipValue(b, i)
		out = append(out, json.RawMessage(b[i:j:j]))
		i = skipSpace(b, j)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}

// splitObject returns the members of a valid JSON object (the last of
// duplicate keys wins, as with encoding/json), values as sub-slices of b.
func splitObject(b []byte) map[string]json.RawMessage {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil
	}
	out := map[string]json.RawMessage{}
	for i++; ; {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return out
		}
		ke := skipString(b, i)
		key := string(b[i+1 : max(ke-1, i+1)])
		if strings.IndexByte(key, '\\') >= 0 || !utf8.ValidString(key) {
			var s string
			if json.Unmarshal(b[i:ke], &s) == nil {
				key = s
			}
		}
		i = skipSpace(b, ke)
		if i < len(b) && b[i] == ':' {
			i++
		}
		i = skipSpace(b, i)
		j := skipValue(b, i)
		out[key] = json.RawMessage(b[i:j:j])
		i = skipSpace(b, j)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}
