package diff

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

func mustFields(t *testing.T, a, b string) []Change {
	t.Helper()
	cs, err := Fields([]byte(a), []byte(b))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestText(t *testing.T) {
	long := strings.Repeat("abcdefghij", 30)
	tests := []struct {
		name  string
		a, b  string
		width int
		want  string
	}{
		{"one line each", `{"name":"Mobile App","x":1,"gone":true}`, `{"name":"Mobile","x":1,"new":[1]}`, 80,
			"~ name: \"Mobile App\" → \"Mobile\"\n+ new: [1]\n- gone: true"},
		{"whole document", `1`, `2`, 80, "~ (the whole document): 1 → 2"},
		{"long values wrap under the path", `{"s":"short"}`, `{"s":"` + long[:60] + `"}`, 40,
			"~ s\n  - \"short\"\n  + \"abcdefghijabcdefghijabcdefghijabcde\n    fghijabcdefghijabcdefghij\""},
		{"very long values are elided", `{}`, `{"s":"` + long + `"}`, 30,
			"+ s\n  + \"abcdefghijabcdefghijabcde\n    fghijabcdefghijabcdefghija\n    bcdefghijabcdefghijabcdefg\n    hijabcdefghijabcdefghijabc\n    defghijabcdefghijabcdefghi\n    jabcdefghijabcdefghijabcde\n    fghijabcdefghijabcdefghija\n    …"},
		{"control characters from the server are neutralised", `{"s":"a"}`, "{\"s\":\"\u009b31mred\"}", 80,
			"~ s: \"a\" → \"31mred\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(mustFields(t, tt.a, tt.b), tt.width)
			if got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
			for _, l := range strings.Split(got, "\n") {
				if w := ansi.StringWidth(l); w > tt.width {
					t.Errorf("line wider than %d: %q", tt.width, l)
				}
			}
		})
	}
}

func TestLinesStyled(t *testing.T) {
	cs := mustFields(t, `{"a":1,"b":2}`, `{"a":3,"c":4}`)
	for _, noColor := range []bool{false, true} {
		st := theme.New(theme.Options{Dark: true, NoColor: noColor})
		lines := Lines(st, cs, 60)
		if len(lines) != 3 {
			t.Fatalf("%d lines", len(lines))
		}
		if !strings.Contains(lines[0], st.Diff.Old.Render("1")) || !strings.Contains(lines[0], st.Diff.New.Render("3")) {
			t.Errorf("old and new values are not styled: %q", lines[0])
		}
		if !strings.HasPrefix(lines[1], st.Diff.Added.Render("+ ")) || !strings.HasPrefix(lines[2], st.Diff.Removed.Render("- ")) {
			t.Errorf("marks are not styled: %q %q", lines[1], lines[2])
		}
		if st.Diff.Old.Render("1") == st.Diff.New.Render("1") {
			t.Errorf("NoColor=%v: old and new look the same", noColor)
		}
	}
}

func TestModel(t *testing.T) {
	c := viewtest.Common()
	var a, b strings.Builder
	a.WriteString("{")
	b.WriteString("{")
	for i := range 40 {
		if i > 0 {
			a.WriteString(",")
			b.WriteString(",")
		}
		a.WriteString(`"k` + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + `":1`)
		b.WriteString(`"k` + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + `":2`)
	}
	a.WriteString("}")
	b.WriteString("}")
	cs := mustFields(t, a.String(), b.String())
	m := New(c)
	m.SetChanges("Changes to app 4821", cs)
	m.SetSize(60, 11)
	v := viewtest.Plain(m.View())
	lines := strings.Split(v, "\n")
	if len(lines) != 11 || !strings.Contains(lines[0], "Changes to app 4821  40 changed · 1-10 of 40 lines") {
		t.Fatalf("view:\n%s", v)
	}
	if !strings.HasPrefix(lines[1], "~ ka: 1 → 2") {
		t.Fatalf("first change: %q", lines[1])
	}
	n := c.Keys.Nav
	steps := []struct {
		key  string
		want int
	}{
		{n.Down.Keys()[0], 1}, {n.PageDown.Keys()[0], 11}, {n.Bottom.Keys()[0], 30}, {n.Down.Keys()[0], 30},
		{n.Up.Keys()[0], 29}, {n.PageUp.Keys()[0], 19}, {n.Top.Keys()[0], 0}, {n.Up.Keys()[0], 0},
	}
	for _, s := range steps {
		m.Update(viewtest.Press(s.key))
		if m.Offset() != s.want {
			t.Fatalf("after %s: offset %d, want %d", s.key, m.Offset(), s.want)
		}
	}
	if m.Consumes(viewtest.Press("esc")) || len(m.ShortHelp()) == 0 || len(m.FullHelp()) == 0 {
		t.Fatal("help/consumes")
	}
	if m.Title() != "Changes to app 4821" || len(m.Changes()) != 40 {
		t.Fatal("accessors")
	}
	// Resizing taller clamps the offset.
	m.Update(viewtest.Key(n.Bottom))
	m.SetSize(60, 100)
	if m.Offset() != 0 {
		t.Fatalf("offset %d after growing", m.Offset())
	}
	for _, l := range strings.Split(m.View().Content, "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Fatalf("line wider than the view: %q", l)
		}
	}
	m.SetSize(0, 0)
	if m.View().Content != "" {
		t.Fatal("zero size renders nothing")
	}
	var _ views.Component = m
}

