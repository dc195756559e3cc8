package diff

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// brief is a change without its segments, for comparing.
type brief struct {
	Path     string
	Kind     Kind
	Old, New string
}

func briefs(cs []Change) []brief {
	var out []brief
	for _, c := range cs {
		out = append(out, brief{c.Path, c.Kind, c.Old, c.New})
	}
	return out
}

func TestFields(t *testing.T) {
	app := `{"id":4821,"name":"Mobile App","platforms":[{"os":"iOS","profile_merging":true},{"os":"Android","profile_merging":false}],"created_on":"2014-06-11T19:43:45.617"}`
	tests := []struct {
		name     string
		old, new string
		want     []brief
	}{
		{"unchanged", app, app, nil},
		{"unchanged, pretty and reordered", app, `{
  "created_on": "2014-06-11T19:43:45.617",
  "platforms": [ {"profile_merging": true, "os": "iOS"}, {"os": "Android", "profile_merging": false} ],
  "name": "Mobile App",
  "id": 4821
}`, nil},
		{"rename", app, strings.Replace(app, `"Mobile App"`, `"Mobile"`, 1),
			[]brief{{"name", Changed, `"Mobile App"`, `"Mobile"`}}},
		{"nested field in an array element", app, strings.Replace(app, `"profile_merging":false`, `"profile_merging":true`, 1),
			[]brief{{"platforms[1].profile_merging", Changed, "false", "true"}}},
		{"added and removed fields, new order then removed", `{"a":1,"b":{"c":2,"d":3}}`, `{"e":[1],"b":{"d":3,"f":null}}`,
			[]brief{{"e", Added, "", "[1]"}, {"b.f", Added, "", "null"}, {"b.c", Removed, "2", ""}, {"a", Removed, "1", ""}}},
		{"array grows and shrinks by index", `{"l":[1,2,3]}`, `{"l":[1,3]}`,
			[]brief{{"l[1]", Changed, "2", "3"}, {"l[2]", Removed, "3", ""}}},
		{"array appended", `[1]`, `[1,{"x":true}]`, []brief{{"[1]", Added, "", `{"x":true}`}}},
		{"type change is one change", `{"s":{"x":1}}`, `{"s":"x"}`, []brief{{"s", Changed, `{"x":1}`, `"x"`}}},
		{"numbers by value", `{"n":1,"m":1.50,"e":1e3,"big":12345678901234567890}`, `{"n":1.0,"m":1.5,"e":1000,"big":12345678901234567890.0}`, nil},
		{"numbers differ beyond float64", `{"big":12345678901234567890}`, `{"big":12345678901234567891}`,
			[]brief{{"big", Changed, "12345678901234567890", "12345678901234567891"}}},
		{"huge exponents compare by spelling", `{"n":1e999999999}`, `{"n":1e999999999}`, nil},
		{"huge exponents that differ", `{"n":1e999999999}`, `{"n":10e999999998}`, []brief{{"n", Changed, "1e999999999", "10e999999998"}}},
		{"strings after unescaping", `{"s":"\u0061\n"}`, `{"s":"a\n"}`, nil},
		{"null vs absent", `{"a":null}`, `{}`, []brief{{"a", Removed, "null", ""}}},
		{"duplicate key: the last wins", `{"a":1,"a":2}`, `{"a":2}`, nil},
		{"odd keys are quoted", `{"Partner Feed":1,"a.b":2,"":3}`, `{"Partner Feed":2,"a.b":3,"":4}`,
			[]brief{{`["Partner Feed"]`, Changed, "1", "2"}, {`["a.b"]`, Changed, "2", "3"}, {`[""]`, Changed, "3", "4"}}},
		{"whole document scalar", `1`, `2`, []brief{{"", Changed, "1", "2"}}},
		{"create: every field added", ``, `{"name":"x","platforms":[{"os":"iOS"}]}`,
			[]brief{{"name", Added, "", `"x"`}, {"platforms", Added, "", `[{"os":"iOS"}]`}}},
		{"delete: every field removed", `{"name":"x"}`, ``, []brief{{"name", Removed, `"x"`, ""}}},
		{"create of an array", ``, `[1]`, []brief{{"", Added, "", "[1]"}}},
		{"both absent", ``, ` `, nil},
		{"compact values escape only what JSON needs", `{"s":"<a&b>"}`, `{"s":"tab\there \"q\" \\ \u0001"}`,
			[]brief{{"s", Changed, `"<a&b>"`, `"tab\there \"q\" \\ \u0001"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Fields([]byte(tt.old), []byte(tt.new))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(briefs(got), tt.want) {
				t.Fatalf("got  %+v\nwant %+v", briefs(got), tt.want)
			}
			eq, err := Equal([]byte(tt.old), []byte(tt.new))
			if err != nil || eq != (len(tt.want) == 0) {
				t.Fatalf("Equal = %v, %v", eq, err)
			}
			// Every change's path is its segments, formatted.
			for _, c := range got {
				if FormatPath(c.Segs) != c.Path {
					t.Errorf("path %q, segments say %q", c.Path, FormatPath(c.Segs))
				}
			}
		})
	}
}

func TestFieldsInvalid(t *testing.T) {
	tests := []struct {
		old, new string
		want     string
	}{
		{`{"a":}`, `{}`, "old version: invalid JSON"},
		{`{}`, `{"a":1,}`, "new version: invalid JSON"},
		{`{}`, `{} {}`, "new version: invalid JSON: text after the document"},
		{`{}`, `[1] x`, "new version: invalid JSON"},
		{`{}`, `{"a":[1,2}`, "new version: invalid JSON"},
		{`"`, `{}`, "old version: invalid JSON"},
	}
	for _, tt := range tests {
		_, err := Fields([]byte(tt.old), []byte(tt.new))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Fields(%q, %q) = %v, want %q…", tt.old, tt.new, err, tt.want)
		}
	}
}

func TestParsePattern(t *testing.T) {
	tests := []struct {
		in      string
		match   []Seg
		noMatch []Seg
		err     string
	}{
		{in: "id", match: []Seg{Key("id")}, noMatch: []Seg{Key("name")}},
		{in: ".id", match: []Seg{Key("id")}},
		{in: "platforms[*].access_keys", match: []Seg{Key("platforms"), Index(3), Key("access_keys")},
			noMatch: []Seg{Key("platforms"), Key("x"), Key("access_keys")}},
		{in: "platforms[1].os", match: []Seg{Key("platforms"), Index(1), Key("os")},
			noMatch: []Seg{Key("platforms"), Index(0), Key("os")}},
		{in: `settings["api key"].value`, match: []Seg{Key("settings"), Key("api key"), Key("value")}},
		{in: `["a.b"]`, match: []Seg{Key("a.b")}, noMatch: []Seg{Key("a"), Key("b")}},
		{in: "[*]", match: []Seg{Index(7)}, noMatch: []Seg{Key("x")}},
		{in: "a.b", noMatch: []Seg{Key("a")}},
		{in: "platforms.os", match: []Seg{Key("platforms"), Index(3), Key("os")}, noMatch: []Seg{Key("platforms"), Index(3)}},
		{in: "l.x", match: []Seg{Key("l"), Index(0), Index(1), Key("x")}},
		{in: "id", match: []Seg{Index(0), Key("id")}, noMatch: []Seg{Key("id"), Index(0)}},
		{in: "", err: "empty"},
		{in: "a..b", err: "empty step"},
		{in: "a.", err: "empty step"},
		{in: "a[", err: "missing ]"},
		{in: "a[x]", err: "neither an index"},
		{in: "a[-1]", err: "neither an index"},
		{in: "a b", err: "write the key"},
		{in: `["a"`, err: "missing ]"},
		{in: `["a`, err: "unterminated"},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParsePattern(%q) = %v, want error %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePattern(%q): %v", tt.in, err)
			continue
		}
		if tt.match != nil && !p.Match(tt.match) {
			t.Errorf("%q does not match %s", tt.in, FormatPath(tt.match))
		}
		if tt.noMatch != nil && p.Match(tt.noMatch) {
			t.Errorf("%q matches %s", tt.in, FormatPath(tt.noMatch))
		}
		if p.String() != tt.in {
			t.Errorf("String() = %q", p.String())
		}
	}
}

func TestTouched(t *testing.T) {
	pats := MustPatterns("id", "data_type", "platforms[*].access_keys", "created_on")
	old := `{"id":4821,"name":"a","data_type":"application","platforms":[{"os":"iOS","access_keys":[{"key":"K1"}]},{"os":"Android","access_keys":[{"key":"K2"}]}]}`
	tests := []struct {
		name string
		new  string
		want []brief
	}{
		{"same values in another spelling", `{"platforms":[{"access_keys":[{"key":"K1"}],"os":"tvOS"},{"os":"Android","access_keys":[{"key":"K2"}]}],"data_type":"application","name":"b","id":4821.0}`, nil},
		{"id changed", strings.Replace(old, "4821", "4822", 1), []brief{{"id", Changed, "4821", "4822"}}},
		{"id removed", strings.Replace(old, `"id":4821,`, "", 1), []brief{{"id", Removed, "4821", ""}}},
		{"created_on added", strings.Replace(old, `{"id"`, `{"created_on":"2020-01-01","id"`, 1), []brief{{"created_on", Added, "", `"2020-01-01"`}}},
		{"a platform removed takes its keys", strings.Replace(old, `,{"os":"Android","access_keys":[{"key":"K2"}]}`, "", 1),
			[]brief{{"platforms[1].access_keys", Removed, `[{"key":"K2"}]`, ""}}},
		{"a key edited", strings.Replace(old, "K2", "K3", 1), []brief{{"platforms[1].access_keys", Changed, `[{"key":"K2"}]`, `[{"key":"K3"}]`}}},
		{"several, in pattern order", strings.Replace(strings.Replace(old, "K1", "X", 1), "application", "app", 1),
			[]brief{{"data_type", Changed, `"application"`, `"app"`}, {"platforms[0].access_keys", Changed, `[{"key":"K1"}]`, `[{"key":"X"}]`}}},
	}
	a, err := Parse([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse([]byte(tt.new))
			if err != nil {
				t.Fatal(err)
			}
			if got := briefs(Touched(a, b, pats)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// A pattern listed twice reports a field once.
	b, _ := Parse([]byte(strings.Replace(old, "4821", "1", 1)))
	if got := Touched(a, b, MustPatterns("id", "id")); len(got) != 1 {
		t.Fatalf("twice: %+v", got)
	}
}

func TestSelect(t *testing.T) {
	d, err := Parse([]byte(`{"platforms":[{"os":"iOS"},{"os":"Android"},{"x":1}],"os":"top"}`))
	if err != nil {
		t.Fatal(err)
	}
	got := d.Select(MustPatterns("platforms[*].os")[0])
	if len(got) != 2 || got[0].Path != "platforms[0].os" || got[1].Value != `"Android"` {
		t.Fatalf("%+v", got)
	}
	if implicit := d.Select(MustPatterns("platforms.os")[0]); !reflect.DeepEqual(implicit, got) {
		t.Fatalf("a key step into an array: %+v", implicit)
	}
	if (Pattern{}).Match(nil) || d.Select(Pattern{}) != nil {
		t.Fatal("the zero pattern selects something")
	}
	if got := d.Select(MustPatterns("os[*]")[0]); got != nil {
		t.Fatalf("a string has no elements: %+v", got)
	}
	var nilDoc *Doc
	if nilDoc.Select(MustPatterns("os")[0]) != nil || !nilDoc.Equal(nil) || d.Equal(nil) {
		t.Fatal("nil documents")
	}
	if d.Compact() != `{"platforms":[{"os":"iOS"},{"os":"Android"},{"x":1}],"os":"top"}` {
		t.Fatal(d.Compact())
	}
}

func TestSummary(t *testing.T) {
	cs := []Change{{Kind: Changed}, {Kind: Added}, {Kind: Changed}, {Kind: Removed}}
	if got := Summary(cs); got != "2 changed, 1 added, 1 removed" {
		t.Fatal(got)
	}
	if got := Summary(nil); got != "no changes" {
		t.Fatal(got)
	}
}

// Fields never panics, a valid document has no changes against itself, and
// Fields is empty exactly when the documents are equal after a round trip
// through encoding/json (which normalises order and spelling of strings).
func FuzzFields(f *testing.F) {
	for _, s := range [][2]string{
		{`{"a":1}`, `{"a":2}`},
		{`{"a":[1,2,{"b":null}]}`, `{"a":[1]}`},
		{`[]`, `{}`},
		{`"x"`, `"\u0078"`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{`1e5`, `100000`},
		{``, `{"n":true}`},
		{`{"a":`, `}`},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		cs, err := Fields(a, b)
		if err != nil {
			return
		}
		for _, c := range cs {
			if FormatPath(c.Segs) != c.Path {
				t.Fatalf("path %q vs segments %q", c.Path, FormatPath(c.Segs))
			}
		}
		if self, err := Fields(a, a); err != nil || len(self) != 0 {
			t.Fatalf("a document differs from itself: %v %v", self, err)
		}
		_ = Text(cs, 40)
		// A round trip through compact keeps the document equal.
		if da, err := Parse(a); err == nil {
			back, err := Parse([]byte(da.Compact()))
			if err != nil || !da.Equal(back) {
				t.Fatalf("compact round trip of %q: %v", a, err)
			}
			if !json.Valid([]byte(da.Compact())) {
				t.Fatalf("compact is not JSON: %q", da.Compact())
			}
		}
	})
}
