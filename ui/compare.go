package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/promote"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/errview"
	"github.com/mpconsole/mpconsole/views/inspector"
	"github.com/mpconsole/mpconsole/views/table"
	"github.com/mpconsole/mpconsole/views/text"
)

// states are the comparison's row states, in the order the header counts
// them.
var states = []promote.Status{promote.Same, promote.Differs, promote.SourceOnly, promote.TargetOnly}

// there is the other side of a comparison: a profile and an account of
// its credential.
type there struct {
	profile accounts.Profile
	account int64 // 0 until resolved: the profile's own
}

func (t there) String() string { return t.profile.Name + "/" + itoa(t.account) }

// comparison is one ":diff TARGET": the account the session works in
// (here, the source) against another account (there, the target), over
// the kind of the list in front under the same parent — matched by natural
// key on the other side — or over one inspected entity. The session does
// not switch account: the target's client comes from the accounts manager.
// It talks to the root only through host.
type comparison struct {
	h       host
	common  views.Common
	keys    *keymap.KeyMap
	opts    *Options
	accts   *accounts.Manager
	cat     *api.Catalog
	journal *state.Journal

	kind   *api.Descriptor
	parent api.Ref     // the list's parent, in the source account
	entity *api.Entity // set: only this entity is compared
	here   place
	there  there

	// What the last load read.
	source, target *promote.Snapshot
	client         *api.Client // the target's
	thereName      string      // the target account's name ("" when unknown)
	under          string      // the natural key of the list's parent ("Acme Shop")
	underMissing   string      // the parent's kind, singular, when the other side has no such parent
	rows           []promote.Difference

	view   *compareView
	layer  *overlay   // the comparison
	layers []*overlay // every overlay it opened (diff, plan, questions)
}

// compareKinds are the kinds read for a comparison of kind: a kind whose
// create carries its children (promote.Carries: an app its platforms)
// is read with them.
func compareKinds(kind string) []string {
	if c := promote.Carries(kind); c != "" {
		return []string{kind, c}
	}
	return []string{kind}
}

// openDiff runs ":diff TARGET" on the list in front or, when the palette
// was opened over the inspector (under), on the inspected entity.
func (m *Model) openDiff(arg string, under *overlay) tea.Cmd {
	if m.client == nil {
		m.setNotice(notConnected)
		return nil
	}
	t, err := m.diffTarget(arg)
	if err != nil {
		m.fail(err)
		return nil
	}
	c := &comparison{h: m, common: m.common, keys: m.keys, opts: &m.opts, accts: m.accts, cat: m.cat, journal: m.edits.journal, here: m.here(), there: t}
	switch f := m.top(); {
	case under != nil && under.inspected != nil && under.inspected.Kind != nil:
		e := *under.inspected
		c.kind, c.parent, c.entity = e.Kind, e.Parents.Clone(), &e
	case f != nil && f.kind != nil:
		c.kind, c.parent = f.kind, f.parent.Clone()
	default:
		m.setNotice("diff compares a list or an inspected entity: open one first")
		return nil
	}
	if !slices.Contains(promote.Kinds(), c.kind.Name) {
		m.setNotice(fmt.Sprintf("%s are not compared across accounts (kinds: %s)", c.kind.Name, strings.Join(promote.Kinds(), ", ")))
		return nil
	}
	return c.open()
}

// diffTarget reads ":diff"'s argument: an account id of the session's
// profile, a profile (its own account) or PROFILE/ACCOUNT_ID.
func (m *Model) diffTarget(arg string) (there, error) {
	arg = strings.TrimSpace(arg)
	name, acct := m.profile.Name, arg
	if p, a, ok := strings.Cut(arg, "/"); ok {
		name, acct = p, a
	} else if _, ok := m.accts.Profile(arg); ok {
		name, acct = arg, ""
	}
	p, ok := m.accts.Profile(name)
	if !ok || !allowed(&m.opts, name) {
		return there{}, fmt.Errorf("diff: %q is not a profile this session may use", name)
	}
	var id int64
	if acct != "" {
		n, err := strconv.ParseInt(acct, 10, 64)
		if err != nil || n <= 0 {
			return there{}, fmt.Errorf("diff: %q is not an account id (diff ACCOUNT_ID, PROFILE or PROFILE/ACCOUNT_ID)", acct)
		}
		id = n
	}
	return there{profile: p, account: id}, nil
}

