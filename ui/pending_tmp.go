package ui

import tea "charm.land/bubbletea/v2"

// Temporary until views/palette and views/helpview land.
func (m *Model) openHelp()              {}
func (m *Model) openPalette() tea.Cmd { return nil }
