package table

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// fullScan is the filter's reference: every row of the current order whose
// cells, joined and lower-cased on the spot, contain the lower-cased query.
// It shares no code with the filter.
func fullScan(m *Model, q string) []int {
	q = strings.ToLower(q)
	out := []int{}
	for _, r := range m.order {
		if q == "" || strings.Contains(strings.ToLower(strings.Join(m.rows[r].Cells, "\n")), q) {
			out = append(out, r)
		}
	}
	return out
}

func visibleIDs(m *Model) []string {
	ids := make([]string, len(m.visible))
	for i, r := range m.visible {
		ids[i] = m.rows[r].ID
	}
	return ids
}

// Typing narrows and backspace widens: after every key the rows are those
// the query matches, whichever way the query went.
func TestFilterNarrowsAndWidens(t *testing.T) {
	rows := []Row{
		{ID: "1", Cells: []string{"alpha", "iOS"}},
		{ID: "2", Cells: []string{"alpine", "Android"}},
		{ID: "3", Cells: []string{"beta", "iOS"}},
		{ID: "4", Cells: []string{"Alps", "tvOS"}},
		{ID: "5", Cells: []string{"gamma-alp", "web"}},
	}
	steps := []struct {
		key  string // typed into the open prompt
		want string // the filter after the key
		ids  []string
	}{
		{"a", "a", []string{"1", "2", "3", "4", "5"}},
		{"l", "al", []string{"1", "2", "4", "5"}},
		{"p", "alp", []string{"1", "2", "4", "5"}},
		{"h", "alph", []string{"1"}},
		{"backspace", "alp", []string{"1", "2", "4", "5"}},
		{"s", "alps", []string{"4"}},
		{"x", "alpsx", []string{}},
		{"backspace", "alps", []string{"4"}},
		{"backspace", "alp", []string{"1", "2", "4", "5"}},
		{"backspace", "al", []string{"1", "2", "4", "5"}},
		{"backspace", "a", []string{"1", "2", "3", "4", "5"}},
		{"backspace", "", []string{"1", "2", "3", "4", "5"}},
		{"o", "o", []string{"1", "2", "3", "4"}},
		{"s", "os", []string{"1", "3", "4"}},
	}
	m, c := newTable(t, rows, 60, 10)
	send(m, viewtest.Key(c.Keys.Table.Filter))
	for i, st := range steps {
		m.Update(viewtest.Press(st.key))
		if m.Filter() != st.want {
			t.Fatalf("step %d (%s): filter %q, want %q", i, st.key, m.Filter(), st.want)
		}
		if got := visibleIDs(m); !slices.Equal(got, st.ids) {
			t.Fatalf("step %d (%s, %q): rows %v, want %v", i, st.key, st.want, got, st.ids)
		}
	}
}

// Case does not matter beyond ASCII: the keys and the query are lower-cased
// the same way, whichever side has the capitals.
func TestFilterIgnoresCaseBeyondASCII(t *testing.T) {
	rows := []Row{
		{ID: "1", Cells: []string{"école", "Paris"}},
		{ID: "2", Cells: []string{"ÉCOLE NORMALE", "Lyon"}},
		{ID: "3", Cells: []string{"Ecole sans accent", "Nice"}},
		{ID: "4", Cells: []string{"ΑΘΉΝΑ", "Ελλάδα"}},
		{ID: "5", Cells: []string{"straße", "MÜNCHEN"}},
	}
	tests := []struct {
		query string
		ids   []string
	}{
		{"ÉCOLE", []string{"1", "2"}},
		{"école", []string{"1", "2"}},
		{"éCoLe", []string{"1", "2"}},
		{"ecole", []string{"3"}},
		{"αθήνα", []string{"4"}},
		{"ΕΛΛΆΔΑ", []string{"4"}},
		{"münchen", []string{"5"}},
		{"STRAßE", []string{"5"}},
		{"É", []string{"1", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m, c := newTable(t, rows, 60, 10)
			// Typed one key at a time, so each step narrows the last.
			send(m, viewtest.Key(c.Keys.Table.Filter))
			m.Update(tea.PasteMsg{Content: tt.query})
			if m.Filter() != tt.query {
				t.Fatalf("filter %q", m.Filter())
			}
			if got := visibleIDs(m); !slices.Equal(got, tt.ids) {
				t.Fatalf("rows %v, want %v", got, tt.ids)
			}
			m.SetFilter("")
			for _, r := range tt.query {
				m.SetFilter(m.Filter() + string(r))
			}
			if got := visibleIDs(m); !slices.Equal(got, tt.ids) {
				t.Fatalf("typed rune by rune: rows %v, want %v", got, tt.ids)
			}
		})
	}
	// The match is highlighted whatever the case of the query.
	m, c := newTable(t, rows, 60, 10)
	m.SetFilter("ÉCOLE")
	v1 := m.View().Content
	send(m, viewtest.Key(c.Keys.Nav.Down))
	if v := m.View().Content; !strings.Contains(v, c.Styles.Table.Match.Render("école")) ||
		!strings.Contains(v1, c.Styles.Table.Match.Render("ÉCOLE")) {
		t.Fatalf("matches not highlighted:\n%s", v)
	}
}

