package editor

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/views/diff"
)

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		line, col  int
		msgContain string
	}{
		{"empty", "", 1, 1, "the text is empty"},
		{"blank lines", "\n  \n", 3, 1, "the text is empty"},
		{"missing comma between fields", "{\n  \"a\": 1\n  \"b\": 2\n}", 2, 9, "missing ',' between two fields"},
		{"missing comma between elements", "[1\n 2]", 1, 3, "missing ',' between two elements"},
		{"trailing comma in an object", "{\n  \"a\": 1,\n}", 2, 9, "a comma before '}' must be followed by another field"},
		{"trailing comma in an array", "[1, 2,\n]", 1, 6, "a comma before ']' must be followed by another element"},
		{"unclosed object", "{\n  \"a\": 1\n", 3, 1, "the '{' on line 1 is not closed"},
		{"unclosed array", "{\"a\": [\n1,\n2", 3, 2, "the '[' on line 1 is not closed"},
		{"unclosed string", "{\"name\": \"Mobile\n}", 1, 10, "this string is not closed on its line"},
		{"unclosed string at the end", `"abc`, 1, 1, "this string is not closed"},
		{"unquoted key", "{name: 1}", 1, 2, "unexpected 'n': expected a \"quoted\" key"},
		{"single quotes", "{'a': 1}", 1, 2, "keys take double quotes"},
		{"single-quoted value", "{\"a\": 'x'}", 1, 7, "strings take double quotes"},
		{"missing colon", "{\"a\" 1}", 1, 6, "expected ':' after the key \"a\", found '1'"},
		{"capital literal", "{\"a\": True}", 1, 7, "true, false and null are written in lower case"},
		{"misspelt literal", "[nul]", 1, 2, "unexpected \"nul\": expected a value (did you mean null?)"},
		{"leading zero", "[07]", 1, 2, "a number cannot start with 0"},
		{"dot without digits", "[1.]", 1, 2, "a digit must follow '.'"},
		{"bare minus", "[-]", 1, 2, "a digit must follow '-'"},
		{"exponent without digits", "[1e+]", 1, 2, "the exponent needs digits"},
		{"plus sign", "[+1]", 1, 2, "unexpected '+': expected a value"},
		{"bad escape", `["a\x"]`, 1, 4, `invalid escape "\\x"`},
		{"short unicode escape", `["\u12"]`, 1, 3, `\u needs four hex digits`},
		{"tab in a string", "[\"a\tb\"]", 1, 4, "control character U+0009 in a string"},
		{"invalid UTF-8", "[\"a\xffb\"]", 1, 4, "invalid UTF-8 in a string"},
		{"comment", "{\n  // a comment\n}", 2, 3, "comments are not allowed in JSON"},
		{"text after the document", "{}\n{}", 2, 1, "text after the end of the document"},
		{"duplicate key", "{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}", 4, 3, "duplicate key \"a\" (also on line 2)"},
		{"duplicate key after unescaping", `{"a": 1, "\u0061": 2}`, 1, 10, `duplicate key "a"`},
		{"same key in different objects is fine, then an error", `[{"a":1},{"a":2},x]`, 1, 18, "unexpected 'x'"},
		{"columns count characters, not bytes", "{\"é\": 1 2}", 1, 9, "unexpected '2': expected ',' or '}'"},
		{"closing bracket where a value goes", "{\"a\": ]}", 1, 7, "unexpected ']': expected a value"},
		{"mismatched bracket", "[1}", 1, 3, "unexpected '}': expected ',' or ']'"},
		{"deep nesting", strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), 1, maxDepth + 1, "nested deeper than 10000 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := check(tt.text, nil, nil, strings.Count(tt.text, "\n")+1)
			if c.err == nil {
				t.Fatalf("no error for %q", tt.text)
			}
			if c.err.Line != tt.line || c.err.Column != tt.col || !strings.Contains(c.err.Msg, tt.msgContain) {
				t.Fatalf("got %v, want line %d, column %d: …%s…", c.err, tt.line, tt.col, tt.msgContain)
			}
			if json.Valid([]byte(tt.text)) && !strings.Contains(tt.msgContain, "duplicate") && utf8.ValidString(tt.text) {
				t.Fatalf("encoding/json accepts %q", tt.text)
			}
		})
	}
}

