package text

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// screen is a frame of the console's shape: a header, width × height of
// styled rows (every other one shorter), a status bar.
func screen(width, height int) []string {
	st := lipgloss.NewStyle().Foreground(lipgloss.Color("#7D56F4")).Bold(true)
	row := func(i int) string {
		s := st.Render("App 0000"+string(rune('0'+i%10))) + "   iOS, Android   2020-01-01 00:00   ✓ ⠋ 漢字"
		if i%2 == 0 {
			s += strings.Repeat(" ", width-lipgloss.Width(s))
		}
		return s
	}
	var body []string
	for i := range height {
		body = append(body, row(i))
	}
	return []string{st.Render(strings.Repeat("─", width)), strings.Join(body, "\n"), "token valid · 50 000 rows"}
}

func TestJoinLeftIsLipglossJoinVertical(t *testing.T) {
	for _, blocks := range [][]string{
		nil,
		{""},
		{"one"},
		{"", ""},
		{"a", "bb\nccc", ""},
		{"tab\there", "crlf\r\nline", "lone\rcr"},
		{"漢字\n⠋", "\x1b[1mbold\x1b[m", "é\u0301"},
		screen(120, 40),
	} {
		if got, want := JoinLeft(blocks...), lipgloss.JoinVertical(lipgloss.Left, blocks...); got != want {
			t.Errorf("JoinLeft(%q)\n = %q\nwant %q", blocks, got, want)
		}
	}
}

func FuzzJoinLeft(f *testing.F) {
	f.Add("a", "bb\nccc", "")
	f.Add("tab\there", "crlf\r\n", "\x1b[31m漢\x1b[m\n")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if got, want := JoinLeft(a, b, c), lipgloss.JoinVertical(lipgloss.Left, a, b, c); got != want {
			t.Fatalf("JoinLeft(%q, %q, %q)\n = %q\nwant %q", a, b, c, got, want)
		}
	})
}

// BenchmarkJoinLeft joins a 120 × 40 screen as the root view does on
// every frame, against lipgloss.JoinVertical.
func BenchmarkJoinLeft(b *testing.B) {
	blocks := screen(120, 40)
	for _, bc := range []struct {
		name string
		join func(...string) string
	}{
		{"JoinLeft", JoinLeft},
		{"lipgloss.JoinVertical", func(s ...string) string { return lipgloss.JoinVertical(lipgloss.Left, s...) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = bc.join(blocks...)
			}
		})
	}
}
