package table

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// Any cells and any typed query: no panic, the frame stays within the
// table, no control character from the data reaches the screen, and the
// narrowed result equals a full scan.
func FuzzTable(f *testing.F) {
	f.Add("app-1\x1fiOS", "Mobile\x00App\x1fandroid", "ap", "p")
	f.Add("日本語\x1f1", "\xc7bad\x1f2", "\xc7", "b")
	f.Add("İstanbul\x1fx", "ıi\x1fy", "i̇", "s")
	f.Add("app-1\x1fiOS", "tvOS\x1fios", "!~i", "os")
	f.Add("app-1\x1fiOS", "tvOS\x1fios", "^app", "-1$")
	f.Add("app-1\x1fiOS", "tvOS\x1fios", "b=i", "os")
	f.Fuzz(func(t *testing.T, row1, row2, q1, q2 string) {
		rows := []Row{
			{ID: "1", Cells: strings.Split(row1, "\x1f")},
			{ID: "2", Cells: strings.Split(row2, "\x1f")},
			{ID: "3", Cells: []string{row1 + row2}},
		}
		m := New(viewtest.Common(), []Column{{Title: "A", Width: 8}, {Title: "B", Flex: 1}})
		m.SetSize(30, 6)
		m.SetRows(rows)
		for _, r := range rows {
			for _, c := range r.Cells {
				if w := cellWidth(c); w > len(c) || w > widthBound(c) {
					t.Fatalf("cellWidth(%q) = %d, more than its bytes or its bound %d", c, w, widthBound(c))
				}
			}
		}
		m.SetFilter(q1)
		m.SetFilter(q1 + q2)
		fresh := New(viewtest.Common(), []Column{{Title: "A", Width: 8}, {Title: "B", Flex: 1}})
		fresh.SetSize(30, 6)
		fresh.SetRows(rows)
		fresh.SetFilter(q1 + q2)
		if !slices.Equal(m.visible, fresh.visible) {
			t.Fatalf("narrowed %v, filtered at once %v", m.visible, fresh.visible)
		}
		if m.cur.mode == modeSubstring && !m.cur.not {
			if want := fullScan(m, m.cur.key); !slices.Equal(m.visible, want) {
				t.Fatalf("narrowed %v, full scan %v", m.visible, want)
			}
		}
		m.sortBy(1, true)
		for _, l := range strings.Split(m.View().Content, "\n") {
			if w := ansi.StringWidth(l); w > 30 {
				t.Fatalf("line of %d cells", w)
			}
			for _, r := range ansi.Strip(l) {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
					t.Fatalf("control character %U on screen", r)
				}
			}
		}
	})
}
