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
	"github.com/mpconsole/mpconsole/views/table"
)

// place is where a session works: a profile and an account.
type place struct {
	profile string
	account int64
}

// connectedMsg is the answer to connect: the client of the new place.
type connectedMsg struct {
	gen     int
	profile accounts.Profile
	account int64
	client  *api.Client
	err     error
}

// accountsMsg lists the accounts one profile's credential can reach.
type accountsMsg struct {
	profile  string
	accounts []api.Entity
	token    api.TokenState
	err      error
}

// readOnly reports whether this session may not write here.
func (m *Model) readOnly() bool { return m.opts.ReadOnly || m.profile.ReadOnly }

// allowed reports whether the session may use a profile.
func (m *Model) allowed(profile string) bool {
	return m.opts.Allowed == nil || slices.Contains(m.opts.Allowed, profile)
}

// connect switches the session to a profile and account. The generation
// changes at once, so every reply still in flight for the old account is
// dropped when it arrives; the client is resolved in the background (a
// secret command may take a while).
func (m *Model) connect(profile string, account int64) tea.Cmd {
	if !m.allowed(profile) {
		m.showError(fmt.Errorf("this session may not use profile %q", profile))
		return nil
	}
	if m.client != nil && len(m.stack) > 0 {
		m.saved[m.here()] = m.stack
	}
	m.closeOverlays()
	m.gen++
	m.cancel()
	m.genCtx, m.cancel = context.WithCancel(api.WithRetryObserver(m.ctx, m.observeRetry))
	m.inflight = 0
	gen, ctx, mgr, cat := m.gen, m.genCtx, m.accts, m.cat
	p, _ := mgr.Profile(profile)
	return func() tea.Msg {
		c, err := mgr.Client(ctx, profile, account)
		acct := account
		if c != nil {
			acct = c.AccountID()
		}
		if err == nil && account != 0 && account != p.AccountID {
			// An account typed by hand (":use 99"): make sure the
			// credential reaches it before leaving the current one.
			d, _ := cat.Lookup("accounts")
			if _, gerr := c.Get(ctx, d, nil, itoa(account)); gerr != nil {
				err = fmt.Errorf("account %d: %w", account, gerr)
			}
		}
		return connectedMsg{gen: gen, profile: p, account: acct, client: c, err: err}
	}
}

func (m *Model) onConnected(msg connectedMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil
	}
	if msg.err != nil {
		m.showError(fmt.Errorf("connecting to profile %q: %w", msg.profile.Name, msg.err))
		// The session stays where it was; what was in flight there (the
		// view, the token watch) went with the old generation: start again.
		if m.client == nil {
			return nil
		}
		return tea.Batch(m.reload(m.top()), watchToken(m.gen, m.client.Tokens().Watch(m.genCtx)))
	}
	m.profile, m.client = msg.profile, msg.client
	m.account, m.token, m.tokenSeen = "", api.TokenState{}, false
	m.closeOverlays() // what was opened while connecting belongs to the place left
	m.pane.Clear()
	m.inflight++ // the account's name
	cmds := []tea.Cmd{
		accountCmd(m.genCtx, m.client, m.gen, m.cat),
		watchToken(m.gen, m.client.Tokens().Watch(m.genCtx)),
	}
	if saved, ok := m.saved[place{msg.profile.Name, msg.account}]; ok {
		// Coming back: the view the user left, refreshed.
		m.stack = saved
		m.layout()
		for _, f := range m.stack {
			m.applyOps(f)
		}
		cmds = append(cmds, m.reload(m.top()))
	} else {
		d, ok := m.cat.Lookup(m.opts.StartKind)
		if !ok {
			d, _ = m.cat.Lookup("apps")
		}
		cmds = append(cmds, m.openRoot(d))
	}
	return tea.Batch(cmds...)
}

// closeOverlays closes whatever is open over the stack and forgets what it
// was about to act on. An open editor keeps its draft, offered when the
// entity is opened again.
func (m *Model) closeOverlays() {
	if m.editing != nil {
		m.closeEditor(false)
	}
	m.overlay, m.pending = nil, nil
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
		if m.allowed(p.Name) {
			names = append(names, p.Name)
		}
	}
	m.showError(fmt.Errorf("use: %q is neither a profile (%s) nor an account id", arg, strings.Join(names, ", ")))
	return nil
}

