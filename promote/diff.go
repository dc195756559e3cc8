package promote

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mpconsole/mpconsole/api"
)

// Status is how an entity of the source compares with the target.
type Status string

// The statuses.
const (
	Same       Status = "="
	Differs    Status = "~"
	SourceOnly Status = "+" // only in the source: promoting creates it
	TargetOnly Status = "-" // only in the target: pruning deletes it
)

// FieldChange is one field that differs: From is the target's value, To
// the source's (what promoting writes). An absent side is nil.
type FieldChange struct {
	Path string          `json:"path"` // "crash_handling", "settings[apiKey].value", "draft_definition.conditions[0]"
	From json.RawMessage `json:"from,omitempty"`
	To   json.RawMessage `json:"to,omitempty"`
}

// Difference is one natural key of the comparison.
type Difference struct {
	Status  Status        `json:"status"`
	Kind    string        `json:"kind"`
	Key     []string      `json:"key"`
	Changes []FieldChange `json:"changes,omitempty"` // for "~"

	source, target *Entry
}

// Label names the entity (`platform Acme Shop/iOS`).
func (d Difference) Label() string { return label(d.Kind, d.Key) }

// Diff is the comparison of a source snapshot with a target one.
type Diff struct {
	// Kinds are the kinds compared: those both snapshots were taken for.
	Kinds       []string     `json:"kinds"`
	Differences []Difference `json:"differences"` // every key, "=" included, in dependency order
}

// Compare compares two snapshots entity by entity, by natural key, over the
// kinds both hold.
func Compare(source, target *Snapshot) *Diff {
	out := &Diff{}
	for _, k := range source.Kinds {
		if target.has(k) {
			out.Kinds = append(out.Kinds, k)
		}
	}
	var keys []*Entry // one entry per natural key, for ordering
	seen := map[string]bool{}
	for _, s := range []*Snapshot{source, target} {
		for _, e := range s.entries {
			if k := id(e.Kind, e.Key); slices.Contains(out.Kinds, e.Kind) && !seen[k] {
				seen[k] = true
				keys = append(keys, e)
			}
		}
	}
	sortEntries(keys)
	for _, e := range keys {
		src, inSrc := source.Lookup(e.Kind, e.Key...)
		tgt, inTgt := target.Lookup(e.Kind, e.Key...)
		d := Difference{Kind: e.Kind, Key: slices.Clone(e.Key), source: src, target: tgt}
		switch {
		case inSrc && !inTgt:
			d.Status = SourceOnly
		case !inSrc && inTgt:
			d.Status = TargetOnly
		default:
			d.Changes = FieldChanges(tgt.Body, src.Body)
			d.Status = Same
			if len(d.Changes) > 0 {
				d.Status = Differs
			}
		}
		out.Differences = append(out.Differences, d)
	}
	return out
}

// Changed returns the differences other than "=".
func (d *Diff) Changed() []Difference {
	var out []Difference
	for _, x := range d.Differences {
		if x.Status != Same {
			out = append(out, x)
		}
	}
	return out
}

// Count counts the differences of a status.
func (d *Diff) Count(s Status) int {
	n := 0
	for _, x := range d.Differences {
		if x.Status == s {
			n++
		}
	}
	return n
}

