package editor

import "charm.land/bubbles/v2/key"

// TextKeys move the cursor and delete text. They are fixed, like the bubbles
// textarea's key map: they are what every text field does (see the package
// comment); the editor's actions come from the keymap.
type TextKeys struct {
	Left, Right, Up, Down             key.Binding
	WordLeft, WordRight               key.Binding
	LineStart, LineEnd                key.Binding
	PageUp, PageDown                  key.Binding
	DocStart, DocEnd                  key.Binding
	Newline, Tab                      key.Binding
	Backspace, Delete                 key.Binding
	DeleteWordBack, DeleteWordForward key.Binding
	KillLineEnd, KillLineStart        key.Binding
}

// DefaultTextKeys returns the text keys. ctrl+e is not "end of line" here:
// it is the external editor.
func DefaultTextKeys() TextKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return TextKeys{
		Left:              b("←", "left", "left"),
		Right:             b("→", "right", "right"),
		Up:                b("↑", "up", "up"),
		Down:              b("↓", "down", "down"),
		WordLeft:          b("alt+←", "word left", "alt+left", "ctrl+left", "alt+b"),
		WordRight:         b("alt+→", "word right", "alt+right", "ctrl+right", "alt+f"),
		LineStart:         b("home", "line start", "home", "ctrl+a"),
		LineEnd:           b("end", "line end", "end"),
		PageUp:            b("pgup", "page up", "pgup"),
		PageDown:          b("pgdn", "page down", "pgdown"),
		DocStart:          b("ctrl+home", "top", "ctrl+home"),
		DocEnd:            b("ctrl+end", "bottom", "ctrl+end"),
		Newline:           b("enter", "new line", "enter"),
		Tab:               b("tab", "indent", "tab"),
		Backspace:         b("backspace", "delete left", "backspace", "ctrl+h"),
		Delete:            b("delete", "delete right", "delete", "ctrl+d"),
		DeleteWordBack:    b("ctrl+w", "delete word left", "ctrl+w", "alt+backspace"),
		DeleteWordForward: b("alt+d", "delete word right", "alt+d", "alt+delete"),
		KillLineEnd:       b("ctrl+k", "delete to line end", "ctrl+k"),
		KillLineStart:     b("ctrl+u", "delete to line start", "ctrl+u"),
	}
}

// all lists the text keys, for help.
func (t TextKeys) all() []key.Binding {
	return []key.Binding{t.Left, t.Right, t.Up, t.Down, t.WordLeft, t.WordRight, t.LineStart, t.LineEnd,
		t.PageUp, t.PageDown, t.DocStart, t.DocEnd, t.Newline, t.Tab, t.Backspace, t.Delete,
		t.DeleteWordBack, t.DeleteWordForward, t.KillLineEnd, t.KillLineStart}
}
