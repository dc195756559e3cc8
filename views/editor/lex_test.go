package editor

import (
	"strings"
	"testing"
)

// The editor draws tokens in the theme's colours, by the class jsonlex gives
// them.
func TestHighlightUsesTheTheme(t *testing.T) {
	m := newApp(t, nil)
	st := m.common.Styles.JSON
	v := m.View().Content
	for name, want := range map[string]string{
		"key":     st.Key.Render(`"name"`),
		"string":  st.String.Render(`"Mobile App"`),
		"number":  st.Number.Render("4821"),
		"literal": st.Literal.Render("null"),
		"punct":   st.Punct.Render(":"),
	} {
		if !strings.Contains(v, want) {
			t.Errorf("%s not styled as the theme says (%q)", name, want)
		}
	}
}
