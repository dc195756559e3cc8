package table

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// platformCols and platformRows are a platforms-like table: an OS column
// first, a title with a space, a status where one value holds another.
var platformCols = []Column{{Title: "OS", Width: 10}, {Title: "NAME", Flex: 1}, {Title: "ACCESS KEY", Width: 12}, {Title: "STATUS", Width: 10}}

func platformRows() []Row {
	return []Row{
		{ID: "1", Cells: []string{"iOS", "app-1 mobile", "k1", "active"}},
		{ID: "2", Cells: []string{"Android", "app-2 phone", "k2", "inactive"}},
		{ID: "3", Cells: []string{"tvOS", "living room", "k3", "active"}},
		{ID: "4", Cells: []string{"MobileWeb", "app-3 site", "", "Active"}},
		{ID: "5", Cells: []string{"iOS", "1.2 beta", "k5", "inactive"}},
		{ID: "6", Cells: []string{"Roku", "1x2 box", "k6", "paused"}},
	}
}

func newPlatforms(t testing.TB) (*Model, views.Common) {
	t.Helper()
	c := viewtest.Common()
	m := New(c, platformCols)
	m.SetSize(100, 12)
	m.SetRows(platformRows())
	return m, c
}

// Each form of the filter selects its rows, in the table's order, and the
// prompt names the mode beside the query.
func TestFilterModes(t *testing.T) {
	tests := []struct {
		query string
		ids   []string
		tag   string
		warn  bool
	}{
		{"ios", []string{"1", "5"}, "substring", false},
		{"IOS", []string{"1", "5"}, "substring", false},
		{"!ios", []string{"2", "3", "4", "6"}, "inverse", false},
		{"!", []string{"1", "2", "3", "4", "5", "6"}, "inverse", false},
		{"!zzz", []string{"1", "2", "3", "4", "5", "6"}, "inverse", false},
		// Fuzzy: the characters in order anywhere in the row.
		{"~ios", []string{"1", "5"}, "fuzzy", false},
		{"~tvos", []string{"3"}, "fuzzy", false},
		{"~apmo", []string{"1"}, "fuzzy", false},
		{"~a1mb", []string{"1"}, "fuzzy", false},
		{"~", []string{"1", "2", "3", "4", "5", "6"}, "fuzzy", false},
		{"!~apmo", []string{"2", "3", "4", "5", "6"}, "inverse fuzzy", false},
		// Regex: case-insensitive, ^ and $ at each cell's edges.
		{"^app", []string{"1", "2", "4"}, "regex", false},
		{"^APP-[12]", []string{"1", "2"}, "regex", false},
		{"os$", []string{"1", "3", "5"}, "regex", false},
		{"^ios$", []string{"1", "5"}, "regex", false},
		{"ios|roku", []string{"1", "5", "6"}, "regex", false},
		{"(ios|web)$", []string{"1", "4", "5"}, "regex", false},
		{"1.2", []string{"5", "6"}, "regex", false},
		{`1\.2`, []string{"5"}, "regex", false},
		{"[A-Z]obile", []string{"1", "4"}, "regex", false},
		{"^$", []string{"4"}, "regex", false},
		{"act[a-z]+e", []string{"1", "2", "3", "4", "5"}, "regex", false},
		{"!^app", []string{"3", "5", "6"}, "inverse regex", false},
		// Regex syntax that does not compile is a substring.
		{"app-(", []string{}, "not a regex: substring", true},
		{"1x2 (", []string{}, "not a regex: substring", true},
		{"[k", []string{}, "not a regex: substring", true},
		// Field: a column by its title, the value equal, case aside.
		{"os=iOS", []string{"1", "5"}, "OS equals (exact)", false},
		{"os=ios", []string{"1", "5"}, "OS equals (exact)", false},
		{"OS = tvos", []string{"3"}, "OS equals (exact)", false},
		{"status=active", []string{"1", "3", "4"}, "STATUS equals (exact)", false},
		{"status=act", []string{}, "STATUS equals (exact)", false},
		{"!status=active", []string{"2", "5", "6"}, "STATUS is not (exact)", false},
		{"status!=active", []string{"2", "5", "6"}, "STATUS is not (exact)", false},
		{"access key=k3", []string{"3"}, "ACCESS KEY equals (exact)", false},
		{"access_key=", []string{"4"}, "ACCESS KEY equals (exact)", false},
		{"accesskey=K5", []string{"5"}, "ACCESS KEY equals (exact)", false},
		{"os=io.*", []string{}, "OS equals (exact)", false},
		// A column the table does not have selects nothing, negated or not.
		{"region=eu", []string{}, "no column “region”", true},
		{"!region=eu", []string{}, "no column “region”", true},
		// = after something that cannot name a column is text.
		{"1.2=", []string{}, "regex", false},
		{"=ios", []string{}, "substring", false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m, c := newPlatforms(t)
			send(m, viewtest.Key(c.Keys.Table.Filter))
			m.Update(tea.PasteMsg{Content: tt.query})
			if got := visibleIDs(m); !slices.Equal(got, tt.ids) {
				t.Fatalf("rows %v, want %v", got, tt.ids)
			}
			tag, warn := m.cur.tag(m.cols)
			if tag != tt.tag || warn != tt.warn {
				t.Fatalf("tag %q (warning %v), want %q (%v)", tag, warn, tt.tag, tt.warn)
			}
			last := lastLine(m)
			if !strings.HasSuffix(strings.TrimRight(last, " "), tt.tag) {
				t.Fatalf("the prompt does not say %q: %q", tt.tag, last)
			}
			// Typed one key at a time, each step narrowing or widening the
			// last, the rows are the same.
			m.SetFilter("")
			for _, r := range tt.query {
				m.SetFilter(m.Filter() + string(r))
			}
			if got := visibleIDs(m); !slices.Equal(got, tt.ids) {
				t.Fatalf("typed: rows %v, want %v", got, tt.ids)
			}
			// Accepted, the filter line still names the mode.
			m.Update(viewtest.Key(c.Keys.Filter.Accept))
			if last := lastLine(m); !strings.Contains(last, tt.tag) || !strings.Contains(last, "esc clears") {
				t.Fatalf("accepted, the filter line is %q", last)
			}
		})
	}
}

