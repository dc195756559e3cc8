package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The resource catalogue: one Descriptor
// per entity kind says where the kind lives (path templates, parent), how
// to show it (columns), what may be done with it (operations, actions) and
// how to name it (id and display name, natural keys included). The table
// view, the inspector, the editor, the command palette and `mpconsole get`
// are generic over descriptors; adding a kind is adding a descriptor.
//
// Path templates use {placeholders}: {id} is the entity's own id, the
// others are parent references (Ref keys): app, platform, service,
// workspace, feed, module, ca. A kind's Key is the placeholder its
// entities fill for their children (an app fills {app}).

// Op is one generic operation, or a set of them.
type Op uint8

const (
	OpList Op = 1 << iota
	OpGet
	OpCreate
	OpUpdate
	OpDelete
	OpExists // HEAD by name (calculated attributes)
)

// Has reports whether every operation in o is in ops.
func (ops Op) Has(o Op) bool { return ops&o == o }

func (ops Op) String() string {
	var names []string
	for _, x := range []struct {
		o Op
		n string
	}{{OpList, "list"}, {OpGet, "get"}, {OpCreate, "create"}, {OpUpdate, "update"}, {OpDelete, "delete"}, {OpExists, "exists"}} {
		if ops.Has(x.o) {
			names = append(names, x.n)
		}
	}
	return strings.Join(names, ",")
}

// PathOps derives the operations the path templates make possible: a list
// template gives List, and Get too (the entity is found in the list); a
// get template gives Get, and List for a Single kind (its one object is
// its list); a create, update, delete or exists template gives that
// operation.
func (p Paths) PathOps(single bool) Op {
	var ops Op
	if len(p.List) > 0 || (single && p.Get != "") {
		ops |= OpList
	}
	if len(p.List) > 0 || p.Get != "" {
		ops |= OpGet
	}
	for _, x := range []struct {
		has bool
		op  Op
	}{{p.Create.Path != "", OpCreate}, {p.Update.Path != "", OpUpdate}, {p.Delete != "", OpDelete}, {p.Exists != "", OpExists}} {
		if x.has {
			ops |= x.op
		}
	}
	return ops
}

// Endpoint is a method and a path template.
type Endpoint struct {
	Method string
	Path   string
}

// Paths are a kind's path templates, relative to its version's base.
type Paths struct {
	// List holds one or more templates, most specific first: the first whose
	// placeholders the parent reference fills is used (audiences list per
	// workspace when a workspace is given, account-wide otherwise).
	List   []string
	Get    string // "" when the API has no single GET: Get searches the list
	Create Endpoint
	Update Endpoint
	Delete string
	Exists string // HEAD path taking ?name= (v2 calculated attributes)
}

// Column is one column of a kind's table.
type Column struct {
	Title string
	Width int                 // suggested width in cells; 0 for "what is left"
	Value func(Entity) string // the cell text for an entity
	get   func(object) string
}

// Action is an operation beyond the generic five (calculated attributes:
// activate, discard the draft, read the activation and calculation status).
type Action struct {
	Name    string // "activate"
	Title   string // "Activate"
	Method  string
	Path    string // template; {id} is the entity's id
	Mutates bool   // a write: refused when read-only, confirmed first
	Help    string
	// Unavailable, when set, says why the action cannot apply to an entity
	// in its current state (the raw entity as listed); "" when it can. The
	// console offers such an action disabled, with the reason, and sends
	// nothing when it is chosen.
	Unavailable func(entity json.RawMessage) string
}

// Why says why a cannot apply to the entity raw, or "" when it can.
func (a Action) Why(raw json.RawMessage) string {
	if a.Unavailable == nil {
		return ""
	}
	return a.Unavailable(raw)
}