const switcherName = "accounts"

// openSwitcher lists every profile and, as they arrive, the accounts each
// credential can reach, with the credential's token state.
func (m *Model) openSwitcher() tea.Cmd {
	t := table.New(m.common, []table.Column{
		{Title: "PROFILE", Width: 16}, {Title: "ACCOUNT", Width: 10, Right: true},
		{Title: "NAME", Width: minFlex, Flex: 1}, {Title: "TOKEN", Width: 24}, {Title: "MODE", Width: 10},
	})
	t.SetEmptyText("No profiles.")
	m.show(t, switcherName, "accounts")
	m.switcherRows = map[string][]table.Row{}
	var cmds []tea.Cmd
	for _, p := range m.accts.Profiles() {
		if !m.allowed(p.Name) {
			continue
		}
		m.switcherRows[p.Name] = []table.Row{m.switcherRow(p, p.AccountID, "…", "…")}
		cmds = append(cmds, m.accountsCmd(p.Name))
	}
	m.refreshSwitcher()
	if m.client != nil {
		t.Restore(table.State{CursorID: rowKey(m.profile.Name, m.client.AccountID()), SortCol: -1})
	}
	return tea.Batch(cmds...)
}

func rowKey(profile string, account int64) string { return profile + "/" + itoa(account) }

func (m *Model) switcherRow(p accounts.Profile, account int64, name, token string) table.Row {
	mode := "read-write"
	if p.ReadOnly || m.opts.ReadOnly {
		mode = "read-only"
	}
	return table.Row{ID: rowKey(p.Name, account), Cells: []string{p.Name, itoa(account), name, token, mode}}
}

func (m *Model) accountsCmd(profile string) tea.Cmd {
	mgr, ctx, cat := m.accts, m.genCtx, m.cat
	return func() tea.Msg {
		c, err := mgr.Client(ctx, profile, 0)
		if err != nil {
			return accountsMsg{profile: profile, err: err}
		}
		d, _ := cat.Lookup("accounts")
		list, err := c.List(ctx, d, nil)
		// A failed list still reports the credential's token state.
		return accountsMsg{profile: profile, accounts: list, token: c.Tokens().State(), err: err}
	}
}

func (m *Model) onAccounts(msg accountsMsg) {
	p, ok := m.accts.Profile(msg.profile)
	if !ok || m.switcherRows == nil {
		return
	}
	if msg.err != nil && (m.overlay == nil || m.overlay.name != switcherName) {
		return // the switcher is closed: its rows, and their errors, no longer matter
	}
	if msg.err != nil {
		tok := ""
		if msg.token.Status != api.TokenNone {
			tok = msg.token.String()
		}
		m.switcherRows[msg.profile] = []table.Row{m.switcherRow(p, p.AccountID, "(unreachable: see the error)", tok)}
		m.showError(fmt.Errorf("profile %q: %w", msg.profile, msg.err))
	} else {
		rows := make([]table.Row, 0, len(msg.accounts))
		for _, a := range msg.accounts {
			id, _ := strconv.ParseInt(a.ID, 10, 64)
			rows = append(rows, m.switcherRow(p, id, a.Name, msg.token.String()))
		}
		m.switcherRows[msg.profile] = rows
	}
	m.refreshSwitcher()
}

// refreshSwitcher lays the switcher's rows out in profile order.
func (m *Model) refreshSwitcher() {
	if m.overlay == nil || m.overlay.name != switcherName {
		return
	}
	var rows []table.Row
	for _, p := range m.accts.Profiles() {
		rows = append(rows, m.switcherRows[p.Name]...)
	}
	m.overlay.comp.(*table.Model).SetRows(rows)
}

// onSwitcherAction switches to the chosen row.
func (m *Model) onSwitcherAction(msg table.ActionMsg) tea.Cmd {
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
	m.overlay = nil
	return m.connect(msg.Row.ID[:i], acct)
}
