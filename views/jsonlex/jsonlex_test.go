package jsonlex

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/theme"
)

// show writes segments as text/class pairs: `"a"/key :/punct`.
func show(s string, segs []Segment) string {
	names := [Classes]string{"plain", "key", "string", "number", "literal", "punct"}
	var parts []string
	for _, sg := range segs {
		parts = append(parts, s[sg.Start:sg.End]+"/"+names[sg.Class])
	}
	return strings.Join(parts, " ")
}

func TestLine(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"empty", ``, ``},
		{"key and string value", `"name": "Mobile App",`, `"name"/key :/punct  /plain "Mobile App"/string ,/punct`},
		{"key before tab and colon", "\"k\"\t: 1", "\"k\"/key \t/plain :/punct  /plain 1/number"},
		{"string followed by a comma is a value", `"a", "b"`, `"a"/string ,/punct  /plain "b"/string`},
		{"string in an array", `["x",1]`, `[/punct "x"/string ,/punct 1/number ]/punct`},
		{"indented key", `    "id": 4821`, `    /plain "id"/key :/punct  /plain 4821/number`},
		{"numbers as spelled", `-1.50e+10,0,12345678901234567890`, `-1.50e+10/number ,/punct 0/number ,/punct 12345678901234567890/number`},
		{"literals", `true,false,null`, `true/literal ,/punct false/literal ,/punct null/literal`},
		{"almost literals are plain", `True nullx`, `True/plain  /plain nullx/plain`},
		{"punctuation", `{}[],:`, `{/punct }/punct [/punct ]/punct ,/punct :/punct`},
		{"escaped quote", `"a\"b": "c\\"`, `"a\"b"/key :/punct  /plain "c\\"/string`},
		{"escaped unicode", `"\u00e9\n"`, `"\u00e9\n"/string`},
		{"escaped colon is not a key", `"a\": 1`, `"a\": 1/string`},
		{"unterminated string", `"name": "Mobile`, `"name"/key :/punct  /plain "Mobile/string`},
		{"unterminated after a backslash", `"abc\`, `"abc\/string`},
		{"lone quote", `"`, `"/string`},
		{"multi-byte text in a string", `"é☃": "日本"`, `"é☃"/key :/punct  /plain "日本"/string`},
		{"html", `<b>502</b>`, `</plain b/plain >/plain 502/number <//plain b/plain >/plain`},
		{"prose", `not JSON!`, `not/plain  /plain JSON/plain !/plain`},
		{"non-ASCII outside strings", `é ☃`, `é ☃/plain`},
		{"invalid UTF-8", "\xff\xfe{", "\xff\xfe/plain {/punct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(tt.line, Line(tt.line, nil)); got != tt.want {
				t.Fatalf("Line(%q)\n got %s\nwant %s", tt.line, got, tt.want)
			}
		})
	}
}

func TestLineReusesItsBuffer(t *testing.T) {
	buf := Line(`{"a": [1, 2, 3]}`, nil)
	again := Line(`"b"`, buf)
	if &again[0] != &buf[0] || len(again) != 1 {
		t.Fatalf("buffer not reused: %d segments", len(again))
	}
}

func TestStyleFollowsTheTheme(t *testing.T) {
	st := theme.New(theme.Options{Dark: true}).JSON
	want := [Classes]string{st.Plain.Render("x"), st.Key.Render("x"), st.String.Render("x"),
		st.Number.Render("x"), st.Literal.Render("x"), st.Punct.Render("x")}
	seen := map[string]bool{}
	for c, w := range want {
		if got := Style(st, Class(c)).Render("x"); got != w {
			t.Errorf("class %d rendered %q, want %q", c, got, w)
		}
		seen[w] = true
	}
	if len(seen) != Classes {
		t.Fatal("the theme gives two classes one style: this test cannot tell them apart")
	}
}

// Segments tile the line, in order, never empty, and never split a UTF-8
// sequence; Next agrees with Line.
func FuzzLine(f *testing.F) {
	for _, s := range []string{`{"a": "b\"c", "n": -1.5e3, "t": true}`, `"unterminated \`, "\xff\"\xfe", "<html>", `"é": "☃"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs := Line(s, nil)
		pos := 0
		for _, sg := range segs {
			if sg.Start != pos || sg.End <= sg.Start || sg.End > len(s) || int(sg.Class) >= Classes {
				t.Fatalf("bad segment %+v at %d in %q", sg, pos, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(s[sg.Start:sg.End]) {
				t.Fatalf("segment %+v splits a character of %q", sg, s)
			}
			if end, c := Next(s, sg.Start); end != sg.End || c != sg.Class {
				t.Fatalf("Next(%d) = %d, %d; Line says %+v", sg.Start, end, c, sg)
			}
			pos = sg.End
		}
		if pos != len(s) {
			t.Fatalf("segments end at %d of %d: %s", pos, len(s), fmt.Sprint(segs))
		}
	})
}

func BenchmarkLine(b *testing.B) {
	line := `    "description": "An application with a rather long description, as some have", "id": 4821, "ok": true,`
	var buf []Segment
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		buf = Line(line, buf)
	}
}
