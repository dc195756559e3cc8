package table

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// appCols are the apps' columns as the console declares them: the name
// flexible with its least width, the others their usual width.
var appCols = []Column{{Title: "ID", Width: 8}, {Title: "NAME", Width: 20, Flex: 1},
	{Title: "PLATFORMS", Width: 24}, {Title: "CREATED", Width: 16}, {Title: "MODIFIED", Width: 16}}

func TestLayoutColumns(t *testing.T) {
	three := []Column{{Title: "ID", Width: 8}, {Title: "NAME", Flex: 1}, {Title: "OS", Width: 8}}
	tests := []struct {
		name    string
		cols    []Column
		natural []int
		width   int
		want    []int
	}{
		{"content widths, padding, the rest empty", three, []int{4, 10, 9}, 120, []int{4 + pad, 10 + pad, 9}},
		{"padding shrinks before a column does", three, []int{4, 10, 9}, 29, []int{4 + 1, 10 + 1, 9}},
		{"no room for padding", three, []int{4, 10, 9}, 27, []int{4, 10, 9}},
		{"a long name is capped, then given the room left", three, []int{4, 100, 9}, 120, []int{4 + 1, 100 + 1, 9}},
		{"a long name at a narrow width takes what is left", three, []int{4, 100, 9}, 60, []int{4, 60 - 2 - 2 - 4 - 9, 9}},
		{"the name before the others when both are capped",
			[]Column{{Title: "ID"}, {Title: "NAME", Flex: 1}, {Title: "DESCRIPTION", Width: 40}}, []int{4, 60, 80}, 120,
			[]int{4, 60, 120 - 2 - 2 - 4 - 60}},
		{"a wide terminal shows every column whole", appCols, []int{6, 28, 29, 16, 16}, 200,
			[]int{6 + pad, 28 + pad, 29 + pad, 16 + pad, 16}},
		{"the cap is a third of the table", appCols, []int{6, 70, 29, 16, 16}, 120,
			[]int{6, 120 - 2 - 4 - 6 - 29 - 16 - 16, 29, 16, 16}},
		{"narrow: the name keeps its cap, the rest hide whole", appCols, []int{6, 70, 29, 16, 16}, 60,
			[]int{6, 60 - 2 - 2 - 6 - 20, 20, 0, 0}},
		{"the minimum width", appCols, []int{6, 12, 29, 16, 16}, 60,
			[]int{6, 12, 20 + 1, 16, 0}},
		{"too narrow for the name", appCols, []int{6, 70, 29, 16, 16}, 12, []int{6, 12 - 2 - 1 - 6, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := layoutColumns(tt.cols, tt.natural, tt.width)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("width %d: %v, want %v", tt.width, got, tt.want)
			}
			used, shown := 2, 0
			for _, w := range got {
				if w > 0 {
					used += w
					shown++
				}
			}
			if used += gap * max(0, shown-1); used > max(tt.width, 2) {
				t.Fatalf("the columns take %d cells of %d", used, tt.width)
			}
		})
	}
}

// A column is as wide as its widest cell: measured on the rows as they
// arrive, in wide characters as well as ASCII, without control bytes,
// and never narrower than its title with the sort arrow.
func TestColumnsTakeTheWidthOfTheirContent(t *testing.T) {
	m := New(viewtest.Common(), appCols)
	m.SetSize(200, 10)
	if got := m.widths[:2]; got[0] != 8+pad || got[1] != 20+pad {
		t.Fatalf("before any row the columns take their declared widths: %v", m.widths)
	}
	m.SetRows([]Row{{ID: "1", Cells: []string{"1", "Shop", "iOS", "", ""}}})
	if got := m.content; !reflect.DeepEqual(got, []int{1, 4, 3, 0, 0}) {
		t.Fatalf("content widths %v", got)
	}
	if got := m.natural(1); got != len("NAME")+2 {
		t.Fatalf("a name shorter than its title asks for %d", got)
	}
	m.AppendRows([]Row{
		{ID: "2", Cells: []string{"22", "日本語のアプリ", "iOS, Android", "2024-01-02 10:00", "x"}},
		{ID: "3", Cells: []string{"333", "tab\there\x1b[31m", "", "", ""}},
	})
	if got := m.content; !reflect.DeepEqual(got, []int{3, 14, 12, 16, 1}) {
		t.Fatalf("content widths after a batch %v", got)
	}
	v := viewtest.Plain(m.View())
	if strings.Contains(v, "…") || !strings.Contains(v, "日本語のアプリ") || !strings.Contains(v, "iOS, Android") {
		t.Fatalf("a cell is cut:\n%s", v)
	}
	// A reload measures anew: the columns narrow to the rows it brings.
	m.SetRows([]Row{{ID: "1", Cells: []string{"1", "Shop", "iOS", "", ""}}})
	if got := m.content; !reflect.DeepEqual(got, []int{1, 4, 3, 0, 0}) {
		t.Fatalf("content widths after a reload %v", got)
	}
}

