// Package helpview is the '?' screen: every key of the focused view and the
// global keys, generated from the keymap (through the components' FullHelp),
// so it is always true to the user's bindings.
//
// # Design
//
// The root builds the sections when help opens: the focused component's
// FullHelp, then the global keys (For does exactly that). Each section is
// laid out as columns of "key  description", flowing onto more rows when the
// terminal is narrow; a viewport scrolls the result with the nav keys. The
// help screen takes no key for itself (Consumes is false): esc and ? close
// it at the root.
package helpview

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// Section is one titled group of key columns.
type Section struct {
	Title  string
	Groups [][]key.Binding
}

// Model is the help screen.
type Model struct {
	common   views.Common
	title    string
	sections []Section
	vp       viewport.Model
}

var _ views.Component = (*Model)(nil)

// New returns an empty help screen.
func New(c views.Common) *Model {
	m := &Model{common: c}
	m.vp = viewport.New()
	return m
}

// For returns a help screen for a focused view: its keys (named by what,
// e.g. "Table — apps"), then the global keys.
func For(c views.Common, what string, focused help.KeyMap) *Model {
	m := New(c)
	var secs []Section
	if focused != nil {
		secs = append(secs, Section{Title: what, Groups: focused.FullHelp()})
	}
	secs = append(secs, Section{Title: "Everywhere", Groups: c.Keys.FullHelp(keymap.Global)})
	m.Set("Keys", secs...)
	return m
}

// Set replaces the title and sections.
func (m *Model) Set(title string, sections ...Section) {
	m.title = title
	m.sections = sections
	m.layout()
}

// SetSize sets the screen's size.
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	m.layout()
}

func (m *Model) layout() {
	m.vp.SetWidth(max(1, m.common.Width))
	m.vp.SetHeight(max(1, m.common.Height-1))
	m.vp.SetContentLines(m.render(max(1, m.common.Width)))
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Consumes no key: esc and ? close help at the root.
func (m *Model) Consumes(tea.KeyPressMsg) bool { return false }

// Update scrolls.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	n := m.common.Keys.Nav
	m.vp.KeyMap = viewport.KeyMap{Up: n.Up, Down: n.Down, PageUp: n.PageUp, PageDown: n.PageDown}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, n.Top):
			m.vp.GotoTop()
			return m, nil
		case key.Matches(k, n.Bottom):
			m.vp.GotoBottom()
			return m, nil
		}
	}
	m.vp, _ = m.vp.Update(msg)
	return m, nil
}

// ShortHelp is scrolling.
func (m *Model) ShortHelp() []key.Binding {
	n := m.common.Keys.Nav
	return []key.Binding{n.Up, n.Down, m.common.Keys.Global.Back}
}

// FullHelp is scrolling.
func (m *Model) FullHelp() [][]key.Binding {
	n := m.common.Keys.Nav
	return [][]key.Binding{{n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom}}
}

// YOffset is the first line on screen.
func (m *Model) YOffset() int { return m.vp.YOffset() }

// View renders the title and the visible part of the help.
func (m *Model) View() tea.View {
	if m.common.Width <= 0 || m.common.Height <= 0 {
		return tea.NewView("")
	}
	st := m.common.Styles.Help
	b := m.common.Keys.Global.Back.Help().Key
	title := st.Title.Render(text.Truncate(m.title, max(1, m.common.Width-16))) + st.Sep.Render("  "+b+" closes")
	return tea.NewView(text.Truncate(title, m.common.Width) + "\n" + m.vp.View())
}

// render lays the sections out at width.
func (m *Model) render(width int) []string {
	st := m.common.Styles.Help
	var out []string
	for si, s := range m.sections {
		if si > 0 {
			out = append(out, "")
		}
		out = append(out, st.Section.Render(text.Truncate(s.Title, width)))
		var cols []string
		for _, g := range s.Groups {
			if c := m.column(g); c != "" {
				cols = append(cols, c)
			}
		}
		// Flow the columns onto rows that fit the width.
		var row []string
		rowW := 0
		flush := func() {
			if len(row) == 0 {
				return
			}
			block := lipgloss.JoinHorizontal(lipgloss.Top, row...)
			for _, l := range strings.Split(block, "\n") {
				out = append(out, text.Truncate(l, width))
			}
			row, rowW = nil, 0
		}
		for _, c := range cols {
			cw := lipgloss.Width(c) + 4
			if rowW > 0 && rowW+cw > width {
				flush()
			}
			row = append(row, lipgloss.NewStyle().PaddingRight(4).Render(c))
			rowW += cw
		}
		flush()
	}
	return out
}

// column renders one group as aligned "key  description" lines.
func (m *Model) column(g []key.Binding) string {
	st := m.common.Styles.Help
	kw := 0
	var keep []key.Binding
	for _, b := range g {
		if !b.Enabled() || b.Help().Desc == "" {
			continue
		}
		keep = append(keep, b)
		kw = max(kw, text.Width(b.Help().Key))
	}
	lines := make([]string, len(keep))
	for i, b := range keep {
		lines[i] = st.Key.Render(text.Fit(b.Help().Key, kw)) + "  " + st.Desc.Render(b.Help().Desc)
	}
	return strings.Join(lines, "\n")
}
