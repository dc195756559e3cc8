package diff

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// maxValueLines is how many lines one long value may take in a diff; the
// rest is elided.
const maxValueLines = 8

type role uint8

const (
	rolePlain role = iota
	rolePath
	roleAdded
	roleRemoved
	roleChanged
	roleOld
	roleNew
	roleArrow
	roleSection
)

type span struct {
	text string
	role role
}

// row is one rendered line, unstyled: styles are applied when it is drawn,
// so a theme change reaches it.
type row []span

// WholeDocument names the path "" in a rendered diff.
const WholeDocument = "(the whole document)"

// layout lays changes out in rows for a width. A change whose values fit
// takes one line ("~ name: "old" → "new""); otherwise its values go on
// lines of their own below the path, wrapped, at most maxValueLines each.
func layout(cs []Change, width int) []row {
	width = max(width, 20)
	var rows []row
	for _, c := range cs {
		mark := span{"~ ", roleChanged}
		switch c.Kind {
		case Added:
			mark = span{"+ ", roleAdded}
		case Removed:
			mark = span{"- ", roleRemoved}
		}
		path := termtext.Sanitize(c.Path)
		if path == "" {
			path = WholeDocument
		}
		old, cur := termtext.Sanitize(c.Old), termtext.Sanitize(c.New)
		one := row{mark, {path, rolePath}, {": ", rolePlain}}
		switch c.Kind {
		case Changed:
			one = append(one, span{old, roleOld}, span{" → ", roleArrow}, span{cur, roleNew})
		case Added:
			one = append(one, span{cur, roleNew})
		case Removed:
			one = append(one, span{old, roleOld})
		}
		if rowWidth(one) <= width {
			rows = append(rows, one)
			continue
		}
		rows = append(rows, row{mark, {text.Truncate(path, width-2), rolePath}})
		if c.Kind != Added {
			rows = appendValue(rows, "  - ", old, roleOld, width)
		}
		if c.Kind != Removed {
			rows = appendValue(rows, "  + ", cur, roleNew, width)
		}
	}
	return rows
}

func appendValue(rows []row, lead, v string, r role, width int) []row {
	inner := max(1, width-len(lead))
	parts := strings.Split(ansi.Hardwrap(v, inner, false), "\n")
	if len(parts) > maxValueLines {
		parts = append(parts[:maxValueLines-1], "…")
	}
	for i, p := range parts {
		l := lead
		if i > 0 {
			l = strings.Repeat(" ", len(lead))
		}
		rows = append(rows, row{{l, r}, {p, r}})
	}
	return rows
}

func rowWidth(r row) int {
	w := 0
	for _, s := range r {
		w += text.Width(s.text)
	}
	return w
}

func (r row) render(st *theme.Styles) string {
	var b strings.Builder
	for _, s := range r {
		b.WriteString(roleStyle(st, s.role).Render(s.text))
	}
	return b.String()
}

func (r row) plain() string {
	var b strings.Builder
	for _, s := range r {
		b.WriteString(s.text)
	}
	return b.String()
}

func roleStyle(st *theme.Styles, r role) lipgloss.Style {
	d := st.Diff
	switch r {
	case rolePath:
		return d.Path
	case roleAdded:
		return d.Added
	case roleRemoved:
		return d.Removed
	case roleChanged:
		return d.Changed
	case roleOld:
		return d.Old
	case roleNew:
		return d.New
	case roleArrow:
		return d.Arrow
	case roleSection:
		return d.Title
	}
	return lipgloss.NewStyle()
}

// Lines renders changes for a width, styled.
func Lines(st *theme.Styles, cs []Change, width int) []string {
	rows := layout(cs, width)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = text.Truncate(r.render(st), width)
	}
	return out
}

// Text renders changes as plain text, one per line where they fit: for
// logs, the clipboard and tests.
func Text(cs []Change, width int) string {
	rows := layout(cs, width)
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = r.plain()
	}
	return strings.Join(lines, "\n")
}

// Section is a group of changes under a heading: one entity's, in the
// review of a bulk edit.
type Section struct {
	Title   string
	Changes []Change
	// Count is how many entities the section stands for, each with these
	// changes (0 counts as 1): the summary counts its changes that often.
	Count int
	// Note, when set, is shown under the heading in place of the changes:
	// what the section says of entities whose changes it does not list.
	Note string
}

// noChange is what a section without changes says.
const noChange = "  (no change)"

// layoutSections lays sections out: each one's heading, then its changes.
func layoutSections(ss []Section, width int) []row {
	var rows []row
	for _, s := range ss {
		rows = append(rows, row{{text.Truncate(termtext.Sanitize(s.Title), max(width, 20)), roleSection}})
		if s.Note != "" && len(s.Changes) == 0 {
			for _, l := range strings.Split(s.Note, "\n") {
				rows = append(rows, row{{"  " + text.Truncate(termtext.Sanitize(l), max(width-2, 18)), rolePlain}})
			}
			continue
		}
		if len(s.Changes) == 0 {
			rows = append(rows, row{{noChange, rolePlain}})
			continue
		}
		rows = append(rows, layout(s.Changes, width)...)
	}
	return rows
}

