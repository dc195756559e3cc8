package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/table"
)

// place is where a session works: a profile and an account.
type place struct {
	profile string
	account int64
}

// connected is the answer to connect: the client of the new place.
type connected struct {
	profile accounts.Profile
	account int64
	client  *api.Client
}

// readOnly reports whether this session may not write here.
func (m *Model) readOnly() bool { return m.opts.ReadOnly || m.profile.ReadOnly }

// allowed reports whether the session may use a profile.
func allowed(o *Options, profile string) bool {
	return o.Allowed == nil || slices.Contains(o.Allowed, profile)
}

// here is where the session works now.
func (m *Model) here() place {
	p := place{profile: m.profile.Name}
	if m.client != nil {
		p.account = m.client.AccountID()
	}
	return p
}

// baseURL is the API base URL of place p: the client's, which exists
// since a write was made there (Client returns the shared one at once).
func (m *Model) baseURL(p place) string {
	if m.client != nil && p == m.here() {
		return m.client.V1BaseURL()
	}
	if c, err := m.accts.Client(m.ctx, p.profile, p.account); err == nil {
		return c.V1BaseURL()
	}
	return ""
}

// connect switches the session to a profile and account. The generation
// changes at once, so every reply still in flight for the old account is
// dropped when it arrives (and no longer counted in flight); a client not
// made yet is made in the background (a secret command may take a while).
func (m *Model) connect(profile string, account int64) tea.Cmd {
	if !allowed(&m.opts, profile) {
		m.fail(fmt.Errorf("this session may not use profile %q", profile))
		return nil
	}
	m.dropTrees() // a tree belongs to the account it was opened in
	if m.client != nil && len(m.stack) > 0 {
		m.saved[m.here()] = m.stack
	}
	stopped := m.bulk.interrupted() // said in the view the switch lands in
	m.closeOverlays()
	m.gen++
	m.cancel()
	m.genCtx, m.cancel = context.WithCancel(api.WithRetryObserver(m.ctx, m.observeRetry))
	m.inflight, m.retry = 0, nil // what was in flight, and retrying, went with the old generation
	mgr, cat := m.accts, m.cat
	p, _ := mgr.Profile(profile)
	// An account typed by hand (":use 99"): the credential must be seen
	// to reach it before the current one is left.
	typed := account != 0 && account != p.AccountID
	then := func(c connected, err error) tea.Cmd {
		cmd := m.onConnected(c, err)
		m.enteredView() // another account's view, or the same one after a failed switch
		if stopped != "" {
			m.setNotice(stopped)
		}
		return cmd
	}
	if !typed {
		if c, ok := mgr.Made(profile, account); ok {
			// Nothing to wait for (the first profile's client is made
			// before the program starts): the session connects now, and
			// the first view's list is asked for without a trip through
			// a command and the messages queued before its answer.
			return then(connected{profile: p, account: c.AccountID(), client: c}, nil)
		}
	}
	return request(m, ask[connected]{
		what: "connect", noClient: true,
		do: func(ctx context.Context, _ *api.Client) (connected, error) {
			c, err := mgr.Client(ctx, profile, account)
			acct := account
			if c != nil {
				acct = c.AccountID()
			}
			if err == nil && typed {
				d := accountsKind(cat)
				if d == nil {
					return connected{profile: p, account: acct, client: c}, fmt.Errorf("account %d: the catalogue has no accounts", account)
				}
				if _, gerr := c.Get(ctx, d, nil, itoa(account)); gerr != nil {
					err = fmt.Errorf("account %d: %w", account, gerr)
				}
			}
			return connected{profile: p, account: acct, client: c}, err
		},
		then: then,
	})
}

