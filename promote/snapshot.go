// Package promote compares, exports and promotes configuration across
// mParticle accounts (dev, staging, prod). Ids differ from one account to
// another, so entities are matched by the natural key their kind declares
// in the catalogue (api.Descriptor.NaturalKey) within their parent: an app
// by name, a platform by its app and OS, and so on.
//
// The flow is Take (or Import) → Compare → MakePlan → Plan.Apply:
//
//   - Take reads an account's configuration for a set of kinds into a
//     Snapshot: entries keyed by natural key, their bodies normalized
//     (server-set fields removed, keys sorted, confidential values replaced
//     by {"secret": "NAME"} references).
//   - Export and Import write a snapshot to a directory and read it back:
//     one JSON file per entity, named by its natural key.
//   - Compare lists, per natural key, what is the same (=), differs (~,
//     field by field), is only in the source (+) or only in the target (-).
//   - MakePlan turns a comparison into the creates and updates (and, when
//     asked, deletes) that make the target like the source, in dependency
//     order, and lists what cannot be promoted and why. It sends nothing.
//   - Plan.Apply carries the plan out with a client of the target account,
//     journalling each write, and reports what was applied and what not.
//
// docs/promote.md describes matching, normalization, ordering and secrets.
package promote

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mpconsole/mpconsole/api"
)

// kindSpec places a kind in the promotion tree.
type kindSpec struct {
	name string
	// parent is the kind whose key prefixes this kind's key ("" at the
	// top). Filters and service filtering hang under the app, not the
	// service configuration: the API keeps them per app and service name,
	// whatever the platform or account label.
	parent string
	// byService: the kind is read per app and configured service; its own
	// key starts with the service name.
	byService bool
	// carries is the child kind the API creates with the entity, in its
	// create body ("" for none): an app with its platforms, a data plan
	// with its versions.
	carries string
	// org: the kind lives in the client's organization, whose id the
	// client must know (Config.OrgID); without one it is not read.
	org bool
}

// tree lists the kinds a snapshot may hold in dependency order: a parent
// before its children, a data point before the filters that name it,
// service filtering before the filters it sets the default of.
var tree = []kindSpec{
	{name: "apps", carries: "platforms"},
	{name: "platforms", parent: "apps"},
	{name: "datapoints", parent: "apps"},
	{name: "serviceconfigs", parent: "platforms"},
	{name: "servicefiltering", parent: "apps", byService: true},
	{name: "filters", parent: "apps", byService: true},
	{name: "workspaces"},
	{name: "feeds", parent: "workspaces"},
	{name: "calculatedattributes", parent: "workspaces"},
	{name: "plans", parent: "workspaces", carries: "versions"},
	{name: "versions", parent: "plans"},
	{name: "audiences"},
	{name: "users"},
	{name: "roles", org: true},
}

// Kinds lists every kind a snapshot may hold, in dependency order.
func Kinds() []string {
	out := make([]string, len(tree))
	for i, k := range tree {
		out[i] = k.name
	}
	return out
}

// Carries is the kind whose entities a create of kind carries in its body
// (an app's platforms, a data plan's versions), "" for none: comparing
// kind reads it too, and promoting an entity the target lacks takes its
// carried children with it.
func Carries(kind string) string {
	sp, _, _ := specOf(kind)
	return sp.carries
}

func specOf(kind string) (kindSpec, int, bool) {
	for i, k := range tree {
		if k.name == kind {
			return k, i, true
		}
	}
	return kindSpec{}, -1, false
}

// Entry is one entity of a snapshot.
type Entry struct {
	Kind string `json:"kind"` // the catalogue kind ("platforms")
	// Key is the natural key: the parent's key, then the entity's own
	// NaturalKey values (filters and service filtering: the service name
	// first). A platform's is ["Acme Shop", "iOS"].
	Key []string `json:"key"`
	// Body is the entity normalized: compact JSON, keys sorted, no
	// server-set field, confidential values as {"secret": "NAME"}.
	Body json.RawMessage `json:"body"`

	// Read from an account only (Take): where the entity lives there.
	ID      string          `json:"-"` // its id (or the id-like key the catalogue gives it)
	Parents api.Ref         `json:"-"` // the references it is addressed under
	Self    api.Ref         `json:"-"` // the references its children are listed under
	Raw     json.RawMessage `json:"-"` // as the server sent it: the base of an update
}

