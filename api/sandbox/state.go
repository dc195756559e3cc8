package sandbox

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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

	accounts   map[int64]*account
	accountIDs idList

	apps   map[int64]*app
	appsBy map[int64]idList // account → apps

	workspaces map[int64]*workspace
	wsBy       map[int64]idList // account → workspaces

	audiences map[int64]*audience
	audBy     map[int64]idList // account → audiences

	feeds   map[int64]*feed
	feedsBy map[int64]idList // workspace → feeds

	outcfgs map[int64]*serviceConfiguration
	ocBy    map[int64]idList // workspace → output configurations

	subs   map[int64]*subscription
	subsBy map[int64]idList // feed → subscriptions

	users map[int64]*userList // account → users

	services  []*service          // catalogue order
	svcByName map[string]*service // lower-case name → service

	dps     map[int64]*dpList               // app → DataPoints
	filters map[int64]map[string]*filterSet // app → lower-case service name → filtering
	books   map[int64]*caBook               // workspace → calculated attributes
	tokens  map[string]tokenRecord          // loaded token records (handed to the token table)
	creds   map[string]credRecord           // loaded credential records (checked by bindCredentials)
}

func newState() *state {
	return &state{
		meta:       &meta{Version: storeVersion, Next: map[string]int64{}},
		accounts:   map[int64]*account{},
		apps:       map[int64]*app{},
		appsBy:     map[int64]idList{},
		workspaces: map[int64]*workspace{},
		wsBy:       map[int64]idList{},
		audiences:  map[int64]*audience{},
		audBy:      map[int64]idList{},
		feeds:      map[int64]*feed{},
		feedsBy:    map[int64]idList{},
		outcfgs:    map[int64]*serviceConfiguration{},
		ocBy:       map[int64]idList{},
		subs:       map[int64]*subscription{},
		subsBy:     map[int64]idList{},
		users:      map[int64]*userList{},
		svcByName:  map[string]*service{},
		dps:        map[int64]*dpList{},
		filters:    map[int64]map[string]*filterSet{},
		books:      map[int64]*caBook{},
		tokens:     map[string]tokenRecord{},
		creds:      map[string]credRecord{},
	}
}

// idList is a sorted list of ids.
type idList []int64