// Model shows a diff: a title with a summary, and the changes (or
// sections of them), scrollable with the nav keys and the mouse wheel. It
// is not modal: it Consumes no key.
type Model struct {
	common   views.Common
	title    string
	changes  []Change
	sections []Section // nil: the changes alone
	summary  string    // the sections' summary (SetSections)
	rows     []row
	rowsW    int
	off      int
}

var _ views.Component = (*Model)(nil)

// New returns an empty diff view.
func New(c views.Common) *Model { return &Model{common: c, summary: Summary(nil)} }

// SetChanges shows changes under a title ("Changes to app 4821").
func (m *Model) SetChanges(title string, cs []Change) {
	m.title, m.changes, m.sections, m.rows, m.off = title, cs, nil, nil, 0
	m.summary = Summary(cs)
}

// SetSections shows changes grouped in sections under a title ("Changes
// to 2 platforms", one section each); the summary counts them all.
func (m *Model) SetSections(title string, ss []Section) {
	var all []Change
	var n [3]int
	unlisted := 0
	for _, s := range ss {
		all = append(all, s.Changes...)
		for _, c := range s.Changes {
			n[c.Kind] += max(1, s.Count)
		}
		if len(s.Changes) == 0 && s.Note != "" {
			unlisted += max(1, s.Count)
		}
	}
	m.title, m.changes, m.sections, m.rows, m.off = title, all, ss, nil, 0
	m.summary = counted(n)
	if unlisted > 0 {
		m.summary += fmt.Sprintf("; %d not itemised", unlisted)
	}
}

// Changes are the changes shown (every section's, in order).
func (m *Model) Changes() []Change { return m.changes }

// Title is the title shown.
func (m *Model) Title() string { return m.title }

// SetSize sets the view's size: a title line and the changes.
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	m.clamp()
}

func (m *Model) layoutRows() []row {
	if m.rows == nil || m.rowsW != m.common.Width {
		if m.sections != nil {
			m.rows = layoutSections(m.sections, m.common.Width)
		} else {
			m.rows = layout(m.changes, m.common.Width)
		}
		m.rowsW = m.common.Width
	}
	return m.rows
}

func (m *Model) bodyHeight() int { return max(1, m.common.Height-1) }

func (m *Model) clamp() {
	m.off = max(0, min(m.off, len(m.layoutRows())-m.bodyHeight()))
}

// Offset is the first row on screen.
func (m *Model) Offset() int { return m.off }

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Consumes no key: the diff only scrolls.
func (m *Model) Consumes(tea.KeyPressMsg) bool { return false }

// Update scrolls.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	n := m.common.Keys.Nav
	page := m.bodyHeight()
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, n.Up):
			m.off--
		case key.Matches(msg, n.Down):
			m.off++
		case key.Matches(msg, n.PageUp):
			m.off -= page
		case key.Matches(msg, n.PageDown):
			m.off += page
		case key.Matches(msg, n.Top):
			m.off = 0
		case key.Matches(msg, n.Bottom):
			m.off = len(m.layoutRows())
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.off -= 3
		case tea.MouseWheelDown:
			m.off += 3
		}
	}
	m.clamp()
	return m, nil
}

// ShortHelp is scrolling.
func (m *Model) ShortHelp() []key.Binding {
	n := m.common.Keys.Nav
	return []key.Binding{n.Up, n.Down, n.PageDown}
}

// FullHelp is scrolling.
func (m *Model) FullHelp() [][]key.Binding { return m.common.Keys.FullHelp(keymap.Nav) }

// View renders the title, the summary and the rows on screen.
func (m *Model) View() tea.View {
	w, h := m.common.Width, m.common.Height
	if w <= 0 || h <= 0 {
		return tea.NewView("")
	}
	st := m.common.Styles
	rows := m.layoutRows()
	var b strings.Builder
	head := st.Diff.Title.Render(termtext.Sanitize(m.title))
	if m.title != "" {
		head += "  "
	}
	head += st.Diff.Summary.Render(m.summary)
	if len(rows) > h-1 {
		head += st.Diff.Summary.Render(" · " + strconv.Itoa(m.off+1) + "-" + strconv.Itoa(min(len(rows), m.off+h-1)) + " of " + strconv.Itoa(len(rows)) + " lines")
	}
	b.WriteString(text.Truncate(head, w))
	for i := m.off; i < len(rows) && i < m.off+h-1; i++ {
		b.WriteByte('\n')
		b.WriteString(text.Truncate(rows[i].render(st), w))
	}
	return tea.NewView(b.String())
}
