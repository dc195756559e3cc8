// Package inspector shows one entity's JSON: pretty-printed, syntax
// highlighted, scrollable, searchable, and copyable to the clipboard.
//
// # Design
//
// SetJSON indents the entity's raw JSON with encoding/json.Indent, which
// keeps key order and number spelling exactly as the server sent them (a
// decode/encode round trip would not), and splits it into lines. It lexes
// nothing, so opening a large document on the UI thread costs little more
// than the indenting.
//
// A bubbles viewport holds the plain lines and owns the scroll state, the
// movement keys (from keymap's nav context) and the mouse wheel. View lexes
// and styles only the lines on screen, with jsonlex (the editor's lexer too:
// a line of JSON is lexed on its own) and the theme's colours, so styles are
// always current (the theme can change when the terminal reports its
// background) and a document of any size is highlighted, at no more cost per
// frame than a short one. Text that is not valid JSON is shown plain.
//
// '/' opens a search prompt; matches (case-insensitive) are highlighted as
// the query is typed, the current one distinctly; n/N move between them and
// scroll to them; esc clears the search (Consumes claims esc while a search is
// active, before the root's back). 'y' copies the pretty JSON with
// tea.SetClipboard, which Bubble Tea writes as an OSC 52 sequence to the
// terminal: it reaches the local clipboard over SSH and through tmux (with
// set-clipboard on), where no clipboard API would.
package inspector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/jsonlex"
	"github.com/mpconsole/mpconsole/views/text"
)

type match struct{ line, start, end int } // byte offsets in a plain line

// Model is the inspector component.
type Model struct {
	common views.Common

	title string
	text  string // what y copies: the pretty JSON, or the raw text when invalid
	info  string // "not valid JSON: …", shown under the title
	lines []string
	json  bool // lines are JSON, to highlight
	// pre, when set, renders lines shown above the document for a content
	// width (a role's task matrix, matrix.go); plain is how many of lines
	// they are, doc the document's own lines.
	pre   func(width int) []string
	plain int
	doc   []string
	segs  []jsonlex.Segment // renderLine's buffer

	vp viewport.Model

	input     textinput.Model
	searching bool
	query     string
	matches   []match
	cur       int
	byLine    map[int][]int // line → indices into matches
}

var _ views.Component = (*Model)(nil)

// New returns an empty inspector.
func New(c views.Common) *Model {
	m := &Model{common: c}
	m.vp = viewport.New()
	m.vp.KeyMap = m.viewportKeys()
	m.input = textinput.New()
	m.input.Prompt = "/"
	m.input.SetStyles(c.Styles.TextInput())
	return m
}

func (m *Model) viewportKeys() viewport.KeyMap {
	n := m.common.Keys.Nav
	return viewport.KeyMap{Up: n.Up, Down: n.Down, PageUp: n.PageUp, PageDown: n.PageDown, Left: n.Left, Right: n.Right}
}

// SetJSON shows a document. title names it ("app 4821 · Mobile App"). Data
// that is not valid JSON is shown as text, with a note saying so.
func (m *Model) SetJSON(title string, data []byte) {
	m.title = title
	m.info = ""
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(data), "", "  "); err != nil {
		m.text = string(data)
		m.info = "not valid JSON (" + err.Error() + "); shown as text"
		m.lines = strings.Split(strings.ReplaceAll(m.text, "\r\n", "\n"), "\n")
		m.json = false
	} else {
		m.text = buf.String()
		m.lines = strings.Split(m.text, "\n")
		m.json = true
	}
	// The lines shown, searched and lexed are sanitised copies; y still
	// copies the text as the server sent it.
	for i, l := range m.lines {
		m.lines[i] = termtext.Sanitize(l)
	}
	m.doc = m.lines
	m.relines()
	m.SetSize(m.common.Width, m.common.Height) // the gutter depends on the line count
	m.vp.GotoTop()
	m.vp.SetXOffset(0)
	m.search(m.query)
}

// Reload shows a new version of the document (a watched entity read
// again): as SetJSON, but the scroll position stays, so the lines being
// read do not jump. Nothing changes when the document did not.
func (m *Model) Reload(title string, data []byte) {
	if title == m.title && m.sameText(data) {
		return
	}
	y, x := m.vp.YOffset(), m.vp.XOffset()
	m.SetJSON(title, data)
	m.vp.SetYOffset(y)
	m.vp.SetXOffset(x)
}

// sameText reports whether data is the document shown.
func (m *Model) sameText(data []byte) bool {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(data), "", "  "); err != nil {
		return m.text == string(data)
	}
	return m.text == buf.String()
}

