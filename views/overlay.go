package views

// MaxOverlayWidth is the widest a box drawn over the views gets.
const MaxOverlayWidth = 120

// OverlayWidth is the width of a box drawn over the views (the palette, a
// dialog) on a terminal width cells wide: base cells, or three fifths of
// the terminal when that is more, up to MaxOverlayWidth, and never more
// than the terminal. At 80 columns a box keeps its base; at 160 it takes
// 96; from 200 on, 120.
func OverlayWidth(width, base int) int {
	return max(0, min(width, max(base, min(MaxOverlayWidth, width*3/5))))
}
