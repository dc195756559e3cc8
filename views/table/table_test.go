package table

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

var cols = []Column{
	{Title: "ID", Width: 6, Right: true},
	{Title: "NAME", Flex: 1},
	{Title: "OS", Width: 8},
}

func appRows(n int) []Row {
	oses := []string{"iOS", "Android", "MobileWeb", "tvOS"}
	rows := make([]Row, n)
	for i := range rows {
		id := fmt.Sprint(1000 + i)
		rows[i] = Row{ID: id, Cells: []string{id, fmt.Sprintf("app-%06d", i), oses[i%len(oses)]}}
	}
	return rows
}

func newTable(t testing.TB, rows []Row, w, h int) (*Model, views.Common) {
	t.Helper()
	c := viewtest.Common()
	m := New(c, cols)
	m.SetSize(w, h)
	m.SetRows(rows)
	return m, c
}

// send delivers messages and returns the messages the resulting commands
// produce.
func send(m *Model, msgs ...tea.Msg) []tea.Msg {
	var out []tea.Msg
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		for _, r := range viewtest.Run(cmd) {
			if _, ok := r.(ActionMsg); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

func typeText(m *Model, s string) {
	for _, k := range viewtest.Type(s) {
		m.Update(k)
	}
}

func selectedID(m *Model) string {
	r, _ := m.Selected()
	return r.ID
}

func TestNavigation(t *testing.T) {
	c := viewtest.Common()
	nav := c.Keys.Nav
	tests := []struct {
		name       string
		keys       []tea.Msg
		wantCursor int
		wantOffset int
	}{
		{"down three", []tea.Msg{viewtest.Key(nav.Down), viewtest.Key(nav.Down), viewtest.Key(nav.Down)}, 3, 0},
		{"second key of a binding", []tea.Msg{viewtest.Press(nav.Down.Keys()[1]), viewtest.Press(nav.Down.Keys()[1])}, 2, 0},
		{"up at the top stays", []tea.Msg{viewtest.Key(nav.Up)}, 0, 0},
		{"page down", []tea.Msg{viewtest.Key(nav.PageDown)}, 10, 10},
		{"two pages down", []tea.Msg{viewtest.Key(nav.PageDown), viewtest.Key(nav.PageDown)}, 20, 20},
		{"page down at the end", []tea.Msg{viewtest.Key(nav.Bottom), viewtest.Key(nav.PageDown)}, 99, 90},
		{"bottom", []tea.Msg{viewtest.Key(nav.Bottom)}, 99, 90},
		{"bottom then page up", []tea.Msg{viewtest.Key(nav.Bottom), viewtest.Key(nav.PageUp)}, 89, 80},
		{"page up at the top", []tea.Msg{viewtest.Key(nav.Down), viewtest.Key(nav.PageUp)}, 0, 0},
		{"bottom then top", []tea.Msg{viewtest.Key(nav.Bottom), viewtest.Key(nav.Top)}, 0, 0},
		{"down past the end", append(repeat(viewtest.Key(nav.Bottom), 1), viewtest.Key(nav.Down)), 99, 90},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTable(t, appRows(100), 80, 11) // header + 10 rows
			send(m, tt.keys...)
			if m.Cursor() != tt.wantCursor || m.offset != tt.wantOffset {
				t.Fatalf("cursor %d offset %d, want %d %d", m.Cursor(), m.offset, tt.wantCursor, tt.wantOffset)
			}
			// The cursor row is always on screen.
			if !strings.Contains(viewtest.Plain(m.View()), fmt.Sprintf("app-%06d", tt.wantCursor)) {
				t.Fatalf("cursor row not rendered:\n%s", viewtest.Plain(m.View()))
			}
		})
	}
}

func repeat(m tea.Msg, n int) []tea.Msg {
	out := make([]tea.Msg, n)
	for i := range out {
		out[i] = m
	}
	return out
}

