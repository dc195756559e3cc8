package api

import "slices"

// ChildKinds are the kinds that live under an entity of kind d, in display
// order: its Children (what enter drills into), then any kind naming d as
// its Parent that Children leaves out. The console's tree of an entity is
// built from these, level by level, so a kind added to the catalogue under
// a parent shows in its parent's tree without more.
func (c *Catalog) ChildKinds(d *Descriptor) []*Descriptor {
	if d == nil {
		return nil
	}
	var out []*Descriptor
	for _, name := range d.Children {
		if k, ok := c.Lookup(name); ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, k := range c.kinds {
		if k.Parent == d.Name && k != d && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// HasDescendants reports whether entities of kind d have anything under
// them (a tree of one of them would show more than itself).
func (c *Catalog) HasDescendants(d *Descriptor) bool { return len(c.ChildKinds(d)) > 0 }
