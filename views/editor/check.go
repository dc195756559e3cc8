package editor

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/views/diff"
)

// maxDepth is encoding/json's nesting limit: deeper text would be refused
// by the server's decoder, so it is refused here first.
const maxDepth = 10000

// SyntaxError is the first problem in the text, with its place: line and
// column count from 1, columns in characters.
type SyntaxError struct {
	Line, Column int
	Offset       int // byte offset in the text
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Line marks, one byte per line of the text.
const (
	markImmutable uint8 = 1 << iota
)

// checked is what one pass over the text learns.
type checked struct {
	err    *SyntaxError
	marks  []uint8        // per line
	hints  map[int]int    // line of a key → index into the hints
	keyPos map[string]pos // path of a protected field → where its key is
	lines  int            // lines seen (the whole text when valid)
}

// checker validates JSON text in one pass, as strictly as encoding/json
// (and additionally refusing duplicate keys and invalid UTF-8), and records
// where the protected fields and the hinted fields are.
type checker struct {
	s    string
	i    int
	line int // 0-based line of s[i]
	path []diff.Seg

	protect []diff.Pattern
	hints   []diff.Pattern
	out     checked

	keys  [][]string // keys of the open objects, per depth (reused)
	lines [][]int    // the line of each of those keys
}

type stopError struct{ e *SyntaxError }

// check validates text. The patterns are the protected fields and the
// hinted ones.
func check(text string, protect, hints []diff.Pattern, nlines int) checked {
	c := &checker{s: text, protect: protect, hints: hints}
	c.out.marks = make([]uint8, nlines)
	c.out.err = c.run()
	c.out.lines = c.line + 1
	return c.out
}

func (c *checker) run() (err *SyntaxError) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(stopError)
			if !ok {
				panic(r)
			}
			err = se.e
		}
	}()
	c.ws()
	if c.i >= len(c.s) {
		c.fail(c.i, "the text is empty: write a JSON value")
	}
	c.value(0)
	c.ws()
	if c.i < len(c.s) {
		c.fail(c.i, "text after the end of the document")
	}
	return nil
}

// fail stops the pass with an error at byte offset off.
func (c *checker) fail(off int, format string, args ...any) {
	off = min(max(off, 0), len(c.s))
	line := strings.Count(c.s[:off], "\n")
	start := strings.LastIndexByte(c.s[:off], '\n') + 1
	col := utf8.RuneCountInString(c.s[start:off]) + 1
	panic(stopError{&SyntaxError{Line: line + 1, Column: col, Offset: off, Msg: fmt.Sprintf(format, args...)}})
}

func (c *checker) ws() {
	for c.i < len(c.s) {
		switch c.s[c.i] {
		case '\n':
			c.line++
		case ' ', '\t', '\r':
		case '/':
			if c.i+1 < len(c.s) && (c.s[c.i+1] == '/' || c.s[c.i+1] == '*') {
				c.fail(c.i, "comments are not allowed in JSON")
			}
			return
		default:
			return
		}
		c.i++
	}
}

// describe names the character at off for a message.
func (c *checker) describe(off int) string {
	if off >= len(c.s) {
		return "the end of the text"
	}
	r, _ := utf8.DecodeRuneInString(c.s[off:])
	switch {
	case r == utf8.RuneError:
		return "invalid UTF-8"
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf("control character %U", r)
	}
	return strconv.QuoteRune(r)
}

func (c *checker) value(depth int) {
	if depth >= maxDepth {
		c.fail(c.i, "nested deeper than %d levels", maxDepth)
	}
	if c.i >= len(c.s) {
		c.fail(c.i, "unexpected end of the text: expected a value")
	}
	switch b := c.s[c.i]; {
	case b == '{':
		c.object(depth)
	case b == '[':
		c.array(depth)
	case b == '"':
		c.str()
	case b == '-' || ('0' <= b && b <= '9'):
		c.number()
	case b == 't':
		c.literal("true")
	case b == 'f':
		c.literal("false")
	case b == 'n':
		c.literal("null")
	case b == '\'':
		c.fail(c.i, "strings take double quotes (\"), not single quotes")
	case b == 'T' || b == 'F' || b == 'N':
		c.fail(c.i, "unexpected %s: true, false and null are written in lower case", c.describe(c.i))
	case b == '}' || b == ']':
		c.fail(c.i, "unexpected %s: expected a value", c.describe(c.i))
	default:
		c.fail(c.i, "unexpected %s: expected a value (an object, array, string, number, true, false or null)", c.describe(c.i))
	}
}

