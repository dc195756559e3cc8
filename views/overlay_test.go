package views

import "testing"

func TestOverlayWidth(t *testing.T) {
	tests := []struct{ width, base, want int }{
		{60, 72, 60}, // never more than the terminal
		{80, 72, 72},
		{120, 72, 72},
		{160, 72, 96},
		{200, 72, 120},
		{250, 72, 120},
		{400, 64, MaxOverlayWidth},
		{250, 130, 130}, // a base wider than the most is kept
		{0, 64, 0},
	}
	for _, tt := range tests {
		if got := OverlayWidth(tt.width, tt.base); got != tt.want {
			t.Errorf("OverlayWidth(%d, %d) = %d, want %d", tt.width, tt.base, got, tt.want)
		}
	}
}
