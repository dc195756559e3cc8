// Package ui is the console's root Bubble Tea model: the layout (header,
// body, error pane, status bar), the navigation stack, message routing and
// the account the session works in.
//
// # Design
//
// Every screen is a views.Component. The root owns a stack of frames, one
// per level the user drilled into (apps › My App › platforms); each frame
// holds a generic table over a catalogue kind, the parent reference it was
// opened under and the entities behind its rows. Overlays (inspector, help,
// error log, palette, dialogs) sit above the stack and take the keyboard
// while open; each overlay carries what to do with its result. Views never
// do HTTP: they send messages, and the root turns them into requests
// (request.go) whose one reply message carries its own continuation and
// the account generation that asked, so a late reply for an account the
// user left is dropped. The edit session (edits), the account switcher
// (switcher) and the error pane (errorPane) keep their own state and reach
// the root through host. docs/console.md walks through it.
//
// Key routing: the focused component first says whether it Consumes the
// key (a prompt being typed into, esc while a filter is applied); then the
// root's global bindings; then the component. The error pane never takes
// focus: the first esc dismisses it, whatever has the focus, and so does the
// next navigation.
package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/chrome"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/errview"
	"github.com/mpconsole/mpconsole/views/palette"
	"github.com/mpconsole/mpconsole/views/table"
	"github.com/mpconsole/mpconsole/views/tree"
)

// Options configure one console session.
type Options struct {
	// Accounts hands out the clients of every profile; the session starts
	// on Profile (default: the Manager's default) in Account (0: the
	// profile's own).
	Accounts *accounts.Manager
	Profile  string
	Account  int64
	// Allowed restricts the profiles this session may switch to (an SSH
	// key's rights); nil allows every profile.
	Allowed []string
	// ReadOnly refuses every write, whatever the profile says (--readonly,
	// or an SSH key's rights).
	ReadOnly bool
	// Remote is set for SSH sessions: no external editor.
	Remote bool
	// Owner names who drafts belong to on a shared host (an SSH key's
	// fingerprint); "" locally.
	Owner string
	// StateDir holds drafts and the journal; "" is the user state dir.
	StateDir string
	// StateTemporary says StateDir goes away when the session ends (the
	// embedded sandbox's own directory): quitting then keeps no draft.
	StateTemporary bool
	// Getenv reads $VISUAL and $EDITOR; default os.Getenv.
	Getenv func(string) string
	// ExecProcess runs the external editor, handing it the terminal;
	// default tea.ExecProcess. Tests run the process directly.
	ExecProcess func(*exec.Cmd, tea.ExecCallback) tea.Cmd
	Catalog     *api.Catalog // nil: api.DefaultCatalog()
	Keys        *keymap.KeyMap
	NoColor     bool
	// StartKind is the first screen's kind; default "apps".
	StartKind string
	// Context bounds every request of the session; cancelled when it ends.
	Context context.Context
	// Skins are the skins of the profiles (the profiles file's skin files),
	// by profile name; "" is the skin of a profile without one.
	Skins map[string]theme.Skin
	// Plugins bind keys in a kind's table to local commands (plugins.go);
	// NoPlugins refuses them (an SSH key without the plugins right).
	Plugins   []config.Plugin
	NoPlugins bool
	// NoMouse turns the mouse off (mouse = false in the profiles file):
	// the terminal keeps its own selection.
	NoMouse bool
	// Now is the clock (tests may fix it); default Clock's, else time.Now.
	Now func() time.Time
	// Clock runs the timers of live views (live.go); default the wall
	// clock. Tests pass a clock they move themselves.
	Clock api.Clock
}

// frame is one level of the navigation stack.
type frame struct {
	id     int
	kind   *api.Descriptor // nil for a chooser of child kinds
	parent api.Ref
	crumb  string
	// afterPick is the crumb once an entity was picked from this list,
	// when crumb asks for the pick ("apps — pick an app for its
	// platforms" reads "apps" once the app is picked).
	afterPick string
	table     *table.Model
	ents      *entities // what the table lists (entities.go); nil until rows arrive
	children  []string  // chooser frames: the kinds offered
	then      []string  // kinds to drill into next on enter (":feeds" opened from workspaces)
	pick      string    // the placeholder enter fills with the chosen entity's id (Descriptor.Pick)
	openID    string    // the entity to open when the rows arrive (":apps 3")
	live      *live     // its refreshes in the background (live.go); nil for a chooser
	// loaded: rows arrived at least once, so the status bar's row count
	// says something (a list that failed to load, or is loading for the
	// first time, has no count: not "0 rows").
	loaded bool
	// A load in progress: loadSeq tells its batches and reply from those
	// of an earlier one, cancel ends it. While the first load streams
	// (streaming) its rows are shown as they arrive; progress is how far
	// it got, and shown what the status bar says meanwhile (see
	// loadCounts). incomplete says why the rows shown are not the whole
	// list (the load was cancelled or failed midway).
	loadSeq    int
	cancel     context.CancelFunc
	streaming  bool
	progress   api.Progress
	shown      loadCounts
	incomplete string
	// tree, when set, is what the frame shows instead of its table: an
	// entity and what lies under it (tree.go).
	tree *treeView
}

