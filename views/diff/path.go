package diff

import (
	"fmt"
	"strconv"
	"strings"
)

// Seg is one step of a path: an object key, or an array index.
type Seg struct {
	Key     string
	Index   int
	IsIndex bool
}

// Key returns a key step.
func Key(k string) Seg { return Seg{Key: k} }

// Index returns an index step.
func Index(i int) Seg { return Seg{Index: i, IsIndex: true} }

// FormatPath writes a path: name.sub, list[3].field, ["odd key"]. The
// document itself is "".
func FormatPath(segs []Seg) string {
	var b strings.Builder
	for i, s := range segs {
		switch {
		case s.IsIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.Index))
			b.WriteByte(']')
		case isIdent(s.Key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Key)
		default:
			b.WriteByte('[')
			writeQuoted(&b, s.Key)
			b.WriteByte(']')
		}
	}
	return b.String()
}

// isIdent reports whether a key can be written bare in a path.
func isIdent(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		switch {
		case r == '_' || r == '$' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z'):
		case i > 0 && (('0' <= r && r <= '9') || r == '-'):
		default:
			return false
		}
	}
	return true
}

// Pattern selects fields: a path whose index steps may be [*], "any index".
// "id", "platforms[*].access_keys", "settings[\"api key\"]". A key step
// applied to an array applies to each element: "platforms.access_keys" is
// "platforms[*].access_keys".
type Pattern struct {
	text string
	segs []patSeg
}

type patSeg struct {
	key     string
	index   int // -1: any
	isIndex bool
}

// ParsePattern reads a pattern. A leading dot is allowed (".id").
func ParsePattern(s string) (Pattern, error) {
	p := Pattern{text: s}
	rest := strings.TrimPrefix(strings.TrimSpace(s), ".")
	if rest == "" {
		return Pattern{}, fmt.Errorf("field pattern %q: empty", s)
	}
	first := true
	for rest != "" {
		switch {
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if len(rest) > 1 && rest[1] == '"' {
				k, n, err := unquote(rest[1:])
				if err != nil {
					return Pattern{}, fmt.Errorf("field pattern %q: %v", s, err)
				}
				if n+1 >= len(rest) || rest[1+n] != ']' {
					return Pattern{}, fmt.Errorf("field pattern %q: missing ] after the quoted key", s)
				}
				p.segs = append(p.segs, patSeg{key: k})
				rest = rest[n+2:]
				break
			}
			if end < 0 {
				return Pattern{}, fmt.Errorf("field pattern %q: missing ]", s)
			}
			in := rest[1:end]
			if in == "*" {
				p.segs = append(p.segs, patSeg{index: -1, isIndex: true})
			} else {
				i, err := strconv.Atoi(in)
				if err != nil || i < 0 {
					return Pattern{}, fmt.Errorf("field pattern %q: [%s] is neither an index nor [*]", s, in)
				}
				p.segs = append(p.segs, patSeg{index: i, isIndex: true})
			}
			rest = rest[end+1:]
		case rest[0] == '.':
			if first {
				return Pattern{}, fmt.Errorf("field pattern %q: empty step", s)
			}
			rest = rest[1:]
			if rest == "" || rest[0] == '.' || rest[0] == '[' {
				return Pattern{}, fmt.Errorf("field pattern %q: empty step", s)
			}
			fallthrough
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			k := rest[:end]
			if !isIdent(k) {
				return Pattern{}, fmt.Errorf("field pattern %q: write the key %q as [%q]", s, k, k)
			}
			p.segs = append(p.segs, patSeg{key: k})
			rest = rest[end:]
		}
		first = false
	}
	return p, nil
}

// MustPatterns parses patterns that are part of the program (not user
// input); it panics on a malformed one.
func MustPatterns(ss ...string) []Pattern {
	out := make([]Pattern, len(ss))
	for i, s := range ss {
		p, err := ParsePattern(s)
		if err != nil {
			panic(err)
		}
		out[i] = p
	}
	return out
}

// unquote reads a JSON string at the start of s and returns it and the
// bytes it took.
func unquote(s string) (string, int, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			v, err := strconv.Unquote(s[:i+1])
			if err != nil {
				return "", 0, fmt.Errorf("bad quoted key %s", s[:i+1])
			}
			return v, i + 1, nil
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted key")
}

// String is the pattern as written.
func (p Pattern) String() string { return p.text }

// Len is the number of steps.
func (p Pattern) Len() int { return len(p.segs) }

// Match reports whether a concrete path is one the pattern selects. A key
// step also reaches into arrays: "platforms.os" selects platforms[2].os,
// as "platforms[*].os" does (an array has no keys, so this is never
// ambiguous).
func (p Pattern) Match(path []Seg) bool {
	if len(p.segs) == 0 {
		return false // the zero Pattern selects nothing
	}
	i, j := 0, 0
	for i < len(p.segs) && j < len(path) {
		ps, s := p.segs[i], path[j]
		if !ps.isIndex && s.IsIndex {
			j++ // implicit [*]
			continue
		}
		if !ps.match(s) {
			return false
		}
		i++
		j++
	}
	return i == len(p.segs) && j == len(path)
}

func (ps patSeg) match(s Seg) bool {
	if ps.isIndex != s.IsIndex {
		return false
	}
	if ps.isIndex {
		return ps.index < 0 || ps.index == s.Index
	}
	return ps.key == s.Key
}
