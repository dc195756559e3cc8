package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"
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
	// note: the cell is the list's note for the lower-cased value get
	// gives (listScratch.notes: the custom role a user holds), "" for an
	// entity that was not listed.
	note bool
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
	// GrantsFrom names the kind whose entities are the areas an entity of
	// this kind grants access to (a custom role's tasks): the inspector
	// shows the grants as a matrix (RoleGrants). "" for none.
	GrantsFrom string
	// HoldsRoles: the entities are users, who may hold a custom role. The
	// role is assigned in the dashboard and no API says which; a sandbox
	// client lists it in the role column (heldroles.go), and the console
	// says where roles are assigned (AssignNote).
	HoldsRoles bool
	// Refresh is how often a list of this kind refreshes itself while it
	// is in front, and how often an inspector of one of its entities reads
	// it again: kinds whose entities change without anyone editing them
	// (an audience's size, a calculation's progress). 0 for the kinds that
	// change only when someone edits them (configuration): those refresh
	// on ctrl+r, on going back to them, or with :refresh.
	Refresh time.Duration

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

// Row renders the entity's cells for every column, read from its raw
// JSON.
func (d *Descriptor) Row(e Entity) []string {
	cells, _ := d.rowKey(e, false)
	return cells
}

// rowScratch is what rendering a row reuses: the member index and the
// buffer the cells are joined in.
type rowScratch struct {
	mem []member
	buf []byte
}

// rowScratches keeps rowScratch values for reuse between rows.
var rowScratches = sync.Pool{New: func() any { return new(rowScratch) }}

// rowKey renders the entity's cells and, with key set, its search key:
// the cells and the key share one allocation (the key is the cells
// themselves when nothing needs lowering). A listed entity's Raw is known
// to be valid JSON; any other is checked first.
func (d *Descriptor) rowKey(e Entity, key bool) ([]string, string) {
	sc := rowScratches.Get().(*rowScratch)
	defer rowScratches.Put(sc)
	raw := e.Raw
	if !e.listed {
		raw = bytes.TrimSpace(raw)
	}
	o := index(raw, sc.mem, true) // strings read from o alias raw: they are copied below
	if o.mem != nil {
		sc.mem = o.mem[:0]
	}
	if !e.listed && !json.Valid(raw) {
		o = object{}
	}
	b := sc.buf[:0]
	row := make([]string, len(d.Columns))
	var at [16]int
	offs := at[:0]
	for i, c := range d.Columns {
		if i > 0 {
			b = append(b, cellSep...)
		}
		if c.note {
			b = append(b, e.note...) // cleaned when listed
		} else {
			b = append(b, cleanText(c.get(o))...)
		}
		offs = append(offs, len(b))
	}
	n := len(b)
	if key {
		b = appendLower(b, b)
	}
	if cap(b) <= 64<<10 {
		sc.buf = b[:0]
	}
	var cells, search string
	switch {
	case !key:
		cells = string(b)
	case string(b[:n]) == string(b[n:]):
		cells = string(b[:n])
		search = cells
	default:
		both := string(b)
		cells, search = both[:n], both[n:]
	}
	from := 0
	for i, end := range offs {
		row[i] = cells[from:end]
		from = end + len(cellSep)
	}
	return row, search
}

// cellSep joins an entity's cells (the table's key separator): cleanText
// drops control characters, so no cell contains it.
const cellSep = "\x1f"

