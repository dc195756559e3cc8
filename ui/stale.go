package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/text"
)

// staleView offers a draft whose entity changed on the server since the
// draft was started: a three-way table of the fields that moved (then, now,
// yours), scrollable with the nav keys, over the restore question. The
// question's answers come from the dialog (views/confirm), and go to the
// overlay's onResult like those of any question.
type staleView struct {
	common views.Common
	title  string
	note   string // under the title: what changed, or why yours is not listed
	rows   []diff.Three
	off    int
	dialog *confirm.Model
}

var _ views.Component = (*staleView)(nil)

func newStaleView(c views.Common, title, note string, rows []diff.Three, dialog *confirm.Model) *staleView {
	return &staleView{common: c, title: title, note: note, rows: rows, dialog: dialog}
}

func (v *staleView) dialogHeight() int {
	return strings.Count(v.dialog.View().Content, "\n") + 1
}

// tableHeight is the room for the table's rows (its header excluded).
func (v *staleView) tableHeight() int {
	return max(1, v.common.Height-v.dialogHeight()-len(v.introLines())-2)
}

func (v *staleView) introLines() []string {
	w := max(20, v.common.Width)
	lines := []string{v.common.Styles.Diff.Title.Render(text.Truncate(termtext.Sanitize(v.title), w))}
	if v.note != "" {
		for _, l := range strings.Split(ansi.Wrap(termtext.Sanitize(v.note), w, ""), "\n") {
			lines = append(lines, v.common.Styles.Diff.Summary.Render(l))
		}
	}
	return lines
}

func (v *staleView) SetSize(w, h int) {
	v.common.SetSize(w, h)
	v.dialog.SetSize(w, h)
	v.clamp()
}

func (v *staleView) clamp() { v.off = max(0, min(v.off, len(v.rows)-v.tableHeight())) }

func (v *staleView) Init() tea.Cmd { return nil }

// Consumes every key: it is a question.
func (v *staleView) Consumes(tea.KeyPressMsg) bool { return true }

func (v *staleView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	n := v.common.Keys.Nav
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, n.Up):
			v.off--
			v.clamp()
			return v, nil
		case key.Matches(k, n.Down):
			v.off++
			v.clamp()
			return v, nil
		case key.Matches(k, n.PageUp):
			v.off -= v.tableHeight()
			v.clamp()
			return v, nil
		case key.Matches(k, n.PageDown):
			v.off += v.tableHeight()
			v.clamp()
			return v, nil
		}
	}
	_, cmd := v.dialog.Update(msg)
	return v, cmd
}

func (v *staleView) ShortHelp() []key.Binding {
	n := v.common.Keys.Nav
	return append([]key.Binding{n.Up, n.Down}, v.dialog.ShortHelp()...)
}

func (v *staleView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *staleView) View() tea.View {
	w := max(20, v.common.Width)
	lines := v.introLines()
	lines = append(lines, "")
	table := diff.ThreeLines(v.common.Styles, v.rows, w)
	h := v.tableHeight()
	lines = append(lines, table[0])
	body := table[1:]
	end := min(len(body), v.off+h)
	lines = append(lines, body[v.off:end]...)
	if len(body) > h {
		lines = append(lines, v.common.Styles.Diff.Summary.Render(text.Truncate(
			itoa(int64(v.off+1))+"–"+itoa(int64(end))+" of "+itoa(int64(len(body)))+" fields; "+
				v.common.Keys.Nav.Down.Help().Key+" scrolls", w)))
	}
	lines = append(lines, v.dialog.View().Content)
	return tea.NewView(strings.Join(lines, "\n"))
}
