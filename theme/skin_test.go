package theme

import (
	"testing"

	"charm.land/lipgloss/v2"
)

func TestASkinReplacesThePalettesColours(t *testing.T) {
	skin, errs := ParseSkin(map[string]string{"accent": "#ff0000", "json_key": "blue", "acent": "#00ff00", "error": "#12345"})
	if len(errs) != 2 || errs[0].Key != "acent" || errs[1].Key != "error" {
		t.Fatalf("errors %v, want acent (unknown) and error (bad colour)", errs)
	}
	if len(skin) != 2 {
		t.Fatalf("skin %v, want accent and json_key", skin)
	}
	for _, dark := range []bool{true, false} {
		plain := New(Options{Dark: dark})
		s := New(Options{Dark: dark, Skin: skin})
		if got := s.Header.BreadcrumbCurrent.GetForeground(); got != lipgloss.Color("#ff0000") {
			t.Errorf("dark=%v: accent %v, want #ff0000", dark, got)
		}
		if got := s.JSON.Key.GetForeground(); got != lipgloss.Color("4") {
			t.Errorf("dark=%v: json key %v, want blue (4)", dark, got)
		}
		if s.ErrorPane.Title.GetForeground() != plain.ErrorPane.Title.GetForeground() {
			t.Errorf("dark=%v: a colour the skin does not set changed", dark)
		}
	}
	if s := New(Options{NoColor: true, Skin: skin}); s.Header.BreadcrumbCurrent.GetForeground() != (lipgloss.NoColor{}) {
		t.Errorf("NO_COLOR did not win over the skin: %v", s.Header.BreadcrumbCurrent.GetForeground())
	}
}
