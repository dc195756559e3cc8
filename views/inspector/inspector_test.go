package inspector

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

const app = `{"id":4821,"name":"Mobile App","data_type":"application","big":12345678901234567890,"ratio":1.50,
"platforms":[{"os":"iOS","active":true},{"os":"Android","secret":null}],"created_on":"2017-02-02T11:20:23"}`

func newInspector(t testing.TB, data string, w, h int) *Model {
	t.Helper()
	m := New(viewtest.Common())
	m.SetSize(w, h)
	m.SetJSON("app 4821 · Mobile App", []byte(data))
	return m
}

func press(m *Model, msgs ...tea.KeyPressMsg) []tea.Msg {
	var out []tea.Msg
	for _, k := range msgs {
		_, cmd := m.Update(k)
		out = append(out, viewtest.Run(cmd)...)
	}
	return out
}

func typeText(m *Model, s string) { press(m, viewtest.Type(s)...) }

// longDoc is an object with n keys, one per line.
func longDoc(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"key%03d":"value %d"`, i, i)
	}
	b.WriteString("}")
	return b.String()
}

func TestPrettyPrintKeepsTheServersJSON(t *testing.T) {
	m := newInspector(t, app, 80, 30)
	text := m.Text()
	for _, want := range []string{
		"{\n  \"id\": 4821,\n  \"name\": \"Mobile App\",",
		`"big": 12345678901234567890`, // not rounded through float64
		`"ratio": 1.50`,               // spelling kept
		`"secret": null`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pretty JSON lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, `"id"`) > strings.Index(text, `"name"`) {
		t.Error("key order changed")
	}
	v := viewtest.Plain(m.View())
	for _, want := range []string{"app 4821 · Mobile App", `"platforms": [`, `"os": "iOS",`, "created_on"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

func TestSyntaxHighlightUsesTheTheme(t *testing.T) {
	m := newInspector(t, app, 80, 30)
	st := m.common.Styles.JSON
	v := m.View().Content
	for name, want := range map[string]string{
		"key":     st.Key.Render(`"name"`),
		"string":  st.String.Render(`"Mobile App"`),
		"number":  st.Number.Render("4821"),
		"literal": st.Literal.Render("true"),
		"null":    st.Literal.Render("null"),
		"punct":   st.Punct.Render(":"),
	} {
		if !strings.Contains(v, want) {
			t.Errorf("%s not styled as the theme says (%q)", name, want)
		}
	}
}

func TestScrolling(t *testing.T) {
	c := viewtest.Common()
	nav := c.Keys.Nav
	tests := []struct {
		name string
		keys []tea.KeyPressMsg
		want int // YOffset
	}{
		{"down", []tea.KeyPressMsg{viewtest.Key(nav.Down), viewtest.Key(nav.Down)}, 2},
		{"up at the top", []tea.KeyPressMsg{viewtest.Key(nav.Up)}, 0},
		{"page down", []tea.KeyPressMsg{viewtest.Key(nav.PageDown)}, 18},
		{"bottom", []tea.KeyPressMsg{viewtest.Key(nav.Bottom)}, 202 - 18},
		{"bottom then top", []tea.KeyPressMsg{viewtest.Key(nav.Bottom), viewtest.Key(nav.Top)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newInspector(t, longDoc(200), 60, 20) // 202 lines, 18 on screen
			press(m, tt.keys...)
			if m.YOffset() != tt.want {
				t.Fatalf("offset %d, want %d", m.YOffset(), tt.want)
			}
			lines := strings.Split(viewtest.Plain(m.View()), "\n")
			if len(lines) != 20 {
				t.Fatalf("%d lines", len(lines))
			}
			if !strings.HasPrefix(strings.TrimSpace(lines[1]), fmt.Sprint(tt.want+1)+" ") {
				t.Fatalf("first line on screen is %q, want line %d", lines[1], tt.want+1)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	m := newInspector(t, longDoc(200), 60, 20)
	c := m.common
	press(m, viewtest.Key(c.Keys.Inspector.Search))
	if !m.Searching() || !m.Consumes(viewtest.Press("q")) {
		t.Fatal("search prompt not open")
	}
	typeText(m, "VALUE 15")
	if n, cur := m.Matches(); n != 11 || cur != 1 { // 15, 150..159
		t.Fatalf("matches %d, current %d", n, cur)
	}
	// The current match is highlighted, the others too, differently.
	v := m.View().Content
	if !strings.Contains(v, c.Styles.JSON.CurrentMatch.Render("value 15")) {
		t.Fatal("current match not highlighted")
	}
	if !strings.Contains(viewtest.Plain(m.View()), "1 of 11") {
		t.Fatalf("footer:\n%s", viewtest.Plain(m.View()))
	}
	press(m, viewtest.Key(c.Keys.Filter.Accept))
	if m.Searching() || m.Query() != "VALUE 15" {
		t.Fatal("accept should keep the search")
	}
	// n moves to the next match and scrolls to it: "value 150" is on line 152.
	press(m, viewtest.Key(c.Keys.Inspector.Next))
	if _, cur := m.Matches(); cur != 2 {
		t.Fatalf("current %d", cur)
	}
	if off := m.YOffset(); off > 151 || off+18 <= 151 {
		t.Fatalf("match line not on screen (offset %d)", off)
	}
	if !strings.Contains(m.View().Content, c.Styles.JSON.CurrentMatch.Render("value 15")+c.Styles.JSON.String.Render("0\"")) {
		t.Fatal("current match on line 152 not highlighted inside its string token")
	}
	// N wraps backwards.
	press(m, viewtest.Key(c.Keys.Inspector.Prev), viewtest.Key(c.Keys.Inspector.Prev))
	if _, cur := m.Matches(); cur != 11 {
		t.Fatalf("current %d after wrapping back", cur)
	}
	// esc clears the search (the inspector claims it first).
	back := viewtest.Key(c.Keys.Global.Back)
	if !m.Consumes(back) {
		t.Fatal("esc not claimed while a search is active")
	}
	press(m, back)
	if n, _ := m.Matches(); n != 0 || m.Query() != "" || m.Consumes(back) {
		t.Fatal("esc did not clear the search")
	}
	// Cancel in the prompt clears; no match says so.
	press(m, viewtest.Key(c.Keys.Inspector.Search))
	typeText(m, "zzz")
	if !strings.Contains(viewtest.Plain(m.View()), "no match") {
		t.Fatal("no-match footer missing")
	}
	press(m, viewtest.Key(c.Keys.Filter.Cancel))
	if m.Searching() || m.Query() != "" {
		t.Fatal("cancel did not clear")
	}
}

func TestCopySendsTheJSONAndANotice(t *testing.T) {
	m := newInspector(t, app, 80, 30)
	msgs := press(m, viewtest.Key(m.common.Keys.Inspector.Copy))
	var notice bool
	for _, msg := range msgs {
		if n, ok := msg.(views.NoticeMsg); ok && strings.Contains(n.Text, fmt.Sprintf("%d bytes", len(m.Text()))) {
			notice = true
		}
	}
	if len(msgs) != 2 || !notice {
		t.Fatalf("copy produced %#v", msgs)
	}
	// Nothing to copy in an empty inspector.
	if msgs := press(New(viewtest.Common()), viewtest.Key(m.common.Keys.Inspector.Copy)); len(msgs) != 0 {
		t.Fatal("copied nothing")
	}
}

// host runs an inspector as a whole program, as the root will.
type host struct{ in *Model }

func (h host) Init() tea.Cmd { return nil }
func (h host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "ctrl+c" {
		return h, tea.Quit
	}
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		h.in.SetSize(ws.Width, ws.Height)
	}
	_, cmd := h.in.Update(msg)
	return h, cmd
}
func (h host) View() tea.View { return h.in.View() }

// y reaches the terminal as an OSC 52 sequence carrying the JSON.
func TestCopyWritesOSC52ToTheTerminal(t *testing.T) {
	m := New(viewtest.Common())
	m.SetJSON("app", []byte(app))
	tm := teatest.NewTestModel(t, host{m}, teatest.WithInitialTermSize(80, 24))
	tm.Send(viewtest.Key(m.common.Keys.Inspector.Copy))
	want := []byte("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(m.Text())))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, want) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Send(viewtest.Press("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func TestInvalidJSONIsShownAsText(t *testing.T) {
	m := newInspector(t, "<html><body>502 Bad Gateway\x1b[2J</body></html>", 80, 10)
	v := m.View().Content
	if !strings.Contains(viewtest.Plain(m.View()), "not valid JSON") || !strings.Contains(viewtest.Plain(m.View()), "502 Bad Gateway") {
		t.Fatalf("view:\n%s", viewtest.Plain(m.View()))
	}
	if strings.Contains(v, "\x1b[2J") {
		t.Fatal("an escape sequence from the body reached the screen")
	}
	if !strings.Contains(m.Text(), "<html>") {
		t.Fatal("copy text should be the raw body")
	}
}

func TestHorizontalScrollAndWidth(t *testing.T) {
	long := `{"k":"` + strings.Repeat("abcdefghij", 20) + `END"}`
	m := newInspector(t, long, 40, 6)
	for _, l := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(l); w > 40 {
			t.Fatalf("line of %d cells: %q", w, l)
		}
	}
	if strings.Contains(viewtest.Plain(m.View()), "END") {
		t.Fatal("the end of a long line is visible before scrolling")
	}
	for range 40 {
		press(m, viewtest.Key(m.common.Keys.Nav.Right))
	}
	if !strings.Contains(viewtest.Plain(m.View()), "END") {
		t.Fatalf("scrolling right did not reach the end:\n%s", viewtest.Plain(m.View()))
	}
	// A search for a match far right scrolls there.
	m = newInspector(t, long, 40, 6)
	press(m, viewtest.Key(m.common.Keys.Inspector.Search))
	typeText(m, "jEND")
	if !strings.Contains(viewtest.Plain(m.View()), "END") {
		t.Fatalf("search did not scroll to the match:\n%s", viewtest.Plain(m.View()))
	}
}

func TestHelpFollowsThePrompt(t *testing.T) {
	m := newInspector(t, app, 80, 20)
	var descs []string
	for _, col := range m.FullHelp() {
		for _, b := range col {
			descs = append(descs, b.Help().Desc)
		}
	}
	all := strings.Join(descs, ",")
	for _, want := range []string{"copy JSON", "search", "next match", "scroll left", "page down"} {
		if !strings.Contains(all, want) {
			t.Errorf("help lacks %q: %s", want, all)
		}
	}
	press(m, viewtest.Key(m.common.Keys.Inspector.Search))
	if s := m.ShortHelp(); len(s) == 0 || s[0].Help().Desc != "keep filter" {
		t.Fatalf("prompt help %v", s)
	}
}

func TestSetJSONKeepsTheSearch(t *testing.T) {
	m := newInspector(t, app, 80, 20)
	press(m, viewtest.Key(m.common.Keys.Inspector.Search))
	typeText(m, "android")
	press(m, viewtest.Key(m.common.Keys.Filter.Accept))
	m.SetJSON("app (refreshed)", []byte(strings.Replace(app, "Android", "Android TV Android", 1)))
	if n, _ := m.Matches(); n != 2 {
		t.Fatalf("%d matches after reload", n)
	}
}

// A document of any size is highlighted where it is on screen, and searched
// whole.
func TestHugeDocumentsAreHighlightedOnScreen(t *testing.T) {
	doc := sizedDoc(1 << 20)
	m := newInspector(t, doc, 60, 10)
	st := m.common.Styles.JSON
	if v := m.View().Content; !strings.Contains(v, st.Key.Render(`"key000"`)) || !strings.Contains(v, st.String.Render(`"value 0"`)) {
		t.Fatalf("the top of a %d-byte document is not highlighted:\n%s", len(doc), v)
	}
	last := strings.Count(m.Text(), "\n") - 2 // the last key's index: the lines are {, the keys, }
	press(m, viewtest.Key(m.common.Keys.Nav.Bottom))
	if v := m.View().Content; !strings.Contains(v, st.Key.Render(fmt.Sprintf(`"key%03d"`, last))) {
		t.Fatalf("the bottom of the document is not highlighted:\n%s", v)
	}
	press(m, viewtest.Key(m.common.Keys.Nav.Top), viewtest.Key(m.common.Keys.Inspector.Search))
	typeText(m, fmt.Sprintf("value %d\"", last))
	want := st.String.Render(`"`) + st.CurrentMatch.Render(fmt.Sprintf(`value %d"`, last))
	if n, _ := m.Matches(); n != 1 || !strings.Contains(m.View().Content, want) {
		t.Fatalf("search in a large document: %d matches\n%s", n, viewtest.Plain(m.View()))
	}
}

func BenchmarkInspectorView(b *testing.B) {
	m := newInspector(b, longDoc(5000), 120, 40)
	press(m, viewtest.Key(m.common.Keys.Inspector.Search))
	typeText(m, "value 1")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// sizedDoc is a document like longDoc of at least size bytes.
func sizedDoc(size int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"key%03d":"value %d"`, i, i)
	}
	b.WriteString("}")
	return b.String()
}

// Opening a document: SetJSON, then the first frame.
func BenchmarkInspectorOpen100KiB(b *testing.B) { benchmarkOpen(b, 100<<10) }
func BenchmarkInspectorOpen1MiB(b *testing.B)   { benchmarkOpen(b, 1<<20) }

func benchmarkOpen(b *testing.B, size int) {
	doc := []byte(sizedDoc(size))
	m := New(viewtest.Common())
	m.SetSize(120, 40)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.SetJSON("x", doc)
		_ = m.View()
	}
}

func BenchmarkInspectorSetJSON(b *testing.B) {
	doc := []byte(longDoc(5000))
	m := New(viewtest.Common())
	m.SetSize(120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.SetJSON("x", doc)
	}
}