// Entity is one entity as the console holds it: the raw JSON the server
// sent, untouched (unknown fields round-trip), plus what the UI needs.
//
// Its row (Row, Cell, SearchKey, RowKey) is rendered from Raw when asked
// for, not kept. A listed entity (List, ListStream) is known to be valid
// JSON; its Raw may share one buffer with the other entities of its
// piece of the answer: never modify it.
type Entity struct {
	Kind    *Descriptor
	ID      string // id or natural key; "" when the kind has none (v2 create answers carry only an id)
	Name    string // display name
	Parents Ref    // the parent references it was fetched under; shared by the entities of one list: never modify it
	Raw     json.RawMessage

	listed bool // Raw is a validated list answer's entity
	// note is the cell of the kind's note column (Column.note) as the
	// list gave it: the custom role a listed user holds.
	note string
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

// RowKey is the entity's table row and its search key (SearchKey), made
// together: cheaper than Row and SearchKey one after the other.
func (e Entity) RowKey() ([]string, string) {
	if e.Kind == nil {
		return nil, ""
	}
	return e.Kind.rowKey(e, true)
}

// Cell is the text of column i of the entity's row ("" out of range).
func (e Entity) Cell(i int) string {
	if e.Kind == nil || i < 0 || i >= len(e.Kind.Columns) {
		return ""
	}
	if v := e.Kind.Columns[i].Value; v != nil {
		return v(e)
	}
	return e.Row()[i]
}

// SearchKey is what a filter matches: the row's cells lower-cased, joined
// by the separator "\x1f" (which cannot be typed).
func (e Entity) SearchKey() string {
	_, k := e.RowKey()
	return k
}

// entity builds an Entity of kind d from raw JSON.
func (d *Descriptor) entity(raw json.RawMessage, parents Ref) Entity {
	f := object{raw: raw} // raw comes from a validated body
	e := Entity{Kind: d, Parents: parents.Clone(), Raw: raw}
	e.ID, e.Name = d.idName(f)
	return e
}

// IDOf derives the id an entity body would have (used after an update
// that changes a natural key). It returns "" when the body does not say.
func (d *Descriptor) IDOf(body []byte) string {
	f := decodeFields(bytes.TrimSpace(body))
	if f.raw == nil {
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

// normName is the form names are looked up in: lower case, without
// spaces, dashes and underscores.
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.ContainsAny(s, " -_") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '-' && c != '_' {
			b = append(b, c)
		}
	}
	return string(b)
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
			g, note := d.Columns[i].get, d.Columns[i].note
			d.Columns[i].Value = func(e Entity) string {
				if note {
					return e.note // known only to a list
				}
				if e.listed {
					return cleanText(g(object{raw: e.Raw}))
				}
				raw := bytes.TrimSpace(e.Raw)
				if !json.Valid(raw) {
					return cleanText(g(object{}))
				}
				return cleanText(g(object{raw: raw}))
			}
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

// object is a JSON value read in place: members are found by scanning its
// raw bytes (valid JSON: it comes from a validated body), nothing is
// decoded. Listing indexes an entity's top-level members once (mem) so
// that every column's lookup is a short search. With dec set it is instead
// a value decoded by encoding/json: the form the scanner is tested against.
type object struct {
	raw   []byte   // the value's JSON; nil when absent
	mem   []member // raw's top-level members, when indexed
	alias bool     // strings may alias raw (listing: raw outlives the result)
	dec   bool
	v     any // the decoded value, when dec
}

// member is one member of an object: key (quoted) and value, as offsets.
type member struct{ k0, k1, v0, v1 int32 }

// fields is an entity's top-level members read in place: enough for ids
// and names.
type fields = object

// decodeFields reads raw after checking it is JSON; the zero object (no
// members) when it is not.
func decodeFields(raw []byte) fields {
	if !json.Valid(raw) {
		return object{}
	}
	return object{raw: raw}
}

// index lists the top-level members of raw into mem (reused) and returns
// the object reading them.
func index(raw []byte, mem []member, alias bool) object {
	o := object{raw: raw, alias: alias}
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' || len(raw) > 1<<31-1 {
		return o
	}
	mem = mem[:0]
	for i++; ; {
		i = skipSpace(raw, i)
		if i >= len(raw) || raw[i] != '"' {
			break
		}
		ke := skipString(raw, i)
		k0 := i
		i = skipSpace(raw, ke)
		if i < len(raw) && raw[i] == ':' {
			i++
		}
		i = skipSpace(raw, i)
		j := skipValue(raw, i)
		mem = append(mem, member{int32(k0), int32(ke), int32(i), int32(j)})
		i = skipSpace(raw, j)
		if i < len(raw) && raw[i] == ',' {
			i++
		}
	}
	o.mem = mem
	return o
}

// keyIs reports whether the quoted key q names key.
func keyIs(q []byte, key string) bool {
	if len(q) < 2 {
		return false
	}
	k := q[1 : len(q)-1]
	if string(k) == key {
		return true
	}
	if bytes.IndexByte(k, '\\') < 0 {
		return false
	}
	var s string
	return json.Unmarshal(q, &s) == nil && s == key
}

// get returns the member named key (the last of duplicates, as
// encoding/json keeps); the absent object when there is none or o is not
// an object.
func (o object) get(key string) object {
	if o.dec {
		m, _ := o.v.(map[string]any)
		return object{dec: true, v: m[key]}
	}
	out := object{alias: o.alias}
	if o.mem != nil {
		for _, m := range o.mem {
			if keyIs(o.raw[m.k0:m.k1], key) {
				out.raw = o.raw[m.v0:m.v1:m.v1]
			}
		}
		return out
	}
	b := o.raw
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return out
	}
	out.raw, _ = memberOf(b, i, key)
	return out
}