func TestViewRendersOnlyTheWindow(t *testing.T) {
	m, c := newTable(t, appRows(10000), 60, 8)
	v := viewtest.Plain(m.View())
	lines := strings.Split(v, "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines, want 8:\n%s", len(lines), v)
	}
	if !strings.Contains(lines[0], "ID") || !strings.Contains(lines[0], "NAME") || !strings.Contains(lines[0], "OS") {
		t.Fatalf("header: %q", lines[0])
	}
	if !strings.Contains(v, "app-000006") || strings.Contains(v, "app-000007") {
		t.Fatalf("window wrong:\n%s", v)
	}
	send(m, viewtest.Key(c.Keys.Nav.Bottom))
	v = viewtest.Plain(m.View())
	if !strings.Contains(v, "app-009999") || strings.Contains(v, "app-000000") {
		t.Fatalf("window after bottom:\n%s", v)
	}
	for _, l := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(l); w > 60 {
			t.Fatalf("line wider than the table (%d): %q", w, l)
		}
	}
}

func TestLayoutFitsEveryWidth(t *testing.T) {
	for _, w := range []int{1, 5, 10, 20, 33, 80, 200} {
		m, _ := newTable(t, appRows(5), w, 6)
		sum := 2 + gap*(len(cols)-1)
		for _, x := range m.widths {
			sum += x
		}
		if w >= 30 && sum > w {
			t.Errorf("width %d: columns use %d (%v)", w, sum, m.widths)
		}
		for _, l := range strings.Split(m.View().Content, "\n") {
			if lw := ansi.StringWidth(l); lw > w {
				t.Errorf("width %d: line of %d: %q", w, lw, l)
			}
		}
	}
}

func TestFilter(t *testing.T) {
	m, c := newTable(t, appRows(200), 80, 12)
	tk, fk := c.Keys.Table, c.Keys.Filter

	send(m, viewtest.Key(tk.Filter))
	if !m.Filtering() || !m.Consumes(viewtest.Press("q")) {
		t.Fatal("the prompt did not open or does not take typed keys")
	}
	typeText(m, "APP-00001")
	if m.Len() != 10 || m.Filter() != "APP-00001" {
		t.Fatalf("filter %q matched %d rows, want 10", m.Filter(), m.Len())
	}
	v := viewtest.Plain(m.View())
	if !strings.Contains(v, "/APP-00001") || !strings.Contains(v, "app-000019") || strings.Contains(v, "app-000020") {
		t.Fatalf("filtered view:\n%s", v)
	}
	// The match is highlighted with the theme's match style.
	if !strings.Contains(m.View().Content, c.Styles.Table.Match.Render("app-00001")) {
		t.Fatal("match not highlighted")
	}

	send(m, viewtest.Key(fk.Accept))
	if m.Filtering() || m.Filter() != "APP-00001" {
		t.Fatal("accept should keep the filter and close the prompt")
	}
	if m.Consumes(viewtest.Press("q")) {
		t.Fatal("a closed prompt must not swallow global keys")
	}
	back := viewtest.Key(c.Keys.Global.Back)
	if !m.Consumes(back) {
		t.Fatal("esc should go to the table while a filter is applied")
	}
	send(m, back)
	if m.Filter() != "" || m.Len() != 200 {
		t.Fatalf("esc did not clear: %q %d", m.Filter(), m.Len())
	}
	if m.Consumes(back) {
		t.Fatal("without a filter, esc is the root's (back)")
	}

	// Cancel in the prompt clears too.
	send(m, viewtest.Key(tk.Filter))
	typeText(m, "zzz")
	if m.Len() != 0 || !strings.Contains(viewtest.Plain(m.View()), "No rows match") {
		t.Fatalf("no-match view:\n%s", viewtest.Plain(m.View()))
	}
	send(m, viewtest.Key(fk.Cancel))
	if m.Filtering() || m.Filter() != "" || m.Len() != 200 {
		t.Fatal("cancel did not clear the filter")
	}
}

func TestFilterNeverMatchesAcrossCells(t *testing.T) {
	m, _ := newTable(t, []Row{{ID: "1", Cells: []string{"ab", "cd", "x"}}}, 80, 5)
	m.SetFilter("bc")
	if m.Len() != 0 {
		t.Fatal("matched across two cells")
	}
	m.SetFilter("CD")
	if m.Len() != 1 {
		t.Fatal("case-insensitive match failed")
	}
}

