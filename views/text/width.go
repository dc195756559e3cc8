package text

import (
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// Width is the number of cells s takes on screen: ansi.StringWidth(s)
// (escape sequences take none, a grapheme cluster its width), with a fast
// path for printable ASCII. ansi.StringWidth finds the cluster of every
// printable byte, ASCII too; a printable ASCII byte followed by another
// ASCII byte (or nothing) is a cluster of its own, one cell wide, and is
// counted as such here. The views measure every line of every frame
// (BenchmarkWidth: several times faster on a table row).
func Width(s string) int {
	state := parser.GroundState
	w := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if state == parser.GroundState && c >= ' ' && c < 0x7f && (i+1 == len(s) || s[i+1] < 0x80) {
			w++
			continue
		}
		next, action := parser.Table.Transition(state, c)
		if action == parser.PrintAction || next == parser.Utf8State {
			cluster, cw := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			w += cw
			i += len(cluster) - 1
			state = parser.GroundState
			continue
		}
		state = next
	}
	return w
}
