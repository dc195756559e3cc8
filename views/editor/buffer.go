package editor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views/text"
)

// pos is a place in the text: a line and a byte offset in it, always on a
// character boundary.
type pos struct{ line, col int }

func (p pos) before(q pos) bool {
	return p.line < q.line || (p.line == q.line && p.col < q.col)
}

// edit is one change of the text, kept for undo: at `at`, removed was
// replaced by inserted.
type edit struct {
	at                pos
	removed, inserted string
	before, after     pos // the cursor
	group             int
}

// maxUndo bounds the undo history (edits, not groups); beyond it the
// oldest quarter is forgotten.
const maxUndo = 10000

// buffer is the text being edited, as lines, with a cursor and an undo
// history. Every change goes through replace, so undo is exact.
type buffer struct {
	lines []string
	cur   pos
	want  int // the display column vertical moves aim for; -1: the cursor's

	undo, redo []edit
	group      int
	typing     bool // the last edit was typed text, which later typing joins

	version int    // bumped by every change
	text    string // Text(), cached
	textVer int
}

func newBuffer(text string) *buffer {
	b := &buffer{lines: strings.Split(normalize(text), "\n"), want: -1, textVer: -1}
	return b
}

// normalize makes line ends \n and the text valid UTF-8 (invalid bytes
// become U+FFFD), so that the buffer only ever holds whole characters.
func normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// Text is the whole text.
func (b *buffer) Text() string {
	if b.textVer != b.version {
		b.text, b.textVer = strings.Join(b.lines, "\n"), b.version
	}
	return b.text
}

func (b *buffer) clampPos(p pos) pos {
	p.line = min(max(p.line, 0), len(b.lines)-1)
	l := b.lines[p.line]
	p.col = min(max(p.col, 0), len(l))
	for p.col > 0 && p.col < len(l) && !utf8.RuneStart(l[p.col]) {
		p.col--
	}
	return p
}

// between returns the text from p to q (p before q).
func (b *buffer) between(p, q pos) string {
	if p.line == q.line {
		return b.lines[p.line][p.col:q.col]
	}
	var s strings.Builder
	s.WriteString(b.lines[p.line][p.col:])
	for l := p.line + 1; l < q.line; l++ {
		s.WriteByte('\n')
		s.WriteString(b.lines[l])
	}
	s.WriteByte('\n')
	s.WriteString(b.lines[q.line][:q.col])
	return s.String()
}

// endOf is where text inserted at p ends.
func endOf(p pos, text string) pos {
	n := strings.Count(text, "\n")
	if n == 0 {
		return pos{p.line, p.col + len(text)}
	}
	return pos{p.line + n, len(text) - strings.LastIndexByte(text, '\n') - 1}
}

// replace replaces the text from p to q with text and returns where the
// inserted text ends. It records nothing.
func (b *buffer) replace(p, q pos, text string) pos {
	head := b.lines[p.line][:p.col]
	tail := b.lines[q.line][q.col:]
	if strings.IndexByte(text, '\n') < 0 {
		b.lines[p.line] = head + text + tail
		if q.line > p.line {
			b.lines = append(b.lines[:p.line+1], b.lines[q.line+1:]...)
		}
	} else {
		parts := strings.Split(text, "\n")
		parts[0] = head + parts[0]
		parts[len(parts)-1] += tail
		rest := b.lines[q.line+1:]
		out := make([]string, 0, p.line+len(parts)+len(rest))
		out = append(out, b.lines[:p.line]...)
		out = append(out, parts...)
		out = append(out, rest...)
		b.lines = out
	}
	b.version++
	return endOf(p, text)
}

// change replaces p..q with text, records it for undo and moves the cursor
// to the end of the inserted text. typed joins consecutive typing into one
// undo step.
func (b *buffer) change(p, q pos, text string, typed bool) {
	if q.before(p) {
		p, q = q, p
	}
	removed := b.between(p, q)
	if removed == "" && text == "" {
		return
	}
	before := b.cur
	if !typed || !b.typing || len(b.undo) == 0 || b.undo[len(b.undo)-1].after != p || strings.Contains(text, "\n") {
		b.group++
	}
	end := b.replace(p, q, text)
	b.cur, b.want = end, -1
	b.undo = append(b.undo, edit{at: p, removed: removed, inserted: text, before: before, after: end, group: b.group})
	if len(b.undo) > maxUndo {
		// Drop the oldest quarter (whole groups), so that trimming is rare.
		i := len(b.undo) - maxUndo*3/4
		for i < len(b.undo) && b.undo[i].group == b.undo[i-1].group {
			i++
		}
		b.undo = append([]edit(nil), b.undo[i:]...)
	}
	b.redo = b.redo[:0]
	b.typing = typed
}

