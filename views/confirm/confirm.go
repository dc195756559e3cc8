// Package confirm is the confirmation dialog: a question with No and Yes,
// No focused by default, or (for deleting an account or an app) a prompt
// where the user types the entity's name and presses enter.
//
// # Design
//
// The dialog is modal: it Consumes every key. It answers once, with a
// ResultMsg carrying the ID the root gave it, so the root knows which
// pending action the answer is for, and closes it. Enter on the default
// focus answers No; only y (or moving to Yes, then enter) answers Yes. A
// question where Yes is the safe answer ("restore your draft?") focuses Yes
// instead (FocusYes), and esc is reported as Dismissed, so the root can
// tell "I chose No" from "not now". In
// type-the-name mode y and n are ordinary letters: only the exact name
// followed by enter confirms, and a wrong name says so without closing.
// What is typed need not be a name (RequireWhat): a bulk delete of many
// entities asks for their number.
//
// A dialog may list what it is about (Items: the entities of a bulk
// delete) under its message, as many as it has room for, the rest counted
// in a last line ("… and 12 more").
package confirm

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// Options describe a dialog.
type Options struct {
	ID      string // echoed in ResultMsg
	Title   string // "Delete app"
	Message string // the question, naming the kind and the entity
	Yes     string // label of the confirming button; default "Yes"
	No      string // label of the refusing button; default "No"
	Danger  bool   // destructive: the confirming button is styled as such
	// RequireName, when set, asks the user to type it to confirm.
	RequireName string
	// RequireWhat is what RequireName is, for the refusal of a wrong
	// answer: "name" when empty ("number" for a count).
	RequireWhat string
	// Items are listed under the message, one a line: as many as fit
	// (at most maxItems), the rest counted.
	Items []string
	// FocusYes focuses Yes at first: for questions where Yes loses nothing.
	FocusYes bool
}

// ResultMsg is the dialog's answer.
type ResultMsg struct {
	ID        string
	Confirmed bool
	// Dismissed: the user pressed cancel (esc) rather than choosing.
	Dismissed bool
}

// Model is the dialog component.
type Model struct {
	common views.Common
	opts   Options
	yes    bool // the focused button is Yes
	input  textinput.Model
	err    string
	done   bool
}

var _ views.Component = (*Model)(nil)

// New returns a dialog with No focused.
func New(c views.Common, o Options) *Model {
	if o.Yes == "" {
		o.Yes = "Yes"
	}
	if o.No == "" {
		o.No = "No"
	}
	m := &Model{common: c, opts: o, yes: o.FocusYes && o.RequireName == ""}
	m.input = textinput.New()
	m.input.Prompt = "> "
	m.input.SetStyles(c.Styles.TextInput())
	// No placeholder: the name itself in grey looked typed already, and
	// enter on it then said "That is not the name".
	if o.RequireName != "" {
		m.input.Focus()
	}
	return m
}

// ID is the dialog's ID.
func (m *Model) ID() string { return m.opts.ID }

// Done reports whether the dialog has answered.
func (m *Model) Done() bool { return m.done }

// YesFocused reports whether the Yes button has the focus.
func (m *Model) YesFocused() bool { return m.yes }

// SetSize sets the room the dialog may use. It takes 64 columns, or, for
// a longer question, as many as it needs up to views.OverlayWidth's most
// on a wide terminal.
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	m.input.SetWidth(max(1, m.boxWidth()-8))
}

// boxBase is the dialog's width when its question is short.
const boxBase = 64

// boxWidth is the dialog's width, its border included.
func (m *Model) boxWidth() int {
	w := m.common.Width
	need := m.contentWidth() + m.box().GetHorizontalFrameSize()
	return max(20, min(views.OverlayWidth(w, boxBase), max(min(w, boxBase), need)))
}

// box is the dialog's frame style.
func (m *Model) box() lipgloss.Style {
	if m.opts.Danger {
		return m.common.Styles.Dialog.DangerBox
	}
	return m.common.Styles.Dialog.Box
}

// contentWidth is the width the dialog's widest line takes unwrapped: its
// title, its message (one paragraph), the name to type, the buttons.
func (m *Model) contentWidth() int {
	lines := []string{m.opts.Title, m.opts.Message, m.opts.No + "  " + m.opts.Yes}
	if m.opts.RequireName != "" {
		lines = append(lines, "Type “"+m.opts.RequireName+"” to confirm:")
	}
	w := 0
	for _, l := range lines {
		w = max(w, text.Width(termtext.Sanitize(l)))
	}
	return w
}

// Init focuses the name prompt in type-the-name mode.
func (m *Model) Init() tea.Cmd { return nil }

// Consumes every key: the dialog is modal.
func (m *Model) Consumes(tea.KeyPressMsg) bool { return true }

// Update answers or moves the focus.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.done {
		return m, nil
	}
	k := m.common.Keys.Dialog
	kp, isKey := msg.(tea.KeyPressMsg)
	if m.opts.RequireName != "" {
		switch {
		case isKey && key.Matches(kp, k.Accept):
			if m.input.Value() == m.opts.RequireName {
				return m, m.answer(true)
			}
			what := m.opts.RequireWhat
			if what == "" {
				what = "name"
			}
			m.err = "That is not the " + what + ". Type “" + termtext.Sanitize(m.opts.RequireName) + "” exactly, or cancel."
			return m, nil
		case isKey && key.Matches(kp, k.Cancel):
			return m, m.dismiss()
		}
		if isKey || isPaste(msg) {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			m.err = ""
			return m, cmd
		}
		return m, nil
	}
	if !isKey {
		return m, nil
	}
	switch {
	case key.Matches(kp, k.Yes):
		return m, m.answer(true)
	case key.Matches(kp, k.Cancel):
		return m, m.dismiss()
	case key.Matches(kp, k.No):
		return m, m.answer(false)
	case key.Matches(kp, k.Toggle):
		m.yes = !m.yes
	case key.Matches(kp, k.Accept):
		return m, m.answer(m.yes)
	}
	return m, nil
}