// Narrowing the previous result must give exactly what a full scan gives,
// whatever the sequence of typing and deleting.
func TestFilterNarrowingEqualsFullScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"alpha", "beta", "Gamma", "delta", "ALP", "bet", "ma"}
	rows := make([]Row, 3000)
	for i := range rows {
		rows[i] = Row{ID: fmt.Sprint(i), Cells: []string{
			words[rng.IntN(len(words))] + words[rng.IntN(len(words))],
			fmt.Sprint(rng.IntN(50)),
		}}
	}
	m, c := newTable(t, rows, 80, 20)
	send(m, viewtest.Key(c.Keys.Table.Filter))
	alphabet := "albetgmd1 "
	for step := 0; step < 400; step++ {
		if rng.IntN(4) == 0 {
			m.Update(viewtest.Press("backspace"))
		} else {
			typeText(m, string(alphabet[rng.IntN(len(alphabet))]))
		}
		want := fullScan(m, m.Filter())
		if !slices.Equal(m.visible, want) {
			t.Fatalf("step %d, query %q: narrowed result differs from a full scan (%d vs %d rows)", step, m.Filter(), len(m.visible), len(want))
		}
	}
}

func TestSort(t *testing.T) {
	rows := []Row{
		{ID: "a", Cells: []string{"10", "app10", "b"}},
		{ID: "b", Cells: []string{"9", "App9", "a"}},
		{ID: "c", Cells: []string{"-3", "app100", "b"}},
		{ID: "d", Cells: []string{"2.5", "app9", "a"}},
		{ID: "e", Cells: []string{"", "beta", "b"}},
	}
	c := viewtest.Common()
	tk := c.Keys.Table
	ids := func(m *Model) string {
		var s []string
		for _, v := range m.visible {
			s = append(s, m.rows[v].ID)
		}
		return strings.Join(s, "")
	}
	tests := []struct {
		name string
		keys []tea.Msg
		want string
		col  int
		desc bool
	}{
		{"server order", nil, "abcde", -1, false},
		{"numbers by value, empty last", []tea.Msg{viewtest.Key(tk.SortNext)}, "cdbae", 0, false},
		{"natural, case-insensitive, stable", []tea.Msg{viewtest.Key(tk.SortNext), viewtest.Key(tk.SortNext)}, "bdace", 1, false},
		{"stable on equal cells", repeat(viewtest.Key(tk.SortNext), 3), "bdace", 2, false},
		{"reverse keeps equal cells in server order", append(repeat(viewtest.Key(tk.SortNext), 3), viewtest.Key(tk.SortReverse)), "acebd", 2, true},
		{"previous wraps to the last column", []tea.Msg{viewtest.Key(tk.SortPrev)}, "bdace", 2, false},
		{"reverse from server order sorts the first column", []tea.Msg{viewtest.Key(tk.SortReverse)}, "eabdc", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(c, cols)
			m.SetSize(80, 10)
			m.SetRows(rows)
			send(m, tt.keys...)
			if got := ids(m); got != tt.want {
				t.Fatalf("order %s, want %s", got, tt.want)
			}
			if col, desc := m.Sort(); col != tt.col || desc != tt.desc {
				t.Fatalf("sort %d %v, want %d %v", col, desc, tt.col, tt.desc)
			}
			if tt.col >= 0 {
				arrow := "↑"
				if tt.desc {
					arrow = "↓"
				}
				if !strings.Contains(viewtest.Plain(m.View()), cols[tt.col].Title+" "+arrow) {
					t.Fatalf("no sort arrow in header:\n%s", viewtest.Plain(m.View()))
				}
			}
		})
	}
}

