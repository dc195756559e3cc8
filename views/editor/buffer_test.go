package editor

import (
	"strings"
	"testing"
)

// show renders the text with the cursor as '|'.
func show(b *buffer) string {
	lines := append([]string(nil), b.lines...)
	c := b.cur
	lines[c.line] = lines[c.line][:c.col] + "|" + lines[c.line][c.col:]
	return strings.Join(lines, "\n")
}

// at builds a buffer from text with the cursor at '|'.
func at(text string) *buffer {
	i := strings.IndexByte(text, '|')
	b := newBuffer(strings.Replace(text, "|", "", 1))
	b.cur = endOf(pos{}, text[:i])
	return b
}

func TestBufferEdits(t *testing.T) {
	tests := []struct {
		name string
		in   string
		op   func(b *buffer)
		want string
	}{
		{"insert", `{"a|"}`, func(b *buffer) { b.Insert("bc", true) }, `{"abc|"}`},
		{"insert lines", `[|]`, func(b *buffer) { b.Insert("1,\r\n2", false) }, "[1,\n2|]"},
		{"newline keeps the indentation", "  \"a\": 1,|", func(b *buffer) { b.Newline() }, "  \"a\": 1,\n  |"},
		{"newline after a bracket indents", "  \"a\": [|", func(b *buffer) { b.Newline() }, "  \"a\": [\n    |"},
		{"newline between brackets opens them", "  {|}", func(b *buffer) { b.Newline() }, "  {\n    |\n  }"},
		{"newline drops trailing spaces", "1,   |  2", func(b *buffer) { b.Newline() }, "1,\n|2"},
		{"tab to the next even column", "{|", func(b *buffer) { b.Tab() }, "{ |"},
		{"backspace a character", "ab|c", func(b *buffer) { b.Backspace() }, "a|c"},
		{"backspace a multibyte character", "é|", func(b *buffer) { b.Backspace() }, "|"},
		{"backspace an indentation step", "    |x", func(b *buffer) { b.Backspace() }, "  |x"},
		{"backspace an odd indentation", "   |x", func(b *buffer) { b.Backspace() }, "  |x"},
		{"backspace joins lines", "a\n|b", func(b *buffer) { b.Backspace() }, "a|b"},
		{"backspace at the start does nothing", "|a", func(b *buffer) { b.Backspace() }, "|a"},
		{"delete", "a|éb", func(b *buffer) { b.Delete() }, "a|b"},
		{"delete joins lines", "a|\nb", func(b *buffer) { b.Delete() }, "a|b"},
		{"delete at the end does nothing", "a|", func(b *buffer) { b.Delete() }, "a|"},
		{"delete word back", `"name": "Mobile App|"`, func(b *buffer) { b.DeleteTo(b.wordLeft(b.cur)) }, `"name": "Mobile |"`},
		{"delete word forward", `|"name": 1`, func(b *buffer) { b.DeleteTo(b.wordRight(b.cur)) }, `|": 1`},
		{"kill to line end", "ab|cd\nef", func(b *buffer) { b.KillLineEnd() }, "ab|\nef"},
		{"kill at line end joins", "ab|\nef", func(b *buffer) { b.KillLineEnd() }, "ab|ef"},
		{"kill to line start", "ab|cd", func(b *buffer) { b.KillLineStart() }, "|cd"},
		{"set text keeps the cursor", "abc\nde|f", func(b *buffer) { b.SetText("x\ny") }, "x\ny|"},
		{"set text with CRLF", "|", func(b *buffer) { b.SetText("a\r\nb\rc") }, "|a\nb\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := at(tt.in)
			orig := b.Text()
			tt.op(b)
			if got := show(b); got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
			// Undo restores the text exactly, redo the result.
			after := b.Text()
			if b.Undo() {
				if b.Text() != orig {
					t.Fatalf("undo gives %q, want %q", b.Text(), orig)
				}
				if !b.Redo() || b.Text() != after {
					t.Fatalf("redo gives %q, want %q", b.Text(), after)
				}
			} else if after != orig {
				t.Fatal("a change that cannot be undone")
			}
		})
	}
}

