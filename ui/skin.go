package ui

import "github.com/mpconsole/mpconsole/theme"

// restyle rebuilds the styles for the terminal's background and the skin
// of the profile the session works in. Views hold a pointer to the one
// Styles, so every view takes the new colours at once.
func (m *Model) restyle() {
	skin, ok := m.opts.Skins[m.profile.Name]
	if !ok {
		skin = m.opts.Skins[""]
	}
	*m.styles = *theme.New(theme.Options{Dark: m.dark, NoColor: m.opts.NoColor, Skin: skin})
}
