package theme

import "testing"

// ParseColor never panics and never returns a nil colour without an error.
func FuzzParseColor(f *testing.F) {
	for _, s := range []string{"#d70000", "#fff", "160", "red", "bright-blue", "", "#", "#ggg", "-1", "999", " RED ", "bright_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseColor(s)
		if err == nil && c == nil {
			t.Fatalf("ParseColor(%q): nil colour, no error", s)
		}
		if err != nil && c != nil {
			t.Fatalf("ParseColor(%q): colour and error", s)
		}
	})
}
