package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/editor"
)

// edits is the edit session: the editor open over the body (at most one),
// the drafts of unsaved edits, the journal of writes and :history over it.
// It talks to the root only through host.
type edits struct {
	h        host
	common   views.Common
	opts     *Options
	cat      *api.Catalog
	drafts   state.Drafts   // unsaved edits, per entity
	journal  *state.Journal // every successful write
	stateErr error          // why there are no drafts or journal
	open     *editing       // the open editor, if any
}

// editing is one open editor: what it edits, where, and the overlays it
// shows (the editor, and the restore question over it while it is asked).
type editing struct {
	view   int // the frame it was opened from
	kind   *api.Descriptor
	parent api.Ref
	id     string // "" when creating
	name   string
	key    state.Key
	opts   editor.Options // what the editor was opened with
	ed     *editor.Model
	place  place // where it was opened: a save never goes to another account
	layer  *overlay
	ask    *overlay // the restore question, while it is asked
}

func newEdits(h host, c views.Common, o *Options, cat *api.Catalog) *edits {
	s := &edits{h: h, common: c, opts: o, cat: cat}
	dir := o.StateDir
	if dir == "" {
		d, err := state.Dir()
		if err != nil {
			s.stateErr = fmt.Errorf("no state directory, so no drafts and no journal: %w", err)
		}
		dir = d
	}
	s.drafts = state.Drafts{Dir: dir, Now: o.Now}
	if dir != "" {
		s.journal = state.NewJournal(dir)
	}
	return s
}

// draftKey names a draft of what an editor edits: on this API (its base
// URL: another sandbox, or production, is another place even where ids
// coincide), in this account, as this profile and, over SSH, this key.
func (s *edits) draftKey(d *api.Descriptor, parent api.Ref, id string) state.Key {
	k := state.Key{Owner: s.opts.Owner, Profile: s.h.here().profile, Kind: d.Name, ID: id, Parent: map[string]string(parent.Clone())}
	if c := s.h.conn(); c != nil {
		k.Account, k.BaseURL = c.AccountID(), c.V1BaseURL()
	}
	return k
}

// writeDraft keeps the editor's text as its draft, with the server's
// version it is compared with, or deletes the draft when the text is back
// to how the editor opened.
func (s *edits) writeDraft(ed *editing, text string, dirty bool) {
	var err error
	if dirty {
		err = s.drafts.Save(state.Draft{Key: ed.key, Text: text, Base: ed.ed.Base()})
	} else {
		err = s.drafts.Delete(ed.key)
	}
	if err != nil {
		s.h.fail(fmt.Errorf("saving the draft: %w", err))
	}
}

// draftNow writes the draft at once after a change the editor did not
// type itself (the external editor's result, a restored draft, a revert):
// every change is a draft, whatever made it.
func (s *edits) draftNow(ed *editing) {
	if text, changed := ed.ed.Changed(); changed {
		s.writeDraft(ed, text, ed.ed.Dirty())
	}
}

