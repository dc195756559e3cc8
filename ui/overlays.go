package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/inspector"
)

// inspect opens the inspector on e. Kinds with a single GET are re-read, so
// the inspector shows the full entity (a feed's list row lacks its
// settings); the list's copy is shown meanwhile.
func (m *Model) inspect(f *frame, e api.Entity) tea.Cmd {
	in := inspector.New(m.common)
	m.show(in, inspectorName(f.id), "inspect")
	m.setInspected(e)
	if e.Kind == nil || e.Kind.Paths.Get == "" || e.ID == "" {
		return nil
	}
	m.inflight++
	return getCmd(m.genCtx, m.client, tag{view: f.id, gen: m.gen}, e)
}

func (m *Model) setInspected(e api.Entity) {
	in, ok := m.overlay.comp.(*inspector.Model)
	if !ok {
		return
	}
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
	in.SetJSON(title, e.Raw)
}

// openErrorLog shows every error of the session, newest first.
func (m *Model) openErrorLog() {
	m.show(m.errlog, "errorlog", "errors")
	m.errlog.Top()
}

// inspectRaw opens the inspector on a document that is not an entity.
func (m *Model) inspectRaw(title string, raw []byte, crumb string) {
	in := inspector.New(m.common)
	m.show(in, "raw", crumb)
	in.SetJSON(title, raw)
}

// show opens comp over the body, sized to it, as the overlay named name
// (crumb ends the breadcrumbs).
func (m *Model) show(comp views.Component, name, crumb string) {
	w, h := m.bodySize()
	comp.SetSize(w, h)
	m.overlay = &overlay{comp: comp, name: name, crumb: crumb}
}

// secretsName is the overlay showing the access-key secrets a create
// returned (showSecrets): the API never returns them again.
const secretsName = "secrets"

// closeSecretsID is the dialog asking before that screen closes.
const closeSecretsID = "close-secrets"

// askCloseSecrets asks before the key msg closes the secret screen, whose
// text was not copied. The default answer keeps it open.
func (m *Model) askCloseSecrets(msg tea.KeyPressMsg) tea.Cmd {
	m.secrets, m.secretsKey = m.overlay, msg
	d := confirm.New(m.common, confirm.Options{
		ID:      closeSecretsID,
		Title:   "Close the secret?",
		Message: fmt.Sprintf("This secret will not be shown again. Close anyway? (%s on the secret copies it first.)", m.keys.Inspector.Copy.Help().Key),
		Yes:     "Close",
		No:      "Keep it open",
		Danger:  true,
	})
	m.show(d, closeSecretsID, "close?")
	return nil
}

// onCloseSecrets puts the secret screen back, or closes it and does what
// the key that asked would have done (esc just closes).
func (m *Model) onCloseSecrets(msg confirm.ResultMsg) tea.Cmd {
	s, k := m.secrets, m.secretsKey
	m.secrets = nil
	if !msg.Confirmed {
		m.overlay = s
		return nil
	}
	m.overlay = nil
	if s == nil || key.Matches(k, m.keys.Global.Back) {
		return nil
	}
	return m.handleKey(k)
}
