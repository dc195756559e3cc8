// Package termtext makes untrusted text safe to show in a terminal. It is
// the one sanitizer of the project: the client cleans what the server sends
// (names, error messages) with it, and the views clean anything they lay out.
// It depends on the standard library only, so the client may use it.
package termtext

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes untrusted text safe to lay out on one line: tabs and line
// breaks become spaces, every other control character (ESC and the C1
// codes that could drive the terminal, DEL) is dropped, and invalid UTF-8
// becomes U+FFFD (a stray lead byte would otherwise swallow the escape
// sequence after it). Text that needs no change is returned as it is,
// without allocating.
func Sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	clean := true
	for _, r := range s {
		if isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case isControl(r):
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}