func (c *checker) literal(word string) {
	if !strings.HasPrefix(c.s[c.i:], word) {
		end := c.i
		for end < len(c.s) && isWordByte(c.s[end]) {
			end++
		}
		c.fail(c.i, "unexpected %q: expected a value (did you mean %s?)", c.s[c.i:max(end, c.i+1)], word)
	}
	c.i += len(word)
}

func isWordByte(b byte) bool {
	return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}

func (c *checker) number() {
	start := c.i
	s := c.s
	if s[c.i] == '-' {
		c.i++
	}
	switch {
	case c.i < len(s) && s[c.i] == '0':
		c.i++
		if c.i < len(s) && '0' <= s[c.i] && s[c.i] <= '9' {
			c.fail(start, "invalid number: a number cannot start with 0 (write 7, not 07)")
		}
	case c.i < len(s) && '1' <= s[c.i] && s[c.i] <= '9':
		for c.i < len(s) && '0' <= s[c.i] && s[c.i] <= '9' {
			c.i++
		}
	default:
		c.fail(start, "invalid number: a digit must follow '-'")
	}
	if c.i < len(s) && s[c.i] == '.' {
		c.i++
		d := c.i
		for c.i < len(s) && '0' <= s[c.i] && s[c.i] <= '9' {
			c.i++
		}
		if c.i == d {
			c.fail(start, "invalid number: a digit must follow '.'")
		}
	}
	if c.i < len(s) && (s[c.i] == 'e' || s[c.i] == 'E') {
		c.i++
		if c.i < len(s) && (s[c.i] == '+' || s[c.i] == '-') {
			c.i++
		}
		d := c.i
		for c.i < len(s) && '0' <= s[c.i] && s[c.i] <= '9' {
			c.i++
		}
		if c.i == d {
			c.fail(start, "invalid number: the exponent needs digits")
		}
	}
}

// str reads a string and returns its value when it had escapes (the raw
// text otherwise, without quotes).
func (c *checker) str() string {
	start := c.i
	c.i++
	s := c.s
	escaped := false
	for c.i < len(s) {
		b := s[c.i]
		switch {
		case b == '"':
			raw := s[start+1 : c.i]
			c.i++
			if !escaped {
				return raw
			}
			var v string
			if err := json.Unmarshal([]byte(s[start:c.i]), &v); err != nil {
				return raw
			}
			return v
		case b == '\\':
			escaped = true
			if c.i+1 >= len(s) {
				c.fail(start, "this string is not closed")
			}
			switch s[c.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				c.i += 2
			case 'u':
				for k := 2; k < 6; k++ {
					if c.i+k >= len(s) || !isHex(s[c.i+k]) {
						c.fail(c.i, `invalid escape: \u needs four hex digits`)
					}
				}
				c.i += 6
			case '\n':
				c.fail(start, "this string is not closed on its line")
			default:
				c.fail(c.i, "invalid escape %s", strconv.Quote(s[c.i:c.i+1+utf8RuneLen(s[c.i+1:])]))
			}
		case b == '\n':
			c.fail(start, "this string is not closed on its line")
		case b < 0x20:
			c.fail(c.i, "%s in a string: write it as an escape (\\n, \\t, \\u00XX)", c.describe(c.i))
		case b < utf8.RuneSelf:
			c.i++
		default:
			r, size := utf8.DecodeRuneInString(s[c.i:])
			if r == utf8.RuneError && size == 1 {
				c.fail(c.i, "invalid UTF-8 in a string")
			}
			c.i += size
		}
	}
	c.fail(start, "this string is not closed")
	return ""
}

func utf8RuneLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return max(n, 1)
}

func isHex(b byte) bool {
	return ('0' <= b && b <= '9') || ('a' <= b && b <= 'f') || ('A' <= b && b <= 'F')
}

