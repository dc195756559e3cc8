package inspector

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// Any bytes are shown without a panic, within the width, with no control
// character from the data reaching the screen; searching them works too.
func FuzzInspector(f *testing.F) {
	f.Add([]byte(app), "app")
	f.Add([]byte(`{"a":"\u001b[2J","b":[1,2,{"c":null}]}`), "u001b")
	f.Add([]byte("<html>\x1b]52;c;aGk=\x07</html>"), "html")
	f.Add([]byte(`"just a string"`), "")
	f.Add([]byte{0xff, 0xfe, '{'}, "\xff")
	f.Add([]byte("{\"k\":\"\u0130stanbul\"}"), "i̇")
	f.Fuzz(func(t *testing.T, data []byte, q string) {
		m := New(viewtest.Common())
		m.SetSize(40, 8)
		m.SetJSON("fuzz", data)
		m.search(q)
		m.step(1)
		for _, l := range strings.Split(m.View().Content, "\n") {
			if w := ansi.StringWidth(l); w > 40 {
				t.Fatalf("line of %d cells", w)
			}
			stripped := ansi.Strip(l)
			for _, r := range stripped {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
					t.Fatalf("control character %U on screen: %q", r, stripped)
				}
			}
		}
	})
}

// A line drawn, with its token colours and any search matches, is the
// line's text byte for byte, so match offsets computed on a line apply to
// what is drawn.
func FuzzDrawnLinesMatchLines(f *testing.F) {
	f.Add([]byte(app), "a")
	f.Add([]byte("{\"a\":\"\xc7\xc7\",\"\xff\":1}"), "\xc7")
	f.Add([]byte("{\"c1\":\"\u0085\u009b\"}"), "c")
	f.Add([]byte("<p>not \"JSON</p>"), "ot \"j")
	f.Fuzz(func(t *testing.T, data []byte, q string) {
		m := New(viewtest.Common())
		m.SetJSON("fuzz", data)
		m.search(q)
		for i, l := range m.lines {
			if got := ansi.Strip(m.renderLine(i)); got != l {
				t.Fatalf("line %d is %q but is drawn as %q", i, l, got)
			}
		}
	})
}