func lastLine(m *Model) string {
	lines := strings.Split(viewtest.Plain(m.View()), "\n")
	return lines[len(lines)-1]
}

// An unknown column says which columns there are; an empty prompt says
// what it takes.
func TestFilterPromptHelp(t *testing.T) {
	m, c := newPlatforms(t)
	send(m, viewtest.Key(c.Keys.Table.Filter))
	if l := lastLine(m); !strings.Contains(l, "~fuzzy") || !strings.Contains(l, "column=value") {
		t.Fatalf("the empty prompt says %q", l)
	}
	m.Update(tea.PasteMsg{Content: "region=eu"})
	v := viewtest.Plain(m.View())
	if !strings.Contains(v, "No column “region”: the columns are OS, NAME, ACCESS KEY, STATUS.") {
		t.Fatalf("no word of the columns:\n%s", v)
	}
}

// What a filter matched is highlighted: the substring, the regex's
// matches, the fuzzy query's characters, the field's cell; a negated
// filter highlights nothing.
func TestFilterModeHighlights(t *testing.T) {
	tests := []struct {
		query string
		want  []string // highlighted, in the first row's line
	}{
		{"mobi", []string{"mobi"}},
		{"^app-1", []string{"app-1"}},
		{"m.bile$", []string{"mobile"}},
		{"~apmo", []string{"a", "p", "mo"}},
		{"os=ios", []string{"iOS"}},
		{"!tv", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m, c := newPlatforms(t)
			m.SetFilter(tt.query)
			line := strings.Split(m.View().Content, "\n")[1]
			hl := c.Styles.Table.SelectedMatch
			for _, w := range tt.want {
				if !strings.Contains(line, hl.Render(w)) {
					t.Errorf("%q not highlighted in %q", w, line)
				}
			}
			if tt.want == nil && strings.Contains(line, hl.Render("i")) {
				t.Errorf("a negated filter highlights: %q", line)
			}
		})
	}
}