// Undo reverts the last group of edits; false when there is none.
func (b *buffer) Undo() bool {
	if len(b.undo) == 0 {
		return false
	}
	g := b.undo[len(b.undo)-1].group
	for len(b.undo) > 0 && b.undo[len(b.undo)-1].group == g {
		e := b.undo[len(b.undo)-1]
		b.undo = b.undo[:len(b.undo)-1]
		b.replace(e.at, endOf(e.at, e.inserted), e.removed)
		b.cur = e.before
		b.redo = append(b.redo, e)
	}
	b.cur, b.want, b.typing = b.clampPos(b.cur), -1, false
	return true
}

// Redo applies the last undone group again.
func (b *buffer) Redo() bool {
	if len(b.redo) == 0 {
		return false
	}
	g := b.redo[len(b.redo)-1].group
	for len(b.redo) > 0 && b.redo[len(b.redo)-1].group == g {
		e := b.redo[len(b.redo)-1]
		b.redo = b.redo[:len(b.redo)-1]
		b.replace(e.at, endOf(e.at, e.removed), e.inserted)
		b.cur = e.after
		b.undo = append(b.undo, e)
	}
	b.cur, b.want, b.typing = b.clampPos(b.cur), -1, false
	return true
}

// SetText replaces the whole text, as one undoable edit, keeping the
// cursor where it was as far as the new text allows.
func (b *buffer) SetText(text string) {
	text = normalize(text)
	if text == b.Text() {
		return
	}
	cur := b.cur
	last := len(b.lines) - 1
	b.change(pos{}, pos{last, len(b.lines[last])}, text, false)
	b.cur = b.clampPos(cur)
	b.undo[len(b.undo)-1].after = b.cur
}

// Insert types text at the cursor.
func (b *buffer) Insert(text string, typed bool) {
	b.change(b.cur, b.cur, normalize(text), typed)
}

// Newline breaks the line at the cursor, keeping its indentation, one step
// deeper after an opening bracket; between a bracket pair the closing one
// goes on a line of its own.
func (b *buffer) Newline() {
	line := b.lines[b.cur.line]
	indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	left := strings.TrimRight(line[:b.cur.col], " \t")
	right := strings.TrimLeft(line[b.cur.col:], " \t")
	open := strings.HasSuffix(left, "{") || strings.HasSuffix(left, "[")
	// Trailing spaces before the cursor and leading ones after it go.
	p := pos{b.cur.line, len(left)}
	q := pos{b.cur.line, len(line) - len(right)}
	if !open {
		b.change(p, q, "\n"+indent, false)
		return
	}
	inner := indent + "  "
	if (strings.HasSuffix(left, "{") && strings.HasPrefix(right, "}")) || (strings.HasSuffix(left, "[") && strings.HasPrefix(right, "]")) {
		b.change(p, q, "\n"+inner+"\n"+indent, false)
		b.cur, b.want = pos{b.cur.line - 1, len(inner)}, -1
		b.undo[len(b.undo)-1].after = b.cur
		return
	}
	b.change(p, q, "\n"+inner, false)
}

// Tab indents to the next multiple of two columns.
func (b *buffer) Tab() {
	n := 2 - displayWidth(b.lines[b.cur.line][:b.cur.col])%2
	b.change(b.cur, b.cur, strings.Repeat(" ", n), false)
}

// Backspace deletes the character before the cursor, an indentation step
// in leading spaces, or the line break.
func (b *buffer) Backspace() {
	c := b.cur
	if c.col == 0 {
		if c.line > 0 {
			b.change(pos{c.line - 1, len(b.lines[c.line-1])}, c, "", false)
		}
		return
	}
	line := b.lines[c.line]
	if strings.TrimLeft(line[:c.col], " ") == "" {
		n := c.col % 2
		if n == 0 {
			n = 2
		}
		b.change(pos{c.line, c.col - n}, c, "", false)
		return
	}
	_, size := utf8.DecodeLastRuneInString(line[:c.col])
	b.change(pos{c.line, c.col - size}, c, "", false)
}

// Delete deletes the character after the cursor, or the line break.
func (b *buffer) Delete() {
	c := b.cur
	line := b.lines[c.line]
	if c.col >= len(line) {
		if c.line+1 < len(b.lines) {
			b.change(c, pos{c.line + 1, 0}, "", false)
		}
		return
	}
	_, size := utf8.DecodeRuneInString(line[c.col:])
	b.change(c, pos{c.line, c.col + size}, "", false)
}

