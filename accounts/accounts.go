// Package accounts turns profiles into API clients. A Manager knows every
// profile a console may use — the profiles file, the MPARTICLE_* `env`
// profile, and the embedded sandbox when it runs — and hands out one
// *api.Client per (profile, account). Every client of one credential shares
// a single token refresher (an api.Registry), whichever account it works in
// and whichever session (local or SSH) uses it, so switching accounts or
// opening a second SSH session never fetches another token.
//
// Secrets are resolved the first time a profile's client is needed, not at
// start-up, so a password manager is only asked when the profile is used.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"sync"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/config"
)

// Profile is what the console shows of a profile. It holds no secret.
type Profile struct {
	Name      string
	Color     string
	ReadOnly  bool   // the profile is configured read-only
	Sandbox   bool   // it points at the embedded sandbox
	AccountID int64  // the account it opens on
	Host      string // API host, for the header
	ClientID  string
	// Refresh is how often the lists that refresh themselves do in this
	// profile (the profile's refresh); unset leaves each kind's default.
	Refresh config.Refresh
}

// Options configure a Manager.
type Options struct {
	File    *config.File    // nil: no profiles file
	Env     *config.Profile // the MPARTICLE_* profile, if set
	Getenv  func(string) string
	Sandbox Sandbox // the embedded sandbox, when it runs: adds the "sandbox" and "sandbox-viewer" profiles
	// CacheDir is the token cache directory; "" is the user cache dir.
	CacheDir string
	NoCache  bool
	Retry    api.RetryPolicy
	// Logger receives every client's debug log (api.Config.Logger); nil:
	// none.
	Logger *slog.Logger
}

// Sandbox is the embedded sandbox as the profiles need it: where it listens
// and the demo credentials of its two profiles. *sandbox.Server is one; the
// package does not depend on the sandbox itself.
type Sandbox interface {
	V1URL() string
	V2URL() string
	TokenURL() string
	AdminLogin() (clientID, secret string)  // the "sandbox" profile: every account
	ViewerLogin() (clientID, secret string) // the "sandbox-viewer" profile: read-only
	SeedAccount() int64                     // the account both profiles open on
}

// Sandbox profile names.
const (
	SandboxProfile = "sandbox"
	ViewerProfile  = "sandbox-viewer"
)

// Manager hands out clients. It is safe for concurrent use.
type Manager struct {
	opts     Options
	profiles map[string]*entry
	order    []string
	registry *api.Registry

	mu      sync.Mutex
	clients map[key]*api.Client
	making  map[key]*making // clients being made; a second caller waits for the first
	closed  bool
}

// making is a client being made: resolving a secret may run a command for
// a while, and the Manager's lock is not held meanwhile, so every other
// profile (and every other session) gets its clients without waiting.
type making struct {
	done chan struct{} // closed when c and err are set
	c    *api.Client
	err  error
}

type entry struct {
	info Profile
	cfg  *config.Profile // nil for sandbox profiles
	id   string
	sec  string // sandbox profiles only: the demo secret
}

type key struct {
	profile string
	account int64
}

// New builds a Manager. It makes no request and resolves no secret.
func New(o Options) *Manager {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	m := &Manager{opts: o, profiles: map[string]*entry{}, registry: api.NewRegistry(), clients: map[key]*api.Client{},
		making: map[key]*making{}}
	add := func(e *entry) {
		if _, dup := m.profiles[e.info.Name]; dup {
			return
		}
		m.profiles[e.info.Name] = e
		m.order = append(m.order, e.info.Name)
	}
	if o.Sandbox != nil {
		host, acct := hostOf(o.Sandbox.V1URL()), o.Sandbox.SeedAccount()
		id, sec := o.Sandbox.AdminLogin()
		add(&entry{info: Profile{Name: SandboxProfile, Sandbox: true, AccountID: acct, Host: host, ClientID: id}, id: id, sec: sec})
		id, sec = o.Sandbox.ViewerLogin()
		add(&entry{info: Profile{Name: ViewerProfile, Sandbox: true, ReadOnly: true, AccountID: acct, Host: host, ClientID: id}, id: id, sec: sec})
	}
	if o.Env != nil {
		add(fromConfig(o.Env))
	}
	if o.File != nil {
		for _, n := range o.File.ProfileNames() {
			add(fromConfig(o.File.Profiles[n]))
		}
	}
	return m
}

func fromConfig(p *config.Profile) *entry {
	v1, _, _, _ := p.Endpoints()
	return &entry{info: Profile{Name: p.Name, Color: p.Color, ReadOnly: p.ReadOnly, AccountID: p.AccountID,
		Host: hostOf(v1), ClientID: p.ClientID, Refresh: p.RefreshSetting()}, cfg: p, id: p.ClientID}
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Host
	}
	return u
}

// Profiles lists every profile, sandbox and env first, then the file's in
// name order.
func (m *Manager) Profiles() []Profile {
	out := make([]Profile, 0, len(m.order))
	for _, n := range m.order {
		out = append(out, m.profiles[n].info)
	}
	return out
}

