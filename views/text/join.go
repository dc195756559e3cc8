package text

import (
	"strings"
)

// JoinLeft puts blocks of text one under another, each line padded with
// spaces to the widest line: what lipgloss.JoinVertical(lipgloss.Left, ...)
// makes, byte for byte (tabs as four spaces, CRLF as LF), measuring each
// line once rather than twice, and with Width. The root view joins a
// whole screen this way on every frame (BenchmarkJoinLeft: about a fifth
// of the time).
func JoinLeft(blocks ...string) string {
	switch len(blocks) {
	case 0:
		return ""
	case 1:
		return blocks[0]
	}
	var lines []string
	var widths []int
	widest, size, cells := 0, 0, 0
	for _, s := range blocks {
		s = strings.ReplaceAll(s, "\t", "    ")
		s = strings.ReplaceAll(s, "\r\n", "\n")
		for l := range strings.SplitSeq(s, "\n") {
			w := Width(l)
			widest = max(widest, w)
			lines, widths = append(lines, l), append(widths, w)
			size, cells = size+len(l)+1, cells+w
		}
	}
	var b strings.Builder
	b.Grow(size - 1 + len(lines)*widest - cells)
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		for range widest - widths[i] {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