// reference is the rows of the current order the filter q selects,
// decided without the table's filter code: substring and field with
// strings, fuzzy with the library, regex with package regexp and (?i) on
// each cell.
func reference(m *Model, q string) []int {
	not := strings.HasPrefix(q, "!")
	body := strings.TrimPrefix(q, "!")
	if body == "" || body == "~" {
		not = false
	}
	var sel func(cells []string) bool
	switch {
	case body == "":
		sel = func([]string) bool { return true }
	case body[0] == '~':
		p := strings.ToLower(body[1:])
		sel = func(cells []string) bool {
			return p == "" || len(fuzzy.Find(p, []string{strings.ToLower(strings.Join(cells, "\x1f"))})) > 0
		}
	case fieldForm.MatchString(body):
		f := fieldForm.FindStringSubmatch(body)
		name, v := f[1], strings.ToLower(strings.TrimSpace(f[3]))
		if f[2] == "!" {
			not = !not
		}
		col := slices.IndexFunc(m.cols, func(c Column) bool { return strings.EqualFold(c.Title, name) })
		if col < 0 {
			return []int{}
		}
		sel = func(cells []string) bool {
			cell := ""
			if col < len(cells) {
				cell = cells[col]
			}
			return strings.ToLower(cell) == v
		}
	case regexp.QuoteMeta(body) != body:
		// A row matches when one of its cells does.
		re, err := regexp.Compile("(?i)" + body)
		if err != nil {
			lb := strings.ToLower(body)
			sel = func(cells []string) bool { return strings.Contains(strings.ToLower(strings.Join(cells, "\n")), lb) }
			break
		}
		sel = func(cells []string) bool {
			return slices.ContainsFunc(cells, func(c string) bool { return re.MatchString(strings.ToLower(c)) })
		}
	default:
		lb := strings.ToLower(body)
		sel = func(cells []string) bool { return strings.Contains(strings.ToLower(strings.Join(cells, "\n")), lb) }
	}
	out := []int{}
	for _, r := range m.order {
		if sel(m.rows[r].Cells) != not {
			out = append(out, r)
		}
	}
	return out
}

// fieldForm is column=value and column!=value.
var fieldForm = regexp.MustCompile(`^\s*(\pL[\pL\pN _-]*?)\s*(!?)=(.*)$`)

// Whatever is typed, deleted, pasted, sorted, reloaded or appended, in
// any mode and from any mode to any other, the rows shown are those the
// filter selects (see reference), and the selected row stays selected
// while it is shown: with keys of any letters, and with plain keys only
// (where a regex's letters are searched for as ASCII).
func TestFilterModesNeverLeak(t *testing.T) {
	t.Run("mixed", func(t *testing.T) {
		filterModesNeverLeak(t, 11, []string{"alpha", "beta", "gamma", "ÉCOLE", "école", "ſtraße", "KELVIN", "al", "ph", "alal", "lphal", "ios", "tvos", "a.b", "x\x00y"})
	})
	t.Run("plain", func(t *testing.T) {
		filterModesNeverLeak(t, 12, []string{"alpha", "beta", "gamma", "al", "ph", "alal", "lphal", "ios", "tvos", "a.b", "sos", "e1"})
	})
}