// Descriptor describes one kind of entity.
type Descriptor struct {
	Name      string   // canonical plural used on the command line: "apps"
	Singular  string   // "app"
	Title     string   // "Apps"
	Aliases   []string // other names the palette and `get` accept
	DataType  string   // the entities' data_type as documented
	DataTypes []string // other spellings the API uses for the same kind
	Version   Version  // V2: calculated attributes (no accountId, no envelope)
	Parent    string   // the kind it is entered from ("" at the top)
	Key       string   // the placeholder its entities fill for children ("app")
	Ops       Op       // derived from Paths when the catalogue is built (Paths.PathOps), never declared
	Paths     Paths
	Columns   []Column
	Children  []string // kinds `enter` drills into, in display order
	Actions   []Action
	// Single kinds are one object per parent (service filtering, CA
	// activation and calculation status): List returns one entity.
	Single bool
	// BodyArray: create/update bodies go as a JSON array (data points,
	// data point filters); an object is wrapped.
	BodyArray bool
	Help      string   // one line in the user's words (palette, chooser); the path decisions are comments in kinds.go
	Edit      EditSpec // what the editor needs (edits.go)
	// Pick names, for a placeholder no parent kind fills, the kind whose
	// entity ids are its values: output configurations need a module,
	// chosen from the services.
	Pick map[string]string
	// DeleteByName: deleting an entity asks for its name (its id when it
	// has none) to be typed, not just a yes: the kind's delete takes much
	// with it (an account, an app and its platforms).
	DeleteByName bool
	// NamesAccount: the entities are accounts, so saving the one the
	// session works in under a new name renames the account it shows.
	NamesAccount bool
	// Secrets, when set, are the secrets a create's answer holds and the
	// API never returns again: the console shows them once.
	Secrets *OnceSecrets
	// NaturalKey are the fields that identify an entity across accounts,
	// within its parent (an app by name, a platform by os): ids differ
	// from one account to another. Nil for kinds never compared.
	NaturalKey []string
	// ServerSet are the fields only the server writes (ids, access keys,
	// timestamps, sizes, statuses), as dotted paths with [*] for every
	// array element; comparisons and exports leave them out.
	ServerSet []string
	// Within names the member of the list answer that holds the entities
	// (a data plan's versions come inside the plan, the custom roles
	// inside the role manifest); "" when the answer is the list itself.
	Within string

	// manifest: the kind is written by replacing a whole document
	// (roles.go): creates, updates and deletes read it, change it and PUT
	// it back with its version.
	manifest *manifestSpec
	id       func(fields) string // "" → the "id" field
	name     func(fields) string // "" → the "name" field
	keyValue func(Entity) string
}

// OnceSecrets locates the secrets in a create's answer: the member Secret
// of every element of every array named In, at any depth, when it is not
// empty. Label is the element's member that tells one secret from another
// (the access key), Context a member of an enclosing object that says
// where it belongs (the platform's os); either may be "".
type OnceSecrets struct {
	In, Secret, Label, Context string
}

// V2 reports whether the kind lives on the v2 base (no accountId).
func (d *Descriptor) V2() bool { return d.Version == V2 }

// Writable reports whether any write exists for the kind.
func (d *Descriptor) Writable() bool {
	if d.Ops&(OpCreate|OpUpdate|OpDelete) != 0 {
		return true
	}
	for _, a := range d.Actions {
		if a.Mutates {
			return true
		}
	}
	return false
}

// Action returns the named action.
func (d *Descriptor) Action(name string) (Action, bool) {
	for _, a := range d.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// Needs lists the parent references a List of this kind cannot do without
// (the placeholders of its least specific list template).
func (d *Descriptor) Needs() []string {
	if len(d.Paths.List) == 0 {
		return placeholders(d.Paths.Get, false)
	}
	return placeholders(d.Paths.List[len(d.Paths.List)-1], false)
}

// Row renders the entity's cells for every column, decoding it once.
func (d *Descriptor) Row(e Entity) []string {
	o := decodeObject(e.Raw)
	row := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		row[i] = cleanText(c.get(o))
	}
	return row
}

// Entity is one entity as the console holds it: the raw JSON the server
// sent, untouched (unknown fields round-trip), plus what the UI needs.
type Entity struct {
	Kind    *Descriptor
	ID      string // id or natural key; "" when the kind has none (v2 create answers carry only an id)
	Name    string // display name
	Parents Ref    // the parent references it was fetched under
	Raw     json.RawMessage
}

// Ref maps placeholders (app, platform, service, workspace, feed, module,
// ca) to ids: where an entity lives.
type Ref map[string]string

// With returns a copy of r with k set to v.
func (r Ref) With(k, v string) Ref {
	out := make(Ref, len(r)+1)
	for a, b := range r {
		out[a] = b
	}
	out[k] = v
	return out
}

// Clone copies r.
func (r Ref) Clone() Ref {
	out := make(Ref, len(r))
	for a, b := range r {
		out[a] = b
	}
	return out
}

// Ref is the reference for the entity's children: its parents plus its own
// key (an app's Ref has app=its id).
func (e Entity) Ref() Ref {
	if e.Kind == nil || e.Kind.Key == "" {
		return e.Parents.Clone()
	}
	v := e.ID
	if e.Kind.keyValue != nil {
		v = e.Kind.keyValue(e)
	}
	return e.Parents.With(e.Kind.Key, v)
}

// Row is the entity's table row.
func (e Entity) Row() []string {
	if e.Kind == nil {
		return nil
	}
	return e.Kind.Row(e)
}