func TestCheckValid(t *testing.T) {
	for _, text := range []string{
		`{}`, `[]`, `0`, `-0.5e-3`, `"x"`, `null`, " \t\r\n{\"a\" : [ 1 , {\"b\":null} ] }\n",
		`{"a":{"a":{"a":1}}}`, `[{"a":1},{"a":1}]`, `"\u00e9\n\"\\\/"`, `1E+10`, `{"":0}`,
	} {
		if c := check(text, nil, nil, strings.Count(text, "\n")+1); c.err != nil {
			t.Errorf("%q: %v", text, c.err)
		}
	}
}

func TestCheckMarksAndHints(t *testing.T) {
	text := `{
  "id": 4821,
  "name": "Mobile App",
  "platforms": [
    {
      "os": "iOS",
      "access_keys": [
        {"key": "K"}
      ]
    },
    {"os": "Android", "access_keys": []}
  ],
  "nested": {"id": 5}
}`
	protect := diff.MustPatterns("id", "platforms[*].access_keys")
	hints := diff.MustPatterns("platforms[*].os", "name")
	c := check(text, protect, hints, strings.Count(text, "\n")+1)
	if c.err != nil {
		t.Fatal(c.err)
	}
	var marked []int
	for l, mk := range c.marks {
		if mk&markImmutable != 0 {
			marked = append(marked, l+1)
		}
	}
	if want := []int{2, 7, 8, 9, 11}; !reflect.DeepEqual(marked, want) {
		t.Errorf("marked lines %v, want %v (nested.id is not the top-level id)", marked, want)
	}
	if want := map[int]int{2: 1, 5: 0, 10: 0}; !reflect.DeepEqual(c.hints, want) {
		t.Errorf("hints %v, want %v", c.hints, want)
	}
	if want := map[string]pos{"id": {1, 2}, "platforms[0].access_keys": {6, 6}, "platforms[1].access_keys": {10, 22}}; !reflect.DeepEqual(c.keyPos, want) {
		t.Errorf("key positions %v, want %v", c.keyPos, want)
	}
}

// The checker accepts exactly what encoding/json accepts, except duplicate
// keys, and never panics. Inputs with invalid UTF-8 are only checked for
// not being accepted by the checker when encoding/json refuses them.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{"a":1}`, `[1,2,3]`, `{"a":[{"b":null,"c":"\u00e9"}]}`, `{"a":1,"a":2}`, `-0.0e+1`, `[1,]`, `{"a" 1}`,
		"\"\t\"", `"\ud800"`, `tru`, ` `, `[[[]]]`, `{"x":"\/"}`, "{\n\"a\":\n1\n}",
	} {
		f.Add(s)
	}
	protect := diff.MustPatterns("a", "a[*].b")
	f.Fuzz(func(t *testing.T, s string) {
		c := check(s, protect, protect, strings.Count(s, "\n")+1)
		valid := json.Valid([]byte(s))
		switch {
		case c.err == nil && !valid:
			t.Fatalf("accepted what encoding/json refuses: %q", s)
		case c.err != nil && valid && utf8.ValidString(s) && !strings.HasPrefix(c.err.Msg, "duplicate key"):
			t.Fatalf("refused valid JSON %q: %v", s, c.err)
		}
		if c.err != nil {
			if c.err.Line < 1 || c.err.Column < 1 || c.err.Offset < 0 || c.err.Offset > len(s) {
				t.Fatalf("bad position %+v for %q", c.err, s)
			}
		}
		_ = lexLine(s, nil)
	})
}
