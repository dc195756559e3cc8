package table

import (
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// Any filter text reads without a panic into a spec that holds together:
// a field names a column only when its title is the name typed, a regex
// is compiled, the prompt's tag can be said, and reading again with the
// first reading as prev (which reuses its regex) reads the same.
func FuzzReadFilter(f *testing.F) {
	for _, s := range []string{
		"", "!", "~", "!~", "~app", "!~a b", "name=acme", "NAME != x", "name!=", "=x", "!=x",
		"nope=1", "1a=b", "^app", "a(b", "!^a.*b$", "a|b", `\d+`, "(?i)x", "[", "*", "é=é",
		"\xc7=\xc7", "ı=İ", "name=a=b", "a b-c_d=e",
	} {
		f.Add(s, "Name")
	}
	f.Add("access key=k", "Access-Key")
	f.Fuzz(func(t *testing.T, s, title string) {
		m := New(viewtest.Common(), []Column{{Title: "ID", Width: 4}, {Title: title, Flex: 1}})
		m.SetRows([]Row{{ID: "1", Cells: []string{"1", "Mixed Case"}}})
		sp := m.readFilter(s, &spec{})
		switch sp.mode {
		case modeNone:
			if s != "" {
				t.Fatalf("%q read as no filter", s)
			}
		case modeField:
			if !isColumnName(sp.name) {
				t.Fatalf("%q: field of %q, not a column name", s, sp.name)
			}
			if sp.col >= len(m.cols) || sp.col < -1 {
				t.Fatalf("%q: column %d of %d", s, sp.col, len(m.cols))
			}
			if sp.col >= 0 && columnKey(m.cols[sp.col].Title) != columnKey(sp.name) {
				t.Fatalf("%q: %q names column %q", s, sp.name, m.cols[sp.col].Title)
			}
		case modeRegex:
			if sp.rx == nil || sp.key != strings.TrimPrefix(s, "!") {
				t.Fatalf("%q: regex %q without its compiled form or key", s, sp.key)
			}
		}
		if tag, _ := sp.tag(m.cols); tag == "" {
			t.Fatalf("%q: no tag", s)
		}
		again := m.readFilter(s, &sp)
		if again.mode != sp.mode || again.not != sp.not || again.key != sp.key || again.col != sp.col ||
			again.lit != sp.lit || again.litOK != sp.litOK || again.notRegex != sp.notRegex {
			t.Fatalf("%q read again with its reading as prev: %+v, first %+v", s, again, sp)
		}
	})
}