// minFlex is a flexible (name) column's width before its rows arrive. Once
// they have, it is as wide as its longest name, and on a narrow terminal
// keeps up to 20 cells of it while the columns to its right give way
// (views/table's layout).
const minFlex = 20

// notConnected is what a view says when the session has no client yet.
const notConnected = "not connected: choose a profile that works with A or :use"

// noticeFor is how long a notice stays in the status bar.
const noticeFor = 4 * time.Second

// Model is the root model.
type Model struct {
	opts    Options
	ctx     context.Context
	cat     *api.Catalog
	accts   *accounts.Manager
	client  *api.Client      // nil until the first connection succeeds
	profile accounts.Profile // the profile the session works in
	account string           // the account's display name
	genCtx  context.Context  // cancelled when the account changes
	cancel  context.CancelFunc
	gen     int                    // the account generation: bumped by every switch
	saved   map[place][]*frame     // the last view of each account, for coming back
	views   map[place]*viewHistory // the views visited in each account (history_views.go)

	edits   *edits     // the editor, drafts, journal and history
	bulk    *bulk      // the marks and what is done to the marked rows (bulk.go)
	errs    *errorPane // the error pane and the error log
	stack   []*frame   // the navigation stack
	overlay *overlay   // drawn over the stack, owning the keyboard
	nextID  int        // the last frame id handed out

	inflight int                 // requests of this generation not answered yet
	retries  chan api.RetryEvent // retries of this session's requests, from the client
	retry    *api.RetryEvent     // the last one, shown until a request succeeds
	retryAt  time.Time

	tickID      int           // the newest scheduled tick
	tickPending bool          // a tick is scheduled
	tickRate    time.Duration // the pending tick's
	spin        int

	token     api.TokenState
	tokenSeen bool
	notice    string
	noticeAt  time.Time
	// The view the notice was made in: the frame in front and the overlay
	// over it (nil for none). It shows only while that view is in front;
	// opening another (a frame, an overlay) drops it.
	noticeView  int
	noticeLayer *overlay

	// A key typed while the terminal is below the minimum size is ignored;
	// the too-small screen says so (smallHint) for a while.
	smallHint string
	smallAt   time.Time

	click lastClick // the row clicked last (mouse.go)
	lives lives     // the timer of the live view in front (live.go)

	styles        *theme.Styles
	dark          bool // the terminal's background is dark (assumed until it says)
	keys          *keymap.KeyMap
	common        views.Common
	width, height int
}

