package config

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// lineIndex maps each key of a TOML file to the line it is defined on. The
// decoder reports positions only for syntax errors, so validation messages
// find their line here.
type lineIndex map[string]int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{}
	var table []string
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "["):
			name := strings.Trim(line, "[] \t")
			if j := strings.Index(name, "#"); j >= 0 && !strings.Contains(name[:j], `"`) {
				name = strings.TrimSpace(name[:j])
			}
			table = splitKey(name)
			idx.set(table, i+1)
		default:
			eq := indexOutsideQuotes(line, '=')
			if eq < 0 {
				continue
			}
			key := append(append([]string{}, table...), splitKey(strings.TrimSpace(line[:eq]))...)
			idx.set(key, i+1)
		}
	}
	return idx
}

func (l lineIndex) set(key []string, line int) {
	k := strings.Join(key, "\x00")
	if _, ok := l[k]; !ok {
		l[k] = line
	}
}

// find returns the line of key, or of its closest defined parent, or 0.
func (l lineIndex) find(key toml.Key) int {
	for n := len(key); n > 0; n-- {
		if line, ok := l[strings.Join(key[:n], "\x00")]; ok {
			return line
		}
	}
	return 0
}

// splitKey splits a dotted TOML key, honouring quoted parts.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

func indexOutsideQuotes(s string, want byte) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == want:
			return i
		}
	}
	return -1
}