// open shows the comparison and loads both sides.
func (c *comparison) open() tea.Cmd {
	c.view = newCompareView(c.common, c.title())
	c.layer = &overlay{comp: c.view, crumb: "diff " + c.there.profile.Name, onAction: c.onAction, intercept: c.intercept}
	c.layers = []*overlay{c.layer}
	c.h.show(c.layer)
	return c.load()
}

// title names what is compared with what.
func (c *comparison) title() string {
	what := strings.ToLower(c.kind.Title)
	if c.under != "" {
		what += " of " + c.under
	}
	if c.entity != nil {
		what = c.kind.Singular + " " + entityLabel(*c.entity)
	}
	to := c.there.profile.Name
	if c.there.account != 0 {
		to = c.there.String()
	}
	if c.thereName != "" {
		to += " (" + c.thereName + ")"
	}
	return fmt.Sprintf("%s: %s/%d (here) ↔ %s (there)", what, c.here.profile, c.here.account, to)
}

// showing reports whether one of the comparison's overlays is in front.
func (c *comparison) showing() bool { return slices.Contains(c.layers, c.h.front()) }

// compared is what loading a comparison reads.
type compared struct {
	source, target *promote.Snapshot
	client         *api.Client
	account        int64
	name           string
}

// load reads both sides in one request: the target first (the account
// named by hand is the likelier to fail, and then the source is not read
// for nothing), then the source. A failure names its side.
func (c *comparison) load() tea.Cmd {
	c.view.setLoading()
	mgr, t, here, kinds, cat := c.accts, c.there, c.here, compareKinds(c.kind.Name), accountsKind(c.cat)
	return request(c.h, ask[compared]{
		view: c.h.view(), what: "compare", origin: c.origin(),
		do: func(ctx context.Context, hc *api.Client) (compared, error) {
			var out compared
			tc, err := mgr.Client(ctx, t.profile.Name, t.account)
			if err != nil {
				return out, fmt.Errorf("target %s: %w", t, err)
			}
			t.account = tc.AccountID()
			out.client, out.account = tc, t.account
			if tc.V1BaseURL() == hc.V1BaseURL() && tc.AccountID() == hc.AccountID() {
				return out, fmt.Errorf("target %s is the account this session works in: name another one", t)
			}
			if out.target, err = promote.Take(ctx, tc, promote.Options{Kinds: kinds}); err != nil {
				return out, fmt.Errorf("target %s: %w", t, err)
			}
			if d := cat; d != nil {
				if e, err := tc.Get(ctx, d, nil, itoa(t.account)); err == nil {
					out.name = e.Name
				}
			}
			if out.source, err = promote.Take(ctx, hc, promote.Options{Kinds: kinds}); err != nil {
				return out, fmt.Errorf("source %s/%d: %w", here.profile, here.account, err)
			}
			return out, nil
		},
		then: c.loaded,
	})
}

// origin is the comparison's load, for the error pane: a reload that
// succeeds closes the pane its failure opened.
func (c *comparison) origin() origin {
	return origin{op: "compare", kind: c.kind.Name, parent: fmt.Sprint(c.parent), id: c.there.String()}
}

// loaded shows what a load read.
func (c *comparison) loaded(r compared, err error) tea.Cmd {
	if r.account != 0 {
		c.there.account = r.account
	}
	if r.client != nil {
		c.client = r.client
	}
	if r.name != "" {
		c.thereName = r.name
	}
	if err == nil {
		c.source, c.target = r.source, r.target
		c.rows, err = c.pick()
	}
	c.view.title = c.title()
	c.layer.crumb = "diff " + c.there.String()
	if err != nil {
		if c.showing() {
			c.h.fail(err)
		}
		c.view.setFailed(fmt.Sprintf("couldn't compare: %s — %s to retry", failure(err), c.keys.Global.Refresh.Help().Key))
		return nil
	}
	// Rows "only here" because their parent itself is missing there (not
	// because the parent there lacks them) say so.
	c.view.parentMissing = ""
	if c.underMissing != "" {
		c.view.parentMissing = fmt.Sprintf("no %s %q there", c.underMissing, c.under)
	}
	c.view.setRows(c.rows, c.here, c.there)
	return nil
}