// Label names an entry the way the text output does: `app "Acme Shop"`,
// `platform Acme Shop/iOS`.
func (e *Entry) Label() string { return label(e.Kind, e.Key) }

func label(kind string, key []string) string {
	sing := kind
	if d, ok := api.Lookup(kind); ok {
		sing = d.Singular
	}
	if len(key) == 1 {
		return fmt.Sprintf("%s %q", sing, key[0])
	}
	return sing + " " + strings.Join(key, "/")
}

// id is an entry's identity in a snapshot: its kind and natural key.
func id(kind string, key []string) string {
	return kind + "\x1f" + strings.Join(key, "\x1f")
}

// Snapshot is an account's configuration for a set of kinds.
type Snapshot struct {
	// Kinds are the kinds it was taken for, in dependency order. A kind
	// not in the list is unknown, not empty: comparisons leave it out.
	Kinds []string
	// Account is the account it was taken from (0 when read from a
	// directory): a plan against it applies only there.
	Account int64
	entries []*Entry
	index   map[string]*Entry
}

// NewSnapshot makes an empty snapshot of the kinds (closed over their
// parents; see Take).
func NewSnapshot(kinds []string) (*Snapshot, error) {
	ks, err := closeKinds(kinds)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Kinds: ks, index: map[string]*Entry{}}, nil
}

// Entries returns the entries in dependency order, then by key.
func (s *Snapshot) Entries() []*Entry {
	out := slices.Clone(s.entries)
	sortEntries(out)
	return out
}

// Lookup finds an entry by kind and natural key.
func (s *Snapshot) Lookup(kind string, key ...string) (*Entry, bool) {
	e, ok := s.index[id(kind, key)]
	return e, ok
}

// Ancestors are the entries an entity of kind and key lives under, from
// the top down, as far as the snapshot has them: to promote a data plan
// version into an account that lacks its plan, the plan goes too (created
// carrying the version).
func (s *Snapshot) Ancestors(kind string, key []string) []*Entry {
	var out []*Entry
	for k := kind; ; {
		sp, _, _ := specOf(k)
		if sp.parent == "" {
			break
		}
		n := parentKeyLen(k)
		if n > len(key) {
			break
		}
		if e, ok := s.Lookup(sp.parent, key[:n]...); ok {
			out = append(out, e)
		}
		k = sp.parent
	}
	slices.Reverse(out)
	return out
}

// Add puts an entry in the snapshot. Its body is normalized again (key
// order, spacing); an entry of a kind the snapshot was not taken for, or a
// second entry with the same kind and key, is an error.
func (s *Snapshot) Add(e *Entry) error {
	if !slices.Contains(s.Kinds, e.Kind) {
		return fmt.Errorf("%s: the snapshot holds no %s", e.Label(), e.Kind)
	}
	body, err := canonical(e.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Label(), err)
	}
	e.Body = body
	k := id(e.Kind, e.Key)
	if _, dup := s.index[k]; dup {
		return fmt.Errorf("%s appears twice", e.Label())
	}
	s.index[k] = e
	s.entries = append(s.entries, e)
	return nil
}