func filterModesNeverLeak(t *testing.T, seed uint64, words []string) {
	rng := rand.New(rand.NewPCG(seed, 5))
	makeRows := func(n int) []Row {
		rows := make([]Row, n)
		for i := range rows {
			rows[i] = Row{ID: fmt.Sprint(rng.IntN(1_000_000)), Cells: []string{
				words[rng.IntN(len(words))] + words[rng.IntN(len(words))],
				fmt.Sprint(rng.IntN(40)),
				[]string{"iOS", "Android", "tvOS", ""}[rng.IntN(4)],
			}}
			if rng.IntN(2) == 0 { // a listed entity's key, made beforehand
				rows[i].Key = strings.ToLower(strings.Join(rows[i].Cells, "\x1f"))
			}
		}
		return rows
	}
	cs := []Column{{Title: "NAME", Flex: 1}, {Title: "N", Width: 4}, {Title: "OS", Width: 8}}
	c := viewtest.Common()
	m := New(c, cs)
	m.SetSize(80, 12)
	m.SetRows(makeRows(400))
	send(m, viewtest.Key(c.Keys.Table.Filter))
	starts := []string{"", "!", "~", "!~", "os=", "!os=", "n=", "a.", "al|", "!l.h", "x=", "(", "[a-z]"}
	alphabet := []string{"a", "l", "p", "h", "e", "t", "1", "é", "É", "o", "s", "k", ".", "*", "|", "(", ")", "K", "ſ", "i", "^", "$", "?"}
	for step := range 4000 {
		op, sel := "", m.selectedRow()
		switch n := rng.IntN(26); {
		case n < 10:
			op = "type"
			m.Update(viewtest.Press(alphabet[rng.IntN(len(alphabet))]))
		case n < 16:
			op = "backspace"
			m.Update(viewtest.Press("backspace"))
		case n == 16:
			op = "mode"
			m.SetFilter(starts[rng.IntN(len(starts))])
		case n == 17:
			op = "left"
			m.Update(viewtest.Press("left"))
		case n == 18:
			op = "sort"
			m.sortBy(rng.IntN(3), rng.IntN(2) == 0)
		case n == 19:
			op = "reload"
			m.SetRows(makeRows(rng.IntN(600)))
		case n == 20:
			op = "append"
			m.AppendRows(makeRows(rng.IntN(50)))
		case n == 21:
			op = "field"
			m.SetFilter([]string{"os=ios", "!os=tvos", "os!=", "n=7", "name=alphabeta"}[rng.IntN(5)])
		default:
			op = "point"
			if len(m.visible) > 0 {
				m.cursor = rng.IntN(len(m.visible))
				m.clamp()
			}
		}
		want := reference(m, m.Filter())
		checkShown(t, m, step, op, want)
		if op != "reload" && op != "point" && op != "sort" && sel >= 0 && slices.Contains(want, sel) && m.selectedRow() != sel {
			t.Fatalf("step %d (%s), query %q: row %d was selected and is shown, row %d is selected", step, op, m.Filter(), sel, m.selectedRow())
		}
		_ = m.View()
	}
}

// For any key and query, the fuzzy filter keeps the rows the library
// matches: its own test of plain keys, and the library's of the others,
// select the same rows as the library on every key, typed or narrowed.
func TestFuzzyFilterIsTheLibrarys(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	pieces := []string{"a", "b", "s", "S", "k", "K", "K", "ſ", "é", "É", "µ", "μ", "Σ", "ς", "-", " ", "\x1f", "\x00", "1", "ß", "İ", "ı"}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	rows := make([]Row, 3000)
	for i := range rows {
		rows[i] = Row{ID: fmt.Sprint(i), Cells: []string{gen(1 + rng.IntN(8)), gen(rng.IntN(4))}}
		if i%3 == 0 {
			rows[i].Cells = []string{strings.Repeat("ab", rng.IntN(4)), "ks"}
		}
	}
	m, _ := newTable(t, rows, 80, 10)
	for range 300 {
		q := strings.ReplaceAll(strings.ReplaceAll(gen(1+rng.IntN(3)), "\x00", ""), "\x1f", "")
		if q == "" {
			continue
		}
		lq := strings.ToLower(q)
		var want []int
		for _, r := range m.order {
			if len(fuzzy.Find(lq, []string{m.index.key(r)})) > 0 {
				want = append(want, r)
			}
		}
		m.SetFilter("~" + q[:1])
		m.SetFilter("~" + q) // narrowed from its first byte
		if got := slices.Clone(m.visible); !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Fatalf("~%q: %d rows, the library matches %d", q, len(got), len(want))
		}
		m.SetFilter("")
		m.SetFilter("~" + q) // at once
		if !slices.Equal(m.visible, want) && (len(m.visible) > 0 || len(want) > 0) {
			t.Fatalf("~%q at once: %d rows, the library matches %d", q, len(m.visible), len(want))
		}
	}
}

// A regex of the common shapes decides a plain key with string searches
// (glob) as package regexp decides it: random patterns of those shapes
// over random plain keys.
func TestGlobIsTheRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	atoms := []string{"a", "b", "ab", "ba", ".", ".*", ".+", "[ab]", "[^a]", "(a|b)", "b?", "a{2}", "-", `\.`, "(?:ab|b)"}
	keyBytes := "ab-.\n"
	for i := range 1000 {
		var p strings.Builder
		if rng.IntN(3) == 0 {
			p.WriteString("^")
		}
		for range 1 + rng.IntN(4) {
			p.WriteString(atoms[rng.IntN(len(atoms))])
		}
		if rng.IntN(3) == 0 {
			p.WriteString("$")
		}
		if rng.IntN(5) == 0 {
			p.WriteString("|b" + atoms[rng.IntN(len(atoms))])
		}
		x, err := compileRowRegex(p.String())
		if err != nil {
			t.Fatalf("%q: %v", p.String(), err)
		}
		if x.globs == nil {
			continue
		}
		for range 40 {
			k := make([]byte, rng.IntN(9))
			for j := range k {
				k[j] = keyBytes[rng.IntN(len(keyBytes))]
			}
			key := string(k)
			if got, want := x.match(key, true), x.re.MatchString(key); got != want {
				t.Fatalf("pattern %d %q (%q) on %q: glob %v, regexp %v", i, p.String(), x.re.String(), key, got, want)
			}
			if x.all && !x.re.MatchString(key) {
				t.Fatalf("%q matches every key, but not %q", p.String(), key)
			}
		}
	}
}