func (l idList) add(id int64) idList {
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

// userList is an account's users in creation order, indexed by e-mail and
// by the encoded id of §14.2.
type userList struct {
	items   []*user
	byEmail map[string]*user // lower-case e-mail
	byID    map[string]*user // lower-case encoded id
}

// dpList is an app's DataPoints in creation order, indexed by natural key.
type dpList struct {
	items []*dataPoint
	byKey map[string]*dataPoint
}

// ---- adding and removing (indexes kept in step) ----

func (st *state) putAccount(a *account) {
	st.accounts[a.ID] = a
	st.accountIDs = st.accountIDs.add(a.ID)
	st.meta.bump("account", a.ID)
}

func (st *state) putApp(a *app) {
	st.apps[a.ID] = a
	st.appsBy[a.AccountID] = st.appsBy[a.AccountID].add(a.ID)
	st.meta.bump("app", a.ID)
}

func (st *state) putWorkspace(w *workspace) {
	st.workspaces[w.ID] = w
	st.wsBy[w.AccountID] = st.wsBy[w.AccountID].add(w.ID)
	st.meta.bump("workspace", w.ID)
}

func (st *state) putAudience(a *audience) {
	st.audiences[a.ID] = a
	st.audBy[a.AccountID] = st.audBy[a.AccountID].add(a.ID)
	st.meta.bump("audience", a.ID)
}

func (st *state) putFeed(f *feed) {
	st.feeds[f.ID] = f
	st.feedsBy[f.WorkspaceID] = st.feedsBy[f.WorkspaceID].add(f.ID)
	st.meta.bump("feed", f.ID)
}

func (st *state) putOutputConfig(o *serviceConfiguration) {
	st.outcfgs[o.ID] = o
	st.ocBy[o.WorkspaceID] = st.ocBy[o.WorkspaceID].add(o.ID)
	st.meta.bump("outcfg", o.ID)
}

func (st *state) putSubscription(s *subscription) {
	st.subs[s.ID] = s
	st.subsBy[s.FeedID] = st.subsBy[s.FeedID].add(s.ID)
	st.meta.bump("sub", s.ID)
}

func (st *state) putUser(u *user) {
	l := st.users[u.AccountID]
	if l == nil {
		l = &userList{byEmail: map[string]*user{}, byID: map[string]*user{}}
		st.users[u.AccountID] = l
	}
	i, _ := slices.BinarySearchFunc(l.items, u.Seq, func(x *user, seq int64) int { return cmp.Compare(x.Seq, seq) })
	l.items = slices.Insert(l.items, i, u)
	l.byEmail[strings.ToLower(u.Email)] = u
	l.byID[strings.ToLower(EncodeUserID(u.Email))] = u
	st.meta.bump("user", u.Seq)
}

func (st *state) removeUser(u *user) {
	l := st.users[u.AccountID]
	if l == nil {
		return
	}
	l.items = slices.DeleteFunc(l.items, func(x *user) bool { return x == u })
	delete(l.byEmail, strings.ToLower(u.Email))
	delete(l.byID, strings.ToLower(EncodeUserID(u.Email)))
}

func (st *state) putService(s *service) {
	k := strings.ToLower(s.Name)
	if old := st.svcByName[k]; old != nil {
		st.services = slices.DeleteFunc(st.services, func(x *service) bool { return x == old })
	}
	st.services = append(st.services, s)
	st.svcByName[k] = s
}

func (st *state) putDataPoint(d *dataPoint) {
	l := st.dps[d.AppID]
	if l == nil {
		l = &dpList{byKey: map[string]*dataPoint{}}
		st.dps[d.AppID] = l
	}
	if n := len(l.items); n == 0 || l.items[n-1].Seq < d.Seq {
		l.items = append(l.items, d)
	} else {
		i, _ := slices.BinarySearchFunc(l.items, d.Seq, func(x *dataPoint, seq int64) int { return cmp.Compare(x.Seq, seq) })
		l.items = slices.Insert(l.items, i, d)
	}
	l.byKey[d.naturalKey()] = d
	st.meta.bump("dp", d.Seq)
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

// workspaceAccount returns the workspace and whether it belongs to acct.
func (st *state) workspaceIn(acct, id int64) *workspace {
	w := st.workspaces[id]
	if w == nil || w.AccountID != acct {
		return nil
	}
	return w
}

// book returns a workspace's calculated attributes (an empty book when it
// has none yet).
func (st *state) book(workspaceID int64) *caBook {
	b := st.books[workspaceID]
	if b == nil {
		b = newCABook()
		st.books[workspaceID] = b
	}
	return b
}

// activeCAs counts active calculated attributes over an account's
// workspaces.
func (st *state) activeCAs(acct int64) int {
	n := 0
	for _, ws := range st.wsBy[acct] {
		if b := st.books[ws]; b != nil {
			n += b.activeCount()
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
		v, err := encodeEntity(t.puts[k])
		if err != nil {
			return nil, nil, fmt.Errorf("encode %s: %w", k, err)
		}
		puts = append(puts, record{k, v})
	}
	return puts, slices.Sorted(maps.Keys(t.dels)), nil
}

func encodeEntity(e keyed) ([]byte, error) {
	if b, ok := e.(storedBook); ok {
		return json.Marshal(b.book)
	}
	return json.Marshal(e)
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
				v, err := encodeEntity(items[i])
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
	out := []keyed{st.meta}
	for _, id := range st.accountIDs {
		out = append(out, st.accounts[id])
	}
	for _, a := range st.apps {
		out = append(out, a)
	}
	for _, w := range st.workspaces {
		out = append(out, w)
	}
	for _, a := range st.audiences {
		out = append(out, a)
	}
	for _, f := range st.feeds {
		out = append(out, f)
	}
	for _, o := range st.outcfgs {
		out = append(out, o)
	}
	for _, s := range st.subs {
		out = append(out, s)
	}
	for _, l := range st.users {
		for _, u := range l.items {
			out = append(out, u)
		}
	}
	for _, s := range st.services {
		out = append(out, s)
	}
	for _, l := range st.dps {
		for _, d := range l.items {
			out = append(out, d)
		}
	}
	for _, m := range st.filters {
		for _, f := range m {
			out = append(out, f)
		}
	}
	for ws, b := range st.books {
		out = append(out, storedBook{ws, b})
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
	decoded := make([]any, len(recs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(recs)/1000))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(recs)*w/workers, len(recs)*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				v, err := decodeRecord(recs[i])
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
	st := newState()
	haveMeta := false
	for i, v := range decoded {
		switch e := v.(type) {
		case *meta:
			if e.Version != storeVersion {
				return nil, false, fmt.Errorf("load data: data file has version %d; this sandbox reads version %d", e.Version, storeVersion)
			}
			if e.Next == nil {
				e.Next = map[string]int64{}
			}
			for kind, n := range st.meta.Next { // counters bumped by records read so far
				e.Next[kind] = max(e.Next[kind], n)
			}
			st.meta, haveMeta = e, true
		case *account:
			st.putAccount(e)
		case *app:
			st.putApp(e)
		case *workspace:
			st.putWorkspace(e)
		case *audience:
			st.putAudience(e)
		case *feed:
			st.putFeed(e)
		case *serviceConfiguration:
			st.putOutputConfig(e)
		case *subscription:
			st.putSubscription(e)
		case *user:
			st.putUser(e)
		case *service:
			st.putService(e)
		case *dataPoint:
			st.putDataPoint(e)
		case *filterSet:
			st.putFilterSet(e)
		case storedBook:
			st.books[e.workspaceID] = e.book
		case tokenRecord:
			_, h, _ := strings.Cut(recs[i].key, "/")
			st.tokens[h] = e
		case credRecord:
			_, id, _ := strings.Cut(recs[i].key, "/")
			st.creds[id] = e
		}
	}
	return st, haveMeta, nil
}

// decodeRecord decodes one stored record by the kind its key names.
func decodeRecord(r record) (any, error) {
	prefix, rest, _ := strings.Cut(r.key, "/")
	var v any
	switch prefix {
	case metaKey:
		v = &meta{}
	case "account":
		v = &account{}
	case "app":
		v = &app{}
	case "workspace":
		v = &workspace{}
	case "audience":
		v = &audience{}
	case "feed":
		v = &feed{}
	case "outcfg":
		v = &serviceConfiguration{}
	case "sub":
		v = &subscription{}
	case "user":
		v = &user{}
	case "service":
		v = &service{}
	case "dp":
		v = &dataPoint{}
	case "filter":
		f := &filterSet{}
		if err := json.Unmarshal(r.value, f); err != nil {
			return nil, err
		}
		if f.Enabled == nil {
			f.Enabled = map[string]bool{}
		}
		if f.Switches == nil {
			f.Switches = map[string]bool{}
		}
		return f, nil
	case "ca":
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return nil, errors.New("bad workspace id")
		}
		b := newCABook()
		if err := json.Unmarshal(r.value, b); err != nil {
			return nil, err
		}
		return storedBook{id, b}, nil
	case "token":
		var t tokenRecord
		err := json.Unmarshal(r.value, &t)
		return t, err
	case "cred":
		var c credRecord
		err := json.Unmarshal(r.value, &c)
		return c, err
	default:
		return nil, errors.New("unknown kind")
	}
	if err := json.Unmarshal(r.value, v); err != nil {
		return nil, err
	}
	return v, nil
}