// WriteText writes the differences one per line: `+ app "Shop"`,
// `- feed Staging/old`, and for "~" one line per field,
// `~ platform Shop/iOS: crash_handling "AppDefined" → "ForceCatch"` (the
// target's value, then the source's). With same set, "=" lines are
// written too.
func (d *Diff) WriteText(w io.Writer, same bool) error {
	var b strings.Builder
	for _, x := range d.Differences {
		switch x.Status {
		case Same:
			if same {
				fmt.Fprintf(&b, "= %s\n", x.Label())
			}
		case Differs:
			writeChanges(&b, "~ "+x.Label(), x.Changes)
		default:
			fmt.Fprintf(&b, "%s %s\n", x.Status, x.Label())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeChanges(b *strings.Builder, head string, cs []FieldChange) {
	for _, c := range cs {
		fmt.Fprintf(b, "%s: %s %s → %s\n", head, c.Path, shown(c.From), shown(c.To))
	}
}

// shown renders a value of a change on one line.
func shown(v json.RawMessage) string {
	if v == nil {
		return "(absent)"
	}
	s := string(v)
	if len(s) > 200 {
		s = s[:197] + "…"
	}
	return s
}

// JSON is the diff as indented JSON.
func (d *Diff) JSON() ([]byte, error) {
	return json.MarshalIndent(d, "", "  ")
}

// FieldChanges lists the fields in which two normalized bodies differ, from
// (the target) to to (the source). Objects are compared key by key, arrays
// of objects with distinct names (settings) by name, other arrays of the
// same length element by element; values compare as api.SameJSON does
// (numbers by value, key order ignored). Bodies that are not JSON differ as
// a whole.
func FieldChanges(from, to []byte) []FieldChange {
	a, errA := decode(from)
	b, errB := decode(to)
	if errA != nil || errB != nil {
		if string(from) == string(to) {
			return nil
		}
		return []FieldChange{{Path: "", From: from, To: to}}
	}
	var out []FieldChange
	diffValue("", a, b, true, true, &out)
	return out
}

func diffValue(path string, a, b any, hasA, hasB bool, out *[]FieldChange) {
	if hasA && hasB {
		if ma, ok := a.(map[string]any); ok {
			if mb, ok := b.(map[string]any); ok {
				keys := make([]string, 0, len(ma)+len(mb))
				for k := range ma {
					keys = append(keys, k)
				}
				for k := range mb {
					if _, ok := ma[k]; !ok {
						keys = append(keys, k)
					}
				}
				slices.Sort(keys)
				for _, k := range keys {
					va, ia := ma[k]
					vb, ib := mb[k]
					diffValue(join(path, k), va, vb, ia, ib, out)
				}
				return
			}
		}
		if la, ok := a.([]any); ok {
			if lb, ok := b.([]any); ok {
				if na, nb, ok := byName(la, lb); ok {
					names := slices.Clone(na.order)
					for _, n := range nb.order {
						if _, ok := na.m[n]; !ok {
							names = append(names, n)
						}
					}
					for _, n := range names {
						va, ia := na.m[n]
						vb, ib := nb.m[n]
						diffValue(path+"["+n+"]", va, vb, ia, ib, out)
					}
					return
				}
				if len(la) == len(lb) {
					for i := range la {
						diffValue(fmt.Sprintf("%s[%d]", path, i), la[i], lb[i], true, true, out)
					}
					return
				}
			}
		}
		if same(a, b) {
			return
		}
	}
	c := FieldChange{Path: path}
	if hasA {
		c.From = mustMarshal(a)
	}
	if hasB {
		c.To = mustMarshal(b)
	}
	*out = append(*out, c)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

type named struct {
	m     map[string]any
	order []string
}

// byName indexes two arrays of objects by their "name" when every element
// of both has a distinct string name.
func byName(a, b []any) (named, named, bool) {
	index := func(l []any) (named, bool) {
		n := named{m: map[string]any{}}
		for _, el := range l {
			m, ok := el.(map[string]any)
			if !ok {
				return n, false
			}
			s, ok := m["name"].(string)
			if _, dup := n.m[s]; !ok || dup {
				return n, false
			}
			n.m[s] = el
			n.order = append(n.order, s)
		}
		return n, true
	}
	na, okA := index(a)
	nb, okB := index(b)
	return na, nb, okA && okB && (len(a) > 0 || len(b) > 0)
}

func same(a, b any) bool {
	ok, err := api.SameJSON(mustMarshal(a), mustMarshal(b))
	return err == nil && ok
}
