package inspector

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// A document read again replaces the one shown without moving the lines
// on screen, and keeps the search.
func TestReloadKeepsTheScrollAndTheSearch(t *testing.T) {
	doc := func(pct int) string {
		var b strings.Builder
		b.WriteString(`{"id":8,`)
		for i := range 40 {
			fmt.Fprintf(&b, `"field%02d":%d,`, i, i)
		}
		fmt.Fprintf(&b, `"calculation_percent_complete":%d}`, pct)
		return b.String()
	}
	m := newInspector(t, doc(40), 60, 12)
	m.Update(viewtest.Key(m.common.Keys.Nav.Bottom))
	typeText(m, "/field3")
	m.Update(viewtest.Key(m.common.Keys.Filter.Accept))
	y := m.YOffset()
	if y == 0 {
		t.Fatal("not scrolled")
	}
	m.Reload("calculation · 8", []byte(doc(90)))
	if m.YOffset() != y {
		t.Fatalf("scrolled from %d to %d", y, m.YOffset())
	}
	if n, _ := m.Matches(); n != 10 || m.Query() != "field3" {
		t.Fatalf("search %q, %d matches", m.Query(), n)
	}
	if v := viewtest.Plain(m.View()); !strings.Contains(v, `"calculation_percent_complete": 90`) || !strings.Contains(v, "calculation · 8") {
		t.Fatalf("the new document is not shown:\n%s", v)
	}
}