// failure is an error's text for the view's body: the side's prefix and
// the error's title, without the request detail the error pane shows.
func failure(err error) string {
	var ae *api.Error
	if !errors.As(err, &ae) {
		return err.Error()
	}
	full, inner := err.Error(), ae.Error()
	prefix := strings.TrimSuffix(full, inner)
	return prefix + errview.Describe(err).Title
}

// pick picks the comparison's rows: the differences of the kind under
// the list's parent (matched by its natural key), or of the one entity.
func (c *comparison) pick() ([]promote.Difference, error) {
	all := promote.Compare(c.source, c.target).Differences
	var prefix, only []string
	switch {
	case c.entity != nil:
		e := c.find(func(x *promote.Entry) bool {
			return x.Kind == c.kind.Name && x.ID == c.entity.ID && maps.Equal(x.Parents, c.entity.Parents)
		})
		if e == nil {
			return nil, fmt.Errorf("the %s is no longer in %s/%d", c.kind.Singular, c.here.profile, c.here.account)
		}
		only = e.Key
	case len(c.parent) > 0:
		if e := c.find(func(x *promote.Entry) bool { return maps.Equal(x.Self, c.parent) }); e != nil {
			prefix = e.Key
			c.underMissing = ""
			if !c.targetHas(e.Kind, e.Key) {
				c.underMissing = e.Kind
				if d, ok := c.cat.Lookup(e.Kind); ok {
					c.underMissing = d.Singular
				}
			}
		} else if e := c.find(func(x *promote.Entry) bool {
			return c.parent["service"] != "" && maps.Equal(x.Self.With("service", c.parent["service"]), c.parent)
		}); e != nil {
			prefix = append(slices.Clone(e.Key), c.parent["service"])
		} else {
			return nil, fmt.Errorf("the parent of these %s is not in %s/%d any more", c.kind.Name, c.here.profile, c.here.account)
		}
	}
	c.under = strings.Join(prefix, "/")
	var out []promote.Difference
	for _, d := range all {
		switch {
		case d.Kind != c.kind.Name:
		case only != nil && !slices.Equal(d.Key, only):
		case only == nil && (len(d.Key) <= len(prefix) || !slices.Equal(d.Key[:len(prefix)], prefix)):
		default:
			out = append(out, d)
		}
	}
	return out, nil
}

// targetHas reports whether the other side has an entity of kind with
// natural key key.
func (c *comparison) targetHas(kind string, key []string) bool {
	for _, e := range c.target.Entries() {
		if e.Kind == kind && slices.Equal(e.Key, key) {
			return true
		}
	}
	return false
}

func (c *comparison) find(ok func(*promote.Entry) bool) *promote.Entry {
	for _, e := range c.source.Entries() {
		if ok(e) {
			return e
		}
	}
	return nil
}

// row finds a row by its id.
func (c *comparison) row(id string) (promote.Difference, bool) {
	for _, d := range c.rows {
		if rowKeyOf(d.Key) == id {
			return d, true
		}
	}
	return promote.Difference{}, false
}

func rowKeyOf(key []string) string { return strings.Join(key, "\x1f") }

// back returns to the comparison from one of its overlays.
func (c *comparison) back() { c.h.show(c.layer) }

// sub opens an overlay of the comparison; back (esc) returns to it.
func (c *comparison) sub(o *overlay) {
	inner := o.intercept
	o.intercept = func(k tea.KeyPressMsg) (tea.Cmd, bool) {
		if inner != nil {
			if cmd, ok := inner(k); ok {
				return cmd, true
			}
		}
		if key.Matches(k, c.keys.Global.Back) {
			c.back()
			return nil, true
		}
		return nil, false
	}
	c.layers = append(c.layers, o)
	c.h.show(o)
}

