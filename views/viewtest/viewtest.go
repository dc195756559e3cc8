// Package viewtest helps tests drive views the way a terminal would: it
// turns key names from the keymap into the key messages Bubble Tea delivers,
// runs the commands a view returns, and strips styling from what it renders.
// Tests use keys from the keymap (not literals) so that they test behaviour,
// whatever the bindings.
package viewtest

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views"
)

// Common returns a Common with the default keys and the dark theme.
func Common() views.Common {
	km := keymap.Default()
	return views.NewCommon(theme.New(theme.Options{Dark: true}), &km)
}

var named = map[string]rune{
	"enter": tea.KeyEnter, "tab": tea.KeyTab, "backspace": tea.KeyBackspace, "esc": tea.KeyEscape,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
	"delete": tea.KeyDelete, "insert": tea.KeyInsert, "f1": tea.KeyF1, "f5": tea.KeyF5,
}

var mods = map[string]tea.KeyMod{
	"ctrl": tea.ModCtrl, "alt": tea.ModAlt, "shift": tea.ModShift,
	"meta": tea.ModMeta, "hyper": tea.ModHyper, "super": tea.ModSuper,
}

// Press returns the key message a terminal delivers for a key written as
// the keymap writes it ("ctrl+d", "G", "pgdown", "/"). It panics on a key it
// cannot build, so a test never silently sends the wrong key.
func Press(k string) tea.KeyPressMsg {
	var msg tea.Key
	parts := strings.Split(k, "+")
	if k == "+" || strings.HasSuffix(k, "++") {
		parts = append(strings.Split(strings.TrimSuffix(k, "++"), "+"), "+")
		if k == "+" {
			parts = []string{"+"}
		}
	}
	base := parts[len(parts)-1]
	for _, m := range parts[:len(parts)-1] {
		msg.Mod |= mods[m]
	}
	switch r, size := utf8.DecodeRuneInString(base); {
	case base == "space":
		msg.Code, msg.Text = tea.KeySpace, " "
	case named[base] != 0:
		msg.Code = named[base]
	case size == len(base):
		msg.Code = r
		if msg.Mod == 0 {
			msg.Text = base
			if unicode.IsUpper(r) {
				msg.Code, msg.ShiftedCode, msg.Mod = unicode.ToLower(r), r, tea.ModShift
			}
		}
	default:
		panic(fmt.Sprintf("viewtest: cannot build key %q", k))
	}
	out := tea.KeyPressMsg(msg)
	if out.String() != k {
		panic(fmt.Sprintf("viewtest: key %q reports itself as %q", k, out.String()))
	}
	return out
}

// Key returns the message for the first key of a binding.
func Key(b key.Binding) tea.KeyPressMsg {
	if len(b.Keys()) == 0 {
		panic("viewtest: binding without keys")
	}
	return Press(b.Keys()[0])
}

// Type returns the key messages for typing text.
func Type(s string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range s {
		if r == ' ' {
			out = append(out, Press("space"))
			continue
		}
		out = append(out, Press(string(r)))
	}
	return out
}

// Run executes a command and returns the messages it produces, expanding
// batches and sequences. Nil commands and nil messages are dropped; Bubble
// Tea's internal messages (clipboard, blink) are returned as they are.
func Run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, Run(c)...)
		}
		return out
	}
	if s, ok := sequence(msg); ok {
		var out []tea.Msg
		for _, c := range s {
			out = append(out, Run(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// sequence unpacks a tea.Sequence message, whose type is unexported.
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// Plain renders a view's text without styling.
func Plain(v tea.View) string { return ansi.Strip(v.Content) }

// PlainString strips styling from rendered text.
func PlainString(s string) string { return ansi.Strip(s) }
