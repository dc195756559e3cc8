package ui

import (
	"cmp"
	"maps"
	"runtime/debug"
	"slices"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/table"
)

// entities are the entities a frame listed, kept compactly: in packs
// (api.Pack: their raw JSON compressed, a tenth of the answer for a list of
// apps), found by row id. The frame's table holds its rows without cells
// (a search key, then only its index) and draws the rows on screen from
// here (cells); an entity is read back whole when the user acts on it
// (get). So a list of 100 000 apps holds neither the answer nor a row of
// cells per app.
//
// Packs are made where the rows are, off the UI thread (packBatch,
// newEntities); Update only adds them. A refresh builds a new set and the
// frame swaps it in: a set is never changed but by add and adopt, on the
// UI thread.
type entities struct {
	at    map[string]int32 // row id → the entity's place in the list
	packs []*api.Pack
	first []int32 // the place of each pack's first entity

	// The packs read back last (a page's rows are in one or two), and the
	// rows drawn last (a page of a filtered list may come from as many
	// packs as it has rows; it is drawn again on every frame).
	mu    sync.Mutex
	cache [2]unpacked
	next  int
	drawn map[int][]string // by place
}

// drawnRows is the most rows entities keep the cells of: a few pages.
const drawnRows = 512

// unpacked is a pack read back.
type unpacked struct {
	p    *api.Pack
	data []byte
}

// packedBatch is a batch of entities packed, with their rows' ids.
type packedBatch struct {
	packs []*api.Pack
	ids   []string
}

// packBatch packs a batch of a list, whose rows are rows (rows[i] is
// items[i]'s). It runs off the UI thread.
func packBatch(items []api.Entity, rows []table.Row) packedBatch {
	return packedBatch{packs: api.PackEntities(items), ids: rowIDs(rows)}
}

// rowIDs is the ids of rows, in their order.
func rowIDs(rows []table.Row) []string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

// expected is how many entities a list of total bytes (-1: unknown) holds,
// judged from the size of b's: 0 when it cannot be told yet (b has too
// few to judge by).
func (b packedBatch) expected(total int64) int {
	n, size := 0, 0
	for _, p := range b.packs {
		n, size = n+p.Len(), size+p.Size()
	}
	if total <= 0 || n < 64 || size == 0 {
		return 0
	}
	return int(total * int64(n) / int64(size) * 11 / 10)
}

// newEntities is the entities of a whole list, whose rows are rows. It
// runs off the UI thread.
func newEntities(items []api.Entity, rows []table.Row) *entities {
	s := &entities{at: make(map[string]int32, len(items))}
	s.add(packBatch(items, rows))
	return s
}

// loadRoom is room made ahead, off the UI thread, for the rows and the
// entities a streamed load expects (table.Room).
type loadRoom struct {
	table *table.Room
	at    map[string]int32
}

// newLoadRoom makes room for n rows like rows (nil when n is 0: the load
// cannot tell yet).
func newLoadRoom(n int, rows []table.Row) *loadRoom {
	if n <= 0 {
		return nil
	}
	return &loadRoom{table: table.NewRoom(n, rows), at: make(map[string]int32, n)}
}

// adopt takes at, a map made with room for the entities to come, as the
// entities' places.
func (s *entities) adopt(at map[string]int32) {
	maps.Copy(at, s.at)
	s.at = at
}

// add appends a batch packed by packBatch.
func (s *entities) add(b packedBatch) {
	if s.at == nil {
		s.at = make(map[string]int32, len(b.ids))
	}
	n := int32(s.len())
	for _, p := range b.packs {
		s.packs = append(s.packs, p)
		s.first = append(s.first, n)
		n += int32(p.Len())
	}
	base := n - int32(len(b.ids))
	for i, id := range b.ids {
		s.at[id] = base + int32(i)
	}
}

// releaseAt is the size of a list's JSON from which, once it is loaded and
// packed, the memory the load went through (the pieces of the answer,
// the batches) is handed back to the system at once (release) rather than
// kept by the Go runtime for allocations to come.
const releaseAt = 16 << 20

