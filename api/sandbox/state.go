package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mpconsole/mpconsole/api/sandbox/calcattr"
)

// state is the whole model in memory, with the indexes the endpoints
// need. It is guarded by Server.mu: readers share it, writers hold it
// exclusively from validation until the change is durable.
//
// A write changes the model in place and notes each changed entity in a
// tx; the tx is then committed to the store in one atomic step. Handlers
// validate everything before they change anything. If the commit fails
// (disk full, store closed) the model is reloaded from the store, which
// still holds the state before the write, so memory and disk never disagree.
type state struct {
	meta *meta

	accounts   *index[account]
	apps       *index[app]                  // by account
	workspaces *index[workspace]            // by account
	audiences  *index[audience]             // by account
	feeds      *index[feed]                 // by workspace
	outcfgs    *index[serviceConfiguration] // by workspace
	subs       *index[subscription]         // by feed
	users      *index[user]                 // by account, in creation order; named by e-mail and encoded id
	dps        *index[dataPoint]            // by app, in creation order; named by natural key
	plans      *index[dataPlan]             // by workspace; named by data_plan_id
	roles      *index[roleManifest]         // by organization: one custom role manifest each

	services  []*service          // catalogue order
	svcByName map[string]*service // lower-case name → service

	filters map[int64]map[string]*filterSet // app → lower-case service name → filtering
	books   map[int64]*calcattr.Book        // workspace → calculated attributes
	tokens  map[string]tokenRecord          // loaded token records (handed to the token table)
	creds   map[string]credRecord           // loaded credential records (checked by bindCredentials)

	kinds map[string]kindCodec // key prefix → how the kind is stored
}

func newState() *state {
	st := &state{
		meta:      &meta{Version: storeVersion, Next: map[string]int64{}},
		svcByName: map[string]*service{},
		filters:   map[int64]map[string]*filterSet{},
		books:     map[int64]*calcattr.Book{},
		tokens:    map[string]tokenRecord{},
		creds:     map[string]credRecord{},
	}
	st.kinds = map[string]kindCodec{
		metaKey:  st.metaCodec(),
		"token":  jsonCodec(st.tokens),
		"cred":   jsonCodec(st.creds),
		"ca":     st.bookCodec(),
		"filter": st.filterCodec(),
		"service": {
			decode: decodeJSON[service],
			add: func(_ string, v any) error {
				st.putService(v.(*service))
				return nil
			},
			each: func(fn func(keyed)) {
				for _, s := range st.services {
					fn(s)
				}
			},
		},
	}
	st.accounts = newIndex(st, "account", func(a *account) int64 { return a.ID }, nil, nil)
	st.apps = newIndex(st, "app", func(a *app) int64 { return a.ID }, func(a *app) int64 { return a.AccountID }, nil)
	st.workspaces = newIndex(st, "workspace", func(w *workspace) int64 { return w.ID }, func(w *workspace) int64 { return w.AccountID }, nil)
	st.audiences = newIndex(st, "audience", func(a *audience) int64 { return a.ID }, func(a *audience) int64 { return a.AccountID }, nil)
	st.feeds = newIndex(st, "feed", func(f *feed) int64 { return f.ID }, func(f *feed) int64 { return f.WorkspaceID }, nil)
	st.outcfgs = newIndex(st, "outcfg", func(o *serviceConfiguration) int64 { return o.ID }, func(o *serviceConfiguration) int64 { return o.WorkspaceID }, nil)
	st.subs = newIndex(st, "sub", func(s *subscription) int64 { return s.ID }, func(s *subscription) int64 { return s.FeedID }, nil)
	st.users = newIndex(st, "user", func(u *user) int64 { return u.Seq }, func(u *user) int64 { return u.AccountID }, userNames)
	st.dps = newIndex(st, "dp", func(d *dataPoint) int64 { return d.Seq }, func(d *dataPoint) int64 { return d.AppID },
		func(d *dataPoint) []string { return []string{d.naturalKey()} })
	st.declarePlansAndRoles()
	return st
}

// idList is a sorted list of ids.
type idList []int64

func (l idList) add(id int64) idList {
	if n := len(l); n == 0 || l[n-1] < id { // ids mostly arrive in order
		return append(l, id)
	}
	i, found := slices.BinarySearch(l, id)
	if found {
		return l
	}
	return slices.Insert(l, i, id)
}

