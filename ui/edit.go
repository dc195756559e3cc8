package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/editor"
	"github.com/mpconsole/mpconsole/views/inspector"
)

const editorName = "editor"

// editing is the state of the open editor: what it edits and where.
type editing struct {
	frame  int
	kind   *api.Descriptor
	parent api.Ref
	id     string // "" when creating
	name   string
	key    state.Key
	opts   editor.Options // what the editor was opened with
	ed     *editor.Model
	place  place // where it was opened: a save never goes to another account
	// offered is the draft the restore question is about; stale when the
	// entity changed on the server since the draft was started.
	offered *state.Draft
	stale   bool
}

// savedMsg is the answer to a save from the editor.
type savedMsg struct {
	tag
	ed      *editing
	created bool
	before  []byte // the server's version the user edited (nil for a create)
	after   api.Entity
	server  []byte // on a conflict: the server's current version
	err     error
}

// draftKey names a draft of what an editor edits: on this API (its base
// URL: another sandbox, or production, is another place even where ids
// coincide), in this account, as this profile and, over SSH, this key.
func (m *Model) draftKey(d *api.Descriptor, parent api.Ref, id string) state.Key {
	k := state.Key{Owner: m.opts.Owner, Profile: m.profile.Name, Kind: d.Name, ID: id, Parent: map[string]string(parent.Clone())}
	if m.client != nil {
		k.Account, k.BaseURL = m.client.AccountID(), m.client.V1BaseURL()
	}
	return k
}

// writeDraft keeps the editor's text as its draft, with the server's
// version it is compared with, or deletes the draft when the text is back
// to how the editor opened.
func (m *Model) writeDraft(ed *editing, text string, dirty bool) {
	var err error
	if dirty {
		err = m.drafts.Save(state.Draft{Key: ed.key, Text: text, Base: ed.ed.Base()})
	} else {
		err = m.drafts.Delete(ed.key)
	}
	if err != nil {
		m.showError(fmt.Errorf("saving the draft: %w", err))
	}
}

// draftNow writes the draft at once after a change the editor did not
// type itself (the external editor's result, a restored draft, a revert):
// every change is a draft, whatever made it.
func (m *Model) draftNow(ed *editing) {
	if text, changed := ed.ed.Changed(); changed {
		m.writeDraft(ed, text, ed.ed.Dirty())
	}
}

func pretty(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, bytes.TrimSpace(raw), "", "  "); err != nil {
		return string(raw)
	}
	return b.String() + "\n"
}

// externalEditor is $VISUAL or $EDITOR, when the session is local.
func (m *Model) externalEditor() string {
	if m.opts.Remote {
		return ""
	}
	if v := m.opts.Getenv("VISUAL"); v != "" {
		return v
	}
	return m.opts.Getenv("EDITOR")
}

// openEditor opens the editor on an entity (e.Kind set, e.ID non-empty) or
// on a create template (id ""). A draft left by a failed save, a crash or a
// dropped SSH connection is offered first.
func (m *Model) openEditor(f *frame, d *api.Descriptor, parent api.Ref, e *api.Entity) tea.Cmd {
	ed := &editing{frame: f.id, kind: d, parent: parent.Clone(), place: m.here()}
	o := editor.Options{External: m.externalEditor() != ""}
	if m.opts.Remote {
		o.ExternalReason = "the external editor is not offered over SSH"
	} else if !o.External {
		o.ExternalReason = "set $VISUAL or $EDITOR to use an external editor"
	}
	for _, p := range sortedKeys(d.Edit.Hints) {
		o.Hints = append(o.Hints, editor.Hint{Path: p, Text: d.Edit.Hints[p]})
	}
	if e != nil {
		ed.id, ed.name = e.ID, e.Name
		o.Title = fmt.Sprintf("%s %s", d.Singular, entityLabel(*e))
		o.Text, o.Original, o.Immutable = pretty(e.Raw), e.Raw, d.Protected(e.Raw)
	} else {
		o.Title = "new " + d.Singular
		o.Text = d.PrettyTemplate()
	}
	ed.key = m.draftKey(d, parent, ed.id)
	ed.opts = o
	ed.ed = editor.New(m.common, o)
	m.editing = ed
	m.show(ed.ed, editorName, o.Title)
	dr, ok, err := m.drafts.Load(ed.key)
	switch {
	case err != nil:
		m.showError(fmt.Errorf("reading the draft: %w", err))
	case !ok:
	case e != nil && dr.Stale(e.Raw):
		m.offerStale(ed, dr, e.Raw)
	case dr.Text != o.Text:
		ed.offered = &dr
		d := confirm.New(m.common, confirm.Options{
			ID:       "restore-draft",
			Title:    "Restore your draft?",
			Message:  fmt.Sprintf("You have an unsaved draft of %s from %s. Restore it? (Discard opens the server's version and deletes the draft; esc keeps it for later.)", o.Title, dr.SavedAt.Local().Format("2006-01-02 15:04")),
			Yes:      "Restore",
			No:       "Discard",
			FocusYes: true, // enter loses nothing; esc keeps the draft for later
		})
		m.show(d, "restore-draft", "draft")
	}
	return nil
}

