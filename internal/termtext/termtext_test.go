package termtext

import "testing"

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"tab\there", "tab here"},
		{"new\nline\r", "new line "},
		{"\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"osc\x1b]52;c;aGk=\x07", "osc]52;c;aGk="},
		{"c1\u009bcsi", "c1csi"},
		{"del\x7f", "del"},
		{"ünïcödé 日本", "ünïcödé 日本"},
		{"bad\xc7", "bad\uFFFD"},
		{"bad\xff\x1b[m", "bad\uFFFD[m"},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "bad\xff", "\u009b31m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Sanitize(s)
		for _, r := range got {
			if isControl(r) {
				t.Fatalf("Sanitize(%q) = %q keeps control %U", s, got, r)
			}
		}
		if Sanitize(got) != got {
			t.Fatalf("Sanitize is not idempotent on %q", s)
		}
	})
}
