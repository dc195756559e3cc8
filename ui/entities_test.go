package ui

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/views/table"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// listApps lists the apps of a sandbox seeded seed, streamed in batches as
// the console's first load gets them.
func listApps(t *testing.T, seed string) (batches [][]api.Entity) {
	t.Helper()
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := api.New(api.Config{ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, AccountID: 1,
		V1BaseURL: srv.V1URL(), V2BaseURL: srv.V2URL(), TokenURL: srv.TokenURL(), CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	d, _ := api.Lookup("apps")
	err = c.ListStream(ctx, d, nil, func(b []api.Entity, _ api.Progress) error {
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return batches
}

// A frame's entities, packed batch by batch as a load streams them or at
// once as a refresh brings them, give back each entity as listed (get,
// readAll in any order) and its row (cells), and nothing for an id not
// listed.
func TestEntitiesGiveBackWhatWasListed(t *testing.T) {
	batches := listApps(t, "large:3000")
	var all []api.Entity
	streamed := &entities{}
	for _, b := range batches {
		rows := batchRows(b, len(all))
		streamed.add(packBatch(b, rows))
		all = append(all, b...)
	}
	if len(batches) < 2 || len(all) != 3000 {
		t.Fatalf("%d apps in %d batches", len(all), len(batches))
	}
	whole := newEntities(all, batchRows(all, 0))
	ids := make([]string, len(all))
	for i, e := range all {
		ids[i] = e.ID
	}
	for name, s := range map[string]*entities{"streamed": streamed, "whole": whole} {
		t.Run(name, func(t *testing.T) {
			if s.len() != len(all) {
				t.Fatalf("%d entities of %d", s.len(), len(all))
			}
			for i, want := range all {
				got, ok := s.get(want.ID)
				if !ok || got.ID != want.ID || got.Name != want.Name || !bytes.Equal(got.Raw, want.Raw) {
					t.Fatalf("entity %d: %v %+v, want %+v", i, ok, got, want)
				}
				if cells := s.cells(i); !slices.Equal(cells, want.Row()) {
					t.Fatalf("entity %d's cells %q, want %q", i, cells, want.Row())
				}
			}
			shuffled := slices.Clone(ids)
			rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			shuffled = append(shuffled, "no such app")
			got := readAll(s.locateAll(shuffled))
			if len(got) != len(all) {
				t.Fatalf("readAll gave %d of %d", len(got), len(all))
			}
			for i, e := range got {
				if e.ID != shuffled[i] {
					t.Fatalf("readAll's %d-th is %s, asked for %s", i, e.ID, shuffled[i])
				}
			}
			if _, ok := s.get("no such app"); ok || s.cells(-1) != nil || s.cells(len(all)) != nil {
				t.Error("an id not listed gave an entity")
			}
		})
	}
}

// BenchmarkPackedListPage100k: page down through a 120×40 table of 100 000
// apps, one frame per page: its rows given with their cells (as the
// console held them before it packed its lists) and without, drawn from
// the frame's packed entities (a page reads one or two packs back).
// ns/op is one key and the frame after it. Filtered, the table shows one
// app in 100 (a page's rows from 16 packs).
func BenchmarkPackedListPage100k(b *testing.B) {
	es := bulkApps(b, 100_000)
	d := es[0].Kind
	for _, bc := range []struct {
		name           string
		packed, sparse bool
	}{{"cells", false, false}, {"packed", true, false}, {"cells filtered", false, true}, {"packed filtered", true, true}} {
		packed := bc.packed
		b.Run(bc.name, func(b *testing.B) {
			rows := batchRows(es, 0)
			c := viewtest.Common()
			t := table.New(c, kindColumns(d))
			if packed {
				s := newEntities(es, rows)
				t.SetCellSource(s.cells)
			} else {
				for i := range rows {
					rows[i].Cells = es[i].Row()
				}
			}
			t.SetSize(120, 40)
			t.SetRows(rows)
			if bc.sparse {
				t.SetFilter(`^app \d*00$`) // one app in 100: a page's rows from 16 packs
				if t.Len() != 1000 {
					b.Fatalf("the filter shows %d apps", t.Len())
				}
			}
			down, top := viewtest.Key(c.Keys.Nav.PageDown), viewtest.Key(c.Keys.Nav.Top)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if i%2000 == 0 {
					t.Update(top)
				}
				t.Update(down)
				_ = t.View()
			}
		})
	}
}

// Two rows of one id (a list that repeats an id) each draw their own
// entity's cells: the table's rows are the entities, in their order.
func TestRowsOfOneIDDrawTheirOwnCells(t *testing.T) {
	es := bulkApps(t, 3)
	es[1].ID = es[0].ID
	s := newEntities(es, batchRows(es, 0))
	for i, e := range es {
		if got := s.cells(i); !slices.Equal(got, e.Row()) {
			t.Errorf("row %d (id %s) draws %q, want %q", i, e.ID, got, e.Row())
		}
	}
}