// Profile returns one profile.
func (m *Manager) Profile(name string) (Profile, bool) {
	e, ok := m.profiles[name]
	if !ok {
		return Profile{}, false
	}
	return e.info, true
}

// Default is the profile a console opens on: the env profile, else the
// file's default (or only) profile, else the sandbox.
func (m *Manager) Default() (Profile, error) {
	if m.opts.Env != nil {
		return m.profiles[m.opts.Env.Name].info, nil
	}
	if f := m.opts.File; f != nil {
		if f.DefaultProfile != "" {
			return m.profiles[f.DefaultProfile].info, nil
		}
		if names := f.ProfileNames(); len(names) == 1 {
			return m.profiles[names[0]].info, nil
		} else if len(names) > 1 && m.opts.Sandbox == nil {
			return Profile{}, fmt.Errorf("%s has %d profiles and no default_profile: choose one with --profile (%v)", f.Path, len(names), names)
		}
	}
	if m.opts.Sandbox != nil {
		return m.profiles[SandboxProfile].info, nil
	}
	return Profile{}, errors.New("no profile: set MPARTICLE_CLIENT_ID, MPARTICLE_CLIENT_SECRET and MPARTICLE_ACCOUNT_ID, create a profiles file (mpconsole config init), or use --sandbox")
}

// ErrNoProfile is returned for a profile name that does not exist.
var ErrNoProfile = errors.New("no such profile")

// Client returns the client of a profile in an account (0: the profile's
// own account). Clients are made once and shared; while one is being made
// (its secret resolved), callers for it wait and every other caller goes
// on.
func (m *Manager) Client(ctx context.Context, profile string, account int64) (*api.Client, error) {
	e, ok := m.profiles[profile]
	if !ok {
		names := append([]string(nil), m.order...)
		sort.Strings(names)
		return nil, fmt.Errorf("%w %q (profiles: %v)", ErrNoProfile, profile, names)
	}
	if account == 0 {
		account = e.info.AccountID
	}
	k := key{profile, account}
	for {
		m.mu.Lock()
		if c, ok := m.clients[k]; ok {
			m.mu.Unlock()
			return c, nil
		}
		if mk, ok := m.making[k]; ok {
			m.mu.Unlock()
			select {
			case <-mk.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("profile %q: %w", profile, ctx.Err())
			}
			if mk.err != nil && errors.Is(mk.err, context.Canceled) && ctx.Err() == nil {
				continue // the caller that was making it gave up; this one has not
			}
			return mk.c, mk.err
		}
		mk := &making{done: make(chan struct{})}
		m.making[k] = mk
		m.mu.Unlock()

		c, err := m.newClient(ctx, e, account)
		m.mu.Lock()
		delete(m.making, k)
		switch {
		case err != nil:
		case m.closed:
			c.Close()
			c, err = nil, fmt.Errorf("profile %q: the console is shutting down", profile)
		default:
			m.clients[k] = c
		}
		m.mu.Unlock()
		mk.c, mk.err = c, err
		close(mk.done)
		return c, err
	}
}

// Made returns the client of a profile in an account (0: the profile's
// own account) when it is made already; it never makes one.
func (m *Manager) Made(profile string, account int64) (*api.Client, bool) {
	e, ok := m.profiles[profile]
	if !ok {
		return nil, false
	}
	if account == 0 {
		account = e.info.AccountID
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.clients[key{profile, account}]
	return c, ok
}

// sandboxOrgID is the embedded sandbox's one organization (its
// SeedOrgID), which role and task paths name.
const sandboxOrgID = 1

// newClient makes the client of profile e in an account, resolving the
// secret first. It holds no lock.
func (m *Manager) newClient(ctx context.Context, e *entry, account int64) (*api.Client, error) {
	cfg := api.Config{ClientID: e.id, AccountID: account, Registry: m.registry, CacheDir: m.opts.CacheDir,
		NoCache: m.opts.NoCache, Retry: m.opts.Retry, Logger: m.opts.Logger}
	if e.cfg != nil {
		secret, err := e.cfg.Secret(ctx, m.opts.Getenv)
		if err != nil {
			return nil, err
		}
		cfg.ClientSecret = secret
		cfg.V1BaseURL, cfg.V2BaseURL, cfg.TokenURL, cfg.Audience = e.cfg.Endpoints()
		cfg.OrgID = e.cfg.OrgID
	} else {
		s := m.opts.Sandbox
		cfg.ClientSecret = e.sec
		cfg.V1BaseURL, cfg.V2BaseURL, cfg.TokenURL = s.V1URL(), s.V2URL(), s.TokenURL()
		cfg.NoCache = true // a fresh sandbox issues fresh tokens; nothing worth keeping
		cfg.OrgID = sandboxOrgID
		cfg.Sandbox = true // it says who holds which custom role
	}
	c, err := api.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", e.info.Name, err)
	}
	return c, nil
}

// Close stops every refresher.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true // a client still being made is closed when it is ready
	for _, c := range m.clients {
		c.Close()
	}
	m.clients = map[key]*api.Client{}
	m.mu.Unlock()
	m.registry.Close()
}
