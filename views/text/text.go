// Package text holds the pure text helpers of the views: fitting, truncating
// and clipping laid-out text to a number of terminal cells. It imports no
// view, so every view (and the root) may use it.
package text

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit truncates s to width cells (with an ellipsis) and pads it with spaces
// to exactly width. s must be plain text (no escape sequences).
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := Width(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = Width(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// Truncate shortens s to at most width cells, with an ellipsis. Styled text
// is allowed.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if Width(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// Lines clips a block of text to height lines and each line to width cells,
// padding neither. Styled text is allowed.
func Lines(s string, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = Truncate(l, width)
	}
	return strings.Join(lines, "\n")
}

// GroupDigits writes n with its thousands apart, as counts read in the
// console: 12 400.
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}
