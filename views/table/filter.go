package table

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// searchIndex holds every row's search key, lower-cased once when the rows
// arrive, back to back in one string: a keystroke reads the keys in one
// sweep of memory and lowers nothing. Each key has a separator before and
// after it, in its span, so that a regex's ^lit and lit$ are the
// substrings keySep+lit and lit+keySep of the span (see rowRegex.lit). It
// also notes where each cell ends in its row's key (the field filter
// reads one column without splitting the key) and whether the key is
// plain: printable ASCII and the cells' separators. The fuzzy filter's
// own subsequence test decides a plain row (see fuzzy.go), and so do the
// string searches of a regex of the common shapes (see glob).
type searchIndex struct {
	text string
	// end[r] is where row r's span ends in text; it starts at end[r-1].
	// The span is keySep, the key, keySep.
	end []int
	// cellEnd holds, row after row, where each cell of the row ends in the
	// row's key (cell c starts one byte, the separator, after cell c-1
	// ends); row r's are cellEnd[cellOf[r]:cellOf[r+1]].
	cellEnd []int32
	cellOf  []int32 // one more than the rows: cellOf[0] is 0
	plain   []bool  // per row: the key is printable ASCII and separators
	mixed   int     // the rows whose key is not plain
	// b holds text while rows are appended (AppendRows): text is b's
	// bytes so far, which later appends never change.
	b *strings.Builder
}

// adopt moves the index into the room of r (see Room): its keys and
// notes copied to the start of r's arrays.
func (ix *searchIndex) adopt(r *searchIndex) {
	r.b.WriteString(ix.text)
	ix.b, ix.text = r.b, r.b.String()
	ix.end = append(r.end, ix.end...)
	ix.cellEnd = append(r.cellEnd, ix.cellEnd...)
	if len(ix.cellOf) == 0 {
		ix.cellOf = append(ix.cellOf, 0)
	}
	ix.cellOf = append(r.cellOf, ix.cellOf...)
	ix.plain = append(r.plain, ix.plain...)
}

// append adds the keys of rows after those indexed, and clears the rows'
// Keys (the index holds them now).
func (ix *searchIndex) append(rows []Row) {
	if ix.b == nil {
		ix.b = &strings.Builder{}
		ix.b.Grow(len(ix.text) * 2)
		ix.b.WriteString(ix.text)
	}
	if len(ix.cellOf) == 0 {
		ix.cellOf = append(ix.cellOf, 0)
	}
	for i := range rows {
		ix.writeKey(ix.b, rows[i])
		ix.end = append(ix.end, ix.b.Len())
		rows[i].Key = ""
	}
	ix.text = ix.b.String()
}

// writeKey writes row r's search key to b and notes its cells and whether
// it is plain.
func (ix *searchIndex) writeKey(b *strings.Builder, r Row) {
	b.WriteByte(keySep)
	start := b.Len()
	plain := true
	if r.Key != "" {
		k := r.Key
		from := 0 // the cell being read
		for i := 0; i < len(k); i++ {
			switch c := k[i]; {
			case c == rowKeySep:
				b.WriteString(k[from:i])
				b.WriteByte(keySep)
				from = i + 1
				ix.cellEnd = append(ix.cellEnd, int32(i))
			case c < ' ' || c > '~':
				plain = false
			}
		}
		b.WriteString(k[from:])
		ix.cellEnd = append(ix.cellEnd, int32(len(k)))
	} else {
		for j, c := range r.Cells {
			if j > 0 {
				b.WriteByte(keySep)
			}
			if !writeLower(b, c) {
				plain = false
			}
			ix.cellEnd = append(ix.cellEnd, int32(b.Len()-start))
		}
	}
	b.WriteByte(keySep)
	ix.cellOf = append(ix.cellOf, int32(len(ix.cellEnd)))
	ix.plain = append(ix.plain, plain)
	if !plain {
		ix.mixed++
	}
}

