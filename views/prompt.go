package views

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/keymap"
)

// PromptEnd says how a key ended a live prompt (the table's filter, the
// inspector's search), if it did.
type PromptEnd int

// How a prompt ends.
const (
	PromptOpen     PromptEnd = iota // still typing: read the input's value
	PromptAccepted                  // keep the query, leave the prompt
	PromptCleared                   // clear the query, leave the prompt
)

// UpdatePrompt gives msg to a live prompt's input: the filter keys accept
// or clear it (blurring the input), anything else edits the text.
func UpdatePrompt(keys keymap.FilterKeys, in *textinput.Model, msg tea.Msg) (tea.Cmd, PromptEnd) {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, keys.Accept):
			in.Blur()
			return nil, PromptAccepted
		case key.Matches(kp, keys.Cancel):
			in.Blur()
			return nil, PromptCleared
		}
	}
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	return cmd, PromptOpen
}