// entity builds an Entity of kind d from raw JSON.
func (d *Descriptor) entity(raw json.RawMessage, parents Ref) Entity {
	f := splitObject(raw) // raw comes from a validated body
	e := Entity{Kind: d, Parents: parents.Clone(), Raw: raw}
	if d.id != nil {
		e.ID = d.id(f)
	} else {
		e.ID = fstr(f, "id")
	}
	if d.name != nil {
		e.Name = cleanText(d.name(f))
	} else {
		e.Name = cleanText(fstr(f, "name"))
	}
	return e
}

// IDOf derives the id an entity body would have (used after an update
// that changes a natural key). It returns "" when the body does not say.
func (d *Descriptor) IDOf(body []byte) string {
	f := decodeFields(body)
	if f == nil {
		return ""
	}
	if d.id != nil {
		return d.id(f)
	}
	return fstr(f, "id")
}

// Catalog is the set of kinds, looked up by name or alias.
type Catalog struct {
	kinds  []*Descriptor
	byName map[string]*Descriptor
}

// Kinds returns every kind in display order.
func (c *Catalog) Kinds() []*Descriptor { return slices.Clone(c.kinds) }

// Lookup finds a kind by name, singular, alias or title, ignoring case.
func (c *Catalog) Lookup(name string) (*Descriptor, bool) {
	d, ok := c.byName[normName(name)]
	return d, ok
}

// Names lists every name and alias (for completion), sorted.
func (c *Catalog) Names() []string {
	out := make([]string, 0, len(c.byName))
	for n := range c.byName {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// ParseParents turns KIND=ID values (the --parent flags of `mpconsole get`)
// into the reference a kind is listed or fetched under. KIND is a kind's
// name, singular or alias, standing for the placeholder its entities fill
// (app, apps, workspace, ws, ca), or a bare placeholder no kind fills
// (module); it must be one the kind's paths use. A value given twice must
// agree. Whether the reference is complete is CheckRef's to say.
func (c *Catalog) ParseParents(d *Descriptor, values []string) (Ref, error) {
	allowed := RefKeys(d)
	takes := d.Name + " take no parent"
	if len(allowed) > 0 {
		takes = d.Name + " take " + strings.Join(allowed, ", ")
	}
	ref := Ref{}
	for _, v := range values {
		k, id, ok := strings.Cut(v, "=")
		k, id = strings.TrimSpace(k), strings.TrimSpace(id)
		switch {
		case !ok:
			return nil, fmt.Errorf("%q: want KIND=ID (%s)", v, takes)
		case k == "":
			return nil, fmt.Errorf("%q: the KIND is missing, want KIND=ID (%s)", v, takes)
		case id == "":
			return nil, fmt.Errorf("%q: the ID is missing, want KIND=ID", v)
		}
		key, known := c.parentKey(k)
		switch {
		case slices.Contains(allowed, key):
		case !known:
			return nil, fmt.Errorf("%s: unknown parent kind %q (%s)", v, k, takes)
		case len(allowed) == 0:
			return nil, fmt.Errorf("%s: %s", v, takes)
		default:
			return nil, fmt.Errorf("%s: %s take only %s", v, d.Name, strings.Join(allowed, ", "))
		}
		if prev, dup := ref[key]; dup && prev != id {
			return nil, fmt.Errorf("%s given twice (%s and %s)", key, prev, id)
		}
		ref[key] = id
	}
	return ref, nil
}

// parentKey is the placeholder a --parent KIND stands for: the key of the
// kind so named, else the name itself. known is false when neither a kind
// nor any path of the catalogue uses it.
func (c *Catalog) parentKey(k string) (key string, known bool) {
	if pd, ok := c.Lookup(k); ok {
		if pd.Key != "" {
			return pd.Key, true
		}
		return normName(k), true
	}
	key = strings.ToLower(k)
	for _, d := range c.kinds {
		if slices.Contains(RefKeys(d), key) {
			return key, true
		}
	}
	return key, false
}

func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(s)
}

// DefaultCatalog returns the catalogue of every documented kind. It is
// built once and must not be modified.
var DefaultCatalog = sync.OnceValue(func() *Catalog { return newCatalog(kinds()) })

// NewCatalog builds a catalogue of the kinds ds, in display order (a
// console over other kinds, or the default ones and more). It completes
// copies of the descriptors, so kinds taken from another catalogue (whose
// operations are already derived) may be passed as they are and that
// catalogue is left untouched. Names and aliases must be unique.
func NewCatalog(ds ...*Descriptor) *Catalog {
	own := make([]*Descriptor, len(ds))
	for i, d := range ds {
		cp := *d
		cp.Ops = 0 // derived again from the paths
		cp.Columns = slices.Clone(d.Columns)
		own[i] = &cp
	}
	return newCatalog(own)
}

// Lookup finds a kind in the default catalogue.
func Lookup(name string) (*Descriptor, bool) { return DefaultCatalog().Lookup(name) }

// newCatalog builds a catalogue of ds, completing each descriptor: its
// operations from its paths, its edit spec, its column renderers. It
// panics on a name two kinds share or on declared operations: both are
// mistakes in the kinds table.
func newCatalog(ds []*Descriptor) *Catalog {
	c := &Catalog{kinds: ds, byName: map[string]*Descriptor{}}
	specs := editSpecs()
	natural := naturalSpecs()
	for _, d := range ds {
		if d.Ops != 0 {
			panic(fmt.Sprintf("api: kind %s declares its operations; they are derived from its paths", d.Name))
		}
		d.Ops = d.Paths.PathOps(d.Single)
		if spec, ok := specs[d.Name]; ok && d.Edit.Updatable == nil && d.Edit.Template == "" {
			d.Edit = spec
		}
		if n, ok := natural[d.Name]; ok && d.NaturalKey == nil {
			d.NaturalKey, d.ServerSet = n.key, n.serverSet
		}
		for i := range d.Columns {
			g := d.Columns[i].get
			d.Columns[i].Value = func(e Entity) string { return cleanText(g(decodeObject(e.Raw))) }
		}
		for _, n := range append([]string{d.Name, d.Singular, d.Title}, d.Aliases...) {
			if n == "" {
				continue
			}
			k := normName(n)
			if prev, dup := c.byName[k]; dup && prev != d {
				panic(fmt.Sprintf("api: catalogue name %q used by %s and %s", n, prev.Name, d.Name))
			}
			c.byName[k] = d
		}
	}
	return c
}

// ---- reading fields out of raw entities ----

// object is an entity decoded for display; numbers stay json.Number.
type object = map[string]any

func decodeObject(raw []byte) object {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var o object
	if dec.Decode(&o) != nil {
		return nil
	}
	return o
}

// fields is an entity's top-level members, undecoded: enough for ids and
// names, and much cheaper than decoding the whole entity.
type fields = map[string]json.RawMessage

func decodeFields(raw []byte) fields {
	if !json.Valid(raw) {
		return nil
	}
	return splitObject(raw)
}

// fstr renders a top-level member as text: strings unquoted, numbers and
// booleans as written, null as "".
func fstr(f fields, key string) string {
	raw := bytes.TrimSpace(f[key])
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return ""
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	}
	return string(raw)
}