func TestNatural(t *testing.T) {
	sorted := []string{"", "a", "a2", "a02", "a10", "a10b", "ab", "b1", "b001x"}
	for i := 0; i+1 < len(sorted); i++ {
		if natural(sorted[i], sorted[i+1]) > 0 {
			t.Errorf("%q sorted after %q", sorted[i], sorted[i+1])
		}
	}
	if natural("x9", "x10") >= 0 || natural("x10", "x9") <= 0 || natural("same", "same") != 0 {
		t.Error("natural order broken")
	}
}

func TestCursorFollowsTheRowID(t *testing.T) {
	c := viewtest.Common()
	m, _ := newTable(t, appRows(50), 80, 10)
	send(m, repeat(viewtest.Key(c.Keys.Nav.Down), 7)...)
	if selectedID(m) != "1007" {
		t.Fatalf("selected %s", selectedID(m))
	}
	// Reload: rows reversed and one added in front.
	rows := appRows(50)
	slices.Reverse(rows)
	rows = append([]Row{{ID: "new", Cells: []string{"1", "new", "iOS"}}}, rows...)
	m.SetRows(rows)
	if selectedID(m) != "1007" {
		t.Fatalf("after reload selected %s", selectedID(m))
	}
	// Sorting keeps it.
	send(m, viewtest.Key(c.Keys.Table.SortNext))
	if selectedID(m) != "1007" {
		t.Fatalf("after sort selected %s", selectedID(m))
	}
	// A filter that keeps the row keeps it selected; one that drops it goes
	// to the top.
	m.SetFilter("app-00000")
	if selectedID(m) != "1007" {
		t.Fatalf("after filter selected %s", selectedID(m))
	}
	m.SetFilter("app-00001")
	if m.Cursor() != 0 {
		t.Fatalf("cursor %d", m.Cursor())
	}
	// The row disappears in a reload: the cursor stays in range.
	m.SetFilter("")
	send(m, viewtest.Key(c.Keys.Nav.Bottom))
	m.SetRows(appRows(3))
	if m.Cursor() != 2 {
		t.Fatalf("cursor %d after shrinking reload", m.Cursor())
	}
}

func TestStateRestoresAfterBackNavigation(t *testing.T) {
	c := viewtest.Common()
	m, _ := newTable(t, appRows(500), 80, 12)
	send(m, viewtest.Key(c.Keys.Table.SortNext), viewtest.Key(c.Keys.Table.SortReverse))
	m.SetFilter("app-0001")
	send(m, repeat(viewtest.Key(c.Keys.Nav.Down), 15)...)
	st := m.State()
	want := selectedID(m)
	if st.Filter != "app-0001" || st.SortCol != 0 || !st.SortDesc || st.CursorID != want {
		t.Fatalf("state %+v", st)
	}
	frame := m.View().Content

	// A fresh table (the view was rebuilt), restored before its rows arrive.
	n := New(c, cols)
	n.SetSize(80, 12)
	n.SetLoading(true)
	n.Restore(st)
	if !strings.Contains(viewtest.Plain(n.View()), "Loading") {
		t.Fatalf("loading view:\n%s", viewtest.Plain(n.View()))
	}
	if got := n.State(); got.CursorID != want {
		t.Fatalf("pending cursor lost: %+v", got)
	}
	n.SetRows(appRows(500))
	if selectedID(n) != want || n.Filter() != "app-0001" || n.Len() != m.Len() {
		t.Fatalf("restored %s %q %d, want %s", selectedID(n), n.Filter(), n.Len(), want)
	}
	if n.View().Content != frame {
		t.Fatalf("restored frame differs:\n%s\nwant\n%s", viewtest.Plain(n.View()), viewtest.Plain(tea.NewView(frame)))
	}

	// Restore on loaded rows, and a bad sort column is ignored.
	m.Restore(State{Filter: "", SortCol: 9, CursorID: "1003"})
	if selectedID(m) != "1003" || m.Filter() != "" {
		t.Fatalf("restore on loaded rows: %s", selectedID(m))
	}
	if col, _ := m.Sort(); col != -1 {
		t.Fatal("bad sort column kept")
	}
}

