package text

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestFitAndTruncate(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"日本語テキスト", 5, "日本…"},
		{"x", 0, ""},
		{"", 3, "   "},
	}
	for _, tt := range tests {
		got := Fit(tt.in, tt.width)
		if got != tt.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
		if tt.width > 0 && ansi.StringWidth(got) != tt.width {
			t.Errorf("Fit(%q, %d) is %d cells", tt.in, tt.width, ansi.StringWidth(got))
		}
	}
	if got := Truncate("\x1b[1mbold text\x1b[m", 6); ansi.Strip(got) != "bold …" || ansi.StringWidth(got) != 6 {
		t.Errorf("Truncate styled: %q", got)
	}
	if Truncate("short", 10) != "short" || Truncate("x", 0) != "" {
		t.Error("Truncate")
	}
}

func TestLines(t *testing.T) {
	got := Lines("one\ntwo long line\nthree\nfour", 5, 3)
	want := "one\ntwo …\nthree"
	if got != want {
		t.Fatalf("Lines = %q, want %q", got, want)
	}
	if Lines("x", 0, 3) != "" || Lines("x", 3, 0) != "" {
		t.Fatal("zero size")
	}
	if strings.Count(Lines(strings.Repeat("a\n", 100), 10, 7), "\n") != 6 {
		t.Fatal("height")
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", 12400: "12 400", 13475030: "13 475 030", -1234: "-1 234", -123: "-123"} {
		if got := GroupDigits(n); got != want {
			t.Errorf("GroupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}