func TestBufferMoves(t *testing.T) {
	tests := []struct {
		name string
		in   string
		op   func(b *buffer)
		want string
	}{
		{"left over a multibyte character", "é|", func(b *buffer) { b.Left() }, "|é"},
		{"left to the previous line", "ab\n|c", func(b *buffer) { b.Left() }, "ab|\nc"},
		{"left at the start", "|a", func(b *buffer) { b.Left() }, "|a"},
		{"right to the next line", "a|\nb", func(b *buffer) { b.Right() }, "a\n|b"},
		{"right at the end", "a|", func(b *buffer) { b.Right() }, "a|"},
		{"down keeps the column", "ab|cd\nefgh", func(b *buffer) { b.Vertical(1) }, "abcd\nef|gh"},
		{"down to a short line and on", "abc|d\ne\nfghi", func(b *buffer) { b.Vertical(1); b.Vertical(1) }, "abcd\ne\nfgh|i"},
		{"up past the top", "a\nb|", func(b *buffer) { b.Vertical(-5) }, "a|\nb"},
		{"columns are cells", "日本|\nabcd", func(b *buffer) { b.Vertical(1) }, "日本\nabcd|"},
		{"home to the first non-blank", "   ab|c", func(b *buffer) { b.Home() }, "   |abc"},
		{"home again to column 0", "   |abc", func(b *buffer) { b.Home() }, "|   abc"},
		{"end", "|abc", func(b *buffer) { b.End() }, "abc|"},
		{"document start and end", "a\nb|\nc", func(b *buffer) { b.DocEnd() }, "a\nb\nc|"},
		{"document start", "a\nb|\nc", func(b *buffer) { b.DocStart() }, "|a\nb\nc"},
		{"word left", `"name": "Mobile|"`, func(b *buffer) { b.WordLeft() }, `"name": "|Mobile"`},
		{"word left to the previous line", "ab\n|cd", func(b *buffer) { b.WordLeft() }, "ab|\ncd"},
		{"word right", `|"name": 1`, func(b *buffer) { b.WordRight() }, `"name|": 1`},
		{"word right to the next line", "ab|\ncd", func(b *buffer) { b.WordRight() }, "ab\n|cd"},
		{"word right at the end", "ab|", func(b *buffer) { b.WordRight() }, "ab|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := at(tt.in)
			tt.op(b)
			if got := show(b); got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestUndoGroups(t *testing.T) {
	b := newBuffer("{}")
	b.cur = pos{0, 1}
	for _, r := range `"name"` {
		b.Insert(string(r), true)
	}
	b.Insert(":", true)
	b.Right() // a move ends the typing run
	b.Insert("x", true)
	if b.Text() != `{"name":}x` {
		t.Fatal(b.Text())
	}
	b.Undo()
	if show(b) != `{"name":}|` {
		t.Fatalf("first undo: %s", show(b))
	}
	b.Undo()
	if show(b) != `{|}` {
		t.Fatalf("typing is one step: %s", show(b))
	}
	if b.Undo() {
		t.Fatal("nothing left to undo")
	}
	b.Redo()
	b.Redo()
	if show(b) != `{"name":}x|` || b.Redo() {
		t.Fatalf("redo: %s", show(b))
	}
	// A new edit clears redo.
	b.Undo()
	b.Insert("y", true)
	if b.Redo() {
		t.Fatal("redo after a new edit")
	}
}

func TestUndoLimit(t *testing.T) {
	b := newBuffer("")
	for i := 0; i < maxUndo+10; i++ {
		b.Insert("x", false)
	}
	if len(b.undo) > maxUndo {
		t.Fatalf("%d edits kept", len(b.undo))
	}
	n := 0
	for b.Undo() {
		n++
	}
	if n < maxUndo*3/4 || n > maxUndo || len(b.Text()) != maxUndo+10-n {
		t.Fatalf("undid %d, %d left", n, len(b.Text()))
	}
}
