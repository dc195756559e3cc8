package errview

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// Whatever the server sends, the pane lays it out within its box and no
// control character from it reaches the screen.
func FuzzPane(f *testing.F) {
	f.Add(422, "VALIDATION_ERROR", "App name must be specified.", "", "POST", "/v1/apps")
	f.Add(502, "", "", "<html>\x1b[2J</html>", "GET", "/v1/apps?accountId=1")
	f.Add(0, "x\x07", "y\x9b", "z\r\n", "\x1b", "")
	f.Add(999, strings.Repeat("C", 300), strings.Repeat("word ", 100), strings.Repeat("日本", 100), "PUT", "/")
	f.Fuzz(func(t *testing.T, status int, code, msg, excerpt, method, path string) {
		p := NewPane(viewtest.Common())
		p.SetSize(60, 10)
		p.Set(&api.Error{Status: status, Method: method, Path: path, Kind: api.KindForStatus(status),
			Items: []api.ErrorItem{{Code: code, Message: msg}}, Excerpt: excerpt})
		v := p.View()
		lines := strings.Split(v, "\n")
		if len(lines) > 10 || len(lines) != p.Height() {
			t.Fatalf("%d lines, height %d", len(lines), p.Height())
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w != 60 {
				t.Fatalf("line of %d cells: %q", w, ansi.Strip(l))
			}
			for _, r := range ansi.Strip(l) {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
					t.Fatalf("control character %U on screen", r)
				}
			}
		}
	})
}
