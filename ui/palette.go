package ui

import (
	"charm.land/bubbles/v2/help"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/helpview"
	"github.com/mpconsole/mpconsole/views/palette"
	"github.com/mpconsole/mpconsole/views/table"
)

// openPalette opens ':' over the current view, completing the catalogue's
// kinds.
func (m *Model) openPalette() tea.Cmd {
	p := palette.New(m.common)
	entries := make([]palette.Entry, 0, len(m.cat.Kinds()))
	for _, d := range m.cat.Kinds() {
		entries = append(entries, palette.Entry{Name: d.Name, Aliases: d.Aliases, Help: d.Help})
	}
	p.SetEntries(entries)
	var targets []palette.Entry
	for _, pr := range m.accts.Profiles() {
		if allowed(&m.opts, pr.Name) {
			targets = append(targets, palette.Entry{Name: pr.Name, Help: fmt.Sprintf("profile, account %d on %s", pr.AccountID, pr.Host)})
		}
	}
	p.SetTargets(targets)
	m.show(&overlay{comp: p, crumb: ":", overTable: true, under: m.overlay})
	return p.Open()
}

// onPalette runs what the palette submitted.
func (m *Model) onPalette(msg palette.SubmitMsg) tea.Cmd {
	var under *overlay
	if m.overlay != nil {
		under = m.overlay.under
	}
	m.overlay = nil
	switch msg.Command {
	case palette.Kind:
		d, ok := m.cat.Lookup(msg.Arg)
		if !ok {
			m.fail(fmt.Errorf("no kind %q", msg.Arg))
			return nil
		}
		cmd := m.openRoot(d)
		f := m.top()
		if msg.Open == "" && msg.Filter == "" || f == nil {
			return cmd
		}
		if f.kind != d { // the parent list comes first: what was typed is for d
			m.setNotice(fmt.Sprintf("pick %s first: %q is for %s", article(f.kind.Singular), msg.Open+msg.Filter, d.Name))
			return cmd
		}
		if msg.Filter != "" {
			f.table.SetFilter(msg.Filter)
		} else {
			f.openID = msg.Open
			f.table.Restore(table.State{CursorID: msg.Open, SortCol: -1})
		}
		return cmd
	case palette.Use:
		return m.use(msg.Arg)
	case palette.History:
		return m.edits.openHistory()
	case palette.Diff:
		return m.openDiff(msg.Arg, under)
	case palette.Refresh:
		return m.setRefresh(msg.Arg, under)
	case palette.Quit:
		return tea.Quit
	default:
		m.setNotice(fmt.Sprintf(":%s is not available yet", msg.Command))
	}
	return nil
}

// openHelp shows the keys of the focused view, then the global ones.
func (m *Model) openHelp() {
	if o := m.overlay; o != nil {
		if _, help := o.comp.(*helpview.Model); help { // ? again closes it, as esc does
			m.closeFront()
			return
		}
	}
	what, focused := "", m.focused()
	switch {
	case m.overlay != nil:
		what = m.overlay.crumb
	case m.top() != nil && m.top().tree != nil:
		what = "Tree"
	case m.top() != nil && m.top().kind != nil:
		what = "Table — " + m.top().kind.Name
	default:
		what = "Table"
	}
	var keys help.KeyMap = focused
	if m.overlay == nil && focused != nil {
		km := m.keys
		if f := m.top(); f != nil && f.tree != nil {
			// The tree has no marks (treeHasNoMarks).
			k := *m.keys
			k.List.Mark.SetEnabled(false)
			k.List.MarkAll.SetEnabled(false)
			k.List.ClearMarks.SetEnabled(false)
			km = &k
		}
		keys = listHelp{focused, km}
	}
	m.show(&overlay{comp: helpview.For(m.common, what, keys), crumb: "help", under: m.overlay})
}

// openPending opens the entity ":apps 3" asked for, once frame f's rows
// have arrived: as enter on its row would.
func (m *Model) openPending(f *frame) tea.Cmd {
	id := f.openID
	if id == "" {
		return nil
	}
	f.openID = ""
	e, ok := f.ents.get(id)
	if r, sel := f.table.Selected(); !ok || !sel || r.ID != id {
		m.setNotice(fmt.Sprintf("no %s %q in this list", f.kind.Singular, id))
		return nil
	}
	return m.open(f, e)
}

// rootCrumb is the crumb of the first frame of a root: a list opened to
// pick a parent says what to pick, and for what.
func rootCrumb(chain []*api.Descriptor) string {
	first, last := chain[0], chain[len(chain)-1]
	if len(chain) == 1 {
		return first.Name
	}
	return fmt.Sprintf("%s — pick %s for its %s", first.Name, article(first.Singular), strings.ToLower(last.Title))
}

func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func (m *Model) setNotice(s string) {
	m.notice, m.noticeAt, m.noticeView, m.noticeLayer = s, m.opts.Now(), m.viewID(), m.overlay
}