// Rows streamed in batches give the widths SetRows gives them all at once,
// and, on a table wide enough for every column, no column narrows while
// batches arrive.
func TestAppendedBatchesOnlyWidenColumns(t *testing.T) {
	all := make([]Row, 5000)
	for i := range all {
		name := fmt.Sprintf("app %d", i)
		if i%997 == 0 {
			name += strings.Repeat(" long", i/997)
		}
		all[i] = Row{ID: fmt.Sprint(i), Cells: []string{fmt.Sprint(i), name, strings.Repeat("ü", i%23)}}
	}
	cs := []Column{{Title: "ID", Width: 6}, {Title: "NAME", Flex: 1}, {Title: "X", Width: 8}}
	whole := New(viewtest.Common(), cs)
	whole.SetSize(160, 10)
	whole.SetRows(all)
	parts := New(viewtest.Common(), cs)
	parts.SetSize(160, 10)
	parts.SetRows(all[:700])
	prev := append([]int(nil), parts.widths...)
	for i := 700; i < len(all); i += 700 {
		parts.AppendRows(all[i:min(i+700, len(all))])
		for c, w := range parts.widths {
			if w < prev[c] {
				t.Fatalf("batch at %d narrowed column %d: %v → %v", i, c, prev, parts.widths)
			}
		}
		prev = append(prev[:0], parts.widths...)
	}
	if !reflect.DeepEqual(parts.content, whole.content) || !reflect.DeepEqual(parts.widths, whole.widths) {
		t.Fatalf("batches: %v %v, all at once: %v %v", parts.content, parts.widths, whole.content, whole.widths)
	}
}

// cellWidth is the width renderRow draws, never more than the cell's
// bytes (measure skips cells no longer than the widest so far) nor than
// widthBound (measure skips cells whose bound is not wider either).
func TestCellWidth(t *testing.T) {
	for _, s := range []string{"", "plain", "日本語", "ünï", "tab\tx", "\x1b[31mred", "bad\xc7\xff", "e\u0301", "👍🏽",
		"\u200b", "\u0085x", "#\ufe0f\u20e3", "☺\ufe0f", "🇫🇷", "👨\u200d👩\u200d👧", "नमस्ते", "สวัสดี", "ｆｕｌｌ", "한국어"} {
		got := cellWidth(s)
		if want := ansi.StringWidth(termtext.Sanitize(s)); got != want {
			t.Errorf("cellWidth(%q) = %d, drawn %d", s, got, want)
		}
		if got > len(s) {
			t.Errorf("cellWidth(%q) = %d, more than its %d bytes", s, got, len(s))
		}
		if b := widthBound(s); b < got {
			t.Errorf("widthBound(%q) = %d, less than its width %d", s, b, got)
		}
		if w := widthOver(s, 0); w != got {
			t.Errorf("widthOver(%q, 0) = %d, want %d", s, w, got)
		}
	}
}

// Measuring the cells of 100 000 rows, as SetRows does (AppendRows
// measures its batch the same way).
func BenchmarkTableMeasure100k(b *testing.B) {
	rows := appRows(100_000)
	m := New(viewtest.Common(), cols)
	m.rows = rows
	b.ReportAllocs()
	for b.Loop() {
		clear(m.content)
		m.measure(0)
	}
}

// The same rows with names outside ASCII (accents, CJK, Devanagari) of
// varied lengths.
func BenchmarkTableMeasureUnicode100k(b *testing.B) {
	rows := appRows(100_000)
	words := []string{"Société", "日本語", "नमस्ते", "Ünïcode", "アプリ"}
	for i := range rows {
		rows[i].Cells[1] = strings.Repeat(words[i%len(words)], 1+i%4) + " " + rows[i].Cells[1]
	}
	m := New(viewtest.Common(), cols)
	m.rows = rows
	b.ReportAllocs()
	for b.Loop() {
		clear(m.content)
		m.measure(0)
	}
}