func (c *checker) object(depth int) {
	openLine := c.line
	c.i++
	for len(c.keys) <= depth {
		c.keys = append(c.keys, nil)
		c.lines = append(c.lines, nil)
	}
	c.keys[depth], c.lines[depth] = c.keys[depth][:0], c.lines[depth][:0]
	c.ws()
	if c.i < len(c.s) && c.s[c.i] == '}' {
		c.i++
		return
	}
	comma := -1
	for {
		if c.i >= len(c.s) {
			c.fail(c.i, "unexpected end of the text: the '{' on line %d is not closed", openLine+1)
		}
		switch c.s[c.i] {
		case '"':
		case '}':
			if comma >= 0 {
				c.fail(comma, "a comma before '}' must be followed by another field")
			}
		case '\'':
			c.fail(c.i, "keys take double quotes (\"), not single quotes")
		default:
			c.fail(c.i, "unexpected %s: expected a \"quoted\" key", c.describe(c.i))
		}
		keyAt, keyLine := c.i, c.line
		k := c.str()
		c.checkDuplicate(depth, k, keyAt, keyLine)
		c.ws()
		if c.i >= len(c.s) || c.s[c.i] != ':' {
			c.fail(c.i, "expected ':' after the key %s, found %s", strconv.Quote(k), c.describe(c.i))
		}
		c.i++
		c.ws()
		c.path = append(c.path, diff.Key(k))
		protected, hint := c.lookup()
		c.value(depth + 1)
		if protected {
			c.markProtected(keyAt, keyLine)
		}
		if hint >= 0 {
			if c.out.hints == nil {
				c.out.hints = map[int]int{}
			}
			if _, ok := c.out.hints[keyLine]; !ok {
				c.out.hints[keyLine] = hint
			}
		}
		c.path = c.path[:len(c.path)-1]
		end := c.i
		c.ws()
		if c.i >= len(c.s) {
			c.fail(c.i, "unexpected end of the text: the '{' on line %d is not closed", openLine+1)
		}
		switch c.s[c.i] {
		case ',':
			comma = c.i
			c.i++
			c.ws()
			continue
		case '}':
			c.i++
			return
		case '"':
			c.fail(end, "missing ',' between two fields")
		default:
			c.fail(c.i, "unexpected %s: expected ',' or '}' after the value of %s", c.describe(c.i), strconv.Quote(k))
		}
	}
}

func (c *checker) checkDuplicate(depth int, k string, at, line int) {
	for j, prev := range c.keys[depth] {
		if prev == k {
			c.fail(at, "duplicate key %s (also on line %d): the server would keep only one", strconv.Quote(k), c.lines[depth][j]+1)
		}
	}
	c.keys[depth] = append(c.keys[depth], k)
	c.lines[depth] = append(c.lines[depth], line)
}

func (c *checker) array(depth int) {
	openLine := c.line
	c.i++
	c.ws()
	if c.i < len(c.s) && c.s[c.i] == ']' {
		c.i++
		return
	}
	for n := 0; ; n++ {
		c.path = append(c.path, diff.Index(n))
		c.value(depth + 1)
		c.path = c.path[:len(c.path)-1]
		end := c.i
		c.ws()
		if c.i >= len(c.s) {
			c.fail(c.i, "unexpected end of the text: the '[' on line %d is not closed", openLine+1)
		}
		switch b := c.s[c.i]; {
		case b == ',':
			comma := c.i
			c.i++
			c.ws()
			if c.i < len(c.s) && c.s[c.i] == ']' {
				c.fail(comma, "a comma before ']' must be followed by another element")
			}
		case b == ']':
			c.i++
			return
		case b == '"' || b == '{' || b == '[' || b == '-' || ('0' <= b && b <= '9') || b == 't' || b == 'f' || b == 'n':
			c.fail(end, "missing ',' between two elements")
		default:
			c.fail(c.i, "unexpected %s: expected ',' or ']'", c.describe(c.i))
		}
	}
}

// lookup reports whether the current path is protected, and which hint
// (or -1) it has.
func (c *checker) lookup() (bool, int) {
	protected := false
	for _, p := range c.protect {
		if p.Match(c.path) {
			protected = true
			break
		}
	}
	hint := -1
	for i, p := range c.hints {
		if p.Match(c.path) {
			hint = i
			break
		}
	}
	return protected, hint
}

// markProtected marks the lines from a protected key to the end of its
// value, and remembers where the key is.
func (c *checker) markProtected(keyAt, keyLine int) {
	for l := keyLine; l <= c.line && l < len(c.out.marks); l++ {
		c.out.marks[l] |= markImmutable
	}
	if c.out.keyPos == nil {
		c.out.keyPos = map[string]pos{}
	}
	start := strings.LastIndexByte(c.s[:keyAt], '\n') + 1
	c.out.keyPos[diff.FormatPath(c.path)] = pos{line: keyLine, col: keyAt - start}
}