// RenameWorkspace makes the snapshot's workspace from match the target's
// workspace to by name: the workspace and everything under it are keyed by
// the new name. Workspaces cannot be created through the API, so this is
// how the feeds and calculated attributes of a workspace are promoted into
// one named differently ("Dev" → "Prod").
func (s *Snapshot) RenameWorkspace(from, to string) error {
	if _, ok := s.Lookup("workspaces", from); !ok {
		return fmt.Errorf("no workspace %q in the snapshot", from)
	}
	if _, ok := s.Lookup("workspaces", to); ok && from != to {
		return fmt.Errorf("the snapshot already has a workspace %q", to)
	}
	old := s.entries
	s.entries, s.index = nil, map[string]*Entry{}
	for _, e := range old {
		if (e.Kind == "workspaces" || underWorkspace(e.Kind)) && e.Key[0] == from {
			e.Key = append([]string{to}, e.Key[1:]...)
			if e.Kind == "workspaces" {
				body, err := setField(e.Body, "name", to)
				if err != nil {
					return err
				}
				e.Body = body
			}
		}
		if err := s.Add(e); err != nil {
			return err
		}
	}
	return nil
}

func underWorkspace(kind string) bool {
	for k := kind; k != ""; {
		sp, _, _ := specOf(k)
		if sp.parent == "workspaces" {
			return true
		}
		k = sp.parent
	}
	return false
}

func setField(body json.RawMessage, field, v string) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(v)
	m[field] = b
	return canonical(mustMarshal(m))
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of raw messages and decoded JSON reach here
	}
	return b
}

// closeKinds checks kind names (catalogue names or aliases) and adds the
// parents each needs, returning them in dependency order. Filters and
// service filtering need the service configurations (they are read per
// configured service).
func closeKinds(kinds []string) ([]string, error) {
	if len(kinds) == 0 {
		return Kinds(), nil
	}
	want := map[string]bool{}
	var add func(string)
	add = func(k string) {
		if k == "" || want[k] {
			return
		}
		want[k] = true
		sp, _, _ := specOf(k)
		add(sp.parent)
		if sp.byService {
			add("serviceconfigs")
		}
	}
	for _, k := range kinds {
		d, ok := api.Lookup(k)
		if !ok {
			return nil, fmt.Errorf("unknown kind %q (kinds: %s)", k, strings.Join(Kinds(), ", "))
		}
		if _, _, ok := specOf(d.Name); !ok {
			return nil, fmt.Errorf("%s are not compared across accounts (kinds: %s)", d.Name, strings.Join(Kinds(), ", "))
		}
		add(d.Name)
	}
	var out []string
	for _, k := range tree {
		if want[k.name] {
			out = append(out, k.name)
		}
	}
	return out, nil
}

// sortEntries orders entries by kind (dependency order), then by key;
// filters of one app and service go EventType, Event, then the rest, so a
// broader filter is written before the narrower ones its disabling would
// cascade to.
func sortEntries(es []*Entry) {
	slices.SortStableFunc(es, func(a, b *Entry) int {
		_, ia, _ := specOf(a.Kind)
		_, ib, _ := specOf(b.Kind)
		if c := cmp.Compare(ia, ib); c != 0 {
			return c
		}
		if a.Kind == "filters" && len(a.Key) > 2 && len(b.Key) > 2 {
			if c := slices.Compare(a.Key[:2], b.Key[:2]); c != 0 {
				return c
			}
			if c := cmp.Compare(filterRank(a.Key[2]), filterRank(b.Key[2])); c != 0 {
				return c
			}
		}
		return slices.Compare(a.Key, b.Key)
	})
}

func filterRank(typ string) int {
	switch typ {
	case "EventType":
		return 0
	case "Event", "ScreenView", "Commerce":
		return 1
	}
	return 2
}

// Options say what Take reads.
type Options struct {
	// Kinds to read (catalogue names or aliases); nil for every kind of
	// Kinds() — but roles only with a client that knows its organization
	// (api.Config.OrgID; naming roles without one is an error). The
	// parents a kind needs are read too.
	Kinds []string
}

