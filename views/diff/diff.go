package diff

import (
	"fmt"
	"strings"
)

// Kind is what happened at a path.
type Kind uint8

// The kinds of change.
const (
	Changed Kind = iota
	Added
	Removed
)

func (k Kind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	}
	return "changed"
}

// Change is one difference between two documents. Old and New are compact
// JSON ("" on the side where the value is absent).
type Change struct {
	Path string // "" is the whole document
	Segs []Seg
	Kind Kind
	Old  string
	New  string
}

// Fields lists what changes from old to new. Either document may be nil
// (or empty), meaning "absent": a create is every field of new added.
func Fields(old, new []byte) ([]Change, error) {
	a, err := parseOptional(old)
	if err != nil {
		return nil, fmt.Errorf("old version: %w", err)
	}
	b, err := parseOptional(new)
	if err != nil {
		return nil, fmt.Errorf("new version: %w", err)
	}
	return Docs(a, b), nil
}

func parseOptional(data []byte) (*Doc, error) {
	if strings.TrimSpace(string(data)) == "" {
		return nil, nil
	}
	return Parse(data)
}

// Equal reports whether two documents are structurally equal.
func Equal(a, b []byte) (bool, error) {
	cs, err := Fields(a, b)
	return len(cs) == 0, err
}

// Docs lists what changes from a to b; nil means absent. When one side is
// absent and the other an object, each of its fields is one change.
func Docs(a, b *Doc) []Change {
	var out []Change
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		if b.root.kind == objectKind {
			return walk(&node{kind: objectKind}, b.root, nil, out)
		}
		return []Change{{Kind: Added, New: compact(b.root)}}
	case b == nil:
		if a.root.kind == objectKind {
			return walk(a.root, &node{kind: objectKind}, nil, out)
		}
		return []Change{{Kind: Removed, Old: compact(a.root)}}
	}
	return walk(a.root, b.root, nil, out)
}

// Equal reports whether two parsed documents are structurally equal.
func (d *Doc) Equal(o *Doc) bool {
	if d == nil || o == nil {
		return d == o
	}
	return equal(d.root, o.root)
}

// Compact is the document as compact JSON.
func (d *Doc) Compact() string { return compact(d.root) }

func walk(a, b *node, path []Seg, out []Change) []Change {
	switch {
	case a.kind == objectKind && b.kind == objectKind:
		for i, k := range b.keys {
			p := appendSeg(path, Key(k))
			if av, ok := a.member(k); ok {
				out = walk(av, b.vals[i], p, out)
			} else {
				out = append(out, change(p, Added, nil, b.vals[i]))
			}
		}
		for i, k := range a.keys {
			if _, ok := b.member(k); !ok {
				out = append(out, change(appendSeg(path, Key(k)), Removed, a.vals[i], nil))
			}
		}
		return out
	case a.kind == arrayKind && b.kind == arrayKind:
		for i := range max(len(a.elems), len(b.elems)) {
			p := appendSeg(path, Index(i))
			switch {
			case i >= len(a.elems):
				out = append(out, change(p, Added, nil, b.elems[i]))
			case i >= len(b.elems):
				out = append(out, change(p, Removed, a.elems[i], nil))
			default:
				out = walk(a.elems[i], b.elems[i], p, out)
			}
		}
		return out
	}
	if !equal(a, b) {
		out = append(out, change(path, Changed, a, b))
	}
	return out
}

// appendSeg returns path+s in a new slice: paths are kept in changes, so
// they must not share a backing array.
func appendSeg(path []Seg, s Seg) []Seg {
	out := make([]Seg, len(path)+1)
	copy(out, path)
	out[len(path)] = s
	return out
}

func change(path []Seg, k Kind, a, b *node) Change {
	c := Change{Path: FormatPath(path), Segs: path, Kind: k}
	if a != nil {
		c.Old = compact(a)
	}
	if b != nil {
		c.New = compact(b)
	}
	return c
}

// Match is one field a pattern selects in a document.
type Match struct {
	Path  string
	Segs  []Seg
	Value string // compact JSON
	v     *node
}

// Select returns the fields of the document the pattern selects, in
// document order.
func (d *Doc) Select(p Pattern) []Match {
	if d == nil || len(p.segs) == 0 {
		return nil
	}
	var out []Match
	var rec func(n *node, i int, path []Seg)
	rec = func(n *node, i int, path []Seg) {
		if i == len(p.segs) {
			out = append(out, Match{Path: FormatPath(path), Segs: path, Value: compact(n), v: n})
			return
		}
		ps := p.segs[i]
		switch {
		case !ps.isIndex && n.kind == arrayKind: // implicit [*]
			for j, e := range n.elems {
				rec(e, i, appendSeg(path, Index(j)))
			}
		case ps.isIndex && n.kind == arrayKind:
			for j, e := range n.elems {
				if ps.index < 0 || ps.index == j {
					rec(e, i+1, appendSeg(path, Index(j)))
				}
			}
		case !ps.isIndex && n.kind == objectKind:
			if v, ok := n.member(ps.key); ok {
				rec(v, i+1, appendSeg(path, Key(ps.key)))
			}
		}
	}
	rec(d.root, 0, nil)
	return out
}

// Touched lists the changes from a to b to fields the patterns select: a
// field whose value differs, that appears or that disappears (a removed
// platform takes its access keys with it). Each field is listed once, in
// the order of the patterns, then of the documents.
func Touched(a, b *Doc, pats []Pattern) []Change {
	var out []Change
	seen := map[string]bool{}
	for _, p := range pats {
		old, cur := a.Select(p), b.Select(p)
		byPath := make(map[string]Match, len(cur))
		for _, m := range cur {
			byPath[m.Path] = m
		}
		for _, m := range old {
			if seen[m.Path] {
				continue
			}
			n, ok := byPath[m.Path]
			switch {
			case !ok:
				seen[m.Path] = true
				out = append(out, Change{Path: m.Path, Segs: m.Segs, Kind: Removed, Old: m.Value})
			case !equal(m.v, n.v):
				seen[m.Path] = true
				out = append(out, Change{Path: m.Path, Segs: m.Segs, Kind: Changed, Old: m.Value, New: n.Value})
			}
		}
		oldPaths := make(map[string]bool, len(old))
		for _, m := range old {
			oldPaths[m.Path] = true
		}
		for _, m := range cur {
			if !oldPaths[m.Path] && !seen[m.Path] {
				seen[m.Path] = true
				out = append(out, Change{Path: m.Path, Segs: m.Segs, Kind: Added, New: m.Value})
			}
		}
	}
	return out
}

// Summary counts changes: "2 changed, 1 added", or "no changes".
func Summary(cs []Change) string {
	var n [3]int
	for _, c := range cs {
		n[c.Kind]++
	}
	return counted(n)
}

// counted is the summary of n changes of each kind.
func counted(n [3]int) string {
	var parts []string
	for _, k := range []Kind{Changed, Added, Removed} {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}
