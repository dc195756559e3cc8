package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/views/helpview"
	"github.com/mpconsole/mpconsole/views/palette"
)

// openPalette opens ':' over the current view, completing the catalogue's
// kinds.
func (m *Model) openPalette() tea.Cmd {
	p := palette.New(m.common)
	entries := make([]palette.Entry, 0, len(m.cat.Kinds()))
	for _, d := range m.cat.Kinds() {
		entries = append(entries, palette.Entry{Name: d.Name, Aliases: d.Aliases, Help: d.Title})
	}
	p.SetEntries(entries)
	var targets []palette.Entry
	for _, pr := range m.accts.Profiles() {
		if m.allowed(pr.Name) {
			targets = append(targets, palette.Entry{Name: pr.Name, Help: fmt.Sprintf("profile, account %d on %s", pr.AccountID, pr.Host)})
		}
	}
	p.SetTargets(targets)
	m.show(p, "palette", ":")
	return p.Open()
}

// onPalette runs what the palette submitted.
func (m *Model) onPalette(msg palette.SubmitMsg) tea.Cmd {
	m.overlay = nil
	switch msg.Command {
	case palette.Kind:
		d, ok := m.cat.Lookup(msg.Arg)
		if !ok {
			m.showError(fmt.Errorf("no kind %q", msg.Arg))
			return nil
		}
		return m.openRoot(d)
	case palette.Use:
		return m.use(msg.Arg)
	case palette.History:
		return m.openHistory()
	case palette.Quit:
		return tea.Quit
	default:
		m.setNotice(fmt.Sprintf(":%s is not available yet", msg.Command))
	}
	return nil
}

// openHelp shows the keys of the focused view, then the global ones.
func (m *Model) openHelp() {
	what, focused := "", m.focused()
	switch {
	case m.overlay != nil:
		what = m.overlay.crumb
	case m.top() != nil && m.top().kind != nil:
		what = "Table — " + m.top().kind.Name
	default:
		what = "Table"
	}
	h := helpview.For(m.common, what, focused)
	w, hh := m.bodySize()
	h.SetSize(w, hh)
	m.overlay = &overlay{comp: h, name: "help", crumb: "help"}
}

func (m *Model) setNotice(s string) { m.notice, m.noticeAt, m.noticeView = s, m.opts.Now(), m.viewID() }
