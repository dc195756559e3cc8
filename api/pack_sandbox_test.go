package api_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// Every kind's entities, packed and read back, are the entities as listed:
// kind, parents, id, name, raw bytes and row (a listed user's custom role
// included, which no raw JSON carries), across packs.
func TestPackedEntitiesReadBackAsListed(t *testing.T) {
	client := func(seed string) *api.Client {
		cfg := sandboxConfig(t, startSandbox(t, sandbox.Options{Seed: seed}))
		cfg.Sandbox = true // the users' custom roles
		return newClient(t, cfg)
	}
	small, large := client(""), client("large:700")
	ctx := context.Background()
	refs := walk(t, ctx, small)
	type list struct {
		name string
		c    *api.Client
		d    *api.Descriptor
	}
	lists := []list{{"700 apps", large, kind(t, "apps")}}
	for _, d := range api.DefaultCatalog().Kinds() {
		lists = append(lists, list{d.Name, small, d})
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			es, err := l.c.List(ctx, l.d, refs[l.d.Name])
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			packs := api.PackEntities(es)
			var data []byte
			i := 0
			for _, p := range packs {
				if data, err = p.Unpack(data); err != nil {
					t.Fatal(err)
				}
				for j := range p.Len() {
					got, want := p.At(data, j), es[i]
					if got.Kind != want.Kind || got.ID != want.ID || got.Name != want.Name || !bytes.Equal(got.Raw, want.Raw) ||
						fmt.Sprint(got.Parents) != fmt.Sprint(want.Parents) {
						t.Fatalf("entity %d read back as %+v, listed as %+v", i, got, want)
					}
					if g, w := p.Row(data, j), want.Row(); !slices.Equal(g, w) || !slices.Equal(got.Row(), w) {
						t.Fatalf("entity %d's row read back as %q, listed as %q", i, g, w)
					}
					i++
				}
			}
			if i != len(es) {
				t.Fatalf("%d entities read back of %d", i, len(es))
			}
			if l.c == large && len(packs) < 2 {
				t.Errorf("%d apps in %d pack", len(es), len(packs))
			}
		})
	}
}

// A pack whose structure was damaged reads back as an error, never a
// panic. (The block format has no checksum: a changed literal byte would
// read back changed. A pack lives in the console's own memory, so none is
// kept.)
func TestDamagedPackIsAnError(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	es, err := c.List(context.Background(), kind(t, "apps"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := api.PackEntities(es)[0]
	api.DamagePack(p)
	if _, err := p.Unpack(nil); err == nil {
		t.Fatal("a damaged pack read back without an error")
	}
}
