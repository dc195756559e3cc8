package editor

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/text"
)

// ShortHelp is the keys of the current step.
func (m *Model) ShortHelp() []key.Binding {
	k := m.common.Keys.Editor
	if m.dialog != nil {
		return m.dialog.ShortHelp()
	}
	if m.help != nil {
		return []key.Binding{m.closeHelpKey()}
	}
	switch m.mode {
	case reviewing:
		return []key.Binding{k.Confirm, m.backKey(), k.Help}
	case saving:
		return nil
	case preparing:
		return []key.Binding{m.backKey(), k.Help}
	case conflicted:
		return []key.Binding{k.Overwrite, k.Merge, k.Reload, m.backKey(), k.Help}
	}
	out := []key.Binding{k.Save}
	if m.opts.External {
		out = append(out, k.External)
	}
	return append(out, k.Leave, k.Undo, k.Help)
}

// closeHelpKey is editor.leave described as closing the editor's help.
func (m *Model) closeHelpKey() key.Binding {
	b := m.common.Keys.Editor.Leave
	b.SetHelp(b.Help().Key, "back to the text")
	return b
}

// backKey is editor.cancel described as going back to the text.
func (m *Model) backKey() key.Binding {
	b := m.common.Keys.Editor.Cancel
	b.SetHelp(b.Help().Key, "back to editing")
	return b
}

// FullHelp is the editor's actions, then the text keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.common.Keys.Editor
	if m.dialog != nil {
		return m.dialog.FullHelp()
	}
	if m.help != nil {
		return append([][]key.Binding{{m.closeHelpKey()}}, m.common.Keys.FullHelp(keymap.Nav)...)
	}
	switch m.mode {
	case reviewing, saving:
		return append([][]key.Binding{{k.Confirm, m.backKey(), k.Leave, k.Help}}, m.common.Keys.FullHelp(keymap.Nav)...)
	case conflicted:
		return append([][]key.Binding{{k.Overwrite, k.Merge, k.Reload, m.backKey(), k.Help}}, m.common.Keys.FullHelp(keymap.Nav)...)
	}
	actions := []key.Binding{k.Save, k.Confirm, k.Leave, k.Undo, k.Redo, k.Help}
	if m.opts.External {
		actions = append(actions, k.External)
	}
	text := m.keys.all()
	return [][]key.Binding{actions, text[:len(text)/2], text[len(text)/2:]}
}

// View renders the title, the text (or the diff, or the editor's help),
// the status line and the hint line. The hint line (the keys of the step,
// from the keymap) is always the last line, so how to save and how to
// leave are on screen however small the terminal.
func (m *Model) View() tea.View {
	w, h := m.common.Width, m.common.Height
	if w <= 0 || h <= 0 {
		return tea.NewView("")
	}
	m.ensureChecked()
	var body []string
	switch {
	case m.help != nil:
		body = strings.Split(m.help.View().Content, "\n")
	case m.mode == editing, m.mode == preparing:
		body = append(m.textLines(w), m.theirsLines(w)...)
	default:
		body = strings.Split(m.review.View().Content, "\n")
	}
	foot := []string{text.Truncate(m.statusLine(w), w), m.hintLine(w)}
	if m.help != nil {
		foot = foot[1:]
	}
	switch {
	case h <= 1:
		foot = nil
	case h <= 3:
		foot = foot[len(foot)-1:] // the hint line before the status
	}
	room := max(0, h-1-len(foot))
	for len(body) < room {
		body = append(body, "")
	}
	lines := append([]string{m.titleLine(w)}, body[:room]...)
	lines = append(lines, foot...)
	if m.dialog != nil {
		lines = overlay(lines, strings.Split(m.dialog.View().Content, "\n"), w)
	}
	return tea.NewView(strings.Join(lines, "\n"))
}

// hint is one key of the hint line; keep orders which give way first when
// the line is too narrow (the highest goes first).
type hint struct {
	key  key.Binding
	desc string
	keep int
}