// newSearchIndex builds the keys of rows: cells lower-cased and joined by
// keySep, so a match never spans two cells. It clears the rows' Keys (the
// index holds them now).
func newSearchIndex(rows []Row) searchIndex {
	size := 0
	for _, r := range rows {
		size += 2 // the separators around the key
		if r.Key != "" {
			size += len(r.Key)
			continue
		}
		for _, c := range r.Cells {
			size += len(c) + 1
		}
	}
	cells := len(rows) // the rows of a table have as many cells each
	if len(rows) > 0 {
		cells *= max(1, len(rows[0].Cells), strings.Count(rows[0].Key, string(rowKeySep))+1)
	}
	var b strings.Builder
	b.Grow(size)
	ix := searchIndex{
		end:     make([]int, len(rows)),
		cellEnd: make([]int32, 0, cells),
		cellOf:  make([]int32, 1, len(rows)+1),
		plain:   make([]bool, 0, len(rows)),
	}
	for i := range rows {
		ix.writeKey(&b, rows[i])
		ix.end[i] = b.Len()
		rows[i].Key = ""
	}
	ix.text = b.String()
	return ix
}

// key is row r's search key, without the separators around it.
func (ix *searchIndex) key(r int) string {
	if r == 0 {
		return ix.text[1 : ix.end[0]-1]
	}
	return ix.text[ix.end[r-1]+1 : ix.end[r]-1]
}

// cell is row r's cell c as its key holds it (lower-cased) and where it
// starts in the key; ok is false when the row has no cell c.
func (ix *searchIndex) cell(r, c int) (s string, at int, ok bool) {
	ends := ix.cellEnd[ix.cellOf[r]:ix.cellOf[r+1]]
	if c < 0 || c >= len(ends) {
		return "", 0, false
	}
	if c > 0 {
		at = int(ends[c-1]) + 1
	}
	return ix.key(r)[at:ends[c]], at, true
}

// cellCount is the number of cells row r's key holds.
func (ix *searchIndex) cellCount(r int) int { return int(ix.cellOf[r+1] - ix.cellOf[r]) }

// cells are row r's cells as its key holds them (lower-cased).
func (ix *searchIndex) cells(r int) []string {
	out := make([]string, ix.cellCount(r))
	for c := range out {
		out[c], _, _ = ix.cell(r, c)
	}
	return out
}

// writeLower writes strings.ToLower(s) without allocating when s is ASCII,
// and reports whether s is plain: printable ASCII.
func writeLower(b *strings.Builder, s string) bool {
	plain := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			b.WriteString(strings.ToLower(s))
			return false
		}
		if s[i] < ' ' || s[i] > '~' {
			plain = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return plain
}

// filter appends to out the rows of src whose key contains q (lower-cased,
// not empty), in src's order, and returns it with the position of row sel
// in it (-1 when it is not there). out may share src's array from its
// start: a row is written at or before the place it was read from, so a
// narrowing filters the previous result in place.
//
// For each row it keeps, filter notes in at where q first occurs, and
// whether q may occur again after that (the rest of the key holds q's first
// byte), for extend.
func (ix *searchIndex) filter(out, src []int, q string, at []int32, sel int) ([]int, int) {
	selAt := -1
	text, end := ix.text, ix.end
	for _, r := range src {
		start := 0
		if r > 0 {
			start = end[r-1]
		}
		key := text[start:end[r]]
		i := strings.Index(key, q)
		if i < 0 {
			continue
		}
		at[r] = noteAt(key, i, q)
		if r == sel {
			selAt = len(out)
		}
		out = append(out, r)
	}
	return out, selAt
}

// extend is filter when src is the result for q[:prev] and at was noted
// then: the query grew at its end (typing). q can only start where
// q[:prev] did, so a row whose q[:prev] occurs once is decided by
// comparing the added bytes at its noted place; only a row where q[:prev]
// recurs is searched again, from after that place.
//
// What extend undoes goes on st, whose newest frame push opened for it, so
// that deleting the added bytes restores src and at without a search: each
// note it moves, with the note it had, and each row it drops, with its
// place in src, unless src held every row (restoring it copies the order).
func (ix *searchIndex) extend(out, src []int, q string, prev int, at []int32, sel int, st *narrowings) ([]int, int) {
	if !st.frames[len(st.frames)-1].all {
		return ix.extendLogged(out, src, q, prev, at, sel, st)
	}
	selAt := -1
	text, end := ix.text, ix.end
	add := q[prev:]
	for _, r := range src {
		start := 0
		if r > 0 {
			start = end[r-1]
		}
		a := start + int(at[r]>>1) // q[:prev] is at text[a:]
		p := a + prev
		switch {
		case len(add) == 1 && p < end[r] && text[p] == add[0]:
		case len(add) > 1 && end[r]-p >= len(add) && text[p:p+len(add)] == add:
		case at[r]&1 == 0:
			continue
		default:
			key := text[start:end[r]]
			j := strings.Index(text[a+1:end[r]], q)
			if j < 0 {
				continue
			}
			st.moved = append(st.moved, undo{int32(r), at[r]})
			at[r] = noteAt(key, a+1+j-start, q)
		}
		if r == sel {
			selAt = len(out)
		}
		out = append(out, r)
	}
	return out, selAt
}

