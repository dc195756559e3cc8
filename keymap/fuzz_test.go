package keymap

import (
	"strings"
	"testing"
)

// NormalizeKey never panics, and what it returns is a fixed point: a
// normalised key normalises to itself.
func FuzzNormalizeKey(f *testing.F) {
	for _, s := range []string{"q", "ctrl+r", "Ctrl+Shift+Up", "+", "ctrl++", "pgdn", "shift+a", "f12", "", "++", "+a", "ctrl+", "é", "\x00", "alt+ctrl+alt+x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeKey(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if n == "" {
			t.Fatalf("NormalizeKey(%q) accepted an empty key", s)
		}
		again, err := NormalizeKey(n)
		if err != nil || again != n {
			t.Fatalf("NormalizeKey(%q) = %q, which normalises to %q, %v", s, n, again, err)
		}
	})
}

// Apply never panics and either returns a valid keymap or an error naming
// the action.
func FuzzApply(f *testing.F) {
	f.Add("table.filter", "f", "")
	f.Add("global.quit", "q", "ctrl+q")
	f.Add("nav.down", "j", "/")
	f.Add("bogus", "x", "")
	f.Fuzz(func(t *testing.T, action, k1, k2 string) {
		keys := []string{k1}
		if k2 != "" {
			keys = append(keys, k2)
		}
		km, err := Apply(map[string][]string{action: keys})
		if err != nil {
			if !strings.Contains(err.Error(), "keys:") {
				t.Fatalf("unclear error: %v", err)
			}
			return
		}
		if err := km.Validate(); err != nil {
			t.Fatalf("Apply returned a keymap that does not validate: %v", err)
		}
	})
}