// offerStale offers a draft whose entity changed on the server since the
// draft was started: never loaded silently, it is shown as a three-way
// table (then, now, yours) over the restore question. Restoring opens the
// draft against the version it began from, so saving it meets the
// server's changes in the editor's conflict view first.
func (m *Model) offerStale(ed *editing, dr state.Draft, now []byte) {
	ed.offered, ed.stale = &dr, true
	then, _ := diff.Parse(dr.Base)
	cur, _ := diff.Parse(now)
	yours, yerr := diff.Parse([]byte(dr.Text))
	note := fmt.Sprintf("%s changed on the server since you began this draft (saved %s).",
		entityWord(ed), dr.SavedAt.Local().Format("2006-01-02 15:04"))
	if yerr != nil {
		yours = nil
		note += " Your draft is not valid JSON, so only the server's changes are listed."
	}
	d := confirm.New(m.common, confirm.Options{
		ID:    "restore-draft",
		Title: "Restore your draft?",
		Message: "Restore opens your draft against the version it began from; saving it shows the server's changes first. " +
			"Discard deletes the draft; esc keeps it for later.",
		Yes:      "Restore",
		No:       "Discard",
		FocusYes: true,
	})
	v := newStaleView(m.common, "Your draft was started from an older version", note, diff.ThreeWay(then, cur, yours), d)
	m.show(v, "restore-draft", "draft")
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// onRestoreAnswer puts the editor back with the draft or without it.
func (m *Model) onRestoreAnswer(msg confirm.ResultMsg) tea.Cmd {
	ed := m.editing
	if ed == nil {
		m.overlay = nil
		return nil
	}
	if msg.Dismissed { // not now: close the editor, keep the draft on disk
		m.editing, m.overlay = nil, nil
		m.setNotice("draft kept: editing " + entityWord(ed) + " offers it again")
		return nil
	}
	dr, stale := ed.offered, ed.stale
	ed.offered, ed.stale = nil, false
	m.overlay = &overlay{comp: ed.ed, name: editorName, crumb: m.overlayCrumb(ed)}
	if !msg.Confirmed || dr == nil {
		if err := m.drafts.Delete(ed.key); err != nil {
			m.showError(fmt.Errorf("discarding the draft: %w", err))
		}
		return nil
	}
	if stale {
		// The text goes back on the version it was written against.
		o := ed.opts
		o.Original, o.Text, o.Immutable = dr.Base, pretty(dr.Base), ed.kind.Protected(dr.Base)
		ed.ed = editor.New(m.common, o)
		m.show(ed.ed, editorName, m.overlayCrumb(ed))
		m.setNotice("your draft is open against the version it began from: saving shows the server's changes first")
	}
	ed.ed.SetText(dr.Text)
	m.draftNow(ed)
	return nil
}

// overlayCrumb is the editor's breadcrumb: the same as its title, so the
// breadcrumbs do not change when a dialog over the editor closes.
func (m *Model) overlayCrumb(ed *editing) string { return entityWord(ed) }

// entityWord names what an editor edits: app 2 "Acme Shop", or new app.
func entityWord(ed *editing) string {
	if ed.id == "" {
		return "new " + ed.kind.Singular
	}
	return ed.kind.Singular + " " + entityLabel(api.Entity{ID: ed.id, Name: ed.name})
}

// onEditorMsg handles what the editor asks for.
func (m *Model) onEditorMsg(msg tea.Msg) tea.Cmd {
	ed := m.editing
	if ed == nil {
		return nil
	}
	switch msg := msg.(type) {
	case editor.DraftMsg:
		// The text as it is now: a message from an earlier tick must not
		// overwrite a newer draft (one written when quitting, say).
		m.writeDraft(ed, ed.ed.Text(), ed.ed.Dirty())
	case editor.CloseMsg:
		m.closeEditor(true)
	case editor.ExternalMsg:
		return m.runExternal(msg.Text)
	case editor.SaveMsg:
		return m.save(ed, msg)
	}
	return nil
}

// closeEditor closes the editor, deleting its draft or (dropDraft false)
// keeping its text as the draft.
func (m *Model) closeEditor(dropDraft bool) {
	if ed := m.editing; ed != nil && dropDraft {
		if err := m.drafts.Delete(ed.key); err != nil {
			m.showError(fmt.Errorf("discarding the draft: %w", err))
		}
	} else if ed != nil && ed.offered == nil && ed.ed.Dirty() {
		m.writeDraft(ed, ed.ed.Text(), true) // the last second of typing too
	}
	m.editing = nil
	if m.overlay != nil && (m.overlay.name == editorName || m.overlay.name == "restore-draft") {
		m.overlay = nil
	}
}

// save sends an edit or a create. An update first re-reads the entity: if
// it changed on the server since the editor opened, the editor shows what
// changed and nothing is sent.
func (m *Model) save(ed *editing, msg editor.SaveMsg) tea.Cmd {
	if m.readOnly() {
		ed.ed.SaveFailed(fmt.Errorf("read-only: this console sends no writes"))
		m.setNotice(readOnlyNotice)
		return nil
	}
	if m.client == nil || m.here() != ed.place {
		ed.ed.SaveFailed(fmt.Errorf("the session has switched to another account since the editor opened"))
		return nil
	}
	m.inflight++
	c, ctx, t := m.client, m.genCtx, tag{view: ed.frame, gen: m.gen}
	body, base := msg.Body, msg.Base
	return func() tea.Msg {
		if ed.id == "" {
			e, err := c.Create(ctx, ed.kind, ed.parent, body)
			return savedMsg{tag: t, ed: ed, created: true, after: e, err: err}
		}
		cur, err := c.Get(ctx, ed.kind, ed.parent, ed.id)
		if err != nil {
			return savedMsg{tag: t, ed: ed, err: fmt.Errorf("re-reading before the update: %w", err)}
		}
		if same, err := diff.Equal(cur.Raw, base); err == nil && !same {
			return savedMsg{tag: t, ed: ed, server: cur.Raw}
		}
		ub, err := ed.kind.UpdateBody(body)
		if err != nil {
			return savedMsg{tag: t, ed: ed, err: err}
		}
		after, err := c.Update(ctx, ed.kind, ed.parent, ed.id, ub)
		return savedMsg{tag: t, ed: ed, before: cur.Raw, after: after, err: err}
	}
}

func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	ed := msg.ed
	op := state.OpUpdate
	if msg.created {
		op = state.OpCreate
	}
	entry := state.Entry{Op: op, Kind: ed.kind.Name, Parent: map[string]string(ed.parent), ID: firstNonEmpty(msg.after.ID, ed.id),
		Name: firstNonEmpty(msg.after.Name, ed.name), Before: msg.before, After: msg.after.Raw}
	if !m.arrived(msg.gen) || m.editing != ed {
		if msg.err == nil && msg.server == nil {
			m.record(ed.place, entry) // written, though the user has moved on
			if err := m.drafts.Delete(ed.key); err != nil && m.journal != nil {
				m.showError(fmt.Errorf("deleting the saved edit's draft: %w", err))
			}
		}
		return nil
	}
	switch {
	case msg.server != nil:
		ed.ed.Conflict(msg.server)
		return nil
	case msg.err != nil:
		err := msg.err
		ed.ed.SaveFailed(err)
		m.showError(err)
		return nil
	}
	m.record(ed.place, entry)
	if ed.kind.Name == "accounts" && msg.after.Name != "" && msg.after.ID == itoa(m.here().account) {
		m.account = msg.after.Name // the header names the account the session works in
	}
	m.closeEditor(true)
	m.setNotice(fmt.Sprintf("%s %s %s: saved", op, ed.kind.Singular, firstNonEmpty(msg.after.ID, ed.id)))
	f := m.frameByID(ed.frame)
	if f != nil && msg.after.ID != "" {
		st := f.table.State()
		st.CursorID = msg.after.ID
		f.table.Restore(st)
	}
	cmd := m.reload(f)
	if msg.created {
		m.showSecrets(msg.after)
	}
	return cmd
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// here is where the session works now.
func (m *Model) here() place {
	p := place{profile: m.profile.Name}
	if m.client != nil {
		p.account = m.client.AccountID()
	}
	return p
}

// baseURLOf is the API base URL of place p: the client's, which exists
// since a write was made there (Client returns the shared one at once).
func (m *Model) baseURLOf(p place) string {
	if m.client != nil && p == m.here() {
		return m.client.V1BaseURL()
	}
	if c, err := m.accts.Client(m.ctx, p.profile, p.account); err == nil {
		return c.V1BaseURL()
	}
	return ""
}

// entryFor is the journal entry of a write on e.
func entryFor(op state.Op, e api.Entity) state.Entry {
	return state.Entry{Op: op, Kind: e.Kind.Name, Parent: map[string]string(e.Parents), ID: e.ID, Name: e.Name, Before: e.Raw}
}

// record appends a write made in place p to the journal, as this
// session's owner, on the API of p. The journal keeps no secret: it scrubs
// what the API returns once and what it masks; a service configuration's
// echoed body does not say which settings are confidential, so every
// setting value in it not marked otherwise is masked too.
func (m *Model) record(p place, e state.Entry) {
	if m.journal == nil {
		return
	}
	e.Owner, e.Profile, e.Account, e.BaseURL = m.opts.Owner, p.profile, p.account, m.baseURLOf(p)
	if d, ok := m.cat.Lookup(e.Kind); ok && d.Edit.DropMasked {
		e.After, _ = state.ScrubSettings(e.After, state.ConfidentialSettings(e.Before), true)
	}
	e.Time = m.opts.Now()
	if err := m.journal.Append(e); err != nil {
		m.showError(fmt.Errorf("the write succeeded, but the journal could not record it: %w", err))
	}
}

// showSecrets shows, once, the access-key secrets a create returned (the
// API never returns them again).
func (m *Model) showSecrets(e api.Entity) {
	type secret struct {
		OS     string `json:"os,omitempty"`
		Key    string `json:"key"`
		Secret string `json:"secret"`
	}
	var out []secret
	var walk func(any, string)
	walk = func(n any, os string) {
		switch t := n.(type) {
		case map[string]any:
			if o, ok := t["os"].(string); ok {
				os = o
			}
			if keys, ok := t["access_keys"].([]any); ok {
				for _, k := range keys {
					if km, ok := k.(map[string]any); ok {
						if s, ok := km["secret"].(string); ok && s != "" {
							key, _ := km["key"].(string)
							out = append(out, secret{OS: os, Key: key, Secret: s})
						}
					}
				}
			}
			for _, c := range t {
				walk(c, os)
			}
		case []any:
			for _, c := range t {
				walk(c, os)
			}
		}
	}
	var doc any
	if json.Unmarshal(e.Raw, &doc) != nil {
		return
	}
	walk(doc, "")
	if len(out) == 0 {
		return
	}
	b, _ := json.Marshal(out)
	in := inspector.New(m.common)
	m.show(in, "secrets", "secrets")
	in.SetJSON("Access key secrets — shown this once: the API never returns them again. y copies them.", b)
}

// runExternal hands the text to $VISUAL/$EDITOR and takes the result back.
func (m *Model) runExternal(text string) tea.Cmd {
	editorCmd := m.externalEditor()
	if editorCmd == "" {
		m.setNotice("no external editor: set $VISUAL or $EDITOR (not offered over SSH)")
		return nil
	}
	f, err := os.CreateTemp("", "mpconsole-*.json")
	if err != nil {
		m.showError(fmt.Errorf("external editor: %w", err))
		return nil
	}
	path := f.Name()
	_, werr := f.WriteString(text)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		m.showError(fmt.Errorf("external editor: %w", werr))
		return nil
	}
	cmd := exec.Command("sh", "-c", editorCmd+` "$1"`, "sh", path)
	return m.opts.ExecProcess(cmd, func(err error) tea.Msg {
		defer os.Remove(path)
		b, rerr := os.ReadFile(path)
		if err == nil {
			err = rerr
		}
		return externalDoneMsg{text: string(b), err: err}
	})
}