// extendLogged is extend when src does not hold every row: it also logs
// each row it drops, with its place in src. It is extend's loop with one
// line more on each way out: the widest narrowings (every row to a few)
// take extend's own loop, which keeps fewer values live and runs faster.
func (ix *searchIndex) extendLogged(out, src []int, q string, prev int, at []int32, sel int, st *narrowings) ([]int, int) {
	selAt := -1
	text, end := ix.text, ix.end
	add := q[prev:]
	dropped := st.dropped
	for i, r := range src {
		start := 0
		if r > 0 {
			start = end[r-1]
		}
		a := start + int(at[r]>>1) // q[:prev] is at text[a:]
		p := a + prev
		switch {
		case len(add) == 1 && p < end[r] && text[p] == add[0]:
		case len(add) > 1 && end[r]-p >= len(add) && text[p:p+len(add)] == add:
		case at[r]&1 == 0:
			dropped = append(dropped, undo{int32(r), int32(i)})
			continue
		default:
			key := text[start:end[r]]
			j := strings.Index(text[a+1:end[r]], q)
			if j < 0 {
				dropped = append(dropped, undo{int32(r), int32(i)})
				continue
			}
			st.moved = append(st.moved, undo{int32(r), at[r]})
			at[r] = noteAt(key, a+1+j-start, q)
		}
		if r == sel {
			selAt = len(out)
		}
		out = append(out, r)
	}
	st.dropped = dropped
	return out, selAt
}

// narrowings is the typed history of the filter: one frame for each
// narrowing that led from the oldest filter it holds to the current one
// (a substring or fuzzy query extended, a regex narrowed; see
// Model.narrowTo), each with the filter it started from, so that a
// backspace restores the previous result instead of searching every row
// again. Each result contains the next, so the rows dropped along the way
// are at most every row once: the history never holds more than
// len(rows) dropped rows, and moved notes are capped at as many (the
// oldest frames, the widest results, go first; the fuzzy filter sheds
// their notes and keeps the frames).
type narrowings struct {
	frames  []frame
	dropped []undo // row, and its place in the wider result
	moved   []undo // row, and the note at held for it before
	// stale: the last frame undone had lost its moved notes (see shed),
	// so the notes are not those of the result restored.
	stale bool
}

// frame is one narrowing: the filter it started from, whether that filter
// matched every row (then the frame's rows are those of the order, and it
// logs no dropped row), and where its entries start in dropped and moved.
type frame struct {
	from           spec // the filter the narrowing started from
	dropped, moved int
	all            bool
	lost           bool // its moved notes were shed: undoing it leaves the notes stale
}

// undo is one entry of narrowings: a row and a value to put back.
type undo struct{ row, v int32 }

// reset forgets every frame: the current result is the oldest.
func (st *narrowings) reset() {
	st.frames = st.frames[:0]
	st.dropped = st.dropped[:0]
	st.moved = st.moved[:0]
	st.stale = false
}

// lose marks the newest frame as one whose moved notes are not kept.
func (st *narrowings) lose() { st.frames[len(st.frames)-1].lost = true }

// shed drops the moved notes of the oldest frames, which keep their
// dropped rows, until moved holds at most limit entries: the fuzzy
// filter moves a note for every row it keeps, so trimming frames instead
// would leave few to undo.
func (st *narrowings) shed(limit int) {
	for k := 0; len(st.moved) > limit && k < len(st.frames); k++ {
		f := &st.frames[k]
		if f.lost {
			continue
		}
		next := len(st.moved)
		if k+1 < len(st.frames) {
			next = st.frames[k+1].moved
		}
		n := next - f.moved
		st.moved = st.moved[:f.moved+copy(st.moved[f.moved:], st.moved[next:])]
		for i := k + 1; i < len(st.frames); i++ {
			st.frames[i].moved -= n
		}
		f.lost = true
	}
}

