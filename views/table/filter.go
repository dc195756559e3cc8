package table

import (
	"strings"
	"unicode/utf8"
)

// searchIndex holds every row's search key, lower-cased once when the rows
// arrive, back to back in one string: a keystroke reads the keys in one
// sweep of memory and lowers nothing.
type searchIndex struct {
	text string
	end  []int // end[r] is where row r's key ends in text; it starts at end[r-1]
}

// newSearchIndex builds the keys of rows: cells lower-cased and joined by
// keySep, so a match never spans two cells.
func newSearchIndex(rows []Row) searchIndex {
	size := 0
	for _, r := range rows {
		for _, c := range r.Cells {
			size += len(c) + 1
		}
	}
	var b strings.Builder
	b.Grow(size)
	end := make([]int, len(rows))
	for i, r := range rows {
		for j, c := range r.Cells {
			if j > 0 {
				b.WriteByte(keySep)
			}
			writeLower(&b, c)
		}
		end[i] = b.Len()
	}
	return searchIndex{text: b.String(), end: end}
}

// writeLower writes strings.ToLower(s) without allocating when s is ASCII.
func writeLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			b.WriteString(strings.ToLower(s))
			return
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
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
		at[r] = noteAt(key, i, q[0])
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
func (ix *searchIndex) extend(out, src []int, q string, prev int, at []int32, sel int) ([]int, int) {
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
			at[r] = noteAt(key, a+1+j-start, q[0])
		}
		if r == sel {
			selAt = len(out)
		}
		out = append(out, r)
	}
	return out, selAt
}

// noteAt packs where a query starting with c0 first occurs in key (i) and
// whether c0 occurs after that, so that the query may occur again.
func noteAt(key string, i int, c0 byte) int32 {
	if strings.IndexByte(key[i+1:], c0) >= 0 {
		return int32(i)<<1 | 1
	}
	return int32(i) << 1
}
