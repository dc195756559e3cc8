// Package jsonlex classes the tokens of a line of JSON for syntax
// highlighting; the editor and the inspector both draw with it.
//
// A line is lexed on its own, with no state carried from the lines above:
// a JSON string cannot span lines (a raw newline in a string is not valid
// JSON), so a view lexes only the lines on screen, whatever the size of the
// document, and an edit never needs the lines below it re-lexed. The lexer
// never fails and never rejects input: text that is not JSON is classed
// Plain, and the rest of a line after an unterminated string is classed as
// that string. A string is a Key when the next byte after it that is not a
// space or a tab is ':'.
//
// Segments cover the line exactly, in order, and start and end only at
// ASCII bytes or the ends of the line, so they never split a UTF-8 sequence.
package jsonlex

import (
	"charm.land/lipgloss/v2"

	"github.com/mpconsole/mpconsole/theme"
)

// Class is what a token is, for colouring.
type Class uint8

// The token classes.
const (
	Plain   Class = iota // white space, and anything that is not JSON
	Key                  // a string before ':'
	String               // any other string, with its quotes
	Number               // a number, as spelled
	Literal              // true, false, null
	Punct                // { } [ ] , :
)

// Classes is the number of classes, for tables indexed by Class.
const Classes = int(Punct) + 1

// Segment is a run of one line in one class; Start and End are byte
// offsets in the line.
type Segment struct {
	Start, End int
	Class      Class
}

// Line appends the segments of line s to out[:0] and returns it; passing
// the previous result back reuses its memory.
func Line(s string, out []Segment) []Segment {
	out = out[:0]
	for i := 0; i < len(s); {
		end, c := Next(s, i)
		out = append(out, Segment{Start: i, End: end, Class: c})
		i = end
	}
	return out
}

// Next classes the token of line s that starts at byte i (i < len(s)) and
// returns where it ends (> i).
func Next(s string, i int) (end int, c Class) {
	start := i
	switch b := s[i]; {
	case b == '"':
		i++
		for i < len(s) && s[i] != '"' {
			if s[i] == '\\' {
				i++ // the escaped byte, even a quote
			}
			i++
		}
		i = min(i+1, len(s)) // the closing quote, if any
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j < len(s) && s[j] == ':' {
			return i, Key
		}
		return i, String
	case b == '-' || isDigit(b):
		i++
		for i < len(s) && (isDigit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-') {
			i++
		}
		return i, Number
	case isPunct(b):
		return i + 1, Punct
	case isWordByte(b):
		for i < len(s) && isWordByte(s[i]) {
			i++
		}
		if w := s[start:i]; w == "true" || w == "false" || w == "null" {
			return i, Literal
		}
		return i, Plain
	}
	for i < len(s) && !startsToken(s[i]) {
		i++
	}
	return i, Plain
}

// Style is the theme's style for a class.
func Style(st theme.JSONStyles, c Class) lipgloss.Style {
	switch c {
	case Key:
		return st.Key
	case String:
		return st.String
	case Number:
		return st.Number
	case Literal:
		return st.Literal
	case Punct:
		return st.Punct
	}
	return st.Plain
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func isPunct(b byte) bool {
	return b == '{' || b == '}' || b == '[' || b == ']' || b == ',' || b == ':'
}

func isWordByte(b byte) bool {
	return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || isDigit(b)
}

func startsToken(b byte) bool {
	return b == '"' || b == '-' || isPunct(b) || isWordByte(b)
}
