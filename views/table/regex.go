package table

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// rowRegex is a filter's regular expression made to run on search keys.
//
// It is case-insensitive: it matches a lower-cased key as (?i) would.
// The keys are lower-cased already, so a letter that every case of it
// lowers to (almost all) is matched lower-cased, as it is, which lets
// package regexp find a literal prefix with a plain string search; (?i)
// on every letter would make every key run the matcher, about ten times
// slower (BenchmarkRegexFoldCase100k). A letter whose cases lower to
// different letters (s and ſ, σ and ς) keeps its (?i).
//
// A regex matches a row when it matches one of its cells: a key holds the
// cells as lines (keySep is a newline), ^ and $ (and \A, \z) match at
// the start and end of each cell (^app finds the cells that start with
// app, whatever column comes first), and nothing in the regex matches a
// newline (not a dot, even with the s flag, nor a class), so no match
// runs from one cell into the next.
type rowRegex struct {
	src string         // the pattern as typed
	re  *regexp.Regexp // on a lower-cased key
	// must is a string every match holds: a key without it is passed over
	// without running the matcher ("" when the pattern has none).
	must string
	// span, when spanOK, is the regex as a substring of a row's span (see
	// searchIndex): a literal, keySep before it for ^ and after it for $.
	// Such a regex (^app-01, ios$, 1\.2) is then searched for, narrowed
	// and restored as the substring filter does, with the notes and the
	// typed history. spanFolds: it took letters that fold to more than
	// one lower case (s, ſ) as their ASCII one, which is exact only while
	// every key is plain.
	span      string
	spanOK    bool
	spanFolds bool
	// seg, when the regex is one segment with classes or dots (see glob),
	// maybe anchored, is it as a segment of a plain row's span, keySep
	// before it for ^ and after it for $: ^app-0[12], app-01.3. Typing
	// such a regex after the substring or segment it extends narrows from
	// the notes of where that one was found (searchIndex.segExtend).
	seg *segment
	seq []*syntax.Regexp // the expression run, as a sequence (see within)
	// globs, when the regex has one of the common shapes (see glob): it
	// matches a plain key where one of them does.
	globs []glob
	// all: the regex matches every key (^, $, .*): typing ^ to begin a
	// pattern costs no search.
	all bool
}

// compileRowRegex compiles pattern (Go syntax) for the keys.
func compileRowRegex(pattern string) (*rowRegex, error) {
	t, err := syntax.Parse(pattern, syntax.Perl&^syntax.OneLine|syntax.FoldCase)
	if err != nil {
		return nil, err
	}
	t = forKeys(t)
	re, err := regexp.Compile(t.String())
	if err != nil {
		return nil, err
	}
	x := &rowRegex{src: pattern, re: re, must: mustHold(t), seq: sequence(t), globs: globsOf(t)}
	x.span, x.spanFolds, x.spanOK = spanSubstring(t)
	if len(x.globs) == 1 && len(x.globs[0].segs) == 1 && !x.globs[0].segs[0].lit {
		g := x.globs[0]
		b := []byte(g.segs[0].s)
		if g.start {
			b = append([]byte{keySep}, b...)
		}
		if g.end {
			b = append(b, keySep)
		}
		sg := newSegment(b, g.segs[0].sets)
		x.seg = &sg
	}
	for _, g := range x.globs {
		x.all = x.all || g.matchesAll()
	}
	return x, nil
}