// Text is the document as y copies it.
func (m *Model) Text() string { return m.text }

// Query is the current search.
func (m *Model) Query() string { return m.query }

// Matches returns the number of matches and the current one (1-based; 0
// when there are none).
func (m *Model) Matches() (n, current int) {
	if len(m.matches) == 0 {
		return 0, 0
	}
	return len(m.matches), m.cur + 1
}

// Searching reports whether the search prompt is open.
func (m *Model) Searching() bool { return m.searching }

// YOffset is the first line on screen.
func (m *Model) YOffset() int { return m.vp.YOffset() }

// SetSize sets the inspector's size: a title line, the document, and a
// footer line.
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	if m.pre != nil {
		m.relines()
	}
	m.vp.SetWidth(max(1, w-m.gutterWidth()))
	m.vp.SetHeight(max(1, h-2))
	m.input.SetWidth(max(1, w-20))
}

func (m *Model) gutterWidth() int {
	return len(fmt.Sprint(max(1, len(m.lines)))) + 1
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Consumes takes every key while the search prompt is open, and esc while a
// search is active, to clear it.
func (m *Model) Consumes(msg tea.KeyPressMsg) bool {
	if m.searching {
		return true
	}
	return m.query != "" && key.Matches(msg, m.common.Keys.Global.Back)
}

// Update handles keys, pastes and the mouse wheel.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.vp.KeyMap = m.viewportKeys()
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.searching {
			return m, m.updatePrompt(msg)
		}
		return m, m.updateKeys(msg)
	case tea.PasteMsg:
		if m.searching {
			return m, m.updatePrompt(msg)
		}
	case tea.MouseWheelMsg:
		m.vp, _ = m.vp.Update(msg)
	}
	return m, nil
}

func (m *Model) updatePrompt(msg tea.Msg) tea.Cmd {
	cmd, end := views.UpdatePrompt(m.common.Keys.Filter, &m.input, msg)
	switch end {
	case views.PromptAccepted:
		m.searching = false
	case views.PromptCleared:
		m.searching = false
		m.search("")
	default:
		if v := m.input.Value(); v != m.query {
			m.search(v)
		}
	}
	return cmd
}

func (m *Model) updateKeys(msg tea.KeyPressMsg) tea.Cmd {
	k := m.common.Keys
	switch {
	case key.Matches(msg, k.Inspector.Search):
		m.searching = true
		m.input.SetValue(m.query)
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(msg, k.Global.Back) && m.query != "":
		m.search("")
	case key.Matches(msg, k.Inspector.Next):
		m.step(1)
	case key.Matches(msg, k.Inspector.Prev):
		m.step(-1)
	case key.Matches(msg, k.Inspector.Copy):
		if m.text == "" {
			return nil
		}
		return tea.Batch(tea.SetClipboard(m.text),
			views.NoticeCmd(fmt.Sprintf("Copied %d bytes to the clipboard (OSC 52).", len(m.text))))
	case key.Matches(msg, k.Nav.Top):
		m.vp.GotoTop()
	case key.Matches(msg, k.Nav.Bottom):
		m.vp.GotoBottom()
	default:
		m.vp, _ = m.vp.Update(msg)
	}
	return nil
}

// search finds q (case-insensitively) in every line and moves to the first
// match at or below the top of the screen.
func (m *Model) search(q string) {
	m.query = q
	m.matches, m.byLine, m.cur = nil, nil, 0
	if q == "" {
		return
	}
	lq := strings.ToLower(q)
	m.byLine = map[int][]int{}
	for i, l := range m.lines {
		ll := strings.ToLower(l)
		if len(ll) != len(l) {
			continue // lower-casing changed byte offsets: cannot map a match back
		}
		for off := 0; ; {
			j := strings.Index(ll[off:], lq)
			if j < 0 {
				break
			}
			m.byLine[i] = append(m.byLine[i], len(m.matches))
			m.matches = append(m.matches, match{line: i, start: off + j, end: off + j + len(lq)})
			off += j + len(lq)
		}
	}
	top := m.vp.YOffset()
	for i, mt := range m.matches {
		if mt.line >= top {
			m.cur = i
			break
		}
	}
	m.show()
}

func (m *Model) step(d int) {
	if len(m.matches) == 0 {
		return
	}
	m.cur = (m.cur + d + len(m.matches)) % len(m.matches)
	m.show()
}