// kind is the JSON type of o: '{', '[', '"', 't', 'f', 'n' (null), '0'
// (a number), or 0 when absent.
func (o object) kind() byte {
	if o.dec {
		switch x := o.v.(type) {
		case nil:
			return 'n'
		case map[string]any:
			return '{'
		case []any:
			return '['
		case string:
			return '"'
		case bool:
			if x {
				return 't'
			}
			return 'f'
		default:
			return '0'
		}
	}
	if len(o.raw) == 0 {
		return 0
	}
	switch c := o.raw[0]; c {
	case '{', '[', '"', 't', 'f', 'n':
		return c
	}
	return '0'
}

// present reports whether o is there and not null.
func (o object) present() bool { k := o.kind(); return k != 0 && k != 'n' }

// elems iterates over the elements of an array (nothing for any other value).
func (o object) elems(yield func(object) bool) {
	if o.dec {
		a, _ := o.v.([]any)
		for _, x := range a {
			if !yield(object{dec: true, v: x}) {
				return
			}
		}
		return
	}
	b := o.raw
	if len(b) == 0 || b[0] != '[' {
		return
	}
	for i := 1; ; {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] == ']' {
			return
		}
		j := skipValue(b, i)
		if !yield(object{raw: b[i:j:j], alias: o.alias}) {
			return
		}
		i = skipSpace(b, j)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}

