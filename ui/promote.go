package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/promote"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/text"
)

// Promoting from the comparison: the marked rows (or the cursor's) become a
// plan (promote.MakePlan), shown before anything is sent; y asks for the
// name of the target account when the plan deletes, then for the secrets
// the target lacks (masked), then applies the plan with the target's
// client. Every write goes through the client's conflict check and is
// journaled in the target account, as a hand edit there would be.

// targetReadOnly says why nothing may be written into the target, "" when
// it may be.
func (c *comparison) targetReadOnly() string {
	switch {
	case c.opts.ReadOnly:
		return "read-only: this console sends no writes (--readonly or the SSH key's rights); nothing was planned"
	case c.there.profile.ReadOnly:
		return fmt.Sprintf("the target %s is read-only (profile %q has read_only): nothing was planned", c.there, c.there.profile.Name)
	}
	return ""
}

// picked is what a promote takes: the marked rows, or the cursor's when
// none is marked; "=" rows have nothing to promote, and a "-" row (a
// delete in the target) is taken only when marked.
func (c *comparison) picked() []promote.Difference {
	var out []promote.Difference
	for _, d := range c.rows {
		if c.view.marked[rowKeyOf(d.Key)] && d.Status != promote.Same {
			out = append(out, d)
		}
	}
	if len(out) > 0 {
		return out
	}
	if r, ok := c.view.table.Selected(); ok {
		if d, ok := c.row(r.ID); ok && d.Status != promote.Same && d.Status != promote.TargetOnly {
			out = append(out, d)
		}
	}
	return out
}

// promote plans the promotion of the picked rows and shows the plan.
func (c *comparison) promote() tea.Cmd {
	if c.source == nil || c.client == nil {
		c.h.setNotice("nothing to promote: the comparison has not loaded")
		return nil
	}
	if why := c.targetReadOnly(); why != "" {
		c.h.setNotice(why)
		return nil
	}
	picked := c.picked()
	if len(picked) == 0 {
		c.h.setNotice(fmt.Sprintf("nothing to promote: mark ~, + or - rows with %s (= rows are alike; - rows are deleted only when marked)", c.keys.Compare.Mark.Help().Key))
		return nil
	}
	plan, err := planFor(c.source, c.target, picked)
	if err != nil {
		c.h.fail(err)
		return nil
	}
	c.showPlan(plan)
	return nil
}