// The filtered rows live in an array reused from keystroke to keystroke
// and across reloads, and a backspace restores an earlier result from the
// typed history. Whatever the sequence of typing, deleting (at the end or
// in the middle), pasting, replacing, sorting and reloading (with fewer or
// more rows), the visible rows are exactly those the query matches now:
// none left over from an earlier query or an earlier set of rows, none past
// the end of the rows, and the screen shows only them. The selected row
// stays selected while it matches.
func TestReusedFilterRowsNeverLeak(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	words := []string{"alpha", "beta", "gamma", "ÉCOLE", "école", "delta", "al", "ph", "alal", "lphal"}
	makeRows := func(n int) []Row {
		rows := make([]Row, n)
		for i := range rows {
			rows[i] = Row{ID: fmt.Sprint(rng.IntN(1_000_000)), Cells: []string{
				words[rng.IntN(len(words))] + words[rng.IntN(len(words))] + words[rng.IntN(len(words))],
				fmt.Sprint(rng.IntN(40)),
			}}
		}
		return rows
	}
	// next is a character that keeps the query matching some visible row:
	// typing it narrows without emptying, so queries grow long.
	next := func(m *Model) string {
		if len(m.visible) == 0 {
			return "a"
		}
		key := strings.ToLower(strings.Join(m.rows[m.visible[rng.IntN(len(m.visible))]].Cells, "\n"))
		i := strings.Index(key, strings.ToLower(m.Filter()))
		rest := key[i+len(strings.ToLower(m.Filter())):]
		if rest == "" || rest[0] == '\n' {
			return "a"
		}
		r, _ := utf8.DecodeRuneInString(rest)
		return string(r)
	}
	m, c := newTable(t, makeRows(500), 80, 12)
	send(m, viewtest.Key(c.Keys.Table.Filter))
	alphabet := []string{"a", "l", "p", "h", "e", "t", "1", "é", "É", "c", "o"}
	for step := range 6000 {
		op, sel := "", m.selectedRow()
		switch n := rng.IntN(24); {
		case n < 6:
			op = "type"
			m.Update(viewtest.Press(alphabet[rng.IntN(len(alphabet))]))
		case n < 11:
			op = "type a match"
			m.Update(viewtest.Press(next(m)))
		case n < 16:
			op = "backspace"
			m.Update(viewtest.Press("backspace"))
		case n == 16:
			op = "paste"
			m.Update(tea.PasteMsg{Content: words[rng.IntN(len(words))][:2]})
		case n == 17:
			op = "left" // the next key edits the middle of the query
			m.Update(viewtest.Press("left"))
		case n == 18:
			op = "sort"
			m.sortBy(rng.IntN(2), rng.IntN(2) == 0)
		case n == 19:
			op = "reload"
			m.SetRows(makeRows(rng.IntN(900)))
		case n == 20:
			op = "clear"
			m.SetFilter("")
		case n == 21:
			op = "replace"
			m.SetFilter(words[rng.IntN(len(words))])
		default:
			op = "point"
			if len(m.visible) > 0 {
				m.cursor = rng.IntN(len(m.visible))
				m.clamp()
			}
		}
		want := fullScan(m, m.Filter())
		checkShown(t, m, step, op, want)
		if r, ok := m.Selected(); ok && !slices.Contains(want, slices.IndexFunc(m.rows, func(x Row) bool { return &x.Cells[0] == &r.Cells[0] })) {
			t.Fatalf("step %d (%s): selected row %s does not match %q", step, op, r.ID, m.Filter())
		}
		if op != "reload" && op != "point" && sel >= 0 && slices.Contains(want, sel) && m.selectedRow() != sel {
			t.Fatalf("step %d (%s), query %q: row %d was selected and matches, row %d is", step, op, m.Filter(), sel, m.selectedRow())
		}
		q := strings.ToLower(m.Filter())
		lines := strings.Split(viewtest.Plain(m.View()), "\n")
		for _, l := range lines[1:min(len(lines), 1+m.page())] {
			cells := strings.Fields(strings.TrimPrefix(l, cursorMark))
			if len(want) == 0 || len(cells) == 0 {
				break
			}
			if q != "" && !strings.Contains(strings.ToLower(strings.Join(cells, " ")), q) && !strings.Contains(l, "…") {
				t.Fatalf("step %d (%s): row %q on screen does not match %q", step, op, l, q)
			}
		}
	}
}