func (l idList) remove(id int64) idList {
	i, found := slices.BinarySearch(l, id)
	if !found {
		return l
	}
	return slices.Delete(l, i, i+1)
}

// userNames are the names a user is found by in its account: the lower-case
// e-mail and the lower-case encoded id.
func userNames(u *user) []string {
	return []string{"email:" + strings.ToLower(u.Email), "id:" + strings.ToLower(EncodeUserID(u.Email))}
}

// userByEmail finds an account's user by e-mail, case-insensitively.
func (st *state) userByEmail(acct int64, email string) *user {
	return st.users.byName(acct, "email:"+strings.ToLower(email))
}

// userByID finds an account's user by encoded id, case-insensitively.
func (st *state) userByID(acct int64, id string) *user {
	return st.users.byName(acct, "id:"+strings.ToLower(id))
}

// dataPoint finds an app's DataPoint by natural key.
func (st *state) dataPoint(appID int64, naturalKey string) *dataPoint {
	return st.dps.byName(appID, naturalKey)
}

// putService adds a catalogue entry, or replaces the one with its name.
func (st *state) putService(s *service) {
	k := strings.ToLower(s.Name)
	if old := st.svcByName[k]; old != nil {
		st.services = slices.DeleteFunc(st.services, func(x *service) bool { return x == old })
	}
	st.services = append(st.services, s)
	st.svcByName[k] = s
}

func (st *state) putFilterSet(f *filterSet) {
	m := st.filters[f.AppID]
	if m == nil {
		m = map[string]*filterSet{}
		st.filters[f.AppID] = m
	}
	m[strings.ToLower(f.Service)] = f
}

// ---- lookups ----

// service finds a catalogue entry by name, case-insensitively.
func (st *state) service(name string) *service { return st.svcByName[strings.ToLower(name)] }

// workspaceIn returns the workspace when it belongs to acct, else nil.
func (st *state) workspaceIn(acct, id int64) *workspace {
	w := st.workspaces.get(id)
	if w == nil || w.AccountID != acct {
		return nil
	}
	return w
}

// book returns a workspace's calculated attributes (an empty book when it
// has none yet).
func (st *state) book(workspaceID int64) *calcattr.Book {
	b := st.books[workspaceID]
	if b == nil {
		b = calcattr.NewBook()
		st.books[workspaceID] = b
	}
	return b
}

// activeCAs counts active calculated attributes over an account's
// workspaces.
func (st *state) activeCAs(acct int64) int {
	n := 0
	for _, ws := range st.workspaces.idsOf(acct) {
		if b := st.books[ws]; b != nil {
			n += b.ActiveCount()
		}
	}
	return n
}

// ---- persistence ----

// tx collects the entities a write changed; commit stores them.
type tx struct {
	puts map[string]keyed
	dels map[string]bool
}

func newTx() *tx { return &tx{puts: map[string]keyed{}, dels: map[string]bool{}} }

func (t *tx) put(e keyed) {
	k := e.key()
	delete(t.dels, k)
	t.puts[k] = e
}

func (t *tx) del(key string) {
	delete(t.puts, key)
	t.dels[key] = true
}

func (t *tx) dirty() bool { return len(t.puts) > 0 || len(t.dels) > 0 }

// encode turns the tx into store records, in key order.
func (t *tx) encode() ([]record, []string, error) {
	keys := slices.Sorted(maps.Keys(t.puts))
	puts := make([]record, 0, len(keys))
	for _, k := range keys {
		v, err := json.Marshal(t.puts[k])
		if err != nil {
			return nil, nil, fmt.Errorf("encode %s: %w", k, err)
		}
		puts = append(puts, record{k, v})
	}
	return puts, slices.Sorted(maps.Keys(t.dels)), nil
}

// encodeAll encodes every entity of the state, in key order, on all cores.
func encodeAll(st *state) ([]record, error) {
	items := st.all()
	recs := make([]record, len(items))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(items)/1000))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(items)*w/workers, len(items)*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				v, err := json.Marshal(items[i])
				if err != nil {
					errs[w] = fmt.Errorf("encode %s: %w", items[i].key(), err)
					return
				}
				recs[i] = record{items[i].key(), v}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b record) int { return strings.Compare(a.key, b.key) })
	return recs, nil
}