// intercept handles the comparison's own keys before the global ones.
func (c *comparison) intercept(k tea.KeyPressMsg) (tea.Cmd, bool) {
	ck := c.keys.Compare
	for i, b := range []key.Binding{ck.Same, ck.Differs, ck.OnlyHere, ck.OnlyThere} {
		if key.Matches(k, b) {
			c.view.toggle(states[i])
			return nil, true
		}
	}
	switch {
	case key.Matches(k, ck.Mark):
		if r, ok := c.view.table.Selected(); ok {
			if d, ok := c.row(r.ID); ok && d.Status == promote.Same {
				c.h.setNotice("= rows are alike: there is nothing to promote")
			} else {
				c.view.mark(r.ID)
			}
		}
		return nil, true
	case key.Matches(k, ck.Promote):
		return c.promote(), true
	case key.Matches(k, c.keys.Global.Refresh):
		return c.load(), true
	}
	return nil, false
}

// onAction opens a row: the field-by-field diff of a "~" row, the entity
// as one side has it otherwise.
func (c *comparison) onAction(msg table.ActionMsg) tea.Cmd {
	if msg.Action != table.Open && msg.Action != table.Inspect {
		return nil
	}
	d, ok := c.row(msg.Row.ID)
	if !ok {
		return nil
	}
	src, _ := c.source.Lookup(d.Kind, d.Key...)
	tgt, _ := c.target.Lookup(d.Kind, d.Key...)
	if d.Status == promote.Differs && msg.Action == table.Open {
		cs, err := diff.Fields(tgt.Body, src.Body)
		if err != nil {
			c.h.fail(err)
			return nil
		}
		v := diff.New(c.common)
		v.SetChanges(fmt.Sprintf("%s: %s (there) → %s/%d (here), what promoting writes", d.Label(), c.there, c.here.profile, c.here.account), cs)
		c.sub(&overlay{comp: v, crumb: "fields"})
		return nil
	}
	e, side := src, fmt.Sprintf("%s/%d (here)", c.here.profile, c.here.account)
	if e == nil {
		e, side = tgt, c.there.String()+" (there)"
	}
	in := inspector.New(c.common)
	c.sub(&overlay{comp: in, crumb: "entity"})
	in.SetJSON(d.Label()+" in "+side, e.Body)
	return nil
}

// compareView is the comparison on screen: a title, the counts of each
// state with the states shown, and one row per natural key with its state,
// whether it is marked (a "*", so it shows without colour) and what
// differs.
type compareView struct {
	common views.Common
	table  *table.Model
	title  string
	rows   []promote.Difference
	counts map[promote.Status]int
	hidden map[promote.Status]bool
	marked map[string]bool
	here   string
	there  string
	loaded bool
	// parentMissing, when set, says the list's parent is missing on the
	// other side ("no app \"Acme Shop\" there").
	parentMissing string
}

var _ views.Component = (*compareView)(nil)

func newCompareView(c views.Common, title string) *compareView {
	t := table.New(c, []table.Column{
		{Title: "*", Width: 1}, {Title: "STATE", Width: 5}, {Title: "KEY", Width: minFlex, Flex: 1}, {Title: "WHAT DIFFERS", Width: 40},
	})
	return &compareView{common: c, table: t, title: title, hidden: map[promote.Status]bool{}, marked: map[string]bool{}}
}

func (v *compareView) setLoading() {
	v.table.SetLoading(true)
	v.table.SetEmptyText("reading both accounts…")
}

func (v *compareView) setFailed(why string) {
	v.table.SetLoading(false)
	v.loaded = false
	v.rows = nil
	v.counts = nil
	v.table.SetRows(nil)
	v.table.SetEmptyText(why)
}

// setRows shows the differences; marks of rows still there are kept.
func (v *compareView) setRows(ds []promote.Difference, here place, t there) {
	v.table.SetLoading(false)
	v.loaded = true
	v.rows = ds
	v.here, v.there = fmt.Sprintf("%s/%d", here.profile, here.account), t.String()
	v.counts = map[promote.Status]int{}
	keep := map[string]bool{}
	for _, d := range ds {
		v.counts[d.Status]++
		if id := rowKeyOf(d.Key); v.marked[id] && d.Status != promote.Same {
			keep[id] = true
		}
	}
	v.marked = keep
	v.refresh()
}