// New builds the root model.
func New(o Options) *Model {
	if o.Catalog == nil {
		o.Catalog = api.DefaultCatalog()
	}
	if o.Keys == nil {
		km := keymap.Default()
		o.Keys = &km
	}
	if o.StartKind == "" {
		o.StartKind = "apps"
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Clock == nil {
		o.Clock = api.SystemClock()
	}
	if o.Now == nil {
		o.Now = o.Clock.Now
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.ExecProcess == nil {
		o.ExecProcess = tea.ExecProcess
	}
	m := &Model{opts: o, ctx: o.Context, cat: o.Catalog, accts: o.Accounts, keys: o.Keys, saved: map[place][]*frame{}, views: map[place]*viewHistory{}}
	m.retries = make(chan api.RetryEvent, 8)
	m.genCtx, m.cancel = context.WithCancel(api.WithRetryObserver(m.ctx, m.observeRetry))
	m.styles, m.dark = &theme.Styles{}, true
	m.restyle()
	m.common = views.NewCommon(m.styles, m.keys)
	m.errs = newErrorPane(m.common, o.Now)
	m.edits = newEdits(m, m.common, &m.opts, m.cat)
	m.bulk = newBulk(m, m.common, m.edits)
	m.width, m.height = 80, 24
	m.lives.clock = o.Clock
	return m
}

// Init connects to the starting profile and account, and asks for the
// terminal's background colour.
func (m *Model) Init() tea.Cmd {
	name := m.opts.Profile
	if name == "" {
		p, err := m.accts.Default()
		if err != nil {
			return views.ErrorCmd(err)
		}
		name = p.Name
	}
	m.profile, _ = m.accts.Profile(name)
	return tea.Batch(m.connect(name, m.opts.Account), tea.RequestBackgroundColor, m.watchRetries())
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (m *Model) top() *frame {
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

// Update routes messages, then makes sure the screen ticks at the rate it
// needs (see schedule) and the view in front refreshes itself if it does
// (syncLive).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
	if _, batch := msg.(listBatch); !batch {
		if f := m.top(); f != nil && f.streaming && f.loaded {
			f.shown = f.counts()
		}
	}
	live := m.syncLive()
	if _, ok := msg.(tickMsg); ok {
		return m, tea.Batch(cmd, live)
	}
	return m, tea.Batch(cmd, m.schedule(), live)
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.restyle()
		return m, nil
	case tea.KeyPressMsg:
		if chrome.TooSmall(m.width, m.height) {
			return m, m.keyWhileSmall(msg)
		}
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		return m, m.onMouse(msg)
	case tea.PasteMsg:
		if chrome.TooSmall(m.width, m.height) {
			m.ignoredWhileSmall()
			return m, nil
		}
	case listBatch:
		return m, m.onBatch(msg)
	case markedRead:
		return m, m.onMarkedRead(msg)
	case liveTick:
		return m, m.onLiveTick(msg)
	case fadeMsg:
		m.onFade(msg)
		return m, nil
	case replyMsg:
		return m, m.onReply(msg)
	case tree.ActionMsg:
		return m, m.onTreeAction(msg)
	case pluginDone:
		return m, m.onPluginDone(msg)
	case tokenMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.token, m.tokenSeen = msg.state, true
		return m, watchToken(msg.gen, msg.ch)
	case retryMsg:
		ev := msg.ev
		m.retry, m.retryAt = &ev, m.opts.Now()
		return m, m.watchRetries()
	case tickMsg:
		if msg.id != m.tickID {
			return m, nil // superseded by a tick at another rate
		}
		m.tickPending = false
		m.spin++
		return m, m.schedule()
	case views.ErrorMsg:
		m.fail(msg.Err)
		return m, nil
	case views.NoticeMsg:
		m.setNotice(msg.Text)
		return m, nil
	case table.ActionMsg:
		if o := m.overlay; o != nil {
			if o.onAction == nil {
				return m, nil
			}
			return m, o.onAction(msg)
		}
		return m, m.onTableAction(msg)
	case confirm.ResultMsg:
		if o := m.overlay; o != nil && o.onResult != nil {
			return m, o.onResult(msg)
		}
		return m, nil // the question was closed before its answer came
	case palette.SubmitMsg:
		return m, m.onPalette(msg)
	case palette.CancelMsg:
		m.closeFront()
		return m, nil
	}
	if cmd, ok := m.bulk.update(msg); ok {
		return m, cmd
	}
	if cmd, ok := m.edits.update(msg); ok {
		return m, cmd
	}
	return m, m.forward(msg)
}

// forward gives a message to the focused component.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	if m.overlay != nil {
		_, cmd := m.overlay.comp.Update(msg)
		return cmd
	}
	if f := m.top(); f != nil {
		_, cmd := f.comp().Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) focused() views.Component {
	if m.overlay != nil {
		return m.overlay.comp
	}
	if f := m.top(); f != nil {
		return f.comp()
	}
	return nil
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	g := m.keys.Global
	if key.Matches(msg, g.Interrupt) {
		return m.quitKey(msg)
	}
	if m.stopKey(msg) { // esc while a bulk delete runs: stop it first
		return nil
	}
	// esc closes the newest thing on screen: the error pane when it came up
	// over the view in front (the editor's failed save, a failed reload
	// under a filter), before that view sees the key; an overlay opened
	// since (a dialog over an older error) first. The pane offers esc
	// only when it is the pane's (see render).
	if key.Matches(msg, g.Back) && m.escDismissesPane() && m.errs.clear() {
		m.layout()
		return nil
	}
	if c := m.focused(); c != nil && c.Consumes(msg) {
		return m.forward(msg)
	}
	if o := m.overlay; o != nil && o.intercept != nil {
		if cmd, ok := o.intercept(msg); ok {
			return cmd
		}
	}
	switch {
	case key.Matches(msg, g.Back):
		switch {
		case m.overlay != nil:
			m.closeFront()
		case m.top() != nil && m.top().streaming && m.top().cancel != nil:
			m.cancelLoad(m.top())
		case len(m.stack) > 1:
			return m.pop()
		}
		return nil
	case key.Matches(msg, g.Quit):
		return m.quitKey(msg)
	case key.Matches(msg, g.Help):
		m.openHelp()
		return nil
	case key.Matches(msg, g.ErrorLog):
		m.openErrorLog()
		return nil
	case key.Matches(msg, g.Palette):
		return m.openPalette()
	case key.Matches(msg, g.Accounts):
		return m.openSwitcher()
	case key.Matches(msg, g.Refresh):
		if m.overlay == nil {
			return m.load(m.top())
		}
	}
	if cmd, ok := m.listKey(msg); ok {
		return cmd
	}
	if why := m.unsupported(msg); why != "" {
		m.setNotice(why)
		return nil
	}
	return m.forward(msg)
}

// escDismissesPane reports whether esc goes to the error pane first: it
// came up over the overlay in front, or no overlay is open.
func (m *Model) escDismissesPane() bool {
	return m.errs.active() && (m.overlay == nil || m.errs.over == m.overlay)
}

// unsupported says why a write key does nothing on the table in front (the
// kind has no such operation), rather than ignoring the key silently.
func (m *Model) unsupported(msg tea.KeyPressMsg) string {
	f := m.top()
	if m.overlay != nil {
		return m.notInOverlay(msg)
	}
	if f == nil {
		return ""
	}
	if f.tree != nil {
		return m.notInTree(msg)
	}
	what := "this list"
	var ops api.Op
	actions := false
	if f.kind != nil {
		what, ops, actions = strings.ToLower(f.kind.Title), f.kind.Ops, len(f.kind.Actions) > 0
	}
	t := m.keys.Table
	switch {
	case key.Matches(msg, t.Edit) && !ops.Has(api.OpUpdate) && f.kind != nil && f.kind.HoldsRoles:
		return what + " cannot be edited: the API has no update for them; custom roles are assigned in the dashboard"
	case key.Matches(msg, t.Edit) && !ops.Has(api.OpUpdate):
		return what + " cannot be edited: the API has no update for them"
	case key.Matches(msg, t.Create) && !ops.Has(api.OpCreate):
		return what + " cannot be created: the API has no create for them"
	case key.Matches(msg, t.Delete) && !ops.Has(api.OpDelete):
		return what + " cannot be deleted: the API has no delete for them"
	case key.Matches(msg, t.Actions) && !actions:
		return what + " have no other operations"
	case key.Matches(msg, t.Tree):
		return m.noTree(f)
	}
	return ""
}

// layout sizes every component for the current window.
func (m *Model) layout() {
	m.errs.pane.SetSize(m.width, m.height/3)
	w, h := m.bodySize()
	for _, f := range m.stack {
		f.comp().SetSize(w, h)
	}
	if m.overlay != nil {
		m.overlay.comp.SetSize(w, h)
	}
}

// kindColumns are the table columns of kind d.
func kindColumns(d *api.Descriptor) []table.Column {
	cols := make([]table.Column, len(d.Columns))
	for i, c := range d.Columns {
		cols[i] = table.Column{Title: c.Title, Width: c.Width}
		if c.Width == 0 { // the name: shown always, and first to get the room left
			cols[i].Width, cols[i].Flex = minFlex, 1
		}
	}
	return cols
}

// newFrame makes a table frame for kind d under parent.
func (m *Model) newFrame(d *api.Descriptor, parent api.Ref, crumb string) *frame {
	m.nextID++
	t := table.New(m.common, kindColumns(d))
	t.SetEmptyText(emptyText(d))
	f := &frame{id: m.nextID, kind: d, parent: parent.Clone(), crumb: crumb, table: t}
	f.live = m.newLive(f.id, d, func() tea.Cmd { return m.load(f) }, func() bool { return f.cancel != nil })
	m.applyOps(f)
	w, h := m.bodySize()
	t.SetSize(w, h)
	return f
}

// openRoot replaces the stack with kind d. When d needs parents the session
// does not have (":feeds" needs a workspace), the stack opens on the parent
// kind and enter drills straight into d.
func (m *Model) openRoot(d *api.Descriptor) tea.Cmd {
	chain := []*api.Descriptor{d}
	for {
		missing := false
		for _, need := range chain[0].Needs() {
			if need != "" {
				missing = true
			}
		}
		if !missing || chain[0].Parent == "" {
			break
		}
		p, ok := m.cat.Lookup(chain[0].Parent)
		if !ok {
			break
		}
		chain = append([]*api.Descriptor{p}, chain...)
	}
	m.setStack(nil)
	m.errs.clear()
	f := m.newFrame(chain[0], nil, rootCrumb(chain))
	if len(chain) > 1 {
		f.afterPick = chain[0].Name
	}
	for _, c := range chain[1:] {
		f.then = append(f.then, c.Name)
	}
	m.stack = append(m.stack, f)
	m.enteredView()
	return m.load(f)
}

// push opens kind d under parent as a new level.
//
// A kind that needs a value no parent gives (output configurations need a
// module) opens, first, the list it is picked from (Descriptor.Pick): enter
// there fills the value and goes on to the kind.
func (m *Model) push(d *api.Descriptor, parent api.Ref, crumb string, then []string) tea.Cmd {
	for _, need := range d.Needs() {
		from, ok := d.Pick[need]
		if parent[need] != "" || !ok {
			continue
		}
		if pd, ok := m.cat.Lookup(from); ok {
			f := m.newFrame(pd, parent, crumb+" › choose a "+need)
			f.then, f.pick = append([]string{d.Name}, then...), need
			// crumb is "ENTITY › KIND" (or "KIND"): once picked, the
			// list reads as what it is, "ENTITY › services".
			f.afterPick = strings.TrimSuffix(crumb, d.Name) + pd.Name
			m.stack = append(m.stack, f)
			m.errs.clear()
			m.layout()
			m.enteredView()
			return m.load(f)
		}
	}
	f := m.newFrame(d, parent, crumb)
	f.then = then
	m.stack = append(m.stack, f)
	m.errs.clear()
	m.layout()
	m.enteredView()
	return m.load(f)
}

// setStack makes stack the frames shown. A frame it leaves out stops its
// load, whose batches would find no frame to go to (one kept in the view
// history loads again when it is shown).
func (m *Model) setStack(stack []*frame) {
	for _, f := range m.stack {
		if f.cancel != nil && !slices.Contains(stack, f) {
			f.cancel()
			f.cancel = nil
		}
	}
	m.stack = stack
}

// pop goes back one level; the table below keeps its cursor, filter and
// sort (it was never destroyed) and is refreshed in the background, so a
// write made further down (a platform created under an app) shows in it.
func (m *Model) pop() tea.Cmd {
	if len(m.stack) <= 1 {
		return nil
	}
	m.setStack(m.stack[:len(m.stack)-1])
	m.errs.clear()
	m.layout()
	m.enteredView()
	if f := m.top(); f != nil && f.streaming && f.cancel != nil {
		return nil // its first load goes on: what it brings is as new as a refresh
	}
	return m.load(m.top())
}

// load fetches the rows of frame f. With no connection there is nothing
// to ask (and nothing would ever answer, so nothing is marked in flight).
// The first load streams: batches of rows are shown as they arrive (see
// listBatch). A frame that has rows is refreshed in the background, its
// rows replaced only once the whole list is there (listed).
func (m *Model) load(f *frame) tea.Cmd {
	if f != nil && f.tree != nil {
		return m.refreshTree(f)
	}
	if f == nil || f.kind == nil {
		return nil
	}
	if m.client == nil {
		m.setNotice(notConnected)
		return nil
	}
	if f.cancel != nil {
		f.cancel()
	}
	if f.streaming {
		// A first load that still streams (ctrl+r, a live view's interval)
		// or was stopped when its frame left the stack: it ends here, and
		// its rows, if any came, stay marked incomplete until the whole
		// list below replaces them. Its reply is another load's now and
		// is dropped (loadSeq).
		f.streaming = false
		if f.loaded {
			f.incomplete = "cancelled"
		}
	}
	ctx, cancel := context.WithCancel(m.genCtx)
	f.loadSeq++
	seq, kind, parent := f.loadSeq, f.kind, f.parent
	f.cancel = cancel
	f.table.SetLoading(true)
	if f.loaded {
		base, quiet := f.table.MergeBase(), f.live != nil && f.live.quiet
		return request(m, ask[listedRows]{
			view: f.id, what: "list", origin: loadOrigin(f),
			do: func(_ context.Context, c *api.Client) (listedRows, error) {
				items, err := c.List(ctx, kind, parent)
				if err != nil {
					return listedRows{}, err
				}
				// Rows, their entities packed, and how they merge into
				// those shown are made here, off the UI thread.
				rows := batchRows(items, 0)
				ents := newEntities(items, rows)
				return listedRows{ents: ents, plan: base.Plan(rows)}, nil
			},
			then: func(l listedRows, err error) tea.Cmd {
				if f.loadSeq != seq {
					return nil
				}
				f.cancel = nil
				return m.listed(f, l, err, quiet)
			},
		})
	}
	f.streaming, f.progress, f.shown, f.incomplete = true, api.Progress{}, loadCounts{}, ""
	ch := make(chan listBatch, 1)
	drained := make(chan struct{})
	watch := watchList(listBatch{view: f.id, gen: m.gen, seq: seq, ch: ch, drained: drained})
	req := request(m, ask[struct{}]{
		view: f.id, what: "list", origin: loadOrigin(f),
		do: func(_ context.Context, c *api.Client) (struct{}, error) {
			// The splitter hands its batches to a goroutine of their own,
			// which makes their rows and packs them: the two run side by
			// side rather than one after the other. Update only appends.
			work := make(chan listedBatch, 2)
			made := make(chan struct{})
			go func() {
				defer close(made)
				makeBatches(ctx, work, ch)
			}()
			err := c.ListStream(ctx, kind, parent, func(b []api.Entity, p api.Progress) error {
				select {
				case work <- listedBatch{b, p}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			close(work)
			<-made
			// The reply goes out once every batch sent was shown (the
			// watcher closes drained when it finds ch closed), so that it
			// never overtakes one.
			close(ch)
			select {
			case <-drained:
			case <-ctx.Done():
			}
			if err == nil {
				// Cancelled once the answer was read but before its last
				// batches were shown: they were dropped, the list is not
				// whole.
				err = ctx.Err()
			}
			return struct{}{}, err
		},
		then: func(_ struct{}, err error) tea.Cmd { return m.streamed(f, seq, err) },
	})
	return tea.Batch(req, watch)
}

// listedBatch is a batch of entities as ListStream gives them.
type listedBatch struct {
	items    []api.Entity
	progress api.Progress
}

// makeBatches makes the rows of the batches of a streamed load as they
// come on work, packs their entities, makes room for the rows the load
// expects once it can tell, and sends each on ch, in order, until work
// is closed or ctx is done.
func makeBatches(ctx context.Context, work <-chan listedBatch, ch chan<- listBatch) {
	n, roomed := 0, false
	for w := range work {
		rows := batchRows(w.items, n)
		packed := packBatch(w.items, rows)
		n += len(w.items)
		var room *loadRoom
		if !roomed {
			room = newLoadRoom(packed.expected(w.progress.Total), rows)
			roomed = room != nil
		}
		select {
		case ch <- listBatch{packed: packed, rows: rows, progress: w.progress, room: room}:
		case <-ctx.Done():
			return
		}
	}
}

// batchRows makes the table rows of a batch of a list, the batch's first
// entity being the list's n-th: without cells (the table draws those on
// screen from the frame's entities), their search key and Sum made here.
func batchRows(b []api.Entity, n int) []table.Row {
	rows := make([]table.Row, len(b))
	for i, e := range b {
		cells, key := e.RowKey()
		rows[i] = table.Row{ID: rowID(e, n+i), Key: key, Sum: table.SumCells(cells)}
	}
	return rows
}

// listBatch is a batch of a streamed first load, for frame view.
type listBatch struct {
	view, gen, seq int
	packed         packedBatch
	rows           []table.Row
	progress       api.Progress
	room           *loadRoom // made once the load can tell how many rows come
	ch             chan listBatch
	drained        chan struct{}
}

func (b listBatch) String() string { return "list:batch" }

// watchList waits for the next batch of a streamed load (t says whose).
func watchList(t listBatch) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-t.ch
		if !ok {
			close(t.drained)
			return nil
		}
		b.view, b.gen, b.seq, b.ch, b.drained = t.view, t.gen, t.seq, t.ch, t.drained
		return b
	}
}

// onBatch shows a batch of rows under those already shown, when its load
// is still the frame's; a late batch (a frame left, an account switched,
// a load cancelled or started anew) is dropped and its watcher ends. A
// cancelled load is still streaming until its reply comes, but shows no
// batch after esc: f.cancel is gone then.
func (m *Model) onBatch(b listBatch) tea.Cmd {
	f := m.frameByID(b.view)
	if f == nil || b.gen != m.gen || f.loadSeq != b.seq || !f.streaming || f.cancel == nil {
		return nil
	}
	f.progress = b.progress
	if !f.loaded {
		f.setEntities(&entities{})
		f.table.SetEmptyText(emptyText(f.kind))
		f.table.SetRows(b.rows)
		f.table.SetLoading(true)
		f.loaded = true
		f.shown = f.counts()
	} else {
		f.table.AppendRows(b.rows)
	}
	f.ents.add(b.packed)
	if b.room != nil {
		f.table.Reserve(b.room.table)
		f.ents.adopt(b.room.at)
	}
	return watchList(b)
}

// loadCounts is what the status bar says of a load that streams in: how
// far it got, and the rows it shows (the filter's) of those that came. It
// is taken from the frame with the first batch and then after every
// message but a batch: the spinner's ticks (8 a second while loading),
// keys, replies. A batch alone changes the frame only where its rows show
// on screen, so Bubble Tea's renderer, which redraws a frame that changed
// at each of its 60 ticks a second, redraws a long load's frames about 8
// times a second.
type loadCounts struct {
	progress    api.Progress
	rows, total int
}

func (f *frame) counts() loadCounts {
	return loadCounts{progress: f.progress, rows: f.table.Len(), total: f.table.Total()}
}

// streamed ends a streamed load: the rows shown stay; an error (or a
// cancel) marks them incomplete.
func (m *Model) streamed(f *frame, seq int, err error) tea.Cmd {
	if m.frameByID(f.id) != f || f.loadSeq != seq {
		return nil
	}
	cancelled := f.cancel == nil // cancelLoad let go of it
	f.streaming, f.cancel = false, nil
	f.table.SetLoading(false)
	m.retry = nil
	m.liveRead(f.live, err, false)
	switch {
	case err != nil && cancelled:
		f.incomplete = "cancelled"
	case err != nil:
		m.fail(err)
		if f.loaded {
			f.incomplete = "failed"
		} else {
			f.table.SetEmptyText(m.loadFailedText(f.kind, err))
		}
		return nil
	case !f.loaded:
		f.table.SetEmptyText(emptyText(f.kind))
		f.table.SetRows(nil)
		f.setEntities(&entities{})
		f.loaded = true
	}
	if f.openID != "" { // the row asked for may have come in a later batch
		f.table.SetCursorID(f.openID)
	}
	return tea.Batch(m.openPending(f), f.ents.release())
}

// cancelLoad ends the streamed load of frame f (esc while it loads): the
// rows already shown stay, marked incomplete.
func (m *Model) cancelLoad(f *frame) {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
}

// setEntities makes s what frame f lists, and its table's cells.
func (f *frame) setEntities(s *entities) {
	f.ents = s
	f.table.SetCellSource(s.cells)
}

func (m *Model) frameByID(id int) *frame {
	for _, f := range m.stack {
		if f.id == id {
			return f
		}
	}
	return nil
}

// listedRows is a whole list, packed, and its table rows merged into those
// shown, made in the request's goroutine.
type listedRows struct {
	ents *entities        // the list's entities, the rows' in their order
	plan *table.MergePlan // the rows merged into those shown when the list was asked for
}

// listed shows the rows of frame f, if it is still on the stack. A
// refresh the timer started (quiet) puts no failure in the error pane:
// the status bar says the refreshes are paused (liveRead).
func (m *Model) listed(f *frame, l listedRows, err error, quiet bool) tea.Cmd {
	if m.frameByID(f.id) != f {
		return nil
	}
	f.table.SetLoading(false)
	m.retry = nil
	m.liveRead(f.live, err, quiet)
	if err != nil {
		if !quiet {
			m.fail(err)
		}
		f.table.SetEmptyText(m.loadFailedText(f.kind, err))
		return nil
	}
	f.table.SetEmptyText(emptyText(f.kind))
	f.loaded = true
	f.incomplete = "" // the whole list is there now
	f.setEntities(l.ents)
	// The rows are merged: the cursor stays on its entity, the rows that
	// changed are highlighted for a moment.
	f.table.ApplyMerge(l.plan)
	return tea.Batch(m.merged(f), m.openPending(f), f.ents.release())
}

// rowID is the entity's id, or its position when the kind has none.
func rowID(e api.Entity, i int) string {
	if e.ID != "" {
		return e.ID
	}
	return "#" + strconv.Itoa(i)
}

// onTableAction acts on a row of the table in front.
func (m *Model) onTableAction(msg table.ActionMsg) tea.Cmd {
	f := m.top()
	if f == nil {
		return nil
	}
	if f.kind == nil { // a chooser of child kinds
		if msg.Action != table.Open {
			return nil
		}
		d, ok := m.cat.Lookup(msg.Row.ID)
		if !ok {
			return nil
		}
		return m.push(d, f.parent, d.Name, nil)
	}
	e, ok := f.ents.get(msg.Row.ID)
	switch msg.Action {
	case table.Open:
		if !ok {
			return nil
		}
		return m.open(f, e)
	case table.Inspect:
		if !ok {
			return nil
		}
		return m.inspect(f, e)
	case table.Create, table.Edit, table.Delete:
		if m.readOnly() {
			m.setNotice(readOnlyNotice)
			return nil
		}
		if cmd, marked := m.onMarked(f, msg.Action); marked {
			return cmd
		}
		switch {
		case msg.Action == table.Delete && ok:
			return m.confirmDelete(f, e)
		case msg.Action == table.Edit && ok:
			return m.editAsRead(f, e)
		case msg.Action == table.Create:
			m.edits.edit(f.id, f.kind, f.parent, nil)
		}
	case table.Actions:
		if ok {
			return m.openActions(f, e)
		}
	case table.Tree:
		if ok {
			return m.openTree(f, e)
		}
	}
	return nil
}

// open drills into an entity's children, or inspects a leaf.
func (m *Model) open(f *frame, e api.Entity) tea.Cmd {
	if f.afterPick != "" && len(f.then) > 0 { // the pick is made: the crumb's question is answered
		f.crumb, f.afterPick = f.afterPick, ""
	}
	if f.pick != "" && len(f.then) > 0 {
		d, ok := m.cat.Lookup(f.then[0])
		if !ok {
			return nil
		}
		return m.push(d, f.parent.With(f.pick, e.ID), e.ID+" › "+d.Name, slices.Clone(f.then[1:]))
	}
	children := f.kind.Children
	if len(f.then) > 0 {
		children = f.then[:1]
	}
	crumb := e.Name
	if crumb == "" {
		crumb = e.ID
	}
	switch len(children) {
	case 0:
		return m.inspect(f, e)
	case 1:
		d, ok := m.cat.Lookup(children[0])
		if !ok {
			return m.inspect(f, e)
		}
		var then []string
		if len(f.then) > 1 {
			then = slices.Clone(f.then[1:])
		}
		return m.push(d, e.Ref(), crumb+" › "+d.Name, then)
	}
	// Several kinds live under this entity: offer them.
	m.nextID++
	t := table.New(m.common, []table.Column{{Title: "KIND", Width: 24}, {Title: "WHAT", Flex: 1}})
	rows := make([]table.Row, 0, len(children))
	for _, c := range children {
		if d, ok := m.cat.Lookup(c); ok {
			rows = append(rows, table.Row{ID: d.Name, Cells: []string{d.Title, d.Help}})
		}
	}
	t.SetRows(rows)
	w, h := m.bodySize()
	t.SetSize(w, h)
	m.stack = append(m.stack, &frame{id: m.nextID, parent: e.Ref(), crumb: crumb, table: t, children: children, loaded: true})
	m.errs.clear()
	m.layout()
	m.enteredView()
	return nil
}

// emptyText is what a table of kind d says when it has no rows.
func emptyText(d *api.Descriptor) string { return "No " + strings.ToLower(d.Title) + "." }

// loadFailedText is what a table of kind d says, instead of emptyText,
// when loading it failed.
func (m *Model) loadFailedText(d *api.Descriptor, err error) string {
	why := errview.Describe(err).Title
	if r := []rune(why); len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		why = string(unicode.ToLower(r[0])) + string(r[1:])
	}
	return fmt.Sprintf("couldn't load %s: %s — %s to retry", strings.ToLower(d.Title), why, m.keys.Global.Refresh.Help().Key)
}

// viewID is the frame in front, 0 when there is none.
func (m *Model) viewID() int {
	if f := m.top(); f != nil {
		return f.id
	}
	return 0
}

// enteredView is called when the view in front changes (a frame pushed or
// popped, an overlay opened): a notice made in another view no longer
// describes what is on screen. Closing an overlay needs no call:
// noticeShowing shows a notice only in the view that made it.
func (m *Model) enteredView() {
	m.visitView()
	m.bulk.follow(m.frontTable())
	if m.notice != "" && (m.noticeView != m.viewID() || m.noticeLayer != m.overlay) {
		m.notice = ""
	}
}

// keyWhileSmall handles a key while the terminal is below the minimum
// size: nothing the user cannot see acts, so only quit does (and asks, as
// it would on a full screen, when that would lose something).
func (m *Model) keyWhileSmall(msg tea.KeyPressMsg) tea.Cmd {
	g := m.keys.Global
	quit := key.Matches(msg, g.Interrupt)
	if key.Matches(msg, g.Quit) {
		c := m.focused()
		quit = c == nil || !c.Consumes(msg) // q typed into a prompt is text, not quit
	}
	if !quit {
		m.ignoredWhileSmall()
		return nil
	}
	before := m.overlay
	cmd := m.quitKey(msg)
	if m.overlay != before { // a question opened instead of quitting
		m.smallHint, m.smallAt = "a question is waiting: enlarge the window to answer it", m.opts.Now()
	}
	return cmd
}

// ignoredWhileSmall says, on the too-small screen, that a key was ignored.
func (m *Model) ignoredWhileSmall() {
	m.smallHint = fmt.Sprintf("window too small: keys are ignored until it is at least %d×%d (%s quits)",
		chrome.MinWidth, chrome.MinHeight, m.keys.Global.Quit.Help().Key)
	m.smallAt = m.opts.Now()
}

// smallHintShowing reports whether the too-small screen shows its hint.
func (m *Model) smallHintShowing() bool {
	return m.smallHint != "" && chrome.TooSmall(m.width, m.height) && m.opts.Now().Sub(m.smallAt) < noticeFor
}

// quitKey quits, asking first when that would lose an edit's changes (kept
// as a draft) or a secret shown once and not copied (the secret screen's
// intercept asks).
func (m *Model) quitKey(msg tea.KeyPressMsg) tea.Cmd {
	if o := m.overlay; o != nil && o.intercept != nil {
		if cmd, ok := o.intercept(msg); ok {
			return cmd
		}
	}
	if key.Matches(msg, m.keys.Global.Interrupt) {
		if cmd, ok := m.bulk.quit(); ok {
			return cmd
		}
		return m.edits.quit()
	}
	return tea.Quit
}

// editAsRead opens the editor on e as a read of it answers now, not as
// the list gave it: a list may carry fewer fields than a read (a feed's
// list has its id, name and date only), and an edit of the list's entity
// would find a change nobody made when it is saved, and send a body
// without the fields the list left out. A kind with no read is edited as
// listed. The editor opens when the answer comes, if the user is still on
// that list.
func (m *Model) editAsRead(f *frame, e api.Entity) tea.Cmd {
	if !readable(e) {
		m.edits.edit(f.id, f.kind, f.parent, &e)
		return nil
	}
	return m.read(f, e, func(got api.Entity, err error) tea.Cmd {
		if m.top() != f || m.overlay != nil {
			return nil
		}
		if err != nil {
			m.fail(fmt.Errorf("reading %s %s to edit it: %w", e.Kind.Singular, e.ID, err))
			return nil
		}
		m.edits.edit(f.id, f.kind, f.parent, &got)
		return nil
	})
}
