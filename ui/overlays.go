package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/inspector"
)

// inspect opens the inspector on e. Kinds with a single GET are re-read, so
// the inspector shows the full entity (a feed's list row lacks its
// settings); the list's copy is shown meanwhile.
func (m *Model) inspect(f *frame, e api.Entity) tea.Cmd {
	in := inspector.New(m.common)
	w, h := m.bodySize()
	in.SetSize(w, h)
	m.overlay = &overlay{comp: in, name: inspectorName(f.id), crumb: "inspect"}
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
	w, h := m.bodySize()
	m.errlog.SetSize(w, h)
	m.errlog.Top()
	m.overlay = &overlay{comp: m.errlog, name: "errorlog", crumb: "errors"}
}

// inspectRaw opens the inspector on a document that is not an entity.
func (m *Model) inspectRaw(title string, raw []byte, crumb string) {
	in := inspector.New(m.common)
	w, h := m.bodySize()
	in.SetSize(w, h)
	in.SetJSON(title, raw)
	m.overlay = &overlay{comp: in, name: "raw", crumb: crumb}
}