func ffield(key string) func(fields) string { return func(f fields) string { return fstr(f, key) } }

// text renders any JSON value as cell text.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func str(o object, key string) string { return text(o[key]) }

func field(key string) func(object) string { return func(o object) string { return str(o, key) } }

// when renders a timestamp field as "2006-01-02 15:04", or as sent when it
// is in no known form.
func when(key string) func(object) string {
	return func(o object) string {
		s := str(o, key)
		if t, err := ParseTime(s); err == nil {
			return t.Format("2006-01-02 15:04")
		}
		return s
	}
}

func yesno(key string) func(object) string {
	return func(o object) string {
		switch v := o[key].(type) {
		case bool:
			if v {
				return "yes"
			}
			return "no"
		case string:
			return v
		}
		return ""
	}
}

func count(key string) func(object) string {
	return func(o object) string {
		if a, ok := o[key].([]any); ok {
			return fmt.Sprint(len(a))
		}
		return ""
	}
}

// pluck joins one field of every element of an array field.
func pluck(key, sub string) func(object) string {
	return func(o object) string {
		a, _ := o[key].([]any)
		var out []string
		for _, x := range a {
			if m, ok := x.(map[string]any); ok {
				if s := text(m[sub]); s != "" {
					out = append(out, s)
				}
			}
		}
		return strings.Join(out, ", ")
	}
}

// path reads a nested field: path("active_definition", "calculation_type").
func path(keys ...string) func(object) string {
	return func(o object) string {
		var v any = o
		for _, k := range keys {
			m, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			v = m[k]
		}
		return text(v)
	}
}

func col(title string, width int, get func(object) string) Column {
	return Column{Title: title, Width: width, get: get}
}

// dataPointKey is the natural key of a data point or a filter:
// type, name, attribute name and event type.
func dataPointKey(f fields) string {
	if fstr(f, "name") == "" && fstr(f, "type") == "" {
		return ""
	}
	return joinKey(fstr(f, "type"), fstr(f, "name"), fstr(f, "attribute_name"), fstr(f, "event_type"))
}

func dataPointName(f fields) string {
	n := fstr(f, "name")
	if a := fstr(f, "attribute_name"); a != "" {
		n += " › " + a
	}
	return n
}

// accountLabel is a service configuration's account label, with the
// documented default for an absent or null one.
func accountLabel(a string) string {
	if a == "" {
		return "Default Account"
	}
	return a
}
