package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
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