// A keystroke's filter allocates nothing, typed or deleted: the keys are
// lowered once, the result goes to the array of the previous one, and the
// history that a backspace restores from was sized for every row once.
// The queries narrow from every row and from fewer, restore both kinds of
// result, edit the middle of the query and replace it.
func TestFilterKeystrokeAllocatesNothing(t *testing.T) {
	m, _ := newTable(t, appRows(5000), 80, 20)
	queries := []string{"app-0", "app-00", "app-001", "app-0012", "app-001", "app-00", "app-0", "app-01",
		"app-013", "app-03", "ios", "app-0"}
	m.filter = queries[len(queries)-1]
	m.applyFilter()
	i := 0
	allocs := testing.AllocsPerRun(50, func() {
		m.filter = queries[i%len(queries)]
		m.applyFilter()
		i++
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per keystroke", allocs)
	}
}

// SetFilter leaves the prompt's cursor at the end of the text, as typing
// would: backspace then deletes the last character, wherever the cursor was.
func TestSetFilterPutsTheCursorAtTheEnd(t *testing.T) {
	m, c := newTable(t, appRows(300), 80, 10)
	send(m, viewtest.Key(c.Keys.Table.Filter))
	for _, q := range []string{"app-0123", "app-01", "app-0001"} {
		m.SetFilter(q)
		m.Update(viewtest.Press("backspace"))
		if want := q[:len(q)-1]; m.Filter() != want {
			t.Fatalf("backspace after SetFilter(%q) left %q, want %q", q, m.Filter(), want)
		}
		if got := visibleIDs(m); !slices.Equal(m.visible, fullScan(m, m.Filter())) {
			t.Fatalf("rows %v for %q", got, m.Filter())
		}
	}
}

// A backspace restores the previous result from the typed history instead
// of searching every row again; frames counts the narrowings held after
// each step (fewer after a backspace: one was undone; none after a
// replaced query, a reload or a sort: the history starts anew). After every
// step the rows are those the query matches, and the history holds at most
// as many dropped rows and moved notes as there are rows.
func TestFilterHistory(t *testing.T) {
	named := map[string][]Row{
		"apps": appRows(300),
		"greek": {
			{ID: "1", Cells: []string{"alpha", "iOS"}},
			{ID: "2", Cells: []string{"alpine", "Android"}},
			{ID: "3", Cells: []string{"Alps", "tvOS"}},
			{ID: "4", Cells: []string{"gamma-alp", "web"}},
			{ID: "5", Cells: []string{"beta", "alpalpha"}},
		},
		"other": {
			{ID: "6", Cells: []string{"alpaca", "iOS"}},
			{ID: "7", Cells: []string{"al", "web"}},
			{ID: "1", Cells: []string{"alpha", "tvOS"}},
		},
		// Each key of "xabcd" matches only further on: every key moves
		// every row's note.
		"moving": {
			{ID: "1", Cells: []string{"x1 xa1 xab1 xabc1 xabcd1"}},
			{ID: "2", Cells: []string{"x2 xa2 xab2 xabc2 xabcd2"}},
		},
		"notes": {{ID: "1", Cells: []string{"ab ac ad ae"}}},
	}
	type step struct {
		do     string // type (arg one key at a time), backspace, set, rows, sort
		arg    string
		frames int
	}
	tests := []struct {
		name  string
		rows  string
		steps []step
	}{
		{"backspace restores each prefix", "apps", []step{
			{"type", "app-0001", 7},
			{"backspace", "", 6}, {"backspace", "", 5}, {"backspace", "", 4}, {"backspace", "", 3},
			{"backspace", "", 2}, {"backspace", "", 1}, {"backspace", "", 0}, {"backspace", "", 0},
			{"type", "app-02", 5}, {"backspace", "", 4}, {"type", "1", 5},
		}},
		{"a moved note is put back", "notes", []step{
			{"type", "ae", 1}, {"backspace", "", 0}, {"type", "c", 1}, {"backspace", "", 0}, {"type", "d", 1},
		}},
		{"rows replaced between keystrokes", "greek", []step{
			{"type", "alp", 2}, {"rows", "other", 0}, {"backspace", "", 0}, {"type", "h", 1},
			{"rows", "greek", 0}, {"backspace", "", 0}, {"backspace", "", 0},
		}},
		{"sort between keystrokes", "greek", []step{
			{"type", "alp", 2}, {"sort", "", 0}, {"backspace", "", 0}, {"type", "p", 1}, {"backspace", "", 0},
			{"type", "pha", 3}, {"sort", "", 0}, {"backspace", "", 0},
		}},
		{"an edit in the middle restores the common prefix", "greek", []step{
			{"type", "alpha", 4}, {"set", "alpine", 3}, {"set", "alps", 3}, {"set", "alpalp", 3}, {"backspace", "", 3},
		}},
		{"a replaced query starts anew", "greek", []step{
			{"type", "alp", 2}, {"set", "beta", 0}, {"set", "ga", 0}, {"set", "mma", 0}, {"type", "-", 1},
		}},
		{"moved notes are capped, the oldest frames first", "moving", []step{
			{"type", "xa", 1}, {"type", "b", 1}, {"type", "cd", 1},
			{"backspace", "", 0}, {"backspace", "", 0}, {"backspace", "", 0}, {"type", "b", 1}, {"backspace", "", 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c := newTable(t, named[tt.rows], 80, 10)
			send(m, viewtest.Key(c.Keys.Table.Filter))
			for i, st := range tt.steps {
				switch st.do {
				case "rows":
					m.SetRows(named[st.arg])
				case "sort":
					m.sortBy(0, !m.sortDesc)
				default:
					filterStep(m, st.do, st.arg)
				}
				if want := fullScan(m, m.Filter()); !slices.Equal(m.visible, want) {
					t.Fatalf("step %d (%s %q), query %q: rows %v, want %v", i, st.do, st.arg, m.Filter(), m.visible, want)
				}
				if got := len(m.history.frames); got != st.frames {
					t.Fatalf("step %d (%s %q), query %q: %d frames, want %d", i, st.do, st.arg, m.Filter(), got, st.frames)
				}
				if len(m.history.dropped) > len(m.rows) || len(m.history.moved) > len(m.rows) {
					t.Fatalf("step %d: %d dropped rows and %d moved notes held for %d rows",
						i, len(m.history.dropped), len(m.history.moved), len(m.rows))
				}
			}
		})
	}
}

// checkShown fails a step of a random walk over the table when it shows
// other rows than want, in another order, or its cursor is off them.
func checkShown(t *testing.T, m *Model, step int, op string, want []int) {
	t.Helper()
	if !slices.Equal(m.visible, want) {
		t.Fatalf("step %d (%s), query %q: %d rows visible, %d match", step, op, m.Filter(), len(m.visible), len(want))
	}
	if m.Len() != len(want) || (len(want) > 0 && (m.Cursor() < 0 || m.Cursor() >= len(want))) {
		t.Fatalf("step %d (%s): Len %d, cursor %d of %d", step, op, m.Len(), m.Cursor(), len(want))
	}
}

// filterStep is a step of a scripted filter: "type" arg into the open
// prompt, "backspace" once, or "set" the filter to arg.
func filterStep(m *Model, do, arg string) {
	switch do {
	case "type":
		for _, k := range viewtest.Type(arg) {
			m.Update(k)
		}
	case "backspace":
		m.Update(viewtest.Press("backspace"))
	case "set":
		m.SetFilter(arg)
	}
}
