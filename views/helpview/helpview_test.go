package helpview

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views/table"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

func TestHelpForTheFocusedView(t *testing.T) {
	c := viewtest.Common()
	tbl := table.New(c, []table.Column{{Title: "NAME", Flex: 1}})
	tbl.SetOps(table.Ops{Delete: true})
	m := For(c, "Table — apps", tbl)
	m.SetSize(120, 40)
	plain := squeeze(viewtest.Plain(m.View()))
	for _, want := range []string{
		"Keys", "esc closes", "Table — apps", "Everywhere",
		"/ filter", "enter open", "ctrl+d delete", "↑/k up", "pgdn/ctrl+f page down",
		"> sort by next column", "o reverse sort order",
		": command palette", "A switch account", "ctrl+r refresh", "! error log", "q quit", "ctrl+c quit from anywhere",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("help lacks %q:\n%s", want, plain)
		}
	}
	// A kind without edit or create offers neither.
	for _, not := range []string{"edit", "create"} {
		if strings.Contains(plain, not) {
			t.Errorf("help offers %q for a kind without it", not)
		}
	}
	if !strings.Contains(m.View().Content, c.Styles.Help.Key.Render("ctrl+d")) {
		t.Error("keys not styled by the theme")
	}
}

// squeeze collapses runs of spaces, so tests do not depend on alignment.
func squeeze(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}

func TestHelpFollowsRebinding(t *testing.T) {
	km, err := keymap.Apply(map[string][]string{"table.filter": {"f"}, "global.quit": {"ctrl+q"}})
	if err != nil {
		t.Fatal(err)
	}
	c := viewtest.Common()
	c.Keys = &km
	m := For(c, "Table", table.New(c, nil))
	m.SetSize(120, 40)
	plain := squeeze(viewtest.Plain(m.View()))
	if !strings.Contains(plain, "f filter") || !strings.Contains(plain, "ctrl+q quit") || strings.Contains(plain, "/ filter") {
		t.Fatalf("rebound keys not shown:\n%s", plain)
	}
}

func TestNarrowAndScrolling(t *testing.T) {
	c := viewtest.Common()
	m := For(c, "Table", table.New(c, nil))
	m.SetSize(40, 10)
	v := m.View().Content
	lines := strings.Split(v, "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 40 {
			t.Fatalf("line of %d cells: %q", w, ansi.Strip(l))
		}
	}
	// The global keys are below the fold; scrolling reaches them.
	if strings.Contains(viewtest.Plain(m.View()), "quit from anywhere") {
		t.Fatal("everything fits: the test needs a taller help")
	}
	m.Update(viewtest.Key(c.Keys.Nav.Bottom))
	if !strings.Contains(viewtest.Plain(m.View()), "quit from anywhere") {
		t.Fatalf("bottom:\n%s", viewtest.Plain(m.View()))
	}
	m.Update(viewtest.Key(c.Keys.Nav.Top))
	m.Update(viewtest.Key(c.Keys.Nav.Down))
	if m.YOffset() != 1 {
		t.Fatalf("offset %d", m.YOffset())
	}
	if m.Consumes(viewtest.Key(c.Keys.Global.Back)) {
		t.Fatal("help must let esc close it")
	}
	if len(m.ShortHelp()) == 0 || len(m.FullHelp()[0]) != 6 {
		t.Fatal("help of help")
	}
}
