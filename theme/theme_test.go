package theme

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// sgrParams returns every SGR parameter in s ("1", "7", "38", …).
func sgrParams(s string) []int {
	var out []int
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			out = append(out, n)
		}
	}
	return out
}

func isColorParam(n int) bool {
	return (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) || n == 58
}

// eachStyle calls f with every lipgloss.Style in Styles, by field path.
func eachStyle(s *Styles, f func(path string, st lipgloss.Style)) {
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if st, ok := v.Interface().(lipgloss.Style); ok {
			f(path, st)
			return
		}
		if v.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			walk(path+"."+v.Type().Field(i).Name, v.Field(i))
		}
	}
	walk("Styles", reflect.ValueOf(*s))
}

func TestNoColorHasNoColourButStaysReadable(t *testing.T) {
	for _, dark := range []bool{true, false} {
		s := New(Options{Dark: dark, NoColor: true})
		n := 0
		eachStyle(s, func(path string, st lipgloss.Style) {
			n++
			out := st.Render("text")
			for _, p := range sgrParams(out) {
				if isColorParam(p) {
					t.Errorf("%s renders a colour (SGR %d) under NO_COLOR: %q", path, p, out)
				}
			}
		})
		if n < 50 {
			t.Fatalf("walked only %d styles", n)
		}
		// The cursor row, the focused button and the badges are reversed, so
		// they remain visible without colour.
		for name, st := range map[string]lipgloss.Style{
			"Table.Selected":      s.Table.Selected,
			"Dialog.ButtonActive": s.Dialog.ButtonActive,
			"Dialog.DangerActive": s.Dialog.DangerActive,
			"Header.Sandbox":      s.Header.Sandbox,
			"Header.ReadOnly":     s.Header.ReadOnly,
			"Palette.Selected":    s.Palette.ItemSelected,
			"JSON.CurrentMatch":   s.JSON.CurrentMatch,
		} {
			if !hasParam(st.Render("x"), 7) {
				t.Errorf("%s is not reversed under NO_COLOR: %q", name, st.Render("x"))
			}
		}
		if !hasParam(s.Table.Match.Render("x"), 4) {
			t.Error("a filter match is not underlined under NO_COLOR")
		}
		if s.Table.Row.Render("x") == s.Table.Selected.Render("x") {
			t.Error("the selected row looks like any other")
		}
		if got := s.ProfileBadge(lipgloss.Color("#d70000")).Render("prod"); containsColor(got) {
			t.Errorf("profile badge coloured under NO_COLOR: %q", got)
		}
		if s.TextInput().Cursor.Color != nil {
			t.Error("text cursor coloured under NO_COLOR")
		}
	}
}

func hasParam(s string, want int) bool {
	for _, p := range sgrParams(s) {
		if p == want {
			return true
		}
	}
	return false
}

func containsColor(s string) bool {
	for _, p := range sgrParams(s) {
		if isColorParam(p) {
			return true
		}
	}
	return false
}

func TestColoursAdaptToTheBackground(t *testing.T) {
	dark, light := New(Options{Dark: true}), New(Options{Dark: false})
	if !containsColor(dark.Table.Selected.Render("x")) {
		t.Fatal("the selected row has no colour")
	}
	differ := 0
	pairs := map[string][2]lipgloss.Style{
		"Selected": {dark.Table.Selected, light.Table.Selected},
		"JSONKey":  {dark.JSON.Key, light.JSON.Key},
		"Error":    {dark.ErrorPane.Title, light.ErrorPane.Title},
		"Muted":    {dark.Status.Hint, light.Status.Hint},
	}
	for name, p := range pairs {
		if p[0].Render("x") != p[1].Render("x") {
			differ++
		} else {
			t.Errorf("%s is the same on dark and light backgrounds", name)
		}
	}
	if differ == 0 {
		t.Fatal("no adaptive colours")
	}
}

func TestNoColorEnv(t *testing.T) {
	tests := []struct {
		env  []string
		want bool
	}{
		{nil, false},
		{[]string{"TERM=xterm"}, false},
		{[]string{"NO_COLOR="}, false},
		{[]string{"NO_COLOR=1"}, true},
		{[]string{"NO_COLOR=0"}, true}, // no-color.org: any non-empty value
		{[]string{"XNO_COLOR=1"}, false},
	}
	for _, tt := range tests {
		if got := NoColorEnv(tt.env); got != tt.want {
			t.Errorf("NoColorEnv(%q) = %v", tt.env, got)
		}
	}
}

func TestParseColor(t *testing.T) {
	tests := []struct {
		in  string
		ok  bool
		err string
	}{
		{"#d70000", true, ""},
		{"#D00", true, ""},
		{"160", true, ""},
		{"red", true, ""},
		{"Bright-Blue", true, ""},
		{"bright_cyan", true, ""},
		{"", false, "empty"},
		{"#12345", false, "#rgb or #rrggbb"},
		{"#gg0000", false, "hex digit"},
		{"300", false, "0 to 255"},
		{"crimson", false, `"crimson"`},
	}
	for _, tt := range tests {
		c, err := ParseColor(tt.in)
		if tt.ok != (err == nil) || (tt.ok && c == nil) {
			t.Errorf("ParseColor(%q) = %v, %v", tt.in, c, err)
			continue
		}
		if !tt.ok && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseColor(%q) error %q lacks %q", tt.in, err, tt.err)
		}
	}
}

func TestProfileBadgeUsesTheProfileColour(t *testing.T) {
	s := New(Options{Dark: true})
	red, _ := ParseColor("#d70000")
	yellow, _ := ParseColor("#ffff00")
	r := s.ProfileBadge(red).Render("prod")
	if !strings.Contains(r, "48;2;215;0;0") {
		t.Fatalf("badge without the profile colour: %q", r)
	}
	if !strings.Contains(r, "38;2;255;255;255") {
		t.Errorf("white text expected on dark red: %q", r)
	}
	if y := s.ProfileBadge(yellow).Render("x"); !strings.Contains(y, "38;2;17;17;17") {
		t.Errorf("dark text expected on yellow: %q", y)
	}
	if s.ProfileBadge(nil).Render("x") != s.Header.Profile.Render("x") {
		t.Error("no colour should give the default badge")
	}
}