// show scrolls the current match into view.
func (m *Model) show() {
	if len(m.matches) == 0 {
		return
	}
	mt := m.matches[m.cur]
	col := text.Width(m.lines[mt.line][:mt.start])
	end := col + text.Width(m.lines[mt.line][mt.start:mt.end])
	m.vp.EnsureVisible(mt.line, col, end)
}

// ShortHelp is the one-line help.
func (m *Model) ShortHelp() []key.Binding {
	if m.searching {
		return m.common.Keys.ShortHelp(keymap.Filter)
	}
	return m.common.Keys.ShortHelp(keymap.Inspector)
}

// FullHelp is movement and the inspector's actions.
func (m *Model) FullHelp() [][]key.Binding {
	if m.searching {
		return m.common.Keys.FullHelp(keymap.Filter)
	}
	return m.common.Keys.FullHelp(keymap.Nav, keymap.Inspector)
}

// View renders the title, the lines on screen and the footer.
func (m *Model) View() tea.View {
	w, h := m.common.Width, m.common.Height
	if w <= 0 || h <= 0 {
		return tea.NewView("")
	}
	st := m.common.Styles.JSON
	var b strings.Builder

	pos := ""
	if len(m.lines) > 0 {
		pos = fmt.Sprintf(" %d/%d", min(m.vp.YOffset()+m.vp.Height(), len(m.lines)), len(m.lines))
	}
	title := text.Truncate(termtext.Sanitize(m.title), max(1, w-text.Width(pos)-1))
	b.WriteString(st.Title.Render(title))
	if pad := w - text.Width(title) - text.Width(pos); pad > 0 {
		b.WriteString(strings.Repeat(" ", pad))
	}
	b.WriteString(st.Info.Render(pos))

	gw := m.gutterWidth()
	cw := max(1, w-gw)
	y, x := m.vp.YOffset(), m.vp.XOffset()
	for i := 0; i < h-2; i++ {
		b.WriteByte('\n')
		n := y + i
		if n >= len(m.lines) {
			continue
		}
		b.WriteString(st.LineNo.Render(fmt.Sprintf("%*d ", gw-1, n+1)))
		line := m.renderLine(n)
		if x > 0 || text.Width(m.lines[n]) > cw {
			line = ansi.Cut(line, x, x+cw)
		}
		b.WriteString(line)
	}
	b.WriteByte('\n')
	b.WriteString(text.Truncate(m.footer(), w))
	return tea.NewView(b.String())
}

func (m *Model) footer() string {
	st := m.common.Styles
	if m.searching {
		return m.input.View() + "  " + st.JSON.Info.Render(m.matchText())
	}
	if m.query != "" {
		return st.Table.FilterPrompt.Render("/") + st.Table.FilterText.Render(termtext.Sanitize(m.query)) + "  " +
			st.JSON.Info.Render(m.matchText()+"  (esc clears)")
	}
	if m.info != "" {
		return st.ErrorPane.Retry.Render(m.info)
	}
	return ""
}

func (m *Model) matchText() string {
	if m.query == "" {
		return ""
	}
	if len(m.matches) == 0 {
		return "no match"
	}
	return fmt.Sprintf("%d of %d", m.cur+1, len(m.matches))
}

// renderLine lexes and styles one line: token colours, with search matches
// on top.
func (m *Model) renderLine(n int) string {
	st := m.common.Styles.JSON
	line := m.lines[n]
	if m.json && n >= m.plain {
		m.segs = jsonlex.Line(line, m.segs)
	} else {
		m.segs = append(m.segs[:0], jsonlex.Segment{End: len(line), Class: jsonlex.Plain})
	}
	var b strings.Builder
	hits := m.byLine[n]
	for _, sg := range m.segs {
		style := jsonlex.Style(st, sg.Class)
		text := line[sg.Start:sg.End]
		start := sg.Start
		if len(hits) == 0 {
			b.WriteString(style.Render(text))
			continue
		}
		// Split the segment at match boundaries.
		off := 0
		for off < len(text) {
			abs := start + off
			hi, end := -1, start+len(text)
			for _, h := range hits {
				mt := m.matches[h]
				if mt.start <= abs && abs < mt.end {
					hi, end = h, min(end, mt.end)
					break
				}
				if mt.start > abs {
					end = min(end, mt.start)
				}
			}
			piece := text[off : end-start]
			switch {
			case hi < 0:
				b.WriteString(style.Render(piece))
			case hi == m.cur:
				b.WriteString(st.CurrentMatch.Render(piece))
			default:
				b.WriteString(st.Match.Render(piece))
			}
			off = end - start
		}
	}
	return b.String()
}
