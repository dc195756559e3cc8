package sandbox

import (
	"encoding/json"
)

// index holds every entity of one stored kind: by id, in id order, and by
// the id of what it belongs to (its account, workspace, app or feed), with
// optional names unique within that parent. An index is also how its kind
// is persisted: kind is the prefix of the kind's store keys and the name of
// its id counter, and the index decodes the kind's records when the model
// is loaded and lists them when a fresh seed is written. Adding a stored
// kind is declaring its index in newState.
type index[E any] struct {
	kind   string
	id     func(*E) int64
	parent func(*E) int64    // nil: the kind belongs to nothing
	names  func(*E) []string // names unique within the parent; nil: none
	st     *state            // whose id counter put advances

	byID  map[int64]*E
	ids   idList
	by    map[int64]idList // parent → ids
	named map[parentName]*E
}

// parentName is a name unique within one parent.
type parentName struct {
	parent int64
	name   string
}

// newIndex declares the index of a kind of st and registers how the kind is
// stored.
func newIndex[E any](st *state, kind string, id, parent func(*E) int64, names func(*E) []string) *index[E] {
	x := &index[E]{kind: kind, id: id, parent: parent, names: names, st: st,
		byID: map[int64]*E{}, by: map[int64]idList{}, named: map[parentName]*E{}}
	st.kinds[kind] = x.codec()
	return x
}

func (x *index[E]) parentOf(e *E) int64 {
	if x.parent == nil {
		return 0
	}
	return x.parent(e)
}

// put adds e, or replaces the entity with its id.
func (x *index[E]) put(e *E) {
	id := x.id(e)
	if old := x.byID[id]; old != nil && old != e {
		x.unlink(old)
	}
	x.byID[id] = e
	x.ids = x.ids.add(id)
	p := x.parentOf(e)
	x.by[p] = x.by[p].add(id)
	if x.names != nil {
		for _, n := range x.names(e) {
			x.named[parentName{p, n}] = e
		}
	}
	x.st.meta.bump(x.kind, id)
}

// del removes e (nothing when it is not held).
func (x *index[E]) del(e *E) {
	if e != nil && x.byID[x.id(e)] == e {
		x.unlink(e)
	}
}

func (x *index[E]) unlink(e *E) {
	id, p := x.id(e), x.parentOf(e)
	delete(x.byID, id)
	x.ids = x.ids.remove(id)
	if l := x.by[p].remove(id); len(l) > 0 {
		x.by[p] = l
	} else {
		delete(x.by, p)
	}
	if x.names != nil {
		for _, n := range x.names(e) {
			if x.named[parentName{p, n}] == e {
				delete(x.named, parentName{p, n})
			}
		}
	}
}

// get returns the entity with the id, or nil.
func (x *index[E]) get(id int64) *E { return x.byID[id] }

// byName returns the entity of the parent with the name, or nil.
func (x *index[E]) byName(parent int64, name string) *E { return x.named[parentName{parent, name}] }

// idsOf lists the ids of a parent's entities in order; the list is the
// index's own, not to be changed.
func (x *index[E]) idsOf(parent int64) idList { return x.by[parent] }

// list returns a parent's entities in id order.
func (x *index[E]) list(parent int64) []*E {
	ids := x.by[parent]
	out := make([]*E, len(ids))
	for i, id := range ids {
		out[i] = x.byID[id]
	}
	return out
}

// delAll removes every entity of a parent.
func (x *index[E]) delAll(parent int64) {
	for _, e := range x.list(parent) {
		x.unlink(e)
	}
}

// len is the number of entities held.
func (x *index[E]) len() int { return len(x.byID) }

// codec is how the index's kind is stored.
func (x *index[E]) codec() kindCodec {
	return kindCodec{
		decode: decodeJSON[E],
		add: func(_ string, v any) error {
			x.put(v.(*E))
			return nil
		},
		each: func(fn func(keyed)) {
			for _, id := range x.ids {
				fn(any(x.byID[id]).(keyed))
			}
		},
	}
}

// kindCodec reads and lists one stored kind. rest is a record's key after
// its kind prefix and the slash.
type kindCodec struct {
	decode func(rest string, value []byte) (any, error) // safe to call concurrently
	add    func(rest string, v any) error               // v from decode; called in key order
	each   func(fn func(keyed))                         // nil: the kind is written apart from the model
}

// jsonCodec stores values of a kind kept in a map by the rest of their key
// (tokens, credentials); such values are written apart from the model.
func jsonCodec[V any](m map[string]V) kindCodec {
	return kindCodec{
		decode: func(_ string, v []byte) (any, error) {
			var r V
			err := json.Unmarshal(v, &r)
			return r, err
		},
		add: func(rest string, v any) error {
			m[rest] = v.(V)
			return nil
		},
	}
}