func TestActions(t *testing.T) {
	c := viewtest.Common()
	tk := c.Keys.Table
	row := appRows(3)[1]
	tests := []struct {
		name string
		ops  Ops
		key  tea.KeyPressMsg
		want []tea.Msg
	}{
		{"open", Ops{}, viewtest.Key(tk.Open), []tea.Msg{ActionMsg{Open, row}}},
		{"inspect", Ops{}, viewtest.Key(tk.Inspect), []tea.Msg{ActionMsg{Inspect, row}}},
		{"edit not offered", Ops{}, viewtest.Key(tk.Edit), nil},
		{"edit", Ops{Edit: true}, viewtest.Key(tk.Edit), []tea.Msg{ActionMsg{Edit, row}}},
		{"create not offered", Ops{Edit: true}, viewtest.Key(tk.Create), nil},
		{"create", Ops{Create: true}, viewtest.Key(tk.Create), []tea.Msg{ActionMsg{Action: Create}}},
		{"delete", Ops{Delete: true}, viewtest.Key(tk.Delete), []tea.Msg{ActionMsg{Delete, row}}},
		{"delete not offered", Ops{Create: true, Edit: true}, viewtest.Key(tk.Delete), nil},
		{"tree", Ops{Tree: true}, viewtest.Key(tk.Tree), []tea.Msg{ActionMsg{Tree, row}}},
		{"tree not offered", Ops{Edit: true}, viewtest.Key(tk.Tree), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTable(t, appRows(3), 80, 10)
			m.SetOps(tt.ops)
			send(m, viewtest.Key(c.Keys.Nav.Down))
			if got := send(m, tt.key); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	// Nothing to act on in an empty table (create still works).
	m, _ := newTable(t, nil, 80, 10)
	m.SetOps(Ops{Create: true, Edit: true, Delete: true})
	if got := send(m, viewtest.Key(tk.Open), viewtest.Key(tk.Inspect), viewtest.Key(tk.Delete)); len(got) != 0 {
		t.Fatalf("acted on nothing: %v", got)
	}
	if got := send(m, viewtest.Key(tk.Create)); len(got) != 1 {
		t.Fatal("create in an empty table")
	}
}

func TestHelpOffersOnlySupportedWrites(t *testing.T) {
	m, _ := newTable(t, appRows(3), 80, 10)
	descs := func() string {
		var s []string
		for _, col := range m.FullHelp() {
			for _, b := range col {
				s = append(s, b.Help().Desc)
			}
		}
		return strings.Join(s, ",")
	}
	if d := descs(); strings.Contains(d, "edit") || strings.Contains(d, "delete") || strings.Contains(d, "tree") || !strings.Contains(d, "filter") || !strings.Contains(d, "page down") {
		t.Fatalf("read-only kind help: %s", d)
	}
	m.SetOps(Ops{Tree: true})
	if d := descs(); !strings.Contains(d, "tree of what is under it") {
		t.Fatalf("help of a kind with children lacks the tree: %s", d)
	}
	m.SetOps(Ops{Edit: true, Delete: true})
	if d := descs(); !strings.Contains(d, "edit") || !strings.Contains(d, "delete") || strings.Contains(d, "create") {
		t.Fatalf("writable kind help: %s", d)
	}
	m.Update(viewtest.Key(m.common.Keys.Table.Filter))
	if s := m.ShortHelp(); len(s) != 2 || s[0].Help().Desc != "keep filter" {
		t.Fatalf("prompt help: %v", s)
	}
}

// Keys come from the keymap: a rebinding changes the table's behaviour.
func TestReboundKeys(t *testing.T) {
	km, err := keymap.Apply(map[string][]string{"table.filter": {"f"}, "nav.down": {"ctrl+n"}})
	if err != nil {
		t.Fatal(err)
	}
	c := viewtest.Common()
	c.Keys = &km
	m := New(c, cols)
	m.SetSize(80, 10)
	m.SetRows(appRows(10))
	m.Update(viewtest.Press("/"))
	if m.Filtering() {
		t.Fatal("the old key still opens the filter")
	}
	m.Update(viewtest.Press("f"))
	if !m.Filtering() {
		t.Fatal("the new key does not open the filter")
	}
	m.Update(viewtest.Press("esc"))
	m.Update(viewtest.Press("ctrl+n"))
	m.Update(viewtest.Press("j"))
	if m.Cursor() != 1 {
		t.Fatalf("cursor %d", m.Cursor())
	}
}

func TestUntrustedCellsCannotDriveTheTerminal(t *testing.T) {
	m, _ := newTable(t, []Row{{ID: "1", Cells: []string{"1", "\x1b[2J\x1b]52;c;aGk=\x07evil\nname\ttab", "iOS"}}}, 80, 5)
	v := m.View().Content
	if strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x07") {
		t.Fatalf("escape sequence from data reached the screen: %q", v)
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 2 {
		t.Fatalf("a newline in a cell broke the layout: %q", v)
	}
}

func TestEmptyAndLoading(t *testing.T) {
	m, _ := newTable(t, nil, 40, 5)
	m.SetEmptyText("No apps in this account.")
	if !strings.Contains(viewtest.Plain(m.View()), "No apps in this account.") {
		t.Fatal(viewtest.Plain(m.View()))
	}
	m.SetLoading(true)
	if !strings.Contains(viewtest.Plain(m.View()), "Loading…") {
		t.Fatal(viewtest.Plain(m.View()))
	}
	m.SetRows(appRows(1))
	if strings.Contains(viewtest.Plain(m.View()), "Loading") {
		t.Fatal("still loading after rows arrived")
	}
	m.SetSize(0, 0)
	if m.View().Content != "" {
		t.Fatal("a zero-size table should render nothing")
	}
}

func TestPasteIntoTheFilter(t *testing.T) {
	m, c := newTable(t, appRows(100), 80, 10)
	m.Update(tea.PasteMsg{Content: "app-00005"})
	if m.Filter() != "" {
		t.Fatal("a paste outside the prompt changed the filter")
	}
	m.Update(viewtest.Key(c.Keys.Table.Filter))
	m.Update(tea.PasteMsg{Content: "app-00005"})
	if m.Filter() != "app-00005" || m.Len() != 10 {
		t.Fatalf("paste: %q %d", m.Filter(), m.Len())
	}
}

// Under NO_COLOR the table has no colour at all and the cursor row is shown
// in reverse video, so it stays visible.
func TestNoColor(t *testing.T) {
	km := keymap.Default()
	c := views.NewCommon(theme.New(theme.Options{NoColor: true}), &km)
	m := New(c, cols)
	m.SetSize(80, 6)
	m.SetRows(appRows(5))
	m.SetFilter("app")
	v := m.View().Content
	if regexp.MustCompile("\x1b\\[[0-9;]*(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]").MatchString(v) {
		t.Fatalf("colour under NO_COLOR: %q", v)
	}
	first := strings.Split(v, "\n")[1]
	if !strings.Contains(first, "\x1b[7m") && !strings.Contains(first, ";7m") && !strings.Contains(first, "[7;") {
		t.Fatalf("cursor row not reversed: %q", first)
	}
	if second := strings.Split(v, "\n")[2]; strings.Contains(second, "7m") || !strings.Contains(second, "4m") {
		t.Fatalf("another row is reversed, or its match not underlined: %q", second)
	}
}

func TestColumnsThatDoNotFitScroll(t *testing.T) {
	c := viewtest.Common()
	wide := []Column{{Title: "ID", Width: 6}, {Title: "NAME", Width: 30}, {Title: "A", Width: 20},
		{Title: "B", Width: 20}, {Title: "LAST", Width: 20}}
	m := New(c, wide)
	m.SetRows([]Row{{ID: "1", Cells: []string{"1", "first app" + strings.Repeat(".", 21), strings.Repeat("a", 20), strings.Repeat("b", 20), "the last column"}}})
	m.SetSize(80, 10)
	view := func() string { return viewtest.Plain(m.View()) }
	header := func() string { return strings.Split(view(), "\n")[0] }
	if strings.Contains(view(), "the last column") || !strings.HasSuffix(header(), "»") {
		t.Fatalf("the last column fits at 80 or no » says there is more:\n%s", view())
	}
	// › marks the cursor row and nothing else: the header's mark is another
	// glyph, so the two read apart without colour.
	if strings.Contains(header(), "›") || strings.Count(view(), "›") != 1 || !strings.HasPrefix(strings.Split(view(), "\n")[1], "›") {
		t.Fatalf("› marks more than the cursor row:\n%s", view())
	}
	right, left := viewtest.Key(c.Keys.Nav.Right), viewtest.Key(c.Keys.Nav.Left)
	for range 5 { // more presses than columns: it stops at the last
		m.Update(right)
	}
	s := view()
	if !strings.Contains(s, "the last column") || !strings.Contains(s, "1") || !strings.Contains(header(), "«") {
		t.Fatalf("scrolled right:\n%s", s)
	}
	if strings.Contains(header(), "»") {
		t.Fatalf("» with nothing more on the right:\n%s", s)
	}
	for range 5 {
		m.Update(left)
	}
	if s := view(); !strings.Contains(s, "first app") || strings.Contains(s, "«") {
		t.Fatalf("scrolled back:\n%s", s)
	}
}

// The cursor row is marked in the margin, so the row ctrl+d acts on shows
// with no colour and no reverse video (TERM=dumb strips both).
func TestCursorRowIsMarkedWithoutColour(t *testing.T) {
	km := keymap.Default()
	c := views.NewCommon(theme.New(theme.Options{NoColor: true}), &km)
	m := New(c, cols)
	m.SetSize(60, 8)
	m.SetRows(appRows(5))
	check := func(want int) {
		t.Helper()
		lines := strings.Split(viewtest.Plain(m.View()), "\n")
		if strings.HasPrefix(lines[0], cursorMark) {
			t.Fatalf("the header is marked: %q", lines[0])
		}
		for i, l := range lines[1:6] {
			marked := strings.HasPrefix(l, cursorMark+" ")
			if marked != (i == want) {
				t.Fatalf("row %d marked=%v, cursor on %d:\n%s", i, marked, want, strings.Join(lines, "\n"))
			}
			if !marked && !strings.HasPrefix(l, " ") {
				t.Fatalf("row %d does not start with the margin: %q", i, l)
			}
		}
	}
	check(0)
	send(m, viewtest.Key(c.Keys.Nav.Down), viewtest.Key(c.Keys.Nav.Down))
	check(2)
	// The mark stays on the cursor row through a filter.
	m.SetFilter("app-00000")
	check(2)
}

// At 60 columns the name keeps its room: the columns right of it hide
// whole (not cut to a sliver), the header says there is more, and
// scrolling right still shows them. Those that show are whole.
func TestNarrowTableHidesColumnsRightOfTheName(t *testing.T) {
	c := viewtest.Common()
	apps := []Column{{Title: "ID", Width: 8}, {Title: "NAME", Width: 20, Flex: 1},
		{Title: "PLATFORMS", Width: 24}, {Title: "CREATED", Width: 16}, {Title: "MODIFIED", Width: 16}}
	m := New(c, apps)
	m.SetRows([]Row{{ID: "3", Cells: []string{"3", "Shop with a long name", "iOS, Android, MobileWeb", "2024-01-02 10:00", "2024-03-04 11:00"}}})
	m.SetSize(60, 6)
	v := viewtest.Plain(m.View())
	lines := strings.Split(v, "\n")
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 60 {
			t.Fatalf("line of %d cells at 60: %q", w, l)
		}
	}
	if !strings.Contains(lines[0], "PLATFORMS") || strings.Contains(lines[0], "CREA") || !strings.HasSuffix(lines[0], "»") {
		t.Fatalf("header at 60: %q", lines[0])
	}
	if !strings.Contains(lines[1], "Shop with a long name") || !strings.Contains(lines[1], "iOS, Android, MobileWeb") || strings.Contains(lines[1], "…") {
		t.Fatalf("row at 60 is cut: %q", lines[1])
	}
	if got := m.widths; got[3] != 0 || got[4] != 0 || got[1] < len("Shop with a long name") {
		t.Fatalf("widths at 60: %v", got)
	}
	// Scrolling right brings the hidden columns in, whole.
	right := viewtest.Key(c.Keys.Nav.Right)
	m.Update(right)
	m.Update(right)
	s := viewtest.Plain(m.View())
	if !strings.Contains(s, "2024-01-02 10:00") || !strings.Contains(s, "2024-03-04 11:00") || !strings.Contains(s, "«") {
		t.Fatalf("scrolled right at 60:\n%s", s)
	}
}

func TestLayoutColumnsHidesWhatDoesNotFitWhole(t *testing.T) {
	cs := []Column{{Title: "ID", Width: 8}, {Title: "NAME", Width: 20, Flex: 1}, {Title: "A", Width: 24}, {Title: "B", Width: 16}}
	natural := []int{8, 20, 24, 16}
	tests := []struct {
		width int
		want  []int
	}{
		{120, []int{8 + pad, 20 + pad, 24 + pad, 16}}, // the rest stays empty
		{73, []int{8, 20, 24, 16}},
		{72, []int{8, 20, 23, 16}},            // A is cut to the cap, a third of 70
		{60, []int{8 + pad, 20 + pad, 24, 0}}, // A grows back to 24, then padding
		{54, []int{8, 20, 22, 0}},             // A grows back as far as it can
		{45, []int{8 + pad, 20, 0, 0}},        // the name holds no more than 20
		{20, []int{8, 20 - 2 - 1 - 8, 0, 0}},
		{5, []int{3, 0, 0, 0}},
	}
	for _, tt := range tests {
		if got := layoutColumns(cs, natural, tt.width); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("width %d: %v, want %v", tt.width, got, tt.want)
		}
	}
}