// hintLine is the keys of the current step in "key what · key what" form,
// named by their bindings (a rebound key shows its new name). When the
// line does not fit, whole hints give way, least needed first; the help key
// stays, and the help lists the rest.
func (m *Model) hintLine(w int) string {
	k := m.common.Keys.Editor
	var hs []hint
	switch {
	case m.help != nil:
		hs = []hint{{m.closeHelpKey(), "back to the text", 0}, {m.common.Keys.Nav.Down, "scroll", 1}}
	case m.mode == editing:
		hs = []hint{{k.Save, "review", 0}, {k.Leave, "leave", 0}}
		if m.opts.External {
			hs = append(hs, hint{k.External, "$EDITOR", 2})
		}
		hs = append(hs, hint{k.Undo, "undo", 3}, hint{k.Help, "help", 1})
	case m.mode == preparing:
		hs = []hint{{k.Leave, "stop waiting", 0}, {k.Help, "help", 1}}
	case m.mode == reviewing:
		hs = []hint{{k.Confirm, "send", 0}, {k.Cancel, "back to editing", 0}, {m.common.Keys.Nav.Down, "scroll", 2}, {k.Help, "help", 1}}
	case m.mode == conflicted:
		hs = []hint{{k.Overwrite, "overwrite", 0}, {k.Merge, "merge", 0}, {k.Reload, "reload theirs", 0},
			{k.Leave, "back", 1}, {k.Help, "help", 1}}
	default:
		return ""
	}
	st := m.common.Styles.Help
	sep := st.Sep.Render(" · ")
	for {
		parts := make([]string, 0, len(hs))
		width := 0
		for _, x := range hs {
			kn := x.key.Help().Key
			parts = append(parts, st.Key.Render(kn)+" "+st.Desc.Render(x.desc))
			width += text.Width(kn) + 1 + text.Width(x.desc)
		}
		width += 3 * max(0, len(hs)-1)
		worst := -1
		for i, x := range hs {
			if x.keep > 0 && (worst < 0 || x.keep > hs[worst].keep) {
				worst = i
			}
		}
		if width <= w || worst < 0 {
			return text.Truncate(strings.Join(parts, sep), w)
		}
		hs = append(hs[:worst:worst], hs[worst+1:]...)
	}
}

func (m *Model) titleLine(w int) string {
	st := m.common.Styles.Editor
	left := st.Title.Render(termtext.Sanitize(m.opts.Title))
	if m.Dirty() {
		left += " " + st.Modified.Render("● modified")
	}
	l, c := m.Cursor()
	right := st.Position.Render(fmt.Sprintf("Ln %d, Col %d · %d lines", l, c, len(m.buf.lines)))
	left = text.Truncate(left, max(1, w-text.Width(right)-1))
	pad := w - text.Width(left) - text.Width(right)
	if pad < 1 {
		return left
	}
	return left + strings.Repeat(" ", pad) + right
}

func (m *Model) gutterWidth() int {
	return len(fmt.Sprint(len(m.buf.lines))) + 2
}

func (m *Model) contentWidth() int {
	return max(1, m.common.Width-m.gutterWidth())
}

// textLines renders the lines on screen.
func (m *Model) textLines(w int) []string {
	st := m.common.Styles
	h := m.bodyHeight()
	gw := m.gutterWidth()
	cw := max(1, w-gw)
	errLine := -1
	if m.chk.err != nil {
		errLine = m.chk.err.Line - 1
	}
	out := make([]string, 0, h)
	p := m.paints()
	lineNo, lineNoCur, lineNoErr := paintOf(st.Editor.LineNo), paintOf(st.Editor.LineNoCurrent), paintOf(st.Editor.LineNoError)
	mark := st.Editor.Immutable.Render("•")
	var b strings.Builder
	for i := 0; i < h; i++ {
		n := m.top + i
		if n >= len(m.buf.lines) {
			out = append(out, "")
			continue
		}
		num := strconv.Itoa(n + 1)
		num = strings.Repeat(" ", max(0, gw-2-len(num))) + num
		b.Reset()
		switch {
		case n == errLine:
			lineNoErr.write(&b, num)
		case n == m.buf.cur.line:
			lineNoCur.write(&b, num)
		default:
			lineNo.write(&b, num)
		}
		if n < len(m.chk.marks) && m.chk.marks[n]&markImmutable != 0 {
			b.WriteString(mark)
		} else {
			b.WriteByte(' ')
		}
		b.WriteByte(' ')
		b.WriteString(m.renderLine(n, cw, p))
		if w <= gw { // narrower than the gutter: only part of it shows
			out = append(out, ansi.Truncate(b.String(), w, ""))
			continue
		}
		out = append(out, b.String())
	}
	return out
}

// paint is a style reduced to the escape sequences around its text, so
// that drawing a segment is two string concatenations instead of a
// lipgloss render (which dominated the frame time).
type paint struct{ pre, post string }

func paintOf(st lipgloss.Style) paint {
	const mark = "\x00"
	pre, post, ok := strings.Cut(st.Render(mark), mark)
	if !ok {
		return paint{}
	}
	return paint{pre, post}
}

func (p paint) write(b *strings.Builder, s string) {
	b.WriteString(p.pre)
	b.WriteString(s)
	b.WriteString(p.post)
}

// paints are the styles of one frame: the token classes, then the cursor.
type paints struct {
	class  [punctTok + 1]paint
	cursor paint
}

func (m *Model) paints() *paints {
	st := m.common.Styles
	p := &paints{cursor: paintOf(st.Editor.Cursor)}
	for c := range p.class {
		p.class[c] = paintOf(classStyle(st, class(c)))
	}
	return p
}