// dropDraft deletes the draft of an entity written or deleted.
func (s *edits) dropDraft(k state.Key, what string) {
	if err := s.drafts.Delete(k); err != nil {
		s.h.fail(fmt.Errorf("%s: %w", what, err))
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
func (s *edits) externalEditor() string {
	if s.opts.Remote {
		return ""
	}
	if v := s.opts.Getenv("VISUAL"); v != "" {
		return v
	}
	return s.opts.Getenv("EDITOR")
}

// edit opens the editor on an entity (e.Kind set, e.ID non-empty) or on a
// create template (e nil), for frame view. A draft left by a failed save,
// a crash or a dropped SSH connection is offered first.
func (s *edits) edit(view int, d *api.Descriptor, parent api.Ref, e *api.Entity) *editing {
	ed := &editing{view: view, kind: d, parent: parent.Clone(), place: s.h.here()}
	o := s.editorOptions(d)
	if e != nil {
		ed.id, ed.name = e.ID, e.Name
		o.Title = fmt.Sprintf("%s %s", d.Singular, entityLabel(*e))
		o.Text, o.Original, o.Immutable = pretty(e.Raw), e.Raw, d.Protected(e.Raw)
	} else {
		o.Title = "new " + d.Singular
		var listed []json.RawMessage // read back only for a kind that seeds its template from them
		if d.Edit.Seed != nil {
			listed = s.h.rowBodies(view)
		}
		o.Text = d.CreateTemplate(listed)
	}
	ed.key = s.draftKey(d, parent, ed.id)
	ed.opts = o
	ed.ed = editor.New(s.common, o)
	ed.layer = &overlay{comp: ed.ed, crumb: o.Title, help: &s.common.Keys.Editor.Help}
	s.open = ed
	s.h.show(ed.layer)
	dr, ok, err := s.drafts.Load(ed.key)
	switch {
	case err != nil:
		s.h.fail(fmt.Errorf("reading the draft: %w", err))
	case !ok:
	case e != nil && dr.Stale(e.Raw):
		s.offerStale(ed, dr, e.Raw)
	case dr.Text != o.Text:
		ed.ask = s.h.question(confirm.Options{
			Title:    "Restore your draft?",
			Message:  fmt.Sprintf("You have an unsaved draft of %s from %s. Restore it? (Discard opens the server's version and deletes the draft; esc keeps it for later.)", o.Title, dr.SavedAt.Local().Format("2006-01-02 15:04")),
			Yes:      "Restore",
			No:       "Discard",
			FocusYes: true, // enter loses nothing; esc keeps the draft for later
		}, "draft", func(r confirm.ResultMsg) tea.Cmd { return s.restore(ed, r, dr, false) })
	}
	return ed
}

// editorOptions are the options every editor of kind d opens with: the
// external editor (or why there is none) and the kind's hints.
func (s *edits) editorOptions(d *api.Descriptor) editor.Options {
	o := editor.Options{External: s.externalEditor() != ""}
	// The editor says "External editor unavailable: REASON.", once.
	if s.opts.Remote {
		o.ExternalReason = "not offered over SSH"
	} else if !o.External {
		o.ExternalReason = "set $VISUAL or $EDITOR"
	}
	for _, p := range sortedKeys(d.Edit.Hints) {
		o.Hints = append(o.Hints, editor.Hint{Path: p, Text: d.Edit.Hints[p]})
	}
	return o
}

// offerStale offers a draft whose entity changed on the server since the
// draft was started: never loaded silently, it is shown as a three-way
// table (then, now, yours) over the restore question. Restoring opens the
// draft against the version it began from, so saving it meets the
// server's changes in the editor's conflict view first.
func (s *edits) offerStale(ed *editing, dr state.Draft, now []byte) {
	then, _ := diff.Parse(dr.Base)
	cur, _ := diff.Parse(now)
	yours, yerr := diff.Parse([]byte(dr.Text))
	note := fmt.Sprintf("%s changed on the server since you began this draft (saved %s).",
		entityWord(ed), dr.SavedAt.Local().Format("2006-01-02 15:04"))
	if yerr != nil {
		yours = nil
		note += " Your draft is not valid JSON, so only the server's changes are listed."
	}
	d := confirm.New(s.common, confirm.Options{
		Title: "Restore your draft?",
		Message: "Restore opens your draft against the version it began from; saving it shows the server's changes first. " +
			"Discard deletes the draft; esc keeps it for later.",
		Yes:      "Restore",
		No:       "Discard",
		FocusYes: true,
	})
	v := newStaleView(s.common, "Your draft was started from an older version", note, diff.ThreeWay(then, cur, yours), d)
	ed.ask = &overlay{comp: v, crumb: "draft"}
	ed.ask.onResult = func(r confirm.ResultMsg) tea.Cmd { return s.restore(ed, r, dr, true) }
	s.h.show(ed.ask)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// restore puts the editor back with the draft dr or without it.
func (s *edits) restore(ed *editing, r confirm.ResultMsg, dr state.Draft, stale bool) tea.Cmd {
	s.h.close(ed.ask)
	ed.ask = nil
	if s.open != ed {
		return nil
	}
	if r.Dismissed { // not now: close the editor, keep the draft on disk
		s.open = nil
		s.h.close(ed.layer)
		s.h.setNotice("draft kept: editing " + entityWord(ed) + " offers it again")
		return nil
	}
	ed.layer.crumb = entityWord(ed)
	s.h.show(ed.layer)
	if !r.Confirmed {
		s.dropDraft(ed.key, "discarding the draft")
		return nil
	}
	if stale {
		// The text goes back on the version it was written against.
		o := ed.opts
		o.Original, o.Text, o.Immutable = dr.Base, pretty(dr.Base), ed.kind.Protected(dr.Base)
		ed.ed = editor.New(s.common, o)
		ed.layer.comp = ed.ed
		s.h.show(ed.layer)
		s.h.setNotice("your draft is open against the version it began from: saving shows the server's changes first")
	}
	ed.ed.SetText(dr.Text)
	s.draftNow(ed)
	return nil
}

// entityWord names what an editor edits: app 2 "Acme Shop", or new app.
func entityWord(ed *editing) string {
	if ed.id == "" {
		return "new " + ed.kind.Singular
	}
	return ed.kind.Singular + " " + entityLabel(api.Entity{ID: ed.id, Name: ed.name})
}

// update handles what the editor asks for, and the external editor's
// result. It reports whether msg was the session's.
func (s *edits) update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg.(type) {
	case editor.DraftMsg, editor.CloseMsg, editor.ExternalMsg, editor.SaveMsg, externalDoneMsg:
	default:
		return nil, false
	}
	ed := s.open
	if ed == nil {
		return nil, true
	}
	switch msg := msg.(type) {
	case editor.DraftMsg:
		// The text as it is now: a message from an earlier tick must not
		// overwrite a newer draft (one written when quitting, say).
		s.writeDraft(ed, ed.ed.Text(), ed.ed.Dirty())
	case editor.CloseMsg:
		s.close(true)
	case editor.ExternalMsg:
		return s.runExternal(msg.Text), true
	case editor.SaveMsg:
		return s.save(ed, msg), true
	case externalDoneMsg:
		if msg.err != nil {
			s.h.fail(fmt.Errorf("external editor: %w (your text in the console is unchanged)", msg.err))
			return nil, true
		}
		ed.ed.SetText(msg.text)
		s.draftNow(ed)
	}
	return nil, true
}

// close closes the editor, deleting its draft or (dropDraft false) keeping
// its text as the draft.
func (s *edits) close(dropDraft bool) {
	ed := s.open
	if ed == nil {
		return
	}
	if dropDraft {
		s.dropDraft(ed.key, "discarding the draft")
	} else if ed.ask == nil && ed.ed.Dirty() {
		s.writeDraft(ed, ed.ed.Text(), true) // the last second of typing too
	}
	s.open = nil
	s.h.close(ed.layer)
	s.h.close(ed.ask)
}

// saveRefused says on ed why nothing opened at p can be sent now: the
// console is read-only, or the session has left p's account since.
func saveRefused(h host, ed *editor.Model, p place) bool {
	if h.readOnly() {
		ed.SaveFailed(errors.New("read-only: this console sends no writes"))
		h.setNotice(readOnlyNotice)
		return true
	}
	if h.conn() == nil || h.here() != p {
		ed.SaveFailed(errors.New("the session has switched to another account since the editor opened"))
		return true
	}
	return false
}

// save sends an edit or a create. An update is sent only if the server
// still has the version the editor opened (api.Client.UpdateIfUnchanged):
// if it changed, the editor shows what changed and nothing is sent.
func (s *edits) save(ed *editing, msg editor.SaveMsg) tea.Cmd {
	if saveRefused(s.h, ed.ed, ed.place) {
		return nil
	}
	if err := ed.kind.CheckBody(msg.Body); err != nil {
		ed.ed.SaveFailed(err) // refused before sending: the text stays as typed
		return nil
	}
	op := state.OpUpdate
	if ed.id == "" {
		op = state.OpCreate
	}
	body, base := msg.Body, msg.Base
	return request(s.h, ask[api.UpdateResult]{
		view: ed.view, what: "save", origin: writeOrigin("save", ed.kind, ed.parent, ed.id),
		do: func(ctx context.Context, c *api.Client) (api.UpdateResult, error) {
			if ed.id == "" {
				e, err := c.Create(ctx, ed.kind, ed.parent, body)
				return api.UpdateResult{After: e}, err
			}
			return c.UpdateIfUnchanged(ctx, ed.kind, ed.parent, ed.id, base, body)
		},
		always: func(r api.UpdateResult, err error) {
			if err != nil {
				return
			}
			// Written, wherever the session is now: journaled where it was made.
			s.record(ed.place, saveEntry(op, ed.kind, ed.parent, ed.id, ed.name, r))
			if s.open != ed {
				s.dropDraft(ed.key, "deleting the saved edit's draft")
			}
		},
		then: func(r api.UpdateResult, err error) tea.Cmd { return s.saved(ed, op, r, err) },
	})
}

// saved shows the answer to a save in the editor that asked, if it is
// still open.
func (s *edits) saved(ed *editing, op state.Op, r api.UpdateResult, err error) tea.Cmd {
	if s.open != ed {
		return nil
	}
	var conflict *api.ConflictError
	switch {
	case errors.As(err, &conflict):
		ed.ed.Conflict(conflict.Current)
		return nil
	case err != nil:
		ed.ed.SaveFailed(err)
		s.h.fail(err)
		return nil
	}
	if ed.kind.NamesAccount {
		s.h.renamed(r.After.ID, r.After.Name)
	}
	s.close(true)
	cmd := s.h.reload(ed.view, r.After.ID)
	if op == state.OpCreate {
		s.showSecrets(ed.kind, r.After)
	}
	// Said in the view in front now: the table, or the create's secrets.
	s.h.setNotice(fmt.Sprintf("%s %s %s: saved", op, ed.kind.Singular, firstNonEmpty(r.After.ID, ed.id)))
	return cmd
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// saveEntry is the journal entry of a save (op: update or create) of the
// entity id (none for a create) named name, of kind d under parent.
func saveEntry(op state.Op, d *api.Descriptor, parent api.Ref, id, name string, r api.UpdateResult) state.Entry {
	return state.Entry{Op: op, Kind: d.Name, Parent: map[string]string(parent), ID: firstNonEmpty(r.After.ID, id),
		Name: firstNonEmpty(r.After.Name, name), Before: r.Before, After: r.After.Raw}
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
func (s *edits) record(p place, e state.Entry) {
	if s.journal == nil {
		return
	}
	e.Owner, e.Profile, e.Account, e.BaseURL = s.opts.Owner, p.profile, p.account, s.h.baseURL(p)
	if d, ok := s.cat.Lookup(e.Kind); ok && d.Edit.DropMasked {
		e.After, _ = state.ScrubSettings(e.After, state.ConfidentialSettings(e.Before), true)
	}
	e.Time = s.opts.Now()
	if err := s.journal.Append(e); err != nil {
		s.h.fail(fmt.Errorf("the write succeeded, but the journal could not record it: %w", err))
	}
}

// runExternal hands the text to $VISUAL/$EDITOR and takes the result back.
func (s *edits) runExternal(text string) tea.Cmd {
	editorCmd := s.externalEditor()
	if editorCmd == "" {
		s.h.setNotice("no external editor: set $VISUAL or $EDITOR (not offered over SSH)")
		return nil
	}
	f, err := os.CreateTemp("", "mpconsole-*.json")
	if err != nil {
		s.h.fail(fmt.Errorf("external editor: %w", err))
		return nil
	}
	path := f.Name()
	_, werr := f.WriteString(text)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		s.h.fail(fmt.Errorf("external editor: %w", werr))
		return nil
	}
	cmd := exec.Command("sh", "-c", editorCmd+` "$1"`, "sh", path)
	return s.opts.ExecProcess(cmd, func(err error) tea.Msg {
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

// quit quits, asking first when an editor holds changes. The draft is
// written before the question is asked, so what the question promises is
// already true when it is answered (the editor writes drafts at most once
// a second; the last keystrokes may not be in one yet).
func (s *edits) quit() tea.Cmd {
	ed := s.open
	if ed == nil || !ed.ed.Dirty() {
		return tea.Quit
	}
	s.writeDraft(ed, ed.ed.Text(), true)
	msg := "Your edit of " + entityWord(ed) + " is kept as a draft and offered again when you edit it next time. Quit now?"
	if s.opts.StateTemporary {
		msg = "Your edit of " + entityWord(ed) + " is lost when you quit: this sandbox keeps its data in memory, and its drafts go with it. Quit now?"
	}
	s.h.question(confirm.Options{
		Title:   "Quit with unsaved changes?",
		Message: msg,
		Yes:     "Quit",
		No:      "Keep editing",
	}, "quit", func(r confirm.ResultMsg) tea.Cmd {
		if r.Confirmed {
			return tea.Quit
		}
		if s.open != nil { // a save may have landed, and closed it, while the question was up
			s.h.show(s.open.layer)
		}
		return nil
	})
	return nil
}