// The filter prompt's line fits the table's width whatever is typed: the
// input's cursor cell is counted, so nothing is cut and no … shows at the
// right edge.
func TestFilterPromptLineFitsTheWidth(t *testing.T) {
	for _, typed := range []string{"", "ios", strings.Repeat("x", 30), strings.Repeat("y", 200)} {
		for _, w := range []int{20, 60, 80} {
			m, c := newTable(t, appRows(5), w, 8)
			send(m, viewtest.Key(c.Keys.Table.Filter))
			typeText(m, typed)
			lines := strings.Split(viewtest.Plain(m.View()), "\n")
			last := lines[len(lines)-1]
			if strings.Contains(last, "…") || ansi.StringWidth(last) > w || !strings.HasPrefix(last, " /") {
				t.Errorf("width %d, typed %d cells: prompt line %q (%d cells)", w, len(typed), last, ansi.StringWidth(last))
			}
		}
	}
}

// SetCursorID before a reload that brings the row (a create) puts the
// cursor on it when the rows arrive; a row already shown is selected at
// once; moving the cursor in between cancels it.
func TestSetCursorIDWaitsForTheRow(t *testing.T) {
	rows := appRows(5)
	withNew := append(slices.Clone(rows), Row{ID: "new", Cells: []string{"9999", "the new one", "iOS"}})

	m, c := newTable(t, rows, 80, 12)
	m.SetCursorID("new")
	if r, _ := m.Selected(); r.ID != rows[0].ID {
		t.Fatalf("the cursor moved to %q before the row arrived", r.ID)
	}
	m.SetRows(withNew)
	if r, _ := m.Selected(); r.ID != "new" {
		t.Fatalf("after the reload the cursor is on %q, want the new row", r.ID)
	}

	m.SetCursorID(rows[2].ID)
	if r, _ := m.Selected(); r.ID != rows[2].ID {
		t.Fatalf("a shown row was not selected at once: %q", r.ID)
	}

	m, c = newTable(t, rows, 80, 12)
	m.SetCursorID("new")
	send(m, viewtest.Key(c.Keys.Nav.Down))
	m.SetRows(withNew)
	if r, _ := m.Selected(); r.ID != rows[1].ID {
		t.Fatalf("the user moved to %q, but the reload put the cursor on %q", rows[1].ID, r.ID)
	}
}
