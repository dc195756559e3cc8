package diff

import (
	"slices"
	"strings"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views/text"
)

// Three is one field of a three-way comparison: its value in the version
// a draft was started from (Then), on the server now (Now) and in the
// draft (Yours). Values are compact JSON, "" where the field is absent.
// Server and Mine say which side changed it since Then.
type Three struct {
	Path             string
	Then, Now, Yours string
	Server, Mine     bool
}

// ThreeWay lists the fields that changed on either side since then, by
// path. yours may be nil (a draft that is not JSON): only the server's
// changes are listed then.
func ThreeWay(then, now, yours *Doc) []Three {
	byPath := map[string]*Three{}
	var order []string
	at := func(c Change) *Three {
		t, ok := byPath[c.Path]
		if !ok {
			t = &Three{Path: c.Path, Then: c.Old, Now: c.Old, Yours: c.Old}
			byPath[c.Path] = t
			order = append(order, c.Path)
		}
		return t
	}
	for _, c := range Docs(then, now) {
		t := at(c)
		t.Now, t.Server = c.New, true
	}
	if yours != nil {
		for _, c := range Docs(then, yours) {
			t := at(c)
			t.Yours, t.Mine = c.New, true
		}
	}
	slices.Sort(order)
	out := make([]Three, len(order))
	for i, p := range order {
		out[i] = *byPath[p]
	}
	return out
}

// ThreeLines renders a three-way comparison as a table that fits width:
// FIELD, THEN, NOW, YOURS, one line per field, values cut to their column.
// A value the side did not change is shown as "=" (the same as then), so
// what moved stands out.
func ThreeLines(st *theme.Styles, rows []Three, width int) []string {
	return threeLines(st, rows, width, true)
}

// ThreeText is ThreeLines without styles: for tests and the clipboard.
func ThreeText(rows []Three, width int) string {
	return strings.Join(threeLines(nil, rows, width, false), "\n")
}

func threeLines(st *theme.Styles, rows []Three, width int, styled bool) []string {
	width = max(width, 40)
	pathW := len("FIELD")
	for _, r := range rows {
		pathW = max(pathW, len(pathOf(r.Path)))
	}
	pathW = min(pathW, width/4)
	valW := max(4, (width-pathW-3)/3)
	cell := func(s string, w int) string { return text.Fit(termtext.Sanitize(s), w) }
	paint := func(s string, r role) string {
		if !styled {
			return s
		}
		return roleStyle(st, r).Render(s)
	}
	head := cell("FIELD", pathW) + " " + cell("THEN (draft began)", valW) + " " + cell("NOW (server)", valW) + " " + cell("YOURS", valW)
	if styled {
		head = st.Diff.Title.Render(head)
	}
	out := []string{head}
	for _, r := range rows {
		now, nowRole := "=", rolePlain
		if r.Server {
			now, nowRole = absent(r.Now), roleChanged
		}
		yours, yoursRole := "=", rolePlain
		if r.Mine {
			yours, yoursRole = absent(r.Yours), roleNew
		}
		line := paint(cell(pathOf(r.Path), pathW), rolePath) + " " +
			paint(cell(absent(r.Then), valW), rolePlain) + " " +
			paint(cell(now, valW), nowRole) + " " +
			paint(cell(yours, valW), yoursRole)
		out = append(out, text.Truncate(line, width))
	}
	return out
}

func pathOf(p string) string {
	if p == "" {
		return WholeDocument
	}
	return p
}

func absent(v string) string {
	if v == "" {
		return "(absent)"
	}
	return v
}