func (m *Model) onConnected(msg connected, err error) tea.Cmd {
	if err != nil {
		m.fail(fmt.Errorf("connecting to profile %q: %w", msg.profile.Name, err))
		// The session stays where it was; what was in flight there (the
		// view, the token watch) went with the old generation: start again.
		if m.client == nil {
			return nil
		}
		return tea.Batch(m.load(m.top()), watchToken(m.gen, m.client.Tokens().Watch(m.genCtx)))
	}
	m.profile, m.client = msg.profile, msg.client
	m.restyle() // the profile's skin
	m.account, m.token, m.tokenSeen = "", api.TokenState{}, false
	m.closeOverlays() // what was opened while connecting belongs to the place left
	if m.errs.clear() {
		m.layout()
	}
	cmds := []tea.Cmd{m.loadAccountName(), watchToken(m.gen, m.client.Tokens().Watch(m.genCtx))}
	if saved, ok := m.saved[place{msg.profile.Name, msg.account}]; ok {
		// Coming back: the view the user left, refreshed.
		m.stack = saved
		m.layout()
		for _, f := range m.stack {
			m.applyOps(f)
		}
		cmds = append(cmds, m.load(m.top()))
	} else {
		d, ok := m.cat.Lookup(m.opts.StartKind)
		if !ok {
			d, _ = m.cat.Lookup("apps")
		}
		cmds = append(cmds, m.openRoot(d))
	}
	return tea.Batch(cmds...)
}

// loadAccountName asks for the name of the account the session works in,
// for the header: the kind whose entities name the account
// (Descriptor.NamesAccount).
func (m *Model) loadAccountName() tea.Cmd {
	d := accountsKind(m.cat)
	if d == nil {
		return nil
	}
	return request(m, ask[api.Entity]{
		what: "account",
		do: func(ctx context.Context, c *api.Client) (api.Entity, error) {
			return c.Get(ctx, d, nil, itoa(c.AccountID()))
		},
		then: func(e api.Entity, err error) tea.Cmd {
			if err == nil {
				m.account = e.Name
			}
			return nil
		},
	})
}

// accountsKind is the kind whose entities are the accounts a credential
// reaches (Descriptor.NamesAccount), nil when the catalogue has none.
func accountsKind(cat *api.Catalog) *api.Descriptor {
	for _, d := range cat.Kinds() {
		if d.NamesAccount {
			return d
		}
	}
	return nil
}

// closeOverlays closes whatever is open over the stack. An open editor
// keeps its draft, offered when the entity is opened again.
func (m *Model) closeOverlays() {
	m.edits.close(false)
	m.bulk.reset()
	m.overlay = nil
}

// applyOps offers a frame's write keys only where this place may write.
func (m *Model) applyOps(f *frame) {
	if f.kind == nil {
		return
	}
	f.table.SetOps(table.Ops{
		Create:   f.kind.Ops.Has(api.OpCreate),
		Edit:     f.kind.Ops.Has(api.OpUpdate),
		Delete:   f.kind.Ops.Has(api.OpDelete),
		Actions:  len(f.kind.Actions) > 0,
		Tree:     m.cat.HasDescendants(f.kind),
		ReadOnly: m.readOnly(),
	})
}

// use runs ":use NAME|ACCOUNT_ID": a profile by name, or an account of the
// current profile's credential by id.
func (m *Model) use(arg string) tea.Cmd {
	arg = strings.TrimSpace(arg)
	if _, ok := m.accts.Profile(arg); ok {
		return m.connect(arg, 0)
	}
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil && id > 0 {
		return m.connect(m.profile.Name, id)
	}
	names := make([]string, 0)
	for _, p := range m.accts.Profiles() {
		if allowed(&m.opts, p.Name) {
			names = append(names, p.Name)
		}
	}
	m.fail(fmt.Errorf("use: %q is neither a profile (%s) nor an account id", arg, strings.Join(names, ", ")))
	return nil
}

// switcher is the account switcher: every profile the session may use
// and, as they arrive, the accounts each credential can reach, with the
// credential's token state. enter switches to the chosen row.
type switcher struct {
	h      host
	accts  *accounts.Manager
	opts   *Options
	cat    *api.Catalog
	rows   map[string][]table.Row // per profile
	table  *table.Model
	layer  *overlay
	choose func(profile string, account int64) tea.Cmd
}

// openSwitcher opens the switcher over the body.
func (m *Model) openSwitcher() tea.Cmd {
	s := &switcher{h: m, accts: m.accts, opts: &m.opts, cat: m.cat, rows: map[string][]table.Row{}, choose: m.connect}
	return s.open(m.common)
}