func isPaste(msg tea.Msg) bool {
	_, ok := msg.(tea.PasteMsg)
	return ok
}

// dismiss answers No, marked as a dismissal.
func (m *Model) dismiss() tea.Cmd {
	m.done = true
	id := m.opts.ID
	return func() tea.Msg { return ResultMsg{ID: id, Dismissed: true} }
}

func (m *Model) answer(yes bool) tea.Cmd {
	m.done = true
	id := m.opts.ID
	return func() tea.Msg { return ResultMsg{ID: id, Confirmed: yes} }
}

// ShortHelp is the dialog's keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.common.Keys.Dialog
	if m.opts.RequireName != "" {
		return []key.Binding{k.Accept, k.Cancel}
	}
	return []key.Binding{k.Yes, k.No, k.Toggle, k.Accept, k.Cancel}
}

// FullHelp is the dialog's keys in one column.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View renders the dialog box.
func (m *Model) View() tea.View {
	st := m.common.Styles.Dialog
	box := m.box()
	bw := m.boxWidth()
	inner := max(1, bw-box.GetHorizontalFrameSize())
	var head, msg, tail []string
	if m.opts.Title != "" {
		head = append(head, st.Title.Render(text.Truncate(termtext.Sanitize(m.opts.Title), inner)))
	}
	for _, l := range strings.Split(ansi.Wrap(termtext.Sanitize(m.opts.Message), inner, ""), "\n") {
		msg = append(msg, st.Body.Render(l))
	}
	if m.opts.RequireName != "" {
		for _, l := range strings.Split(ansi.Wrap("Type “"+termtext.Sanitize(m.opts.RequireName)+"” to confirm:", inner, ""), "\n") {
			tail = append(tail, st.Body.Render(l))
		}
		tail = append(tail, text.Truncate(m.input.View(), inner))
		if m.err != "" {
			for _, l := range strings.Split(ansi.Wrap(m.err, inner, ""), "\n") {
				tail = append(tail, st.Error.Render(l))
			}
		}
		k := m.common.Keys.Dialog
		tail = append(tail, st.Hint.Render(text.Truncate(k.Accept.Help().Key+" confirm · "+k.Cancel.Help().Key+" cancel", inner)))
	} else {
		no, yes := st.Button, st.Button
		if m.yes {
			yes = st.ButtonActive
			if m.opts.Danger {
				yes = st.DangerActive
			}
		} else {
			no = st.ButtonActive
		}
		buttons := no.Render(termtext.Sanitize(m.opts.No)) + "  " + yes.Render(termtext.Sanitize(m.opts.Yes))
		tail = append(tail, text.Truncate(buttons, inner))
	}
	height := m.common.Height - box.GetVerticalFrameSize()
	if len(m.opts.Items) > 0 {
		room := maxItems
		if height > 0 {
			room = min(room, height-len(head)-len(blankIf(head))-len(msg)-1-len(tail))
		}
		for _, l := range itemLines(m.opts.Items, room, inner) {
			msg = append(msg, st.Body.Render(l))
		}
	}
	lines := fit(head, msg, tail, height, st.Body.Render("…"))
	return tea.NewView(box.Width(bw).Render(strings.Join(lines, "\n")))
}

// maxItems is the most items a dialog lists; the rest are counted.
const maxItems = 10

// itemLines lists items in room lines of width cells: all of them when
// they fit, else the first ones and "… and N more". With no room at all
// it is that count alone.
func itemLines(items []string, room, width int) []string {
	line := func(s string) string { return text.Truncate("  • "+termtext.Sanitize(s), width) }
	if len(items) <= room {
		out := make([]string, len(items))
		for i, it := range items {
			out[i] = line(it)
		}
		return out
	}
	show := max(0, room-1)
	out := make([]string, 0, show+1)
	for _, it := range items[:show] {
		out = append(out, line(it))
	}
	return append(out, text.Truncate(fmt.Sprintf("  … and %d more", len(items)-show), width))
}

// fit joins the title, the message and the answer part with a blank line
// between each, within height lines (0: no limit). On a short terminal the
// blank lines go first, then the message's last lines (an ellipsis says
// so); the title and the answer part (buttons, name prompt) always stay.
func fit(head, msg, tail []string, height int, more string) []string {
	spaced := slices.Concat(head, blankIf(head), msg, []string{""}, tail)
	if height <= 0 || len(spaced) <= height {
		return spaced
	}
	room := height - len(head) - len(tail)
	if room < len(msg) && room > 0 {
		msg = append(slices.Clone(msg[:room-1]), more)
	} else if room <= 0 {
		msg = nil
	}
	return slices.Concat(head, msg, tail)
}

func blankIf(lines []string) []string {
	if len(lines) == 0 {
		return nil
	}
	return []string{""}
}