// DeleteTo deletes from the cursor to p (either side of it).
func (b *buffer) DeleteTo(p pos) { b.change(b.cur, p, "", false) }

// KillLineEnd deletes to the end of the line, or the line break at its end.
func (b *buffer) KillLineEnd() {
	if b.cur.col >= len(b.lines[b.cur.line]) {
		b.Delete()
		return
	}
	b.DeleteTo(pos{b.cur.line, len(b.lines[b.cur.line])})
}

// KillLineStart deletes to the start of the line.
func (b *buffer) KillLineStart() { b.DeleteTo(pos{b.cur.line, 0}) }

// Movement. Each ends typing (a later character starts a new undo step).

func (b *buffer) moveTo(p pos, keepWant bool) {
	b.cur = b.clampPos(p)
	if !keepWant {
		b.want = -1
	}
	b.typing = false
}

func (b *buffer) Left() {
	c := b.cur
	switch {
	case c.col > 0:
		_, size := utf8.DecodeLastRuneInString(b.lines[c.line][:c.col])
		b.moveTo(pos{c.line, c.col - size}, false)
	case c.line > 0:
		b.moveTo(pos{c.line - 1, len(b.lines[c.line-1])}, false)
	}
}

func (b *buffer) Right() {
	c := b.cur
	line := b.lines[c.line]
	switch {
	case c.col < len(line):
		_, size := utf8.DecodeRuneInString(line[c.col:])
		b.moveTo(pos{c.line, c.col + size}, false)
	case c.line+1 < len(b.lines):
		b.moveTo(pos{c.line + 1, 0}, false)
	}
}

// Vertical moves by n lines, aiming for the same display column.
func (b *buffer) Vertical(n int) {
	if b.want < 0 {
		b.want = displayWidth(b.lines[b.cur.line][:b.cur.col])
	}
	l := min(max(b.cur.line+n, 0), len(b.lines)-1)
	b.moveTo(pos{l, colAt(b.lines[l], b.want)}, true)
}

// Home goes to the first non-blank character, or to column 0 when already
// there.
func (b *buffer) Home() {
	line := b.lines[b.cur.line]
	first := len(line) - len(strings.TrimLeft(line, " \t"))
	if b.cur.col == first {
		first = 0
	}
	b.moveTo(pos{b.cur.line, first}, false)
}

func (b *buffer) End() { b.moveTo(pos{b.cur.line, len(b.lines[b.cur.line])}, false) }

func (b *buffer) DocStart() { b.moveTo(pos{}, false) }

func (b *buffer) DocEnd() {
	l := len(b.lines) - 1
	b.moveTo(pos{l, len(b.lines[l])}, false)
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordLeft is the start of the word before p.
func (b *buffer) wordLeft(p pos) pos {
	if p.col == 0 {
		if p.line == 0 {
			return p
		}
		return pos{p.line - 1, len(b.lines[p.line-1])}
	}
	line := b.lines[p.line]
	i := p.col
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(line[:i])
		if isWordRune(r) {
			break
		}
		i -= size
	}
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(line[:i])
		if !isWordRune(r) {
			break
		}
		i -= size
	}
	return pos{p.line, i}
}

// wordRight is the end of the word after p.
func (b *buffer) wordRight(p pos) pos {
	line := b.lines[p.line]
	if p.col >= len(line) {
		if p.line+1 >= len(b.lines) {
			return p
		}
		return pos{p.line + 1, 0}
	}
	i := p.col
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		if isWordRune(r) {
			break
		}
		i += size
	}
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		if !isWordRune(r) {
			break
		}
		i += size
	}
	return pos{p.line, i}
}

func (b *buffer) WordLeft()  { b.moveTo(b.wordLeft(b.cur), false) }
func (b *buffer) WordRight() { b.moveTo(b.wordRight(b.cur), false) }

// displayWidth is the width of text in cells as the editor draws it
// (control characters, tabs included, take one cell).
func displayWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return text.Width(termtext.Sanitize(s))
		}
	}
	return len(s)
}

// colAt is the byte offset of the character at display column want (or the
// line's end).
func colAt(line string, want int) int {
	w := 0
	for i, r := range line {
		if w >= want {
			return i
		}
		if r < utf8.RuneSelf {
			w++
		} else {
			w += text.Width(termtext.Sanitize(string(r)))
		}
	}
	return len(line)
}