func (s *switcher) open(c views.Common) tea.Cmd {
	s.table = table.New(c, []table.Column{
		{Title: "PROFILE", Width: 16}, {Title: "ACCOUNT", Width: 10, Right: true},
		{Title: "NAME", Width: minFlex, Flex: 1}, {Title: "TOKEN", Width: 24}, {Title: "MODE", Width: 10},
	})
	s.table.SetEmptyText("No profiles.")
	s.layer = &overlay{comp: s.table, crumb: "accounts", onAction: s.onAction}
	s.h.show(s.layer)
	var cmds []tea.Cmd
	for _, p := range s.accts.Profiles() {
		if !allowed(s.opts, p.Name) {
			continue
		}
		s.rows[p.Name] = []table.Row{s.row(p, p.AccountID, "…", "…")}
		cmds = append(cmds, s.load(p.Name))
	}
	s.refresh()
	if cl := s.h.conn(); cl != nil {
		s.table.Restore(table.State{CursorID: rowKey(s.h.here().profile, cl.AccountID()), SortCol: -1})
	}
	return tea.Batch(cmds...)
}

func rowKey(profile string, account int64) string { return profile + "/" + itoa(account) }

func (s *switcher) row(p accounts.Profile, account int64, name, token string) table.Row {
	mode := "read-write"
	if p.ReadOnly || s.opts.ReadOnly {
		mode = "read-only"
	}
	return table.Row{ID: rowKey(p.Name, account), Cells: []string{p.Name, itoa(account), name, token, mode}}
}

// profileAccounts is what one profile's credential reaches.
type profileAccounts struct {
	list  []api.Entity
	token api.TokenState
}

// load lists the accounts one profile's credential can reach.
func (s *switcher) load(profile string) tea.Cmd {
	mgr, cat := s.accts, s.cat
	return request(s.h, ask[profileAccounts]{
		what: "accounts", noClient: true,
		do: func(ctx context.Context, _ *api.Client) (profileAccounts, error) {
			c, err := mgr.Client(ctx, profile, 0)
			if err != nil {
				return profileAccounts{}, err
			}
			d := accountsKind(cat)
			if d == nil {
				return profileAccounts{token: c.Tokens().State()}, fmt.Errorf("the catalogue has no accounts")
			}
			list, err := c.List(ctx, d, nil)
			// A failed list still reports the credential's token state.
			return profileAccounts{list: list, token: c.Tokens().State()}, err
		},
		then: func(a profileAccounts, err error) tea.Cmd {
			s.loaded(profile, a, err)
			return nil
		},
	})
}

func (s *switcher) loaded(profile string, a profileAccounts, err error) {
	p, ok := s.accts.Profile(profile)
	if !ok {
		return
	}
	if err != nil {
		if s.h.front() != s.layer {
			return // the switcher is closed: its rows, and their errors, no longer matter
		}
		tok := ""
		if a.token.Status != api.TokenNone {
			tok = a.token.String()
		}
		s.rows[profile] = []table.Row{s.row(p, p.AccountID, "(unreachable: see the error)", tok)}
		s.h.fail(fmt.Errorf("profile %q: %w", profile, err))
	} else {
		rows := make([]table.Row, 0, len(a.list))
		for _, e := range a.list {
			id, _ := strconv.ParseInt(e.ID, 10, 64)
			rows = append(rows, s.row(p, id, e.Name, a.token.String()))
		}
		s.rows[profile] = rows
	}
	s.refresh()
}

// refresh lays the rows out in profile order.
func (s *switcher) refresh() {
	var rows []table.Row
	for _, p := range s.accts.Profiles() {
		rows = append(rows, s.rows[p.Name]...)
	}
	s.table.SetRows(rows)
}

// onAction switches to the chosen row.
func (s *switcher) onAction(msg table.ActionMsg) tea.Cmd {
	if msg.Action != table.Open && msg.Action != table.Inspect {
		return nil
	}
	i := strings.LastIndex(msg.Row.ID, "/")
	if i < 0 {
		return nil
	}
	acct, err := strconv.ParseInt(msg.Row.ID[i+1:], 10, 64)
	if err != nil {
		return nil
	}
	s.h.close(s.layer)
	return s.choose(msg.Row.ID[:i], acct)
}