// all lists every entity of the state, for writing a fresh seed.
func (st *state) all() []keyed {
	var out []keyed
	for _, c := range st.kinds {
		if c.each != nil {
			c.each(func(e keyed) { out = append(out, e) })
		}
	}
	return out
}

// loadState rebuilds the model from the store. It reports ok=false for an
// empty store (a fresh data file that still needs its seed). Records are
// decoded on all cores, then added in key order.
func loadState(s store) (*state, bool, error) {
	var recs []record
	err := s.load(func(k string, v []byte) error {
		recs = append(recs, record{k, v})
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("load data: %w", err)
	}
	st := newState()
	decoded := make([]any, len(recs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(recs)/1000))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(recs)*w/workers, len(recs)*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				_, rest, _ := strings.Cut(recs[i].key, "/")
				v, err := st.kind(recs[i].key).decode(rest, recs[i].value)
				if err != nil {
					errs[w] = fmt.Errorf("load data: record %s: %w", recs[i].key, err)
					return
				}
				decoded[i] = v
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, false, err
	}
	haveMeta := false
	for i, v := range decoded {
		key := recs[i].key
		_, rest, _ := strings.Cut(key, "/")
		if err := st.kind(key).add(rest, v); err != nil {
			return nil, false, fmt.Errorf("load data: %w", err)
		}
		haveMeta = haveMeta || key == metaKey
	}
	return st, haveMeta, nil
}

// kind returns how the record under key is stored; a key of no known kind
// gets a codec that refuses it.
func (st *state) kind(key string) kindCodec {
	prefix, _, _ := strings.Cut(key, "/")
	if c, ok := st.kinds[prefix]; ok {
		return c
	}
	return kindCodec{decode: func(string, []byte) (any, error) { return nil, errors.New("unknown kind") }}
}

// decodeJSON decodes a record into a new E.
func decodeJSON[E any](_ string, v []byte) (any, error) {
	e := new(E)
	if err := json.Unmarshal(v, e); err != nil {
		return nil, err
	}
	return e, nil
}

// metaCodec stores the bookkeeping record: a data file of another version
// is refused, and the id counters are never below the ids of the records
// read before it.
func (st *state) metaCodec() kindCodec {
	return kindCodec{
		decode: decodeJSON[meta],
		add: func(_ string, v any) error {
			e := v.(*meta)
			if e.Version != storeVersion {
				return fmt.Errorf("data file has version %d; this sandbox reads version %d", e.Version, storeVersion)
			}
			if e.Next == nil {
				e.Next = map[string]int64{}
			}
			for kind, n := range st.meta.Next { // counters bumped by records read so far
				e.Next[kind] = max(e.Next[kind], n)
			}
			st.meta = e
			return nil
		},
		each: func(fn func(keyed)) { fn(st.meta) },
	}
}

// bookCodec stores each workspace's calculated attributes as one record.
func (st *state) bookCodec() kindCodec {
	return kindCodec{
		decode: func(rest string, v []byte) (any, error) {
			id, err := strconv.ParseInt(rest, 10, 64)
			if err != nil {
				return nil, errors.New("bad workspace id")
			}
			b := calcattr.NewBook()
			if err := json.Unmarshal(v, b); err != nil {
				return nil, err
			}
			return storedBook{id, b}, nil
		},
		add: func(_ string, v any) error {
			b := v.(storedBook)
			st.books[b.workspaceID] = b.book
			return nil
		},
		each: func(fn func(keyed)) {
			for ws, b := range st.books {
				fn(storedBook{ws, b})
			}
		},
	}
}

// filterCodec stores each app's filtering for one service as one record.
func (st *state) filterCodec() kindCodec {
	return kindCodec{
		decode: func(_ string, v []byte) (any, error) {
			f := &filterSet{}
			if err := json.Unmarshal(v, f); err != nil {
				return nil, err
			}
			if f.Enabled == nil {
				f.Enabled = map[string]bool{}
			}
			if f.Switches == nil {
				f.Switches = map[string]bool{}
			}
			return f, nil
		},
		add: func(_ string, v any) error {
			st.putFilterSet(v.(*filterSet))
			return nil
		},
		each: func(fn func(keyed)) {
			for _, m := range st.filters {
				for _, f := range m {
					fn(f)
				}
			}
		},
	}
}