// push opens the frame of a narrowing from the filter from, whose result
// holds all n rows or not. Room for n dropped rows is made once, so a
// keystroke does not allocate.
func (st *narrowings) push(from spec, n int, all bool) {
	if cap(st.dropped) < n {
		st.dropped = append(make([]undo, 0, n), st.dropped...)
	}
	st.frames = append(st.frames, frame{from: from, dropped: len(st.dropped), moved: len(st.moved), all: all})
}

// trim drops the oldest frames until moved holds at most limit entries.
func (st *narrowings) trim(limit int) {
	if len(st.moved) <= limit {
		return
	}
	k := 0
	for k < len(st.frames) && len(st.moved)-st.frames[k].moved > limit {
		k++
	}
	if k == len(st.frames) {
		st.reset()
		return
	}
	d, mv := st.frames[k].dropped, st.frames[k].moved
	st.dropped = st.dropped[:copy(st.dropped, st.dropped[d:])]
	st.moved = st.moved[:copy(st.moved, st.moved[mv:])]
	st.frames = st.frames[:copy(st.frames, st.frames[k:])]
	for i := range st.frames {
		st.frames[i].dropped -= d
		st.frames[i].moved -= mv
	}
}

// pop undoes the newest frame: rows, the result of that frame's narrowing
// at the start of its array, grows back in place into the result it
// started from, which pop returns, and at gets back the notes it had then.
// order is every row, in order. selAt is the position in rows of the
// selected row (-1: none) and comes back as its position in the result.
// The last result is the filter the result is for.
func (st *narrowings) pop(rows, order []int, at []int32, selAt int) ([]int, int, spec) {
	f := st.frames[len(st.frames)-1]
	st.frames = st.frames[:len(st.frames)-1]
	st.stale = f.lost
	moved := st.moved[f.moved:]
	for k := len(moved) - 1; k >= 0; k-- {
		at[moved[k].row] = moved[k].v
	}
	st.moved = st.moved[:f.moved]
	if f.all {
		sel := -1
		if selAt >= 0 {
			sel = rows[selAt]
		}
		rows = rows[:copy(rows[:len(order)], order)]
		if sel >= 0 {
			selAt = slices.Index(rows, sel)
		}
		return rows, selAt, f.from
	}
	dropped := st.dropped[f.dropped:]
	st.dropped = st.dropped[:f.dropped]
	// Merge from the back: dropped rows go to their noted places, kept
	// rows fill the places between, each at or after where it was read.
	// Below the first dropped row's place nothing moves.
	i := len(rows) - 1
	rows = rows[:len(rows)+len(dropped)]
	for k := len(dropped) - 1; k >= 0; k-- {
		d := int(dropped[k].v)
		for ; i >= d-k; i-- { // the kept rows after place d move up by k+1
			if i == selAt {
				selAt = i + k + 1
			}
			rows[i+k+1] = rows[i]
		}
		rows[d] = int(dropped[k].row)
	}
	return rows, selAt, f.from
}

// noteAt packs where the query q first occurs in key (i) and whether its
// first byte occurs after that, so that the query may occur again. A
// query that starts with a separator (a regex's ^lit, see rowRegex.span)
// looks for its first two: a separator follows every cell.
func noteAt(key string, i int, q string) int32 {
	if q[0] == keySep && len(q) > 1 {
		if strings.Contains(key[i+1:], q[:2]) {
			return int32(i)<<1 | 1
		}
		return int32(i) << 1
	}
	if strings.IndexByte(key[i+1:], q[0]) >= 0 {
		return int32(i)<<1 | 1
	}
	return int32(i) << 1
}

// sieve collects the rows a filter's scan keeps, in src's order: where
// row sel went among them, and, when log, the rows dropped with their
// place in src, on st (the backspace history, see narrowings.pop).
type sieve struct {
	out        []int
	selAt, sel int
	st         *narrowings
	log        bool
}

// put keeps row r, the i-th of src, or drops it.
func (v *sieve) put(r, i int, keep bool) {
	if !keep {
		if v.log {
			v.st.dropped = append(v.st.dropped, undo{int32(r), int32(i)})
		}
		return
	}
	if r == v.sel {
		v.selAt = len(v.out)
	}
	v.out = append(v.out, r)
}