// forKeys is t made to run on keys: letters lower-cased and matched as
// they are where that is the same (see rowRegex), anchors at the edges of
// cells, no newline matched. t is not changed.
func forKeys(t *syntax.Regexp) *syntax.Regexp {
	switch t.Op {
	case syntax.OpLiteral:
		if slices.Contains(t.Rune, keySep) {
			return &syntax.Regexp{Op: syntax.OpNoMatch}
		}
		if t.Flags&syntax.FoldCase == 0 {
			return t
		}
		// Runs of letters that lower as they fold, and of the others.
		var runs []*syntax.Regexp
		for _, r := range t.Rune {
			l := unicode.ToLower(r)
			flags := t.Flags &^ syntax.FoldCase
			if !foldsToItself(l) {
				l, flags = r, t.Flags
			}
			if n := len(runs); n > 0 && runs[n-1].Flags == flags {
				runs[n-1].Rune = append(runs[n-1].Rune, l)
				continue
			}
			runs = append(runs, &syntax.Regexp{Op: syntax.OpLiteral, Flags: flags, Rune: []rune{l}})
		}
		if len(runs) == 1 {
			return runs[0]
		}
		return &syntax.Regexp{Op: syntax.OpConcat, Sub: runs}
	case syntax.OpBeginText:
		return &syntax.Regexp{Op: syntax.OpBeginLine}
	case syntax.OpEndText:
		return &syntax.Regexp{Op: syntax.OpEndLine}
	case syntax.OpAnyChar:
		return &syntax.Regexp{Op: syntax.OpAnyCharNotNL}
	case syntax.OpCharClass:
		return withoutNewline(t)
	}
	if len(t.Sub) == 0 {
		return t
	}
	c := *t
	c.Sub = make([]*syntax.Regexp, len(t.Sub))
	for i, s := range t.Sub {
		c.Sub[i] = forKeys(s)
	}
	return &c
}

// withoutNewline is the class t without keySep.
func withoutNewline(t *syntax.Regexp) *syntax.Regexp {
	var r []rune
	for i := 0; i+1 < len(t.Rune); i += 2 {
		lo, hi := t.Rune[i], t.Rune[i+1]
		if lo > keySep || hi < keySep {
			r = append(r, lo, hi)
			continue
		}
		if lo < keySep {
			r = append(r, lo, keySep-1)
		}
		if hi > keySep {
			r = append(r, keySep+1, hi)
		}
	}
	if len(r) == 0 {
		return &syntax.Regexp{Op: syntax.OpNoMatch}
	}
	c := *t
	c.Rune = r
	return &c
}

