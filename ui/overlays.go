package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/inspector"
	"github.com/mpconsole/mpconsole/views/table"
)

// overlay is a component drawn over the body that owns the keyboard. It
// carries what to do with what it produces: whoever opens it says so, and
// the root only hands the result over.
type overlay struct {
	comp  views.Component
	crumb string // shown at the end of the breadcrumbs
	// onResult answers a dialog (a confirm.Model, or a view around one).
	onResult func(confirm.ResultMsg) tea.Cmd
	// onAction acts on a table overlay's rows (switcher, actions, history).
	onAction func(table.ActionMsg) tea.Cmd
	// intercept sees each key the component does not consume before the
	// global bindings do; a key it handles goes no further.
	intercept func(tea.KeyPressMsg) (tea.Cmd, bool)
	// overTable draws the table in front under the component (the palette).
	overTable bool
	// help is the key that opens help while the overlay is in front, when
	// global.help does not (the editor: ? is text there, f1 is help).
	help *key.Binding
	// under is the overlay the palette or help was opened over (closing
	// either brings it back: closeFront); inspected is the entity an
	// inspector shows (":diff" there compares that entity).
	under     *overlay
	inspected *api.Entity
	// live, for an inspector that reads its entity again while it is in
	// front (live.go: watch); nil for every other overlay.
	live *live
}

// show opens o over the body, sized to it. o is another view than the one
// in front: a notice made there goes (see enteredView).
func (m *Model) show(o *overlay) {
	w, h := m.bodySize()
	o.comp.SetSize(w, h)
	m.overlay = o
	m.enteredView()
}

// close closes o when it is in front.
func (m *Model) close(o *overlay) {
	if o != nil && m.overlay == o {
		m.overlay = nil
	}
}

// closeFront closes the overlay in front; help or the palette opened over
// another overlay (an inspector, the editor) gives it back the front.
func (m *Model) closeFront() {
	o := m.overlay
	if o == nil {
		return
	}
	m.overlay = nil
	if o.under != nil {
		m.show(o.under)
	}
}

// front is the overlay in front, nil when there is none.
func (m *Model) front() *overlay { return m.overlay }

// question opens a dialog whose answer goes to onResult, the dialog closed.
func (m *Model) question(o confirm.Options, crumb string, onResult func(confirm.ResultMsg) tea.Cmd) *overlay {
	ov := &overlay{comp: confirm.New(m.common, o), crumb: crumb}
	ov.onResult = func(r confirm.ResultMsg) tea.Cmd {
		m.close(ov)
		return onResult(r)
	}
	m.show(ov)
	return ov
}

// inspect opens the inspector on e. Kinds with a single GET are re-read, so
// the inspector shows the full entity (a feed's list row lacks its
// settings); the list's copy is shown meanwhile, and the full one replaces
// it if the inspector is still open when it arrives.
func (m *Model) inspect(f *frame, e api.Entity) tea.Cmd {
	in := inspector.New(m.common)
	ov := &overlay{comp: in, crumb: "inspect", inspected: &e}
	m.show(ov)
	setInspected(in, e)
	if e.Kind != nil && (e.ID != "" || e.Kind.Single) {
		m.watch(ov, f.id, e.Kind, in, func(ctx context.Context, c *api.Client) (string, []byte, error) {
			got, err := c.Get(ctx, e.Kind, e.Parents, e.ID)
			return inspectedTitle(got), got.Raw, err
		})
	}
	if cmd, ok := m.inspectMore(f, ov, in, e); ok {
		return cmd
	}
	if !readable(e) {
		return nil
	}
	return m.read(f, e, func(got api.Entity, err error) tea.Cmd {
		if m.overlay != ov && (m.overlay == nil || m.overlay.under != ov) { // closed, not under help
			return nil
		}
		if err != nil {
			m.fail(err)
			return nil
		}
		setInspected(in, got)
		return nil
	})
}

// readable reports whether e can be read again on its own (its kind has a
// read and e an id).
func readable(e api.Entity) bool { return e.Kind != nil && e.Kind.Paths.Get != "" && e.ID != "" }

// read reads e again for frame f, in the background; then gets the answer.
func (m *Model) read(f *frame, e api.Entity, then func(api.Entity, error) tea.Cmd) tea.Cmd {
	return request(m, ask[api.Entity]{
		view: f.id, what: "get",
		do: func(ctx context.Context, c *api.Client) (api.Entity, error) {
			return c.Get(ctx, e.Kind, e.Parents, e.ID)
		},
		then: then,
	})
}

func setInspected(in *inspector.Model, e api.Entity) { in.SetJSON(inspectedTitle(e), e.Raw) }

// inspectedTitle is the inspector's title for e: "app 4821 · Mobile App".
func inspectedTitle(e api.Entity) string {
	title := ""
	if e.Kind != nil {
		title = e.Kind.Singular
	}
	if e.ID != "" {
		title += " " + e.ID
	}
	if e.Name != "" && e.Name != e.ID {
		title += " · " + e.Name
	}
	return title
}

// notInOverlay says why a table key does nothing in the overlay in front:
// x in an inspector, which shows one entity and has no tree of its own.
func (m *Model) notInOverlay(msg tea.KeyPressMsg) string {
	if _, ok := m.overlay.comp.(*inspector.Model); ok && key.Matches(msg, m.keys.Table.Tree) {
		return "the inspector has no tree: " + m.keys.Global.Back.Help().Key + " goes back to the list, where " +
			m.keys.Table.Tree.Help().Key + " opens the tree of a row"
	}
	return ""
}

// openErrorLog shows every error of the session, newest first.
func (m *Model) openErrorLog() {
	m.show(&overlay{comp: m.errs.log, crumb: "errors"})
	m.errs.log.Top()
}

// inspectRaw opens the inspector on a document that is not an entity.
func (m *Model) inspectRaw(title string, raw []byte, crumb string) {
	in := inspector.New(m.common)
	m.show(&overlay{comp: in, crumb: crumb})
	in.SetJSON(title, raw)
}

// showSecret shows a document holding secrets the API returns only once.
// Until its text is copied, a key that would close the screen asks first;
// the default answer keeps it open.
func (m *Model) showSecret(title string, raw []byte) {
	in := inspector.New(m.common)
	s := &overlay{comp: in, crumb: "secrets"}
	copied := false
	g := m.keys.Global
	s.intercept = func(k tea.KeyPressMsg) (tea.Cmd, bool) {
		switch {
		case key.Matches(k, m.keys.Inspector.Copy):
			copied = true
		case !copied && key.Matches(k, g.Interrupt, g.Back, g.Quit, g.Help, g.ErrorLog, g.Palette, g.Accounts):
			m.askCloseSecret(s, k)
			return nil, true
		}
		return nil, false
	}
	m.show(s)
	in.SetJSON(title, raw)
}

// askCloseSecret asks before the key k closes the secret screen s. Closing
// does what k would have done (esc just closes).
func (m *Model) askCloseSecret(s *overlay, k tea.KeyPressMsg) {
	m.question(confirm.Options{
		Title:   "Close the secret?",
		Message: fmt.Sprintf("This secret will not be shown again. Close anyway? (%s on the secret copies it first.)", m.keys.Inspector.Copy.Help().Key),
		Yes:     "Close",
		No:      "Keep it open",
		Danger:  true,
	}, "close?", func(r confirm.ResultMsg) tea.Cmd {
		if !r.Confirmed {
			m.show(s)
			return nil
		}
		if key.Matches(k, m.keys.Global.Back) {
			return nil
		}
		return m.handleKey(k)
	})
}