// release hands the memory a load of s went through back to the system,
// in a command (a collection and a scavenge: tens of milliseconds), when
// s is large enough for that to matter.
func (s *entities) release() tea.Cmd {
	if s == nil {
		return nil
	}
	size := 0
	for _, p := range s.packs {
		size += p.Size()
	}
	if size < releaseAt {
		return nil
	}
	return func() tea.Msg {
		debug.FreeOSMemory()
		return nil
	}
}

// len is the number of entities.
func (s *entities) len() int {
	if s == nil || len(s.packs) == 0 {
		return 0
	}
	last := len(s.packs) - 1
	return int(s.first[last]) + s.packs[last].Len()
}

// locate is the pack holding row id's entity and its place there.
func (s *entities) locate(id string) (*api.Pack, int, bool) {
	if s == nil {
		return nil, 0, false
	}
	at, ok := s.at[id]
	if !ok {
		return nil, 0, false
	}
	return s.byPlace(int(at))
}

// byPlace is the pack holding the entity at place at, and its place there.
func (s *entities) byPlace(at int) (*api.Pack, int, bool) {
	if s == nil || at < 0 || at >= s.len() {
		return nil, 0, false
	}
	k, found := slices.BinarySearch(s.first, int32(at))
	if !found {
		k--
	}
	return s.packs[k], at - int(s.first[k]), true
}

// unpack reads pack p back, from the cache when it was read last. The
// bytes are the cache's: use them under s.mu.
func (s *entities) unpack(p *api.Pack) ([]byte, bool) {
	for _, c := range s.cache {
		if c.p == p {
			return c.data, true
		}
	}
	c := &s.cache[s.next]
	s.next = (s.next + 1) % len(s.cache)
	data, err := p.Unpack(c.data)
	if err != nil {
		c.p = nil
		return nil, false
	}
	c.p, c.data = p, data
	return data, true
}

// get is the entity of row id, read back whole (its Raw its own).
func (s *entities) get(id string) (api.Entity, bool) {
	p, i, ok := s.locate(id)
	if !ok {
		return api.Entity{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.unpack(p)
	if !ok {
		return api.Entity{}, false
	}
	return p.At(data, i), true
}

// packedAt is where an entity is: its pack, its place in it, in the list.
type packedAt struct {
	p  *api.Pack
	i  int
	at int32
}

// locateAll is where the entities of the rows ids are, those that are
// here, in the order of ids. Packs never change, so what it gives may be
// read (readAll) in any goroutine.
func (s *entities) locateAll(ids []string) []packedAt {
	if s == nil {
		return nil
	}
	out := make([]packedAt, 0, len(ids))
	for _, id := range ids {
		if p, i, ok := s.locate(id); ok {
			out = append(out, packedAt{p, i, s.at[id]})
		}
	}
	return out
}

// readAll reads the entities at places back, in their order: each pack
// once however many of its entities are asked for. It touches nothing
// but the packs.
func readAll(places []packedAt) []api.Entity {
	order := make([]int, len(places))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(places[a].at, places[b].at) })
	out := make([]api.Entity, len(places))
	var data []byte
	var last *api.Pack
	for _, k := range order {
		pl := places[k]
		if pl.p != last {
			var err error
			if data, err = pl.p.Unpack(data); err != nil {
				last = nil
				continue
			}
			last = pl.p
		}
		out[k] = pl.p.At(data, pl.i)
	}
	return slices.DeleteFunc(out, func(e api.Entity) bool { return e.Kind == nil }) // a pack that did not read back
}

// cells is the table row of the entity at place row (the table's
// CellSource: the table's rows are the entities, in their order, so two
// rows of one id show their own cells).
func (s *entities) cells(row int) []string {
	p, i, ok := s.byPlace(row)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cells, ok := s.drawn[row]; ok {
		return cells
	}
	data, ok := s.unpack(p)
	if !ok {
		return nil
	}
	if len(s.drawn) >= drawnRows || s.drawn == nil {
		s.drawn = make(map[int][]string, drawnRows)
	}
	cells := p.Row(data, i)
	s.drawn[row] = cells
	return cells
}
