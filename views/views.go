// Package views holds what every screen of the console shares: the Common
// struct each view carries, the Component interface the root model lays out
// and routes keys to, the messages views send upward, and small pure
// rendering helpers. The screens themselves live in sub-packages:
//
//	views/table      the generic, virtualized resource table with filter and sort
//	views/inspector  pretty, highlighted, searchable JSON with OSC 52 copy
//	views/errview    the error pane (renders *api.Error and plain errors) and the error log
//	views/palette    the ':' command palette with completion
//	views/helpview   full help for the focused view, generated from the keymap
//	views/confirm    the confirmation dialog (default No, optional type-the-name)
//	views/chrome     header, status bar and the "terminal too small" message
//	views/editor     the JSON editor: validation, protected fields, review, drafts
//	views/diff       the structural JSON diff the editor and the journal show
//	views/tree       an entity and what lies under it, expanding and loading node by node
//
// # Design
//
// It follows soft-serve's pattern: a Component is a Bubble Tea model plus
// SetSize and the bubbles help.KeyMap methods, so the root can size it, ask
// it for help and route keys to it without knowing what it is. Components are
// pointers; Update returns the same pointer. They never do HTTP and never
// read the clock or the environment: they return commands producing
// messages (a table's ActionMsg, the palette's SubmitMsg, ErrorMsg, …) and
// the root turns those into requests, navigation or errors.
//
// Key routing contract: the root matches global.interrupt (ctrl+c) first,
// always. Then it asks the focused component whether it Consumes the key (a
// prompt being typed into wants every key; a table with a filter wants esc,
// to clear it). If it does not, the root matches its global bindings, and
// only then forwards the key. Global keys therefore never fire while the
// user types, and esc clears a filter before it goes back.
//
// Every key comes from Common.Keys and every style from Common.Styles; both
// are pointers shared by all views of one session, so a restyle (the
// terminal's background colour arriving) or a rebind reaches every view.
package views

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
)

// Common is what every view carries: the session's styles and keys, and the
// view's size.
type Common struct {
	Styles *theme.Styles
	Keys   *keymap.KeyMap
	Width  int
	Height int
}

// NewCommon returns a Common for a session's styles and keys.
func NewCommon(styles *theme.Styles, keys *keymap.KeyMap) Common {
	return Common{Styles: styles, Keys: keys}
}

// SetSize records the view's size.
func (c *Common) SetSize(width, height int) {
	c.Width, c.Height = max(0, width), max(0, height)
}

// Component is a screen the root model can lay out, route keys to and ask
// for help.
type Component interface {
	tea.Model
	help.KeyMap
	// SetSize gives the component its width and height in cells.
	SetSize(width, height int)
	// Consumes reports whether the component takes this key before the
	// root's global bindings (see the package comment).
	Consumes(msg tea.KeyPressMsg) bool
}

// ErrorMsg reports an error to the root, which shows it in the error pane and
// records it in the error log.
type ErrorMsg struct{ Err error }

// ErrorCmd returns a command reporting err.
func ErrorCmd(err error) tea.Cmd {
	return func() tea.Msg { return ErrorMsg{Err: err} }
}

// NoticeMsg is a short, transient status message ("copied 312 bytes").
type NoticeMsg struct{ Text string }

// NoticeCmd returns a command sending a notice.
func NoticeCmd(text string) tea.Cmd {
	return func() tea.Msg { return NoticeMsg{Text: text} }
}
