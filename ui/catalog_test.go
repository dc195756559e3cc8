package ui_test

import (
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/ui"
)

// withKind is the default catalogue plus a copy of kind base under the
// name name, changed by set; every descriptor is a copy, so the default
// catalogue is left as it is.
func withKind(t *testing.T, base, name string, set func(*api.Descriptor)) *api.Catalog {
	t.Helper()
	var ds []*api.Descriptor
	var extra *api.Descriptor
	for _, d := range api.DefaultCatalog().Kinds() {
		ds = append(ds, d) // NewCatalog completes copies
		if d.Name == base {
			x := *d
			x.Name, x.Singular, x.Title, x.Aliases = name, strings.TrimSuffix(name, "s"), strings.ToUpper(name[:1])+name[1:], nil
			set(&x)
			extra = &x
		}
	}
	if extra == nil {
		t.Fatalf("no kind %q to copy", base)
	}
	return api.NewCatalog(append(ds, extra)...)
}

// The console follows the kind's rules as the catalogue states them: a
// kind added through the catalogue alone whose delete asks for the typed
// name gets that question, while the kind it was copied from, which does
// not, asks for a plain yes.
func TestAKindAddedToTheCatalogueKeepsItsOwnDeleteRule(t *testing.T) {
	cat := withKind(t, "audiences", "segments", func(d *api.Descriptor) { d.DeleteByName = true })
	for _, tc := range []struct {
		kind  string
		typed bool
	}{
		{kind: "segments", typed: true},
		{kind: "audiences", typed: false},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			d := start(t, fixture{ui: ui.Options{Catalog: cat}})
			d.waitFor("Acme Shop")
			d.settle()
			d.key(":")
			d.typ(tc.kind)
			d.key("enter")
			d.waitFor("Abandoned Cart")
			d.settle()
			d.key("/")
			d.typ("abandoned")
			d.key("enter")
			d.key("ctrl+d")
			s := d.waitFor("undone") // one word: the question wraps with the dialog's width
			if got := strings.Contains(s, "to confirm:"); got != tc.typed {
				t.Fatalf("%s: asks for the typed name %v, want %v:\n%s", tc.kind, got, tc.typed, s)
			}
			if !tc.typed {
				return
			}
			// y is text here, not a yes: only the name deletes.
			d.key("y")
			d.key("enter")
			d.waitFor("That is not the name")
			d.key("backspace")
			d.typ("Abandoned Cart")
			d.key("enter")
			d.waitFor("delete segment 7622: done")
			d.settle()
		})
	}
}
