package jsonnum

import "testing"

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1", "1", true},
		{"1.0", "1", true},
		{"1e3", "1000", true},
		{"1E+3", "1000.00", true},
		{"-0", "0", true},
		{"0.1", "0.10", true},
		{"12345678901234567890", "12345678901234567891", false},
		{"1e999999999", "1e999999999", true},
		{"1e999999999", "1e999999998", false},
		{"2", "3", false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := Equal(tt.b, tt.a); got != tt.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}