// A regex narrows the rows of the query it extends only when every row it
// matches is among them.
func TestRegexWithin(t *testing.T) {
	tests := []struct {
		old, new string
		literal  bool // old is a substring query
		within   bool
	}{
		{"app-01", "app-01.", true, true},
		{"app-01.", "app-01.3", false, true},
		{"web", "web$", true, true},
		{"ios", "ios$", true, false}, // a regex's s matches ſ too
		{"^app", "^app-0", false, true},
		{"ab", "ab*", true, false},
		{"a.", "a.*", false, false},
		{"a|b", "a|bc", false, false},
		{"(ab", "(ab)", true, false},
		{"x", "X.", true, true},
		{"a{2", "a{2}", true, false},
	}
	for _, tt := range tests {
		x, err := compileRowRegex(tt.new)
		if err != nil {
			t.Fatal(err)
		}
		var old []*syntax.Regexp
		if tt.literal {
			old = spanSeq(strings.ToLower(tt.old))
		} else {
			o, err := compileRowRegex(tt.old)
			if err != nil {
				t.Fatal(err)
			}
			old = o.seq
		}
		if got := x.within(old); got != tt.within {
			t.Errorf("%q within %q: %v, want %v", tt.new, tt.old, got, tt.within)
		}
	}
}

// The typed history serves the fuzzy filter and the regex as it serves the
// substring: a backspace restores the shorter query's rows (frames counts
// the narrowings held). The fuzzy filter sheds the moved notes of its
// oldest frames rather than the frames, and a key typed after undoing
// one matches the whole query again; a regex key that widens the last
// regex (a. to a.*) goes back to the one whose rows hold it.
func TestFilterModeHistory(t *testing.T) {
	type step struct {
		do     string // type (arg one key at a time), backspace, set
		arg    string
		frames int
		stale  bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"fuzzy", []step{
			{"type", "~app-0123", 7, false},
			{"backspace", "", 6, false}, {"backspace", "", 5, false}, {"backspace", "", 4, false},
			{"backspace", "", 3, true}, {"type", "-", 4, false}, {"type", "0", 5, false},
			{"backspace", "", 4, false}, {"backspace", "", 3, true}, {"backspace", "", 2, true},
			{"backspace", "", 1, true}, {"backspace", "", 0, true}, {"backspace", "", 0, false},
			{"type", "ios", 2, false}, {"backspace", "", 1, false}, {"type", "s", 2, false},
		}},
		{"regex", []step{
			// ^app-01 is a substring of the rows' spans (\napp-01), a frame a
			// key; ^app-01. a regex narrowed from its rows, a frame more;
			// ^app-01.* is ^app-01 again, whose frame is undone.
			{"type", "^app-01", 5, false}, {"type", ".", 6, false}, {"type", "*", 5, false},
			{"type", "5", 6, false}, {"type", "$", 7, false}, {"backspace", "", 6, false}, {"backspace", "", 5, false},
			{"backspace", "", 6, false}, {"backspace", "", 5, false}, {"backspace", "", 4, false},
			{"set", "^app-02", 5, false},
			{"set", "[0-9]+$", 0, false}, {"set", "[0-9]+$|x", 0, false}, {"set", "|", 0, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c := newTable(t, appRows(300), 80, 10)
			send(m, viewtest.Key(c.Keys.Table.Filter))
			for i, st := range tt.steps {
				filterStep(m, st.do, st.arg)
				if want := reference(m, m.Filter()); !slices.Equal(m.visible, want) {
					t.Fatalf("step %d (%s %q), query %q: %d rows, want %d", i, st.do, st.arg, m.Filter(), len(m.visible), len(want))
				}
				if got := len(m.history.frames); got != st.frames || m.history.stale != st.stale {
					t.Fatalf("step %d (%s %q), query %q: %d frames (stale %v), want %d (%v)",
						i, st.do, st.arg, m.Filter(), got, m.history.stale, st.frames, st.stale)
				}
				if len(m.history.dropped) > len(m.rows) || len(m.history.moved) > len(m.rows) {
					t.Fatalf("step %d: %d dropped rows and %d moved notes held for %d rows",
						i, len(m.history.dropped), len(m.history.moved), len(m.rows))
				}
			}
		})
	}
}

