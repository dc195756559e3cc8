package chrome

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
)

// A live view's state sits before the row count; on a narrow terminal
// "updated …" gives way after the filter was shortened, a paused refresh
// stays.
func TestStatusOfALiveView(t *testing.T) {
	valid := api.TokenState{Status: api.TokenValid, ValidUntil: time.Now().Add(8 * time.Hour)}
	base := Status{Token: valid, TokenText: "valid for 7h59m", ShowRows: true, Rows: 12, Total: 12, Hint: "? help"}
	for _, tt := range []struct {
		name  string
		width int
		live  string
		pause bool
		want  []string
		not   []string
	}{
		{"wide", 120, "updated 12s ago", false, []string{"token valid", "updated 12s ago  12 rows  ? help"}, nil},
		{"narrow", MinWidth, "updated 12s ago", false, []string{"12 rows"}, []string{"updated"}},
		{"paused, narrow", MinWidth, "refresh paused: 503, retry in 40s", true, []string{"refresh paused: 503, retry in 40s  12 rows"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.Notice = strings.Repeat("n", 35)
			s.Live, s.Paused = tt.live, tt.pause
			v := s.View(dark, tt.width)
			if w := ansi.StringWidth(v); w != tt.width {
				t.Fatalf("%d cells", w)
			}
			plain := ansi.Strip(v)
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("lacks %q: %q", w, plain)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(plain, n) {
					t.Errorf("has %q: %q", n, plain)
				}
			}
		})
	}
}
