package editor

import (
	"charm.land/lipgloss/v2"

	"github.com/mpconsole/mpconsole/ui/theme"
)

type class uint8

const (
	plainTok class = iota
	keyTok
	stringTok
	numberTok
	literalTok
	punctTok
)

// segment is a run of one line with one class; start and end are byte
// offsets in the line.
type segment struct {
	start, end int
	class      class
}

// lexLine classes one line of JSON for highlighting. A line of JSON text
// can be highlighted on its own (a string cannot span lines), so only the
// lines on screen are lexed, whatever the document's size; text that is
// not JSON is shown plain, the rest of the line after an unterminated
// string as a string.
func lexLine(s string, out []segment) []segment {
	out = out[:0]
	i := 0
	for i < len(s) {
		b := s[i]
		start := i
		switch {
		case b == '"':
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i+1, len(s))
			cl := stringTok
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j < len(s) && s[j] == ':' {
				cl = keyTok
			}
			out = append(out, segment{start, i, cl})
		case b == '-' || ('0' <= b && b <= '9'):
			i++
			for i < len(s) && (('0' <= s[i] && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-') {
				i++
			}
			out = append(out, segment{start, i, numberTok})
		case b == '{' || b == '}' || b == '[' || b == ']' || b == ',' || b == ':':
			i++
			out = append(out, segment{start, i, punctTok})
		case isWordByte(b):
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
			cl := plainTok
			if w := s[start:i]; w == "true" || w == "false" || w == "null" {
				cl = literalTok
			}
			out = append(out, segment{start, i, cl})
		default:
			for i < len(s) && !startsToken(s[i]) {
				i++
			}
			if i == start {
				i++
			}
			out = append(out, segment{start, i, plainTok})
		}
	}
	return out
}

func startsToken(b byte) bool {
	return b == '"' || b == '-' || ('0' <= b && b <= '9') || b == '{' || b == '}' || b == '[' || b == ']' || b == ',' || b == ':' || isWordByte(b)
}

func classStyle(st *theme.Styles, c class) lipgloss.Style {
	j := st.JSON
	switch c {
	case keyTok:
		return j.Key
	case stringTok:
		return j.String
	case numberTok:
		return j.Number
	case literalTok:
		return j.Literal
	case punctTok:
		return j.Punct
	}
	return j.Plain
}
