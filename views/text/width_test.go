package text

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestWidthIsAnsiStringWidth(t *testing.T) {
	for _, s := range []string{
		"", "a", "plain ascii, 2020-01-01 00:00", "\x1b[1;38;5;105mstyled\x1b[m text",
		"漢字", "a漢", "e\u0301", "1\ufe0f\u20e3", "👍🏽 thumbs", "a\u200db", "\x1b]8;;https://x\x07link\x1b]8;;\x07",
		"tab\there", "del\x7fx", "ctl\x01x", "crlf\r\n", "\x1b", "bad \xff utf8", "a\x1b[", "x\u0301\u0302y",
		strings.Join(screen(120, 40), "\n"),
	} {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Errorf("Width(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
	}
}

func FuzzWidth(f *testing.F) {
	for _, s := range []string{"a", "e\u0301", "\x1b[1mb\x1b[m", "漢字", "1\ufe0f\u20e3", "a\x1b]0;t\x07b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("Width(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
	})
}

// BenchmarkWidth measures a styled table row of the console (mostly ASCII,
// a few runes past it) against ansi.StringWidth.
func BenchmarkWidth(b *testing.B) {
	st := lipgloss.NewStyle().Foreground(lipgloss.Color("#7D56F4")).Bold(true)
	row := " " + st.Render("›1") + "      App 000001   tvOS, Android, iOS   2020-01-01 00:00   2020-01-01 00:00   ✓" + strings.Repeat(" ", 30)
	for _, bc := range []struct {
		name  string
		width func(string) int
	}{{"Width", Width}, {"ansi.StringWidth", ansi.StringWidth}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				_ = bc.width(row)
			}
		})
	}
}