// mustHold is the longest literal string t's matches hold, "" when none is
// found: the literals t is a sequence of, and those of what t repeats at
// least once or captures. t is made by forKeys: its literals are matched
// as they are.
func mustHold(t *syntax.Regexp) string {
	switch t.Op {
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(t.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return mustHold(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return mustHold(t.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		for _, s := range t.Sub {
			if l := mustHold(s); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return ""
}

// sequence is t as a sequence of expressions, each literal rune on its
// own: t matches where the sequence matches one after the other.
func sequence(t *syntax.Regexp) []*syntax.Regexp {
	var out []*syntax.Regexp
	var walk func(t *syntax.Regexp)
	walk = func(t *syntax.Regexp) {
		switch t.Op {
		case syntax.OpConcat:
			for _, s := range t.Sub {
				walk(s)
			}
		case syntax.OpLiteral:
			for _, r := range t.Rune {
				out = append(out, &syntax.Regexp{Op: syntax.OpLiteral, Flags: t.Flags & syntax.FoldCase, Rune: []rune{r}})
			}
		default:
			out = append(out, t)
		}
	}
	walk(t)
	return out
}

// spanSubstring is t (made by forKeys) as a substring of a span, when it
// is one literal, maybe at a cell's start or end (see rowRegex.span).
func spanSubstring(t *syntax.Regexp) (s string, folds, ok bool) {
	var items []*syntax.Regexp
	spliceInto(&items, t)
	// A run at either end matches as the empty string does: ^.*x is x,
	// x.*$ is x.
	isRun := func(t *syntax.Regexp) bool { return t.Op == syntax.OpStar && isAny(t.Sub[0]) }
	if i := slices.IndexFunc(items, isRun); i >= 0 && i <= 1 && (i == 0 || items[0].Op == syntax.OpBeginLine) {
		items = items[i+1:]
	}
	if i := slices.IndexFunc(items, isRun); i >= 0 && i >= len(items)-2 && (i == len(items)-1 || items[i+1].Op == syntax.OpEndLine) {
		items = items[:i]
	}
	var b strings.Builder
	for i, it := range items {
		switch {
		case it.Op == syntax.OpBeginLine && i == 0, it.Op == syntax.OpEndLine && i == len(items)-1:
			b.WriteByte(keySep)
		case it.Op == syntax.OpLiteral:
			for _, r := range it.Rune {
				if it.Flags&syntax.FoldCase != 0 {
					a, ok := asciiFold(r)
					if !ok {
						return "", false, false
					}
					b.WriteByte(a)
					folds = true
					continue
				}
				b.WriteRune(r)
			}
		case it.Op == syntax.OpEmptyMatch:
		default:
			return "", false, false
		}
	}
	return b.String(), folds, true
}

// spanSeq is the sequence of a substring of a span (a substring query,
// lower-cased, or rowRegex.span): its literal, a separator at its start
// or end being the edge of a cell.
func spanSeq(q string) []*syntax.Regexp {
	out := make([]*syntax.Regexp, 0, len(q))
	for i, r := range q {
		switch {
		case r == keySep && i == 0:
			out = append(out, &syntax.Regexp{Op: syntax.OpBeginLine})
		case r == keySep && i == len(q)-1:
			out = append(out, &syntax.Regexp{Op: syntax.OpEndLine})
		default:
			out = append(out, &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{r}})
		}
	}
	return out
}

// within reports whether every key x matches is matched by the expression
// whose sequence is old: old's sequence starts x's, so wherever x matches,
// old matches from the same place. Then x need only look at old's rows
// (typing after a regex, or adding regex syntax to a substring).
func (x *rowRegex) within(old []*syntax.Regexp) bool {
	if len(old) == 0 || len(old) > len(x.seq) {
		return false
	}
	for i, o := range old {
		if !o.Equal(x.seq[i]) {
			return false
		}
	}
	return true
}

// match reports whether x matches key, plain or not (see searchIndex).
func (x *rowRegex) match(key string, plain bool) bool {
	if plain && x.globs != nil {
		for i := range x.globs {
			if x.globs[i].match(key) {
				return true
			}
		}
		return false
	}
	if x.must != "" && !strings.Contains(key, x.must) {
		return false
	}
	return x.re.MatchString(key)
}

// regexScan appends to out the rows of src whose key x matches, in src's
// order, and returns it with the position of row sel in it (-1: not
// there). out may share src's array from its start (a narrowing in
// place). With st, each row dropped is logged with its place in src, for
// a backspace to restore (see narrowings.pop).
func (ix *searchIndex) regexScan(out, src []int, x *rowRegex, sel int, st *narrowings) ([]int, int) {
	if x.all {
		return append(out, src...), slices.Index(src, sel)
	}
	text, end, plain := ix.text, ix.end, ix.plain
	v := sieve{out: out, selAt: -1, sel: sel, st: st, log: st != nil && !st.frames[len(st.frames)-1].all}
	// The commonest shape, one literal (^app, ios$), without the calls
	// between.
	var one *segment
	var atStart, atEnd bool
	if len(x.globs) == 1 && len(x.globs[0].segs) == 1 && x.globs[0].segs[0].lit {
		one, atStart, atEnd = &x.globs[0].segs[0], x.globs[0].start, x.globs[0].end
	}
	for i, r := range src {
		start := 0
		if r > 0 {
			start = end[r-1]
		}
		key := text[start+1 : end[r]-1]
		var ok bool
		if one != nil && plain[r] {
			ok = one.findLiteral(key, atStart, atEnd)
		} else {
			ok = x.match(key, plain[r])
		}
		v.put(r, i, ok)
	}
	return v.out, v.selAt
}

// glob is a regex of the common shapes, decided on a plain key by string
// searches: segments of characters (literal, a dot, a class) apart by .*
// or .+ (any run within the cell), the first segment maybe at the start
// of a cell (^), the last at its end ($). A regex with choices (a|b, x?,
// (ios|tvos)$) is a few globs, one for each way through it. ^app, ios$,
// 1.2, app-0.*5$, app-0[12] and colou?r are globs; x+ and [0-9]* are not.
// For 100 000 keys package regexp took 2.5 to 60 ms for these where the
// searches took 1.5 to 3, about what a substring search of every key
// takes, or twice (BenchmarkRegexShapes100k).
type glob struct {
	segs       []segment // in order, apart by any run
	start, end bool      // the first segment starts a cell; the last ends one
}

// segment is one glob segment: a byte per character, literal (printable,
// or keySep in a span's segment), or a mark standing for sets[mark] (a dot
// or a class).
type segment struct {
	s     string
	sets  []byteSet
	piece string // the longest run of literal bytes in s, searched for
	off   int    // where piece is in s
	// lit: s is all literal; framed is s between two separators, the
	// edges of a cell (see findLiteral).
	lit    bool
	framed string
}

// maxMarks is the most marks a segment has: the marks are the bytes below
// it, and keySep is not one.
const maxMarks = keySep

func isMark(c byte) bool { return c < maxMarks }

// byteSet is a set of bytes.
type byteSet [4]uint64

func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }

// maxGlobs is the most ways through a regex that globsOf follows.
const maxGlobs = 16

// globsOf is t (made by forKeys) as globs; nil when it has another shape.
func globsOf(t *syntax.Regexp) []glob {
	seqs, ok := expand([]*syntax.Regexp{t})
	if !ok {
		return nil
	}
	out := make([]glob, 0, len(seqs)) // not nil: maybe no way matches a plain key
	for _, seq := range seqs {
		g, ok, never := globOf(seq)
		if !ok {
			return nil
		}
		if !never {
			out = append(out, g)
		}
	}
	return out
}

// expand is the sequence items as the sequences it may be, without
// choices: one per branch of an alternation, two for x?, and a repeat
// of a fixed count written out. false: more than maxGlobs.
func expand(items []*syntax.Regexp) ([][]*syntax.Regexp, bool) {
	out := [][]*syntax.Regexp{nil}
	for _, it := range items {
		var alts [][]*syntax.Regexp
		ok := true
		switch {
		case it.Op == syntax.OpConcat || it.Op == syntax.OpCapture:
			var sub []*syntax.Regexp
			spliceInto(&sub, it)
			alts, ok = expand(sub)
		case it.Op == syntax.OpAlternate:
			for _, b := range it.Sub {
				var a [][]*syntax.Regexp
				if a, ok = expand([]*syntax.Regexp{b}); !ok {
					break
				}
				alts = append(alts, a...)
			}
		case it.Op == syntax.OpQuest:
			alts, ok = expand(it.Sub[:1])
			alts = append(alts, nil)
		case it.Op == syntax.OpRepeat && it.Min == it.Max && it.Min <= maxGlobs:
			rep := make([]*syntax.Regexp, it.Min)
			for i := range rep {
				rep[i] = it.Sub[0]
			}
			alts, ok = expand(rep)
		default:
			alts = [][]*syntax.Regexp{{it}}
		}
		if !ok || len(out)*len(alts) > maxGlobs {
			return nil, false
		}
		next := make([][]*syntax.Regexp, 0, len(out)*len(alts))
		for _, o := range out {
			for _, a := range alts {
				next = append(next, append(o[:len(o):len(o)], a...))
			}
		}
		out = next
	}
	return out, true
}

// globOf is a sequence without choices as a glob, if it is one; never: it
// has a letter no plain key holds (é), so it matches none.
func globOf(items []*syntax.Regexp) (g glob, ok, never bool) {
	var seg []byte
	var sets []byteSet
	mark := func(set byteSet) bool {
		if len(sets) == maxMarks {
			return false
		}
		seg = append(seg, byte(len(sets)))
		sets = append(sets, set)
		return true
	}
	for i, it := range items {
		switch {
		case it.Op == syntax.OpBeginLine:
			if i != 0 {
				return glob{}, false, false
			}
			g.start = true
		case it.Op == syntax.OpEndLine:
			if i != len(items)-1 {
				return glob{}, false, false
			}
			g.end = true
		case it.Op == syntax.OpLiteral:
			for _, r := range it.Rune {
				if it.Flags&syntax.FoldCase != 0 {
					// A plain key holds the letter lower-cased, if ASCII.
					b, ok := asciiFold(r)
					if !ok {
						never = true
						continue
					}
					r = rune(b)
				}
				switch {
				case r > '~':
					never = true
				case r < ' ':
					return glob{}, false, false // a control character
				default:
					seg = append(seg, byte(r))
				}
			}
		case isAny(it):
			if !mark(anySet()) {
				return glob{}, false, false
			}
		case it.Op == syntax.OpCharClass:
			if !mark(classSet(it.Rune)) {
				return glob{}, false, false
			}
		case (it.Op == syntax.OpStar || it.Op == syntax.OpPlus) && isAny(it.Sub[0]):
			if it.Op == syntax.OpPlus && !mark(anySet()) {
				return glob{}, false, false
			}
			g.segs = append(g.segs, newSegment(seg, sets))
			seg, sets = nil, nil
		case it.Op == syntax.OpEmptyMatch:
		default:
			return glob{}, false, false
		}
	}
	g.segs = append(g.segs, newSegment(seg, sets))
	// A run at either end matches as the empty string does: .*x is x,
	// ^.*x too, x.* and x.*$ are x.
	if len(g.segs) > 1 && g.segs[0].s == "" {
		g.segs, g.start = g.segs[1:], false
	}
	if n := len(g.segs); n > 1 && g.segs[n-1].s == "" {
		g.segs, g.end = g.segs[:n-1], false
	}
	return g, true, never
}

// anySet is what a dot matches in a plain key: any byte but a newline.
func anySet() byteSet {
	b := byteSet{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
	b[keySep>>6] &^= 1 << (keySep & 63)
	return b
}

// classSet is the ASCII bytes of a class (ranges lo, hi in pairs): all a
// plain key can hold.
func classSet(ranges []rune) byteSet {
	var b byteSet
	for i := 0; i+1 < len(ranges); i += 2 {
		for c := ranges[i]; c <= ranges[i+1] && c < utf8.RuneSelf; c++ {
			b.add(byte(c))
		}
	}
	return b
}

// spliceInto appends t's items to items: a sequence's and a group's are
// spliced in.
func spliceInto(items *[]*syntax.Regexp, t *syntax.Regexp) {
	switch t.Op {
	case syntax.OpConcat:
		for _, s := range t.Sub {
			spliceInto(items, s)
		}
	case syntax.OpCapture:
		spliceInto(items, t.Sub[0])
	default:
		*items = append(*items, t)
	}
}

// isAny reports whether t is a dot: any one character of the cell (forKeys
// made every dot one that does not match a newline).
func isAny(t *syntax.Regexp) bool { return t.Op == syntax.OpAnyCharNotNL }

func newSegment(b []byte, sets []byteSet) segment {
	sg := segment{s: string(b), sets: sets, lit: len(sets) == 0}
	if sg.lit {
		sg.framed = string(rune(keySep)) + sg.s + string(rune(keySep))
	}
	for i := 0; i < len(b); {
		if isMark(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && !isMark(b[j]) {
			j++
		}
		if j-i > len(sg.piece) {
			sg.piece, sg.off = string(b[i:j]), i
		}
		i = j
	}
	return sg
}

// matchesAll reports whether g matches every key, plain or not: its
// segments are empty, and it does not ask for an empty cell (^$).
func (g *glob) matchesAll() bool {
	for _, sg := range g.segs {
		if sg.s != "" {
			return false
		}
	}
	return !(len(g.segs) == 1 && g.start && g.end)
}

// match reports whether g matches key, a plain key: one of its cells. A
// segment holds no newline, so one segment alone is looked for in the
// whole key; segments apart by runs, cell by cell.
func (g *glob) match(key string) bool {
	first := &g.segs[0]
	if len(g.segs) == 1 {
		if first.lit {
			return first.findLiteral(key, g.start, g.end)
		}
		return first.find(key, 0, g.start, g.end) >= 0
	}
	// The first segment's first place in a cell is the best there: the
	// rest is looked for after it, in that cell.
	for p := 0; p <= len(key); {
		i := first.find(key, p, g.start, false)
		if i < 0 {
			return false
		}
		cs := strings.LastIndexByte(key[:i], keySep) + 1
		ce := len(key)
		if j := strings.IndexByte(key[i:], keySep); j >= 0 {
			ce = i + j
		}
		if g.matchRest(key[cs:ce], i-cs+len(first.s)) {
			return true
		}
		p = ce + 1
	}
	return false
}

// matchRest reports whether the segments after the first are in cell
// from pos, the first one's end. Any run may lie between segments, so
// each is found at its first place after the one before; the last, when
// it must end the cell, at its first place that does.
func (g *glob) matchRest(cell string, pos int) bool {
	for i := 1; i < len(g.segs); i++ {
		sg := &g.segs[i]
		if i == len(g.segs)-1 && g.end { // only at the end of the cell
			at := len(cell) - len(sg.s)
			return at >= pos && sg.matchFrom(cell[at:], 0)
		}
		at := sg.find(cell, pos, false, false)
		if at < 0 {
			return false
		}
		pos = at + len(sg.s)
	}
	return true
}

// findLiteral reports whether the segment, all literal, is in key,
// starting a cell if atStart and ending one if atEnd: a search or two for
// it with the separators it needs, none for each place it is found.
func (sg *segment) findLiteral(key string, atStart, atEnd bool) bool {
	f := sg.framed
	switch {
	case atStart && atEnd:
		return key == sg.s || strings.HasPrefix(key, f[1:]) || strings.HasSuffix(key, f[:len(f)-1]) || strings.Contains(key, f)
	case atStart:
		return strings.HasPrefix(key, sg.s) || strings.Contains(key, f[:len(f)-1])
	case atEnd:
		return strings.HasSuffix(key, sg.s) || strings.Contains(key, f[1:])
	}
	return strings.Contains(key, sg.s)
}

// find is the first place at or after pos where the segment is in key,
// starting a cell if atStart and ending one if atEnd; -1 when none is.
func (sg *segment) find(key string, pos int, atStart, atEnd bool) int {
	n := len(sg.s)
	for p := pos; p+n <= len(key); {
		i := sg.index(key[p:])
		if i < 0 {
			return -1
		}
		i += p
		if (!atStart || i == 0 || key[i-1] == keySep) && (!atEnd || i+n == len(key) || key[i+n] == keySep) {
			return i
		}
		p = i + 1
	}
	return -1
}

// index is the first place the segment is in h, -1 when it is not.
func (sg *segment) index(h string) int {
	if len(sg.piece) == len(sg.s) {
		return strings.Index(h, sg.s)
	}
	n := len(sg.s)
	for q := 0; q+n <= len(h); {
		k := 0
		if sg.piece != "" {
			k = strings.Index(h[q+sg.off:], sg.piece)
			if k < 0 {
				return -1
			}
		}
		at := q + k // where the segment would start
		if at+n > len(h) {
			return -1
		}
		if sg.matchFrom(h[at:at+n], 0) {
			return at
		}
		q = at + 1
	}
	return -1
}

// extends reports whether the segment is prev (a segment, or a substring
// of a span when lit) with elements added at its end: every place the
// segment is, prev is.
func (sg *segment) extends(prev *segment, lit string) bool {
	if prev == nil {
		if len(lit) >= len(sg.s) || lit == "" {
			return false
		}
		for i := 0; i < len(lit); i++ {
			if isMark(sg.s[i]) || sg.s[i] != lit[i] {
				return false
			}
		}
		return true
	}
	if len(prev.s) >= len(sg.s) {
		return false
	}
	for i := 0; i < len(prev.s); i++ {
		a, b := sg.s[i], prev.s[i]
		switch {
		case isMark(a) != isMark(b):
			return false
		case isMark(a):
			if sg.sets[a] != prev.sets[b] {
				return false
			}
		case a != b:
			return false
		}
	}
	return true
}

// segNote packs where the segment first is in span (i) and whether it may
// be there again after, as noteAt does; a mark in the bytes noteAt reads
// may always be.
func (sg *segment) segNote(span string, i int) int32 {
	if !isMark(sg.s[0]) && (len(sg.s) == 1 || !isMark(sg.s[1])) {
		return noteAt(span, i, sg.s)
	}
	return int32(i)<<1 | 1
}

// segScan appends to out the rows of src that x, a regex of one segment
// (x.seg), matches, in src's order, and returns it with the position of
// row sel in it (-1: not there). out may share src's array from its start.
// For each plain row it keeps it notes in at where the segment first is
// in the row's span, as the substring filter does (the other rows run
// the regex). With st, each row dropped and each note moved is logged.
func (ix *searchIndex) segScan(out, src []int, x *rowRegex, at []int32, sel int, st *narrowings) ([]int, int) {
	text, end, plain, sg := ix.text, ix.end, ix.plain, x.seg
	v := sieve{out: out, selAt: -1, sel: sel, st: st, log: st != nil && !st.frames[len(st.frames)-1].all}
	for i, r := range src {
		start := 0
		if r > 0 {
			start = end[r-1]
		}
		span := text[start:end[r]]
		keep := false
		if plain[r] {
			if j := sg.index(span); j >= 0 {
				if st != nil {
					st.moved = append(st.moved, undo{int32(r), at[r]})
				}
				at[r] = sg.segNote(span, j)
				keep = true
			}
		} else {
			keep = x.match(span[1:len(span)-1], false)
		}
		v.put(r, i, keep)
	}
	return v.out, v.selAt
}

// segExtend is segScan when src is the result for the segment or
// substring of which x's segment adds elements at its end (prev bytes
// long), and at was noted then: the segment can only first be where the
// shorter one was, or after it where that one may be again. What it moves
// and drops is logged on st, whose newest frame push opened for it.
func (ix *searchIndex) segExtend(out, src []int, x *rowRegex, prev int, at []int32, sel int, st *narrowings) ([]int, int) {
	text, end, plain, sg := ix.text, ix.end, ix.plain, x.seg
	n := len(sg.s)
	v := sieve{out: out, selAt: -1, sel: sel, st: st, log: !st.frames[len(st.frames)-1].all}
	for i, r := range src {
		start := 0
		if r > 0 {
			start = end[r-1]
		}
		keep := false
		if plain[r] {
			a := start + int(at[r]>>1) // the shorter one is at text[a:]
			switch {
			case a+n <= end[r] && sg.matchFrom(text[a+prev:a+n], prev):
				keep = true
			case at[r]&1 != 0:
				if j := sg.index(text[a+1 : end[r]]); j >= 0 {
					st.moved = append(st.moved, undo{int32(r), at[r]})
					at[r] = sg.segNote(text[start:end[r]], a+1+j-start)
					keep = true
				}
			}
		} else {
			keep = x.match(text[start+1:end[r]-1], false)
		}
		v.put(r, i, keep)
	}
	return v.out, v.selAt
}

// matchFrom reports whether h is the segment's elements from from on.
func (sg *segment) matchFrom(h string, from int) bool {
	for i := 0; i < len(h); i++ {
		c := sg.s[from+i]
		if isMark(c) {
			if !sg.sets[c].has(h[i]) {
				return false
			}
		} else if c != h[i] {
			return false
		}
	}
	return true
}