// A regex of one literal is searched for as a substring of the rows'
// spans; one whose s stands for s and ſ only while every key is plain
// (ASCII): when a row with other letters arrives, the regex is run again
// as a regex, and the row that holds ſ is shown.
func TestRegexAsSubstringWhileKeysArePlain(t *testing.T) {
	m, c := newTable(t, []Row{{ID: "1", Cells: []string{"1", "iOS", "x"}}, {ID: "2", Cells: []string{"2", "tvOS", "y"}}}, 80, 10)
	send(m, viewtest.Key(c.Keys.Table.Filter))
	typeText(m, "ios$")
	if !m.cur.litOK || m.cur.lit != "ios\n" {
		t.Fatalf("ios$ is searched for as %q (%v)", m.cur.lit, m.cur.litOK)
	}
	m.AppendRows([]Row{{ID: "3", Cells: []string{"3", "ioſ", "z"}}, {ID: "4", Cells: []string{"4", "io", "z"}}})
	if got := visibleIDs(m); !slices.Equal(got, []string{"1", "3"}) {
		t.Fatalf("rows %v, want 1 and 3", got)
	}
	if m.cur.litOK {
		t.Fatal("still searched for as a substring")
	}
	typeText(m, "x") // ios$x: nothing
	m.Update(viewtest.Press("backspace"))
	if got := visibleIDs(m); !slices.Equal(got, []string{"1", "3"}) {
		t.Fatalf("after a backspace: rows %v, want 1 and 3", got)
	}
}

// How each filter's rows are found from the last one's: typing narrows
// from the last rows (and their notes) wherever every row the new filter
// selects is among them.
func TestStepFrom(t *testing.T) {
	plain, _ := newTable(t, appRows(10), 80, 10)
	mixed, _ := newTable(t, append(appRows(10), Row{ID: "x", Cells: []string{"ſ", "é"}}), 80, 10)
	tests := []struct {
		from, to string
		plain    step
		mixed    step
	}{
		{"app", "app-", stepExtend, stepExtend},
		{"pp-", "app-", stepContains, stepContains},
		{"app-", "app", stepNone, stepNone},
		{"~ap", "~ap0", stepFuzzy, stepFuzzy},
		{"~ap0", "~ap", stepNone, stepNone},
		{"^app", "^app-", stepExtend, stepExtend}, // \napp to \napp-: substrings of the spans
		{"app-0", "^app-0", stepContains, stepContains},
		{"app-0", "app-0.", stepSegment, stepSegment},
		{"^app-0", "^app-0[12]", stepSegment, stepSegment},
		{"app-0.", "app-0.1", stepSegment, stepSegment},
		{"ios", "ios.", stepSegment, stepNone}, // s is also ſ in a regex
		{"app-0.", "app-0.*", stepNone, stepNone},
		{"app-0", "app-0.*5", stepWithin, stepWithin},
		{"app-0.*5", "app-0.*5$", stepWithin, stepWithin},
		{"(ios|tvos)", "(ios|tvos)$", stepWithin, stepWithin},
		{"app", "app.*", stepSame, stepSame},
		{"os=ios", "os=iosx", stepNone, stepNone},
	}
	for _, tt := range tests {
		for _, tc := range []struct {
			m    *Model
			want step
		}{{plain, tt.plain}, {mixed, tt.mixed}} {
			cur := tc.m.readFilter(tt.from, &spec{})
			sp := tc.m.readFilter(tt.to, &cur)
			if got := stepFrom(&cur, &sp, tc.m.index.mixed == 0); got != tc.want {
				t.Errorf("%q to %q (mixed rows: %v): step %d, want %d", tt.from, tt.to, tc.m.index.mixed > 0, got, tc.want)
			}
		}
	}
}