// refresh lays the rows out: the states shown, the marks.
func (v *compareView) refresh() {
	rows := make([]table.Row, 0, len(v.rows))
	prefix := 0
	if len(v.rows) > 0 {
		prefix = len(v.rows[0].Key) - 1
		for _, d := range v.rows {
			prefix = min(prefix, commonPrefix(v.rows[0].Key, d.Key))
		}
	}
	for _, d := range v.rows {
		if v.hidden[d.Status] {
			continue
		}
		id := rowKeyOf(d.Key)
		mark := ""
		if v.marked[id] {
			mark = "*"
		}
		rows = append(rows, table.Row{ID: id, Cells: []string{mark, string(d.Status), strings.Join(d.Key[prefix:], " / "), v.what(d)}})
	}
	v.table.SetRows(rows)
	switch {
	case len(v.rows) == 0:
		v.table.SetEmptyText("Nothing to compare: neither account has any.")
	default:
		v.table.SetEmptyText("Every row is of a hidden state.")
	}
}

func commonPrefix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// what says what differs in a row.
func (v *compareView) what(d promote.Difference) string {
	switch d.Status {
	case promote.Differs:
		paths := make([]string, len(d.Changes))
		for i, ch := range d.Changes {
			paths[i] = ch.Path
		}
		return strings.Join(paths, ", ")
	case promote.SourceOnly:
		if v.parentMissing != "" {
			return "only here: " + v.parentMissing
		}
		return "only in " + v.here
	case promote.TargetOnly:
		return "only in " + v.there
	}
	return ""
}

func (v *compareView) toggle(s promote.Status) {
	v.hidden[s] = !v.hidden[s]
	v.refresh()
}

func (v *compareView) mark(id string) {
	v.marked[id] = !v.marked[id]
	if !v.marked[id] {
		delete(v.marked, id)
	}
	v.refresh()
}

// header is the line under the title: counts, states shown, marks.
func (v *compareView) header() string {
	if !v.loaded {
		return ""
	}
	var counts, shown []string
	for _, s := range states {
		counts = append(counts, fmt.Sprintf("%s %d", s, v.counts[s]))
		if !v.hidden[s] {
			shown = append(shown, string(s))
		}
	}
	ck := v.common.Keys.Compare
	h := strings.Join(counts, "  ") + " · shown: " + strings.Join(shown, " ")
	if len(shown) == 0 {
		h = strings.Join(counts, "  ") + " · shown: none"
	}
	if n := len(v.marked); n > 0 {
		h += fmt.Sprintf(" · %d marked", n)
	}
	return h + fmt.Sprintf(" · %s mark · %s promote · %s%s%s%s show/hide", ck.Mark.Help().Key, ck.Promote.Help().Key,
		ck.Same.Help().Key, ck.Differs.Help().Key, ck.OnlyHere.Help().Key, ck.OnlyThere.Help().Key)
}

// SetSize gives the table what the two header lines leave.
func (v *compareView) SetSize(w, h int) {
	v.common.SetSize(w, h)
	v.table.SetSize(w, max(1, h-2))
}

// Init does nothing.
func (v *compareView) Init() tea.Cmd { return nil }

// Consumes what the table consumes (its filter prompt).
func (v *compareView) Consumes(k tea.KeyPressMsg) bool { return v.table.Consumes(k) }

// Update gives everything to the table; the comparison's keys are the
// root's (comparison.intercept).
func (v *compareView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := v.table.Update(msg)
	return v, cmd
}

// ShortHelp is the comparison's keys, then the table's.
func (v *compareView) ShortHelp() []key.Binding {
	return append(v.common.Keys.ShortHelp(keymap.Compare), v.table.ShortHelp()...)
}

// FullHelp is the comparison's keys, then the table's.
func (v *compareView) FullHelp() [][]key.Binding {
	return append(v.common.Keys.FullHelp(keymap.Compare), v.table.FullHelp()...)
}

// View draws the title, the counts and the table.
func (v *compareView) View() tea.View {
	st := v.common.Styles.Help
	w := max(1, v.common.Width)
	return tea.NewView(st.Title.Render(text.Truncate(v.title, w)) + "\n" + text.Truncate(v.header(), w) + "\n" + v.table.View().Content)
}
