package theme

import "charm.land/lipgloss/v2"

// TreeStyles style the tree of an entity and what lies under it.
type TreeStyles struct {
	Guide    lipgloss.Style // the branch lines and the ▸/▾ marks
	Entity   lipgloss.Style // an entity's name
	Kind     lipgloss.Style // a kind's title ("Platforms")
	Detail   lipgloss.Style // an entity's id, a kind's count
	Note     lipgloss.Style // "loading…", "nothing here"
	Error    lipgloss.Style // why a node's children could not be loaded
	Selected lipgloss.Style // the cursor line
}

func treeStyles(p painter, c palette, selected lipgloss.Style) TreeStyles {
	n := lipgloss.NewStyle
	return TreeStyles{
		Guide:    p.or(p.fg(n(), c.muted), faint),
		Entity:   p.fg(n(), c.fg),
		Kind:     p.fg(n().Bold(true), c.accent),
		Detail:   p.or(p.fg(n(), c.muted), faint),
		Note:     p.or(p.fg(n().Italic(true), c.muted), faint),
		Error:    p.fg(n().Bold(true), c.errc),
		Selected: selected,
	}
}
