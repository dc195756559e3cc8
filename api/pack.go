package api

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/klauspost/compress/s2"
)

// Packed entities. A console holding a big list keeps what it listed in
// packs: each entity's raw JSON, back to back with the others of its pack
// and compressed with S2. A list repeats the same members and much the same
// values entity after entity, so a pack of a list of apps is a tenth of
// its JSON; a pack of packSize apps decompresses in tens of microseconds,
// so the rows on screen, and the entity the user acts on, are read back
// when they are asked for (docs/performance.md has the measures, and why
// S2 rather than the standard library's flate: about four times faster to
// pack and eight times faster to read back, for a somewhat larger pack).
//
// A pack keeps what rebuilds its entities exactly as they were listed: the
// kind, the parents the list was fetched under (shared, as the list's
// entities share them), the raw bytes and a note column's cells (the
// custom role a listed user holds), which no raw JSON carries.

// packSize is the most entities a pack holds: reading one row back
// decompresses its pack whole.
const packSize = 256

// Pack is up to packSize entities of one list, compressed.
type Pack struct {
	kind    *Descriptor
	parents Ref
	listed  bool     // every entity's Raw was a validated list answer's (Entity.listed)
	z       []byte   // the entities' raw JSON back to back, S2-compressed
	size    int      // the length of the decompressed bytes
	ends    []uint32 // entity i's raw ends at ends[i] of the decompressed bytes
	notes   []string // entity i's note; nil when none has one
}

// PackEntities packs es, entities of one list (one kind, one parent), in
// order, in packs of up to packSize. It reads es and copies what it keeps:
// es may be dropped, and the buffers of their raw bytes with them.
func PackEntities(es []Entity) []*Pack {
	out := make([]*Pack, 0, (len(es)+packSize-1)/packSize)
	var sc packScratch
	for len(es) > 0 {
		n := min(len(es), packSize)
		out, es = append(out, sc.pack(es[:n])), es[n:]
	}
	return out
}

// packScratch is what packing reuses from pack to pack: the raw bytes
// joined, and compressed.
type packScratch struct{ raw, z []byte }

// pack packs es.
func (sc *packScratch) pack(es []Entity) *Pack {
	p := &Pack{kind: es[0].Kind, parents: es[0].Parents, listed: true, ends: make([]uint32, len(es))}
	size := 0
	for _, e := range es {
		size += len(e.Raw)
	}
	if cap(sc.raw) < size {
		sc.raw = make([]byte, 0, size+size/4) // the next pack's may be a little longer
	}
	buf := sc.raw[:0]
	for i, e := range es {
		buf = append(buf, e.Raw...)
		p.ends[i] = uint32(len(buf))
		p.listed = p.listed && e.listed
		if e.note != "" {
			if p.notes == nil {
				p.notes = make([]string, len(es))
			}
			p.notes[i] = e.note
		}
	}
	p.size = len(buf)
	if n := s2.MaxEncodedLen(len(buf)); cap(sc.z) < n {
		sc.z = make([]byte, n)
	}
	p.z = bytes.Clone(s2.Encode(sc.z[:cap(sc.z)], buf)) // the bound is far above what JSON needs
	sc.raw = buf
	return p
}

// Len is the number of entities in the pack.
func (p *Pack) Len() int { return len(p.ends) }

// Bytes is the memory the pack's compressed bytes take.
func (p *Pack) Bytes() int { return cap(p.z) }

// Size is the length of the entities' raw JSON, unpacked.
func (p *Pack) Size() int { return p.size }

// Unpack decompresses the pack into dst when it is large enough, into a
// new buffer otherwise, and returns the bytes At reads.
func (p *Pack) Unpack(dst []byte) ([]byte, error) {
	// The length the compressed bytes announce is checked first: damaged,
	// they could announce gigabytes, which Decode would allocate.
	n, err := s2.DecodedLen(p.z)
	if err == nil && n != p.size {
		err = fmt.Errorf("%d bytes announced where %d were packed", n, p.size)
	}
	if err != nil {
		return nil, fmt.Errorf("api: reading back %d packed %s: %w", p.Len(), p.kind.Name, err)
	}
	if cap(dst) < p.size {
		dst = make([]byte, p.size)
	}
	out, err := s2.Decode(dst[:p.size], p.z)
	if err == nil && len(out) != p.size {
		err = fmt.Errorf("%d bytes where %d were packed", len(out), p.size)
	}
	if err != nil {
		return nil, fmt.Errorf("api: reading back %d packed %s: %w", p.Len(), p.kind.Name, err)
	}
	return out, nil
}

// raw is entity i's raw JSON in data (what Unpack gave).
func (p *Pack) raw(data []byte, i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = p.ends[i-1]
	}
	return data[start:p.ends[i]:p.ends[i]]
}

// At is entity i of the pack as it was listed, read from data (what Unpack
// gave). Its Raw is a copy of its own, so data may be reused.
func (p *Pack) At(data []byte, i int) Entity {
	raw := append([]byte(nil), p.raw(data, i)...)
	e := Entity{Kind: p.kind, Parents: p.parents, Raw: raw, listed: p.listed}
	o := index(raw, nil, true) // strings read from o alias raw, which is the entity's own
	e.ID, e.Name = p.kind.idName(o)
	e.ID, e.Name = strings.Clone(e.ID), strings.Clone(e.Name)
	if p.notes != nil {
		e.note = p.notes[i]
	}
	return e
}

// Row is the table row of entity i, read from data (what Unpack gave):
// At(data, i).Row(), without copying the entity out.
func (p *Pack) Row(data []byte, i int) []string {
	e := Entity{Kind: p.kind, Parents: p.parents, Raw: p.raw(data, i), listed: p.listed}
	if p.notes != nil {
		e.note = p.notes[i]
	}
	return e.Row()
}