// externalDoneMsg is the external editor's result.
type externalDoneMsg struct {
	text string
	err  error
}

func (m *Model) onExternalDone(msg externalDoneMsg) tea.Cmd {
	if msg.err != nil {
		m.showError(fmt.Errorf("external editor: %w (your text in the console is unchanged)", msg.err))
		return nil
	}
	if m.editing == nil {
		return nil
	}
	m.editing.ed.SetText(msg.text)
	m.draftNow(m.editing)
	return nil
}

// quitWithUnsaved asks before quitting with an editor holding changes. The
// draft is written before the question is asked, so what the question
// promises is already true when it is answered (the editor writes drafts
// at most once a second; the last keystrokes may not be in one yet).
func (m *Model) quitWithUnsaved() tea.Cmd {
	if m.editing == nil || !m.editing.ed.Dirty() {
		return tea.Quit
	}
	ed := m.editing
	m.writeDraft(ed, ed.ed.Text(), true)
	msg := "Your edit of " + entityWord(ed) + " is kept as a draft and offered again when you edit it next time. Quit now?"
	if m.opts.StateTemporary {
		msg = "Your edit of " + entityWord(ed) + " is lost when you quit: this sandbox keeps its data in memory, and its drafts go with it. Quit now?"
	}
	d := confirm.New(m.common, confirm.Options{
		ID:      "quit",
		Title:   "Quit with unsaved changes?",
		Message: msg,
		Yes:     "Quit",
		No:      "Keep editing",
	})
	m.show(d, "quit", "quit")
	return nil
}
