package inspector

import (
	"fmt"
	"strings"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views/text"
)

// MatrixRow is one row of a role's task matrix: an area of the product and
// what the role may do there.
type MatrixRow struct {
	Area        string
	Read, Write bool
	Partial     []string // limited writes granted without full access
}

// SetPreface shows lines above the document, made for the content width
// (again on every resize); nil removes them. They are shown plain, and
// searched like the document; y copies the document only.
func (m *Model) SetPreface(pre func(width int) []string) {
	m.pre = pre
	m.relines()
	m.SetSize(m.common.Width, m.common.Height)
}

// relines puts the preface, at the current content width, above the
// document's lines.
func (m *Model) relines() {
	var pre []string
	if m.pre != nil {
		w := max(1, m.common.Width-(len(fmt.Sprint(max(1, len(m.doc)+20)))+1))
		for _, l := range m.pre(w) {
			pre = append(pre, termtext.Sanitize(l))
		}
	}
	m.plain = len(pre)
	m.lines = append(pre, m.doc...)
	m.vp.SetContentLines(m.lines)
	m.search(m.query)
}

// Matrix renders a task matrix in width cells: a title, a header, then one
// line per area with a mark under READ and WRITE (✓ granted, · not), the
// limited writes named after them, then the notes. No line is wider than
// width.
func Matrix(title string, rows []MatrixRow, notes []string, width int) []string {
	width = max(width, 20)
	area := len("AREA")
	for _, r := range rows {
		area = max(area, text.Width(r.Area))
	}
	area = min(area, max(8, width-16))
	mark := func(b bool) string {
		if b {
			return "✓"
		}
		return "·"
	}
	cell := func(s string, w int) string {
		s = text.Truncate(s, w)
		return s + strings.Repeat(" ", max(0, w-text.Width(s)))
	}
	out := []string{text.Truncate(title, width), cell("AREA", area) + "  READ  WRITE"}
	for _, r := range rows {
		l := cell(r.Area, area) + "   " + mark(r.Read) + "     " + mark(r.Write)
		if len(r.Partial) > 0 {
			l += "  " + strings.Join(r.Partial, ", ")
		}
		out = append(out, text.Truncate(l, width))
	}
	for _, n := range notes {
		out = append(out, wrap(n, width)...)
	}
	return append(out, "")
}

// wrap breaks s into lines of at most width cells at spaces.
func wrap(s string, width int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case text.Width(line)+1+text.Width(w) <= width:
			line += " " + w
		default:
			out = append(out, text.Truncate(line, width))
			line = w
		}
	}
	if line != "" {
		out = append(out, text.Truncate(line, width))
	}
	return out
}
