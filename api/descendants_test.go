package api

import (
	"slices"
	"testing"
)

func kindNames(ds []*Descriptor) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}

func TestChildKindsFollowTheCatalogue(t *testing.T) {
	cat := DefaultCatalog()
	tests := []struct {
		kind string
		want []string
	}{
		{"apps", []string{"platforms", "datapoints"}},
		{"platforms", []string{"serviceconfigs"}},
		{"serviceconfigs", []string{"filters", "servicefiltering"}},
		{"workspaces", []string{"audiences", "feeds", "calculatedattributes", "outputs", "plans"}},
		{"plans", []string{"versions"}},
		{"users", nil},
		{"datapoints", nil},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			d, ok := cat.Lookup(tt.kind)
			if !ok {
				t.Fatalf("no kind %s", tt.kind)
			}
			got := kindNames(cat.ChildKinds(d))
			if !slices.Equal(got, tt.want) && (len(got) != 0 || len(tt.want) != 0) {
				t.Errorf("ChildKinds(%s) = %v, want %v", tt.kind, got, tt.want)
			}
			if cat.HasDescendants(d) != (len(tt.want) > 0) {
				t.Errorf("HasDescendants(%s) = %v", tt.kind, cat.HasDescendants(d))
			}
		})
	}
	if cat.ChildKinds(nil) != nil {
		t.Error("ChildKinds(nil) is not empty")
	}
}

// A kind that names a parent is under it, even when the parent's Children
// do not list it; every kind of the catalogue is reached from one without a
// parent.
func TestChildKindsIncludeKindsNamingTheParent(t *testing.T) {
	def := DefaultCatalog()
	users, _ := def.Lookup("users")
	apps, _ := def.Lookup("apps")
	extra := &Descriptor{Name: "notes", Singular: "note", Title: "Notes", Parent: "users",
		Paths: Paths{List: []string{"/users/{user}/notes"}}, Columns: apps.Columns[:1], Help: "Notes."}
	cat := NewCatalog(users, extra)
	u, _ := cat.Lookup("users")
	if got := kindNames(cat.ChildKinds(u)); !slices.Equal(got, []string{"notes"}) {
		t.Fatalf("ChildKinds(users) = %v, want [notes]", got)
	}

	reached := map[string]bool{}
	var walk func(d *Descriptor)
	walk = func(d *Descriptor) {
		if reached[d.Name] {
			return
		}
		reached[d.Name] = true
		for _, k := range def.ChildKinds(d) {
			walk(k)
		}
	}
	for _, d := range def.Kinds() {
		if d.Parent == "" {
			walk(d)
		}
	}
	for _, d := range def.Kinds() {
		if !reached[d.Name] {
			t.Errorf("%s is under no tree", d.Name)
		}
	}
}