func TestModelNoChanges(t *testing.T) {
	m := New(viewtest.Common())
	m.SetChanges("", nil)
	m.SetSize(40, 5)
	if got := viewtest.Plain(m.View()); got != "no changes" {
		t.Fatalf("%q", got)
	}
}

// Sections show each group's heading, then its changes; a section without
// changes says so; the summary counts every section's changes, and
// SetChanges afterwards shows changes alone again.
func TestModelSections(t *testing.T) {
	c := viewtest.Common()
	m := New(c)
	m.SetSections("Changes to 3 platforms", []Section{
		{Title: "platform ios", Changes: mustFields(t, `{"timer":30,"mode":"A"}`, `{"timer":60,"mode":"A"}`)},
		{Title: "platform android", Changes: mustFields(t, `{"timer":30}`, `{"timer":60,"x":1}`)},
		{Title: "platform web"},
	})
	m.SetSize(60, 12)
	v := viewtest.Plain(m.View())
	want := []string{
		"Changes to 3 platforms  2 changed, 1 added",
		"platform ios",
		"~ timer: 30 → 60",
		"platform android",
		"~ timer: 30 → 60",
		"+ x: 1",
		"platform web",
		"  (no change)",
	}
	lines := strings.Split(v, "\n")
	for i, w := range want {
		if strings.TrimRight(lines[i], " ") != w {
			t.Fatalf("line %d is %q, want %q:\n%s", i, lines[i], w, v)
		}
	}
	if len(m.Changes()) != 3 {
		t.Fatalf("%d changes, want every section's 3", len(m.Changes()))
	}
	if !strings.Contains(m.View().Content, c.Styles.Diff.Title.Render("platform ios")) {
		t.Fatal("a section's heading is not in the diff's title style")
	}
	m.SetChanges("Changes to app 1", mustFields(t, `{"a":1}`, `{"a":2}`))
	if v := viewtest.Plain(m.View()); strings.Contains(v, "platform") || !strings.Contains(v, "~ a: 1 → 2") {
		t.Fatalf("SetChanges after sections:\n%s", v)
	}
}

// A section standing for many entities counts its changes that often in
// the summary; a section with a note shows it in place of the changes and
// is counted as not itemised.
func TestModelSectionsCountAndNote(t *testing.T) {
	m := New(viewtest.Common())
	m.SetSections("Changes to 300 apps", []Section{
		{Title: "250 apps", Count: 250, Changes: mustFields(t, `{"a":1}`, `{"a":1,"x":1}`)},
		{Title: "40 more apps", Count: 40, Note: "name changed in 40\nx added in 40"},
		{Title: "10 apps already have these values", Count: 10},
	})
	m.SetSize(60, 12)
	v := viewtest.Plain(m.View())
	want := []string{
		"Changes to 300 apps  250 added; 40 not itemised",
		"250 apps",
		"+ x: 1",
		"40 more apps",
		"  name changed in 40",
		"  x added in 40",
		"10 apps already have these values",
		"  (no change)",
	}
	lines := strings.Split(v, "\n")
	for i, w := range want {
		if strings.TrimRight(lines[i], " ") != w {
			t.Fatalf("line %d is %q, want %q:\n%s", i, lines[i], w, v)
		}
	}
}
