package table

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

// The fuzzy filter (~text) keeps the rows that github.com/sahilm/fuzzy
// matches: the query's characters in order anywhere in the row (its
// cells side by side), case folded. It keeps the table's order (its sort)
// rather than the library's ranking, as k9s does: the rows do not jump
// while the query grows, and the cursor stays put.
//
// The library takes about 0.3 µs a key: 30 to 40 ms for 100 000 rows,
// every keystroke (BenchmarkFuzzyLibrary100k). Its match is a subsequence
// match, so for a plain key (printable ASCII; most are) and the query as
// such a key can hold it, the table decides the row itself: each query
// byte found after the last with strings.IndexByte. For each row it
// keeps, it notes where the match ends, and a query that grew at its end
// (typing) looks for the added bytes from there: one IndexByte a row, as
// the substring filter's narrowing; what a narrowing moved and dropped is
// kept for a backspace (narrowings), the moved notes up to one a row (the
// oldest frames' are shed first, and a key typed after undoing such a
// frame matches the whole query again in the rows shown). The other keys (accents, other
// scripts) go to the library, after a cheap test that the bytes they must
// hold are there in order. The library also finds the characters to
// highlight in the rows drawn.

// fuzzyQuery is a fuzzy filter's query.
type fuzzyQuery struct {
	q string // lower-cased, as the library is given it
	// asc is q as a plain key can hold it: each rune as the ASCII byte
	// it folds to (K, the Kelvin sign, is k). none: some rune of q folds
	// to no ASCII byte, so no plain key matches.
	asc  string
	none bool
	// safe are the runes of q that match only themselves in a
	// lower-cased key (s does not: it also folds to ſ): a key that
	// matches holds their bytes in order.
	safe string
}

func newFuzzyQuery(q string) fuzzyQuery {
	fq := fuzzyQuery{q: q, asc: q, safe: q}
	ascii := true
	for i := 0; i < len(q); i++ {
		if q[i] >= utf8.RuneSelf || !foldsToItself(rune(q[i])) {
			ascii = false
			break
		}
	}
	if ascii {
		return fq
	}
	var asc, safe strings.Builder
	for _, r := range q {
		if b, ok := asciiFold(r); ok {
			asc.WriteByte(b)
		} else {
			fq.none = true
		}
		if foldsToItself(r) {
			safe.WriteRune(r)
		}
	}
	fq.asc, fq.safe = asc.String(), safe.String()
	return fq
}

// asciiFold is the lower-case ASCII byte r folds to, if any.
func asciiFold(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		return byte(unicode.ToLower(r)), true
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return byte(unicode.ToLower(f)), true
		}
	}
	return 0, false
}

// foldsToItself reports whether every rune that folds to r lower-cases to
// r: a lower-cased key matches r only where it holds r.
func foldsToItself(r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if unicode.ToLower(f) != r {
			return false
		}
	}
	return true
}

// matchKey reports whether the library matches key, a key that is not
// plain.
func (fq *fuzzyQuery) matchKey(key string) bool {
	if subsequenceEnd(key, 0, fq.safe) < 0 {
		return false
	}
	return len(fuzzy.FindNoSort(fq.q, []string{key})) > 0
}

// subsequenceEnd is where q, found byte after byte from key[from:], ends
// in key; -1 when it is not there.
func subsequenceEnd(key string, from int, q string) int {
	p := from
	for i := 0; i < len(q); i++ {
		j := strings.IndexByte(key[p:], q[i])
		if j < 0 {
			return -1
		}
		p += j + 1
	}
	return p
}

// fuzzyScan appends to out the rows of src that fq matches, in src's
// order, and returns it with the position of row sel in it (-1: not
// there). out may share src's array from its start. For each plain row it
// keeps, it notes in at where the match ends. With st, each row dropped
// is logged with its place in src (see narrowings.pop).
func (ix *searchIndex) fuzzyScan(out, src []int, fq *fuzzyQuery, at []int32, sel int, st *narrowings) ([]int, int) {
	return ix.fuzzyFrom(out, src, fq, -1, at, sel, st)
}

// fuzzyExtend is fuzzyScan when src is the result for a query whose asc
// was fq.asc[:prev] and at was noted then: the query grew at its end. A
// plain row's match can only go on from where the shorter one ended, so
// only the added bytes are looked for, from there. Notes moved and rows
// dropped go on st, as the substring filter's extend logs them.
func (ix *searchIndex) fuzzyExtend(out, src []int, fq *fuzzyQuery, prev int, at []int32, sel int, st *narrowings) ([]int, int) {
	return ix.fuzzyFrom(out, src, fq, prev, at, sel, st)
}

// fuzzyFrom is fuzzyScan (prev < 0) and fuzzyExtend (prev ≥ 0, st set).
func (ix *searchIndex) fuzzyFrom(out, src []int, fq *fuzzyQuery, prev int, at []int32, sel int, st *narrowings) ([]int, int) {
	text, end := ix.text, ix.end
	q := fq.asc
	if prev >= 0 {
		q = fq.asc[prev:]
	}
	v := sieve{out: out, selAt: -1, sel: sel, st: st, log: st != nil && !st.frames[len(st.frames)-1].all}
	for i, r := range src {
		start := 0
		if r > 0 {
			start = end[r-1]
		}
		key := text[start:end[r]]
		keep := false
		if ix.plain[r] {
			if !fq.none {
				from := 0
				if prev >= 0 {
					from = int(at[r])
				}
				if p := subsequenceEnd(key, from, q); p >= 0 {
					if prev >= 0 {
						st.moved = append(st.moved, undo{int32(r), at[r]})
					}
					at[r] = int32(p)
					keep = true
				}
			}
		} else {
			keep = fq.matchKey(key)
		}
		v.put(r, i, keep)
	}
	return v.out, v.selAt
}

// fuzzyMatched is where, in key, the library matches the characters of q
// (byte offsets), for the highlight; nil when it does not match.
func fuzzyMatched(q, key string) []int {
	ms := fuzzy.FindNoSort(q, []string{key})
	if len(ms) == 0 {
		return nil
	}
	return ms[0].MatchedIndexes
}
