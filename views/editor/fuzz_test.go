package editor

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// fuzzKeys are the keys a fuzzed session presses; other bytes type text.
var fuzzKeys = []string{
	"left", "right", "up", "down", "home", "end", "pgup", "pgdown", "ctrl+home", "ctrl+end",
	"alt+left", "alt+right", "enter", "tab", "backspace", "delete", "ctrl+w", "alt+d", "ctrl+k", "ctrl+u",
	"ctrl+z", "ctrl+y", "ctrl+s", "y", "n", "esc", "ctrl+e", "o", "m", "r",
}

// Any sequence of keys, pastes and sizes leaves the editor consistent: no
// panic, the cursor inside the text, every rendered line within the width,
// and undoing everything gives the initial text back.
func FuzzEditorKeys(f *testing.F) {
	f.Add(`{"id": 1, "name": "a"}`, []byte{0, 1, 2, 'x', 14, 20, 21, 22}, uint8(80), uint8(24))
	f.Add("{\n  \"a\": [1, 2]\n}", []byte{9, 'q', 12, 13, 14, 15, 16, 17, 18, 19, 22, 23}, uint8(20), uint8(3))
	f.Add("", []byte{'{', 12, '}', 22, 23, 24}, uint8(1), uint8(1))
	f.Add("[\"é日本\"]", []byte{3, 5, 4, 14, 2, 2, 2, 15, 22, 26, 28}, uint8(7), uint8(5))
	f.Fuzz(func(t *testing.T, text string, ops []byte, w, h uint8) {
		if len(ops) > 200 || len(text) > 2000 {
			return
		}
		m := New(viewtest.Common(), Options{Title: "fuzz", Text: text, Original: []byte(text),
			Immutable: []string{"id", "a[*]"}, Hints: []Hint{{Path: "name", Text: "x | y"}}, External: true, DraftEvery: time.Nanosecond})
		m.SetSize(int(w), int(h))
		initial := m.Text()
		for i, op := range ops {
			var msg tea.Msg
			switch {
			case int(op) < len(fuzzKeys):
				msg = viewtest.Press(fuzzKeys[op])
			case op == 200:
				msg = tea.PasteMsg{Content: "\"p\":\r\n 1,"}
			case op == 201:
				m.SetSize(int(ops[(i+1)%len(ops)]), int(h))
				continue
			case op == 202 && m.Saving():
				m.SaveFailed(nil)
				continue
			case op == 203 && m.Saving():
				m.Conflict([]byte(`{"id": 2, "name": "b"}`))
				continue
			case op == ' ':
				msg = viewtest.Press("space")
			case op > 0x20 && op < 0x7f:
				msg = viewtest.Press(string(rune(op)))
			default:
				continue
			}
			m.Update(msg)
			c := m.buf.cur
			if c.line < 0 || c.line >= len(m.buf.lines) || c.col < 0 || c.col > len(m.buf.lines[c.line]) {
				t.Fatalf("cursor %+v outside the text", c)
			}
		}
		if m.buf.Text() != strings.Join(m.buf.lines, "\n") {
			t.Fatal("cached text is stale")
		}
		v := m.View().Content
		if w > 0 && h > 0 {
			lines := strings.Split(v, "\n")
			if len(lines) > int(h) {
				t.Fatalf("%d lines for height %d", len(lines), h)
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > int(m.common.Width) {
					t.Fatalf("line wider than %d: %q", m.common.Width, l)
				}
			}
		}
		for m.buf.Undo() {
		}
		if m.Text() != initial {
			t.Fatalf("undoing everything gives %q, want %q", m.Text(), initial)
		}
	})
}