// renderLine highlights line n, draws the cursor on it, cuts it to the
// horizontal scroll and adds its hint when there is room.
func (m *Model) renderLine(n, cw int, p *paints) string {
	st := m.common.Styles
	line := m.buf.lines[n]
	curCol := -1
	if n == m.buf.cur.line && m.mode == editing && m.dialog == nil {
		curCol = m.buf.cur.col
	}
	m.segBuf = lexLine(line, m.segBuf)
	var b strings.Builder
	b.Grow(len(line) * 3)
	for _, sg := range m.segBuf {
		style := p.class[sg.class]
		if curCol >= sg.start && curCol < sg.end {
			_, size := firstRune(line[curCol:])
			if curCol > sg.start {
				style.write(&b, termtext.Sanitize(line[sg.start:curCol]))
			}
			p.cursor.write(&b, termtext.Sanitize(line[curCol:curCol+size]))
			if curCol+size < sg.end {
				style.write(&b, termtext.Sanitize(line[curCol+size:sg.end]))
			}
			continue
		}
		style.write(&b, termtext.Sanitize(line[sg.start:sg.end]))
	}
	width := displayWidth(line)
	if curCol == len(line) {
		p.cursor.write(&b, " ")
		width++
	}
	s := b.String()
	if m.left > 0 || width > cw {
		s = ansi.Cut(s, m.left, m.left+cw)
		if text.Width(s) > cw { // a wide character across the left edge
			s = ansi.Truncate(s, cw, "")
		}
	}
	if i, ok := m.chk.hints[n]; ok && m.left == 0 {
		if room := cw - width - 2; room > 6 {
			s += "  " + st.Editor.Hint.Render(text.Truncate("← "+termtext.Sanitize(m.opts.Hints[i].Text), room))
		}
	}
	return s
}

func firstRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

// theirsLines lists the server's changes while merging by hand.
func (m *Model) theirsLines(w int) []string {
	th := m.theirsHeight()
	if th == 0 {
		return nil
	}
	st := m.common.Styles
	head := st.Diff.Title.Render("Changed on the server") + "  " + st.Diff.Summary.Render(diff.Summary(m.theirs))
	out := []string{text.Truncate(head, w)}
	rows := diff.Lines(st, m.theirs, w)
	if len(rows) > th-1 {
		rows = rows[:th-1]
		if th-1 > 0 {
			rows[th-2] = st.Diff.Summary.Render(fmt.Sprintf("… %d more lines", len(diff.Lines(st, m.theirs, w))-(th-2)))
		}
	}
	return append(out, rows...)
}

func (m *Model) statusLine(w int) string {
	st := m.common.Styles.Editor
	k := m.common.Keys.Editor
	switch m.mode {
	case reviewing:
		return st.Message.Render("Nothing is sent until you press " + k.Confirm.Help().Key + ".")
	case saving:
		return st.Saving.Render("saving…")
	case preparing:
		return st.Saving.Render(m.msg)
	case conflicted:
		return st.Message.Render(fmt.Sprintf("%s overwrites the server's version with your text, %s merges by hand, %s reloads the server's version.",
			k.Overwrite.Help().Key, k.Merge.Help().Key, k.Reload.Help().Key))
	}
	right := ""
	if i, ok := m.chk.hints[m.buf.cur.line]; ok {
		right = st.Hint.Render(termtext.Sanitize(m.opts.Hints[i].Path + ": " + m.opts.Hints[i].Text))
	}
	var left string
	switch {
	case m.msg != "" && m.msgKind == refusalMsg:
		left = st.Refusal.Render(m.msg)
	case m.msg != "":
		left = st.Message.Render(m.msg)
	case m.chk.err != nil:
		left = st.Invalid.Render("✗ " + m.chk.err.Error())
	default:
		left = st.Valid.Render("✓ valid JSON")
		if right == "" && m.hasMarks() {
			left += "  " + st.Immutable.Render("•") + st.Hint.Render(" the API will not change these fields")
		}
	}
	if right == "" {
		return left
	}
	lw, rw := text.Width(left), text.Width(right)
	if lw+2+rw > w {
		right = text.Truncate(right, max(0, w-lw-2))
		rw = text.Width(right)
		if rw == 0 {
			return left
		}
	}
	return left + strings.Repeat(" ", max(2, w-lw-rw)) + right
}

func (m *Model) hasMarks() bool {
	for _, mk := range m.chk.marks {
		if mk&markImmutable != 0 {
			return true
		}
	}
	return false
}

// overlay draws box centred over lines, each w cells wide.
func overlay(lines, box []string, w int) []string {
	bw := 0
	for _, l := range box {
		bw = max(bw, text.Width(l))
	}
	x := max(0, (w-bw)/2)
	y := max(0, (len(lines)-len(box))/2)
	out := append([]string(nil), lines...)
	for i, bl := range box {
		j := y + i
		if j >= len(out) {
			break
		}
		base := out[j]
		left := ansi.Cut(base, 0, x)
		if lw := text.Width(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		bl = text.Truncate(bl, w-x)
		right := ""
		if end := x + text.Width(bl); end < w {
			right = ansi.Cut(base, end, w)
		}
		out[j] = left + bl + right
	}
	return out
}