// planFor plans promoting only the picked differences. The plan's source
// is the target as it is, with the picked entities taken from the source
// (an app the target lacks with its platforms: the API creates it with
// them) and the picked "only there" entities left out, which the plan
// then deletes (Prune). Nothing else differs, so nothing else is written.
func planFor(source, target *promote.Snapshot, picked []promote.Difference) (*promote.Plan, error) {
	mixed, err := promote.NewSnapshot(target.Kinds)
	if err != nil {
		return nil, err
	}
	add := func(e *promote.Entry) error {
		if _, ok := mixed.Lookup(e.Kind, e.Key...); ok {
			return nil
		}
		return mixed.Add(&promote.Entry{Kind: e.Kind, Key: slices.Clone(e.Key), Body: slices.Clone(e.Body)})
	}
	take, prune := map[string]bool{}, false
	for _, d := range picked {
		take[d.Kind+"\x1e"+rowKeyOf(d.Key)] = true
		prune = prune || d.Status == promote.TargetOnly
	}
	for _, e := range target.Entries() {
		if !take[e.Kind+"\x1e"+rowKeyOf(e.Key)] {
			if err := add(e); err != nil {
				return nil, err
			}
		}
	}
	for _, d := range picked {
		if d.Status == promote.TargetOnly {
			continue
		}
		e, ok := source.Lookup(d.Kind, d.Key...)
		if !ok {
			continue
		}
		for _, a := range source.Ancestors(d.Kind, d.Key) {
			_ = add(a) // its kind is the target's: an ancestor the target lacks is planned as a create
		}
		if err := add(e); err != nil {
			return nil, err
		}
		if c := promote.Carries(d.Kind); c != "" && d.Status == promote.SourceOnly {
			for _, p := range source.Entries() {
				if p.Kind == c && len(p.Key) == len(d.Key)+1 && slices.Equal(p.Key[:len(d.Key)], d.Key) {
					if err := add(p); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return promote.MakePlan(mixed, target, promote.PlanOptions{Prune: prune}), nil
}

// counts says how many steps of each operation a plan has.
func counts(p *promote.Plan) (creates, updates, deletes int) {
	for _, s := range p.Steps {
		switch s.Op {
		case promote.Create:
			creates++
		case promote.Update:
			updates++
		case promote.Delete:
			deletes++
		}
	}
	return
}

// showPlan shows the plan; the apply key goes on, esc back to the
// comparison.
func (c *comparison) showPlan(plan *promote.Plan) {
	var b strings.Builder
	_ = plan.WriteText(&b)
	cr, up, del := counts(plan)
	ck := c.keys.Compare
	lines := []string{fmt.Sprintf("%d to create, %d to update, %d to delete, in this order:", cr, up, del), ""}
	lines = append(lines, strings.Split(strings.TrimRight(b.String(), "\n"), "\n")...)
	lines = append(lines, "")
	if n := len(plan.Secrets()); n > 0 {
		lines = append(lines, fmt.Sprintf("%d secret value(s) the target lacks are asked for next, masked, before anything is sent.", n))
	}
	if del > 0 {
		lines = append(lines, fmt.Sprintf("Deleting asks for the target account's name (%s) to be typed.", c.nameToType()))
	}
	if plan.Empty() {
		lines = append(lines, c.keys.Global.Back.Help().Key+" back to the comparison")
	} else {
		lines = append(lines, fmt.Sprintf("%s applies into %s · %s back to the comparison", ck.Apply.Help().Key, c.there, c.keys.Global.Back.Help().Key))
	}
	v := newPager(c.common, "promote into "+c.title(), lines)
	o := &overlay{comp: v, crumb: "plan"}
	o.intercept = func(k tea.KeyPressMsg) (tea.Cmd, bool) {
		if !key.Matches(k, ck.Apply) {
			return nil, false
		}
		if plan.Empty() {
			c.h.setNotice("nothing to apply: see why in the plan")
			return nil, true
		}
		return c.confirmDeletes(o, plan), true
	}
	c.sub(o)
}

// nameToType is what the user types to confirm deletions in the target:
// its account's name, or its id when the name is unknown.
func (c *comparison) nameToType() string {
	if c.thereName != "" {
		return c.thereName
	}
	return itoa(c.there.account)
}

// confirmDeletes asks for the target account's name when the plan deletes
// anything, then goes on to the secrets.
func (c *comparison) confirmDeletes(planLayer *overlay, plan *promote.Plan) tea.Cmd {
	if why := c.targetReadOnly(); why != "" {
		c.h.setNotice(why)
		return nil
	}
	_, _, del := counts(plan)
	if del == 0 {
		return c.askSecrets(planLayer, plan)
	}
	c.h.question(confirm.Options{
		Title:       "Delete in " + c.there.String(),
		Message:     fmt.Sprintf("The plan deletes %d entit%s that only %s has. Type the account's name to go on.", del, plural(del, "y", "ies"), c.there),
		Yes:         "Delete",
		Danger:      true,
		RequireName: c.nameToType(),
	}, "confirm", func(r confirm.ResultMsg) tea.Cmd {
		if !r.Confirmed {
			c.h.show(planLayer)
			c.h.setNotice("nothing sent")
			return nil
		}
		return c.askSecrets(planLayer, plan)
	})
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// askSecrets asks for the values of the secrets the plan needs (masked),
// then applies it.
func (c *comparison) askSecrets(planLayer *overlay, plan *promote.Plan) tea.Cmd {
	names := plan.Secrets()
	if len(names) == 0 {
		return c.apply(plan, map[string]string{})
	}
	v := newSecretsView(c.common, c.there.String(), names)
	o := &overlay{comp: v, crumb: "secrets"}
	o.onResult = func(r confirm.ResultMsg) tea.Cmd {
		if !r.Confirmed {
			c.h.show(planLayer)
			c.h.setNotice("nothing sent")
			return nil
		}
		vals := v.values()
		v.clear()
		return c.apply(plan, vals)
	}
	c.layers = append(c.layers, o)
	c.h.show(o)
	return v.focus()
}

// apply carries the plan out in the target account and shows the report;
// the comparison is read again behind it.
func (c *comparison) apply(plan *promote.Plan, secrets map[string]string) tea.Cmd {
	client, t, j, opts := c.client, c.there, c.journal, c.opts
	progress := newPager(c.common, "promoting into "+t.String()+"…", []string{"sending the plan's steps, one by one"})
	pl := &overlay{comp: progress, crumb: "promoting"}
	c.sub(pl)
	return request(c.h, ask[*promote.Report]{
		view: c.h.view(), what: "promote",
		do: func(ctx context.Context, _ *api.Client) (*promote.Report, error) {
			return plan.Apply(ctx, client, promote.ApplyOptions{Secrets: secrets, Journal: j, Owner: opts.Owner, Profile: t.profile.Name, Now: opts.Now})
		},
		then: func(rep *promote.Report, err error) tea.Cmd {
			var b strings.Builder
			if rep != nil {
				_ = rep.WriteText(&b)
			}
			lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
			title := "promoted into " + t.String()
			if err != nil {
				title = "promoting into " + t.String() + " stopped"
				err = fmt.Errorf("target %s: %w", t, err)
				c.h.fail(err)
				lines = append(lines, "", failure(err))
			}
			lines = append(lines, "", "every write is in the journal of "+t.String()+" (:history there) · "+c.keys.Global.Back.Help().Key+" back to the comparison")
			if c.h.front() == pl {
				progress.set(title, lines)
			}
			if err == nil {
				c.view.marked = map[string]bool{}
				c.h.setNotice(fmt.Sprintf("promoted into %s: %d step(s) applied", t, len(rep.Applied)))
			}
			return c.load()
		},
	})
}

// pager shows lines of text under a title, scrolled with the nav keys.
type pager struct {
	common views.Common
	title  string
	lines  []string
	vp     viewport.Model
}

var _ views.Component = (*pager)(nil)

func newPager(c views.Common, title string, lines []string) *pager {
	p := &pager{common: c, vp: viewport.New()}
	p.set(title, lines)
	return p
}

func (p *pager) set(title string, lines []string) {
	p.title, p.lines = title, lines
	p.vp.SetContentLines(lines)
}

// Text is everything the pager holds, for tests and copying.
func (p *pager) Text() string { return p.title + "\n" + strings.Join(p.lines, "\n") }

func (p *pager) SetSize(w, h int) {
	p.common.SetSize(w, h)
	p.vp.SetWidth(max(1, w))
	p.vp.SetHeight(max(1, h-1))
}

func (p *pager) Init() tea.Cmd { return nil }

// Consumes no key: esc and the plan's keys are the root's.
func (p *pager) Consumes(tea.KeyPressMsg) bool { return false }

func (p *pager) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	n := p.common.Keys.Nav
	p.vp.KeyMap = viewport.KeyMap{Up: n.Up, Down: n.Down, PageUp: n.PageUp, PageDown: n.PageDown, Left: n.Left, Right: n.Right}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, n.Top):
			p.vp.GotoTop()
			return p, nil
		case key.Matches(k, n.Bottom):
			p.vp.GotoBottom()
			return p, nil
		}
	}
	p.vp, _ = p.vp.Update(msg)
	return p, nil
}

func (p *pager) ShortHelp() []key.Binding {
	n := p.common.Keys.Nav
	return []key.Binding{p.common.Keys.Compare.Apply, n.Up, n.Down, p.common.Keys.Global.Back}
}

func (p *pager) FullHelp() [][]key.Binding {
	n := p.common.Keys.Nav
	return [][]key.Binding{{p.common.Keys.Compare.Apply, p.common.Keys.Global.Back}, {n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom}}
}

func (p *pager) View() tea.View {
	w := max(1, p.common.Width)
	return tea.NewView(p.common.Styles.Help.Title.Render(text.Truncate(p.title, w)) + "\n" + p.vp.View())
}

// secretsView asks for the values of secrets, one masked input each. It
// is modal; enter goes to the next input and, on the last, answers with a
// confirm.ResultMsg (esc: dismissed). The values never reach the screen.
type secretsView struct {
	common views.Common
	target string
	names  []string
	inputs []textinput.Model
	at     int
	err    string
}

var _ views.Component = (*secretsView)(nil)

func newSecretsView(c views.Common, target string, names []string) *secretsView {
	v := &secretsView{common: c, target: target, names: names}
	for range names {
		in := textinput.New()
		in.EchoMode = textinput.EchoPassword
		in.Prompt = "> "
		in.SetStyles(c.Styles.TextInput())
		v.inputs = append(v.inputs, in)
	}
	return v
}

func (v *secretsView) focus() tea.Cmd { return v.inputs[v.at].Focus() }

// values are the typed secrets by name.
func (v *secretsView) values() map[string]string {
	out := make(map[string]string, len(v.names))
	for i, n := range v.names {
		out[n] = v.inputs[i].Value()
	}
	return out
}

// clear forgets the typed values.
func (v *secretsView) clear() {
	for i := range v.inputs {
		v.inputs[i].SetValue("")
	}
}

func (v *secretsView) SetSize(w, h int) {
	v.common.SetSize(w, h)
	for i := range v.inputs {
		v.inputs[i].SetWidth(max(1, views.OverlayWidth(w, 60)-4))
	}
}

func (v *secretsView) Init() tea.Cmd { return nil }

// Consumes every key: the view is modal.
func (v *secretsView) Consumes(tea.KeyPressMsg) bool { return true }

func (v *secretsView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	d := v.common.Keys.Dialog
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.Cancel):
			v.clear()
			return v, func() tea.Msg { return confirm.ResultMsg{Dismissed: true} }
		case key.Matches(k, d.Accept):
			if v.inputs[v.at].Value() == "" {
				v.err = "a value is needed: the target has none"
				return v, nil
			}
			v.err = ""
			v.inputs[v.at].Blur()
			if v.at == len(v.inputs)-1 {
				return v, func() tea.Msg { return confirm.ResultMsg{Confirmed: true} }
			}
			v.at++
			return v, v.inputs[v.at].Focus()
		}
	}
	var cmd tea.Cmd
	v.inputs[v.at], cmd = v.inputs[v.at].Update(msg)
	return v, cmd
}

func (v *secretsView) ShortHelp() []key.Binding {
	d := v.common.Keys.Dialog
	return []key.Binding{d.Accept, d.Cancel}
}

func (v *secretsView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *secretsView) View() tea.View {
	w := max(1, v.common.Width)
	st := v.common.Styles.Help
	d := v.common.Keys.Dialog
	lines := []string{
		st.Title.Render(text.Truncate("secrets for "+v.target, w)),
		text.Truncate(fmt.Sprintf("%s lacks these confidential settings. Their values are sent to it only, never shown or kept.", v.target), w),
		text.Truncate(fmt.Sprintf("%s next · %s sends nothing", d.Accept.Help().Key, d.Cancel.Help().Key), w),
		"",
	}
	for i, n := range v.names {
		mark := "  "
		if i == v.at {
			mark = "› "
		}
		lines = append(lines, text.Truncate(mark+n, w))
		if i <= v.at {
			lines = append(lines, "  "+v.inputs[i].View())
		}
	}
	if v.err != "" {
		lines = append(lines, "", text.Truncate(v.err, w))
	}
	return tea.NewView(strings.Join(lines, "\n"))
}
