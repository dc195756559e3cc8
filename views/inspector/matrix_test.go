package inspector

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestMatrixFits renders a task matrix at several widths: no line wider
// than asked, a mark per column, limited writes named, notes wrapped.
func TestMatrixFits(t *testing.T) {
	rows := []MatrixRow{
		{Area: "Audiences", Read: true, Write: true},
		{Area: "Data Subject Requests & Privacy", Read: true},
		{Area: "Connections", Partial: []string{"connect integration", "configure input"}},
	}
	note := "Assigning a role to a user is done in the dashboard (Settings › User Management)."
	for _, w := range []int{80, 40, 24} {
		lines := Matrix("Tasks of Marketer", rows, []string{note}, w)
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("width %d: %q is %d cells", w, l, ansi.StringWidth(l))
			}
		}
		if w == 80 {
			all := strings.Join(lines, "\n")
			for _, want := range []string{"AREA", "READ  WRITE", "Audiences", "✓     ✓", "connect integration, configure input", "done in the dashboard"} {
				if !strings.Contains(all, want) {
					t.Errorf("lacks %q:\n%s", want, all)
				}
			}
		}
	}
}