// unquote returns the text of a JSON string (raw, quoted), aliasing raw
// when allowed and nothing needs unescaping.
func unquote(raw []byte, alias bool) string {
	in := raw[1 : len(raw)-1]
	if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		if alias && len(in) > 0 {
			return unsafe.String(&in[0], len(in))
		}
		return string(in)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// fstr renders a top-level member as text: strings unquoted, numbers and
// booleans as written, null as "".
func fstr(f fields, key string) string {
	v := f.get(key)
	if v.dec {
		return text(v)
	}
	raw := bytes.TrimSpace(v.raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return ""
	case raw[0] == '"':
		return unquote(raw, f.alias)
	case f.alias:
		return unsafe.String(&raw[0], len(raw))
	}
	return string(raw)
}

func ffield(key string) func(fields) string { return func(f fields) string { return fstr(f, key) } }

// text renders any JSON value as cell text: strings unquoted, numbers and
// booleans as written, null and absent as "", objects and arrays as
// compact JSON (keys sorted, as encoding/json writes a decoded value).
func text(o object) string {
	if o.dec {
		switch x := o.v.(type) {
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
	switch o.kind() {
	case 0, 'n':
		return ""
	case '"':
		return unquote(o.raw, o.alias)
	case 't':
		return "true"
	case 'f':
		return "false"
	case '0':
		if o.alias {
			return unsafe.String(&o.raw[0], len(o.raw))
		}
		return string(o.raw)
	}
	dec := json.NewDecoder(bytes.NewReader(o.raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return ""
	}
	return text(object{dec: true, v: v})
}

func str(o object, key string) string { return text(o.get(key)) }

func field(key string) func(object) string { return func(o object) string { return str(o, key) } }

// when renders a timestamp field as "2006-01-02 15:04", or as sent when it
// is in no known form.
func when(key string) func(object) string {
	return func(o object) string {
		s := str(o, key)
		if m, ok := minuteOf(s); ok {
			return m
		}
		if t, err := ParseTime(s); err == nil {
			return t.Format("2006-01-02 15:04")
		}
		return s
	}
}

// minuteOf is when's quick path for the form most answers use,
// 2006-01-02T15:04:05 with 0–9 fractional digits and no zone: the date and
// the minute as they are written, once time.Parse has checked them.
func minuteOf(s string) (string, bool) {
	if len(s) < 19 || s[10] != 'T' || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' {
		return "", false
	}
	for i := 0; i < 19; i++ {
		if c := s[i]; (c < '0' || c > '9') && i != 4 && i != 7 && i != 10 && i != 13 && i != 16 {
			return "", false
		}
	}
	if rest := s[19:]; rest != "" && (rest[0] != '.' || len(rest) > 10 || strings.Trim(rest[1:], "0123456789") != "" || len(rest) == 1) {
		return "", false
	}
	num := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	year, month, day := num(0)*100+num(2), num(5), num(8)
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || num(11) > 23 || num(14) > 59 || num(17) > 59 {
		return "", false // out of range: time.Parse refuses it too
	}
	return s[:10] + " " + s[11:16], true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func yesno(key string) func(object) string {
	return func(o object) string {
		v := o.get(key)
		switch v.kind() {
		case 't':
			return "yes"
		case 'f':
			return "no"
		case '"':
			return text(v)
		}
		return ""
	}
}

// count counts the elements of the array at path (nested members):
// "" when there is none.
func count(path ...string) func(object) string {
	return func(o object) string {
		v := o
		for _, k := range path {
			if v.kind() != '{' {
				return ""
			}
			v = v.get(k)
		}
		if v.kind() != '[' {
			return ""
		}
		n := 0
		for range v.elems {
			n++
		}
		return strconv.Itoa(n)
	}
}

// pluck joins one field of every element of an array field.
func pluck(key, sub string) func(object) string {
	return func(o object) string {
		var one string
		var out []string
		add := func(s string) {
			switch {
			case s == "":
			case one == "" && out == nil:
				one = s
			default:
				if out == nil {
					out = append(out, one)
				}
				out = append(out, s)
			}
		}
		if arr := o.get(key); arr.dec {
			for x := range arr.elems {
				if x.kind() == '{' {
					add(text(x.get(sub)))
				}
			}
		} else if b := arr.raw; len(b) > 0 && b[0] == '[' {
			// One pass over each element: its member and its end together.
			for i := 1; ; {
				i = skipSpace(b, i)
				if i >= len(b) || b[i] == ']' {
					break
				}
				var j int
				if b[i] == '{' {
					var v []byte
					v, j = memberOf(b, i, sub)
					add(text(object{raw: v, alias: arr.alias}))
				} else {
					j = skipValue(b, i)
				}
				i = skipSpace(b, j)
				if i < len(b) && b[i] == ',' {
					i++
				}
			}
		}
		if out == nil {
			return one
		}
		return strings.Join(out, ", ")
	}
}

// memberOf scans the object at b[i] once: the value of its last member
// named key (nil when none) and the index after the object.
func memberOf(b []byte, i int, key string) (val []byte, end int) {
	for i++; ; {
		i = skipSpace(b, i)
		if i >= len(b) {
			return val, len(b)
		}
		if b[i] != '"' {
			return val, i + 1 // '}' (the object is valid JSON)
		}
		ke := skipString(b, i)
		match := keyIs(b[i:ke], key)
		i = skipSpace(b, ke)
		if i < len(b) && b[i] == ':' {
			i++
		}
		i = skipSpace(b, i)
		j := skipValue(b, i)
		if match {
			val = b[i:j:j]
		}
		i = skipSpace(b, j)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}

// path reads a nested field: path("active_definition", "calculation_type").
func path(keys ...string) func(object) string {
	return func(o object) string {
		v := o
		for _, k := range keys {
			if v.kind() != '{' {
				return ""
			}
			v = v.get(k)
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
