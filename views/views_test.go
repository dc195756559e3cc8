package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"tab\there", "tab here"},
		{"new\nline\r", "new line "},
		{"\x1b[31mred\x1b[0m", " [31mred [0m"},
		{"osc\x1b]52;c;aGk=\x07", "osc ]52;c;aGk= "},
		{"c1\u009bcsi", "c1 csi"},
		{"del\x7f", "del "},
		{"ünïcödé 日本", "ünïcödé 日本"},
		{"bad\xc7", "bad\uFFFD"},
		{"bad\xff\x1b[m", "bad\uFFFD [m"},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

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

func TestCommonAndCmds(t *testing.T) {
	var c Common
	c.SetSize(-3, 7)
	if c.Width != 0 || c.Height != 7 {
		t.Fatalf("SetSize: %+v", c)
	}
	if m, ok := ErrorCmd(errTest)().(ErrorMsg); !ok || m.Err != errTest {
		t.Fatal("ErrorCmd")
	}
	if m, ok := NoticeCmd("hi")().(NoticeMsg); !ok || m.Text != "hi" {
		t.Fatal("NoticeCmd")
	}
}

type testErr struct{}

func (testErr) Error() string { return "test" }

var errTest error = testErr{}
