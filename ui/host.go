package ui

import (
	"context"
	"encoding/json"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/confirm"
)

// host is what a sub-model (the edit session, the account switcher) may
// ask of the root. The root implements it; a sub-model holds it and never
// reaches into the root's fields.
type host interface {
	// show opens an overlay over the body; close closes it if it is in
	// front; front is the overlay in front.
	show(o *overlay)
	close(o *overlay)
	front() *overlay
	// question opens a dialog whose answer goes to onResult.
	question(o confirm.Options, crumb string, onResult func(confirm.ResultMsg) tea.Cmd) *overlay
	// showSecret shows a document holding secrets shown only once.
	showSecret(title string, raw []byte)
	inspectRaw(title string, raw []byte, crumb string)

	// setNotice puts a line in the status bar; fail puts an error in the
	// error pane and the log.
	setNotice(text string)
	fail(err error)

	// send runs a request (see request, which is how it is called).
	send(view int, what string, noClient bool, run func(context.Context, *api.Client) replyMsg) tea.Cmd
	// reload refreshes the rows of frame view, if it is still open, with
	// the cursor on the row cursor ("" keeps it).
	reload(view int, cursor string) tea.Cmd
	// view is the frame in front (0 when there is none).
	view() int
	// rowBodies is the bodies of the rows frame view shows, in their order
	// (a create's template may be made from them).
	rowBodies(view int) []json.RawMessage

	// conn is the session's client (nil until connected); here is where
	// the session works; baseURL is the API base URL of a place.
	conn() *api.Client
	here() place
	baseURL(p place) string
	readOnly() bool
	// placeLabel names the account the session works in, for questions.
	placeLabel() string
	// renamed says an entity of a kind whose name is the session's
	// account's (Descriptor.NamesAccount) was saved with a new name.
	renamed(id, name string)
}

var _ host = (*Model)(nil)

// fail puts err in the error pane and the log. The pane stays until esc or
// the next navigation: nothing later can tell it is no longer true.
func (m *Model) fail(err error) { m.failFrom(err, origin{}) }

// failFrom puts the failure of request o in the error pane and the log; a
// later success of the same request closes the pane.
func (m *Model) failFrom(err error, o origin) {
	if m.errs.show(err, o, m.overlay) {
		m.layout()
	}
}

func (m *Model) conn() *api.Client { return m.client }

func (m *Model) view() int { return m.viewID() }

func (m *Model) reload(view int, cursor string) tea.Cmd {
	f := m.frameByID(view)
	if f != nil {
		// A created row is not in the rows shown yet: the table puts the
		// cursor on it when the reload brings it.
		f.table.SetCursorID(cursor)
	}
	return m.load(f)
}

func (m *Model) renamed(id, name string) {
	if name != "" && m.client != nil && id == itoa(m.client.AccountID()) {
		m.account = name // the header names the account the session works in
	}
}