// Take reads an account's configuration: every entity of the kinds, walking
// down from apps and workspaces (a data plan's versions come with the
// plan). Feeds are read one by one (their list
// carries only ids and names). Nothing is written.
func Take(ctx context.Context, c *api.Client, o Options) (*Snapshot, error) {
	s, err := NewSnapshot(o.Kinds)
	if err != nil {
		return nil, err
	}
	s.Account = c.AccountID()
	if c.OrgID() == 0 {
		// Roles live in the organization, and the API has no way to find
		// an account's: without its id they are not read.
		for _, k := range o.Kinds {
			if d, ok := api.Lookup(k); ok {
				if sp, _, _ := specOf(d.Name); sp.org {
					return nil, fmt.Errorf("%s need the organization's id: set org_id in the profile", d.Name)
				}
			}
		}
		s.Kinds = slices.DeleteFunc(s.Kinds, func(k string) bool { sp, _, _ := specOf(k); return sp.org })
	}
	w := walker{c: c, s: s}
	for _, sp := range tree {
		if sp.parent == "" && s.has(sp.name) {
			if err := w.walk(ctx, sp, nil, api.Ref{}); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

func (s *Snapshot) has(kind string) bool { return slices.Contains(s.Kinds, kind) }

type walker struct {
	c *api.Client
	s *Snapshot
}

// walk reads the entities of kind sp under parent (key prefix, reference)
// and, for each, its child kinds.
func (w *walker) walk(ctx context.Context, sp kindSpec, prefix []string, ref api.Ref) error {
	d, ok := api.Lookup(sp.name)
	if !ok {
		return fmt.Errorf("the catalogue has no %s", sp.name)
	}
	list, err := w.c.List(ctx, d, ref)
	if err != nil {
		return fmt.Errorf("reading %s: %w", labelOrKind(sp.name, prefix), err)
	}
	for _, ent := range list {
		if sp.name == "feeds" {
			full, err := w.c.Get(ctx, d, ref, ent.ID)
			if err != nil {
				return fmt.Errorf("reading feed %q: %w", ent.Name, err)
			}
			ent = full
		}
		own := d.NaturalKeyOf(ent.Raw)
		if own == nil {
			return fmt.Errorf("reading %s: an entity without its natural key fields", labelOrKind(sp.name, prefix))
		}
		key := append(slices.Clone(prefix), own...)
		switch sp.name {
		case "filters":
			key = append(slices.Clone(prefix), append([]string{ref["service"]}, own...)...)
		case "servicefiltering":
			key = append(slices.Clone(prefix), ref["service"])
		}
		body, err := normalize(d, ent.Raw, key)
		if err != nil {
			return fmt.Errorf("reading %s: %w", label(sp.name, key), err)
		}
		e := &Entry{Kind: sp.name, Key: key, Body: body, ID: ent.ID, Parents: ent.Parents.Clone(), Self: ent.Ref(), Raw: ent.Raw}
		if err := w.s.Add(e); err != nil {
			return fmt.Errorf("reading %s: %w", sp.name, err)
		}
		for _, child := range tree {
			if child.parent != sp.name || child.byService || !w.s.has(child.name) {
				continue
			}
			if err := w.walk(ctx, child, key, e.Self); err != nil {
				return err
			}
		}
		// Filters and service filtering: once per service configured on
		// any platform of the app.
		for _, child := range tree {
			if child.parent != sp.name || !child.byService || !w.s.has(child.name) {
				continue
			}
			for _, svc := range w.s.servicesOf(key[0]) {
				if err := w.walk(ctx, child, key, e.Self.With("service", svc)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// servicesOf lists the services configured on the platforms of an app, by
// name, sorted, each once.
func (s *Snapshot) servicesOf(app string) []string {
	var out []string
	for _, e := range s.entries {
		if e.Kind == "serviceconfigs" && e.Key[0] == app && !slices.Contains(out, e.Key[2]) {
			out = append(out, e.Key[2])
		}
	}
	slices.Sort(out)
	return out
}

func labelOrKind(kind string, prefix []string) string {
	if len(prefix) == 0 {
		return kind
	}
	return kind + " of " + strings.Join(prefix, "/")
}

// canonical re-encodes a JSON object compactly with its keys sorted and
// numbers as written.
func canonical(raw []byte) (json.RawMessage, error) {
	v, err := decode(raw)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("the body is not a JSON object")
	}
	return mustMarshal(v), nil
}

func decode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("invalid JSON: text after the document")
	}
	return v, nil
}
