package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/editor"
	"github.com/mpconsole/mpconsole/views/table"
	"github.com/mpconsole/mpconsole/views/text"
)

// bulk is what the console does with the marked rows of the list in
// front: the marks' lifetime (they belong to the view: leaving it, or the
// account, drops them), a delete of every marked entity after one
// question, and a bulk edit of the fields they share. Writes go one at a
// time, each a request of its own, journaled as a single write is. It
// talks to the root through host and to the edit session (edits) for the
// journal, the drafts and the external editor.
type bulk struct {
	h      host
	common views.Common
	ed     *edits
	marked *table.Model // the table whose marks are live: the list in front
	run    *bulkRun     // the writes under way
	open   *bulkEdit    // the bulk editor, when open
	// opening is the bulk editor whose fields are being read, in the
	// background: esc, leaving the view or the account drops it.
	opening *bulkOpening
}

// bulkOpening is a bulk editor being opened: the fields the marked
// entities share are read in a command.
type bulkOpening struct {
	view int
	kind *api.Descriptor
	n    int
}

// bulkRun is a bulk delete or update under way: one request in flight at a
// time, the next sent when it is answered.
type bulkRun struct {
	op     state.Op // delete or update
	kind   *api.Descriptor
	todo   []api.Entity
	bodies [][]byte // update: the body sent for each
	next   int      // the entity whose request is in flight
	done   int      // succeeded
	failed []bulkFailure
	stop   bool // esc: send no more after the one in flight
}

// bulkFailure is one write of a bulk write that failed, and why.
type bulkFailure struct {
	e   api.Entity
	err error
}

// bulkEdit is the bulk editor: the marked entities of one kind, edited
// through the fields they all share.
type bulkEdit struct {
	view   int
	kind   *api.Descriptor
	place  place  // where it was opened: a save never goes to another account
	shared []byte // the shared fields: what the editor opened with
	// todo are the entities to save: a saved one leaves; one that changed
	// on the server takes the server's version as its base.
	todo  []api.Entity
	ed    *editor.Model
	layer *overlay
	// plan is what the review on screen was made of: the text it reviewed
	// and the bodies to send. y sends exactly those; every ctrl+s makes a
	// new one.
	plan *bulkPlan
}

func newBulk(h host, c views.Common, ed *edits) *bulk { return &bulk{h: h, common: c, ed: ed} }

// countOf says n entities of kind d: "1 platform", "3 platforms".
func countOf(n int, d *api.Descriptor) string {
	if n == 1 {
		return "1 " + d.Singular
	}
	return strconv.Itoa(n) + " " + strings.ToLower(d.Title)
}

// follow makes t the table whose marks are live (the list now in front);
// the marks of the one left go.
func (b *bulk) follow(t *table.Model) {
	if t == b.marked {
		return
	}
	if b.marked != nil {
		b.marked.ClearMarks()
	}
	b.marked = t
	b.opening = nil // its answer, when it comes, is for a view left
}

// reset forgets everything of the place the session leaves (an account
// switch): the marks, a bulk write under way (the writes already answered
// are journaled where they were made; the next are not sent) and the bulk
// editor, which the switch closed.
func (b *bulk) reset() {
	if b.marked != nil {
		b.marked.ClearMarks()
	}
	b.run, b.open, b.opening = nil, nil, nil
}

// interrupted says what a bulk write under way had done when the session
// leaves its place (an account switch stops it: reset), "" when none runs:
// "the switch stopped the bulk delete in Acme Production (1): 3/8
// audiences deleted, 1 in flight, 4 not sent".
func (b *bulk) interrupted() string {
	r := b.run
	if r == nil {
		return ""
	}
	verb, what := "deleted", "delete"
	if r.op == state.OpUpdate {
		verb, what = "saved", "edit"
	}
	s := fmt.Sprintf("the switch stopped the bulk %s in %s: %d/%s %s", what, b.h.placeLabel(), r.done, countOf(len(r.todo), r.kind), verb)
	if n := len(r.failed); n > 0 {
		s += fmt.Sprintf(", %d failed", n)
	}
	if r.next < len(r.todo) {
		s += fmt.Sprintf(", 1 in flight, %d not sent", len(r.todo)-r.next-1)
	}
	return s
}

// status is the status bar's line while a bulk write runs: "deleting
// 2/7… (esc stops)".
func (b *bulk) status() string {
	r := b.run
	if o := b.opening; r == nil && o != nil {
		return fmt.Sprintf("reading %s fields… (%s stops)", possessive(o.n, o.kind), b.common.Keys.Global.Back.Help().Key)
	}
	if r == nil {
		return ""
	}
	n := min(r.next+1, len(r.todo))
	switch {
	case r.op == state.OpUpdate:
		return fmt.Sprintf("saving %d/%d…", n, len(r.todo))
	case r.stop:
		return fmt.Sprintf("stopping after the delete in flight (%d/%d)…", n, len(r.todo))
	}
	return fmt.Sprintf("deleting %d/%d… (%s stops)", n, len(r.todo), b.common.Keys.Global.Back.Help().Key)
}

// possessive says "the fields of" n entities of kind d the short way:
// "1 app's", "50 000 apps'".
func possessive(n int, d *api.Descriptor) string {
	if n == 1 {
		return "1 " + d.Singular + "'s"
	}
	s := text.GroupDigits(int64(n)) + " " + strings.ToLower(d.Title)
	if strings.HasSuffix(s, "s") {
		return s + "'"
	}
	return s + "'s"
}

// stopOpening drops the bulk editor being opened (esc): its fields, when
// read, open nothing. It reports whether one was being opened.
func (b *bulk) stopOpening() bool {
	o := b.opening
	if o == nil {
		return false
	}
	b.opening = nil
	b.h.setNotice("stopped: the bulk edit of " + countOf(o.n, o.kind) + " was not opened")
	return true
}

// stop stops a bulk delete after the request in flight (esc). It reports
// whether one was running.
func (b *bulk) stop() bool {
	r := b.run
	if r == nil || r.op != state.OpDelete || r.stop {
		return false
	}
	r.stop = true
	return true
}

// busy says, when a bulk write runs, that another must wait.
func (b *bulk) busy() bool {
	if b.run == nil {
		return false
	}
	b.h.setNotice("a bulk write is under way: wait for it to end (" + b.status() + ")")
	return true
}

// --- delete ------------------------------------------------------------------

// bulkAskCount: a delete of more entities than this asks for their number
// to be typed.
const bulkAskCount = 5

// confirmDelete asks, once, before deleting the marked entities es of kind
// d shown in frame view (hidden of them hidden by the filter). The
// question lists them; more than bulkAskCount asks for their number to be
// typed, and a kind whose delete asks for the name (Descriptor.DeleteByName)
// asks for the names, as a single delete does.
func (b *bulk) confirmDelete(view int, d *api.Descriptor, es []api.Entity, hidden int) {
	if b.busy() {
		return
	}
	what := countOf(len(es), d)
	msg := fmt.Sprintf("Delete %s from %s? This cannot be undone.", what, b.h.placeLabel())
	if hidden > 0 {
		msg += fmt.Sprintf(" (%d of them hidden by the filter.)", hidden)
	}
	o := confirm.Options{Title: "Delete " + what, Message: msg, Yes: "Delete", Danger: true}
	names := make([]string, len(es))
	for i, e := range es {
		o.Items = append(o.Items, entityLabel(e))
		names[i] = firstNonEmpty(e.Name, e.ID)
	}
	switch {
	case len(es) > bulkAskCount:
		o.RequireName, o.RequireWhat = strconv.Itoa(len(es)), "number"
	case d.DeleteByName:
		o.RequireName, o.RequireWhat = strings.Join(names, ", "), "list of names"
	}
	b.h.question(o, "delete", func(r confirm.ResultMsg) tea.Cmd {
		if !r.Confirmed {
			b.h.setNotice("nothing deleted")
			return nil
		}
		if b.h.readOnly() {
			b.h.setNotice(readOnlyNotice)
			return nil
		}
		if b.busy() {
			return nil
		}
		b.run = &bulkRun{op: state.OpDelete, kind: d, todo: es}
		return b.deleteNext(view, b.run)
	})
}

// deleteNext sends the next delete of r, or ends r.
func (b *bulk) deleteNext(view int, r *bulkRun) tea.Cmd {
	if r.stop || r.next >= len(r.todo) {
		return b.finish(view, r)
	}
	e := r.todo[r.next]
	return deleteRequest(b.h, b.ed, view, e, func(err error) tea.Cmd {
		if b.run != r {
			return nil // the session left the place (reset)
		}
		r.account(e, err)
		r.next++
		return b.deleteNext(view, r)
	})
}

// account counts the answer to e's write.
func (r *bulkRun) account(e api.Entity, err error) {
	if err != nil {
		r.failed = append(r.failed, bulkFailure{e: e, err: err})
		return
	}
	r.done++
}

// finish ends a bulk delete: it says what was done and, when something
// failed, what and why in the error pane (the rest succeeded); the list
// is read again.
func (b *bulk) finish(view int, r *bulkRun) tea.Cmd {
	b.run = nil
	reload := b.h.reload(view, "")
	out := &bulkError{verb: "deleted", kind: r.kind, done: r.done, total: len(r.todo), failed: r.failed, notSent: len(r.todo) - r.next}
	switch {
	case len(r.failed) > 0:
		b.h.setNotice(out.headline() + " (the error pane says why)")
		return tea.Batch(reload, views.ErrorCmd(out)) // the pane shows it after this reply settles
	case r.stop:
		b.h.setNotice("stopped: " + out.headline())
	default:
		b.h.setNotice("deleted " + countOf(r.done, r.kind))
	}
	return reload
}

// bulkError is a bulk write that did not wholly succeed: what failed and
// why; the rest succeeded. It does not unwrap to the failures: the error
// pane shows it whole, not as the first failure alone.
type bulkError struct {
	verb        string // "deleted", "saved"
	kind        *api.Descriptor
	done, total int
	failed      []bulkFailure
	notSent     int    // stopped before these were sent
	note        string // a last line, when there is more to say
}

// headline is the first line: "deleted 5 of 7 platforms; 2 failed".
func (e *bulkError) headline() string {
	s := fmt.Sprintf("%s %d of %s", e.verb, e.done, countOf(e.total, e.kind))
	if len(e.failed) > 0 {
		s += fmt.Sprintf("; %d failed", len(e.failed))
	}
	if e.notSent > 0 {
		s += fmt.Sprintf("; %d not sent (stopped)", e.notSent)
	}
	return s
}

func (e *bulkError) Error() string {
	lines := []string{e.headline()}
	for _, f := range e.failed {
		why, _, _ := strings.Cut(f.err.Error(), "\n")
		lines = append(lines, fmt.Sprintf("%s %s: %s", e.kind.Singular, entityLabel(f.e), why))
	}
	if e.note != "" {
		lines = append(lines, e.note)
	}
	return strings.Join(lines, "\n")
}

// --- edit --------------------------------------------------------------------

// edit opens the bulk editor on the marked entities es of kind d, shown in
// frame view: its text is the top-level fields they all have with the same
// value (sharedFields); what the user changes, adds or removes there is
// done to each of them (applyFields). The review before sending lists
// what that does to each entity; each is then sent, one at a time, only if
// the server still has the version listed (api.UpdateIfUnchanged).
//
// Reading the fields of thousands of entities takes a while: it runs in a
// command, like a request, and the editor opens when it answers, if the
// frame is still in front with nothing over it; esc, leaving the view or
// the account drops the answer. es becomes the edit's: the caller does
// not keep it (copying thousands of entities on the UI thread is the cost
// of opening the editor).
func (b *bulk) edit(view int, d *api.Descriptor, es []api.Entity) tea.Cmd {
	if !d.Ops.Has(api.OpUpdate) {
		b.h.setNotice(strings.ToLower(d.Title) + " cannot be edited: the API has no update for them")
		return nil
	}
	if b.busy() {
		return nil
	}
	if b.opening != nil {
		b.h.setNotice(b.status())
		return nil
	}
	o := &bulkOpening{view: view, kind: d, n: len(es)}
	cmd := request(b.h, ask[bulkFields]{
		view: view, what: "bulk-fields", noClient: true,
		do: func(ctx context.Context, _ *api.Client) (bulkFields, error) {
			return readFields(ctx, d, es)
		},
		then: func(f bulkFields, err error) tea.Cmd {
			if b.opening != o {
				return nil // esc, or the view was left
			}
			b.opening = nil
			if b.h.view() != view || b.h.front() != nil {
				return nil
			}
			if err != nil {
				b.h.setNotice(fmt.Sprintf("%s cannot be edited together: %v", strings.ToLower(d.Title), err))
				return nil
			}
			b.openEditor(view, d, es, f)
			return nil
		},
	})
	if cmd != nil {
		b.opening = o
	}
	return cmd
}

// bulkFields is what the bulk editor opens with: the fields the entities
// share and the protected fields of any of them.
type bulkFields struct {
	shared    []byte
	protected []string
}

// readFields reads the fields the entities es of kind d share (off the UI
// thread: it decodes every one).
func readFields(ctx context.Context, d *api.Descriptor, es []api.Entity) (bulkFields, error) {
	raws := make([][]byte, len(es))
	seen := map[string]bool{}
	var f bulkFields
	for i, e := range es {
		if i%1024 == 0 && ctx.Err() != nil {
			return f, ctx.Err()
		}
		raws[i] = e.Raw
		for _, p := range d.Protected(e.Raw) {
			if !seen[p] {
				seen[p] = true
				f.protected = append(f.protected, p)
			}
		}
	}
	shared, err := sharedFields(raws)
	if err != nil {
		return f, err
	}
	slices.Sort(f.protected)
	f.shared = shared
	return f, nil
}

// openEditor opens the bulk editor on es with the fields read.
func (b *bulk) openEditor(view int, d *api.Descriptor, es []api.Entity, f bulkFields) {
	be := &bulkEdit{view: view, kind: d, place: b.h.here(), shared: f.shared, todo: es}
	o := b.ed.editorOptions(d)
	o.Title = countOf(len(es), d) + " · shared fields"
	o.Text, o.Original, o.Immutable = pretty(f.shared), f.shared, f.protected
	o.Review = func(id int, text []byte) tea.Cmd { return b.review(be, id, text) }
	be.ed = editor.New(b.common, o)
	be.layer = &overlay{comp: be.ed, crumb: "bulk edit", help: &b.common.Keys.Editor.Help}
	b.open = be
	b.h.show(be.layer)
	b.h.setNotice(fmt.Sprintf("the fields of %s: what you change here is done to each", countOf(len(es), d)))
}

// review prepares, in a command, what text does to each entity of be
// (planBulk) and gives it to the editor, which waits for it (ask id). The
// entities are those be saves now: a later change to them (a save, a
// conflict's newer version) is another review's.
func (b *bulk) review(be *bulkEdit, id int, text []byte) tea.Cmd {
	be.plan = nil
	kind, shared, todo := be.kind, be.shared, slices.Clone(be.todo)
	cmd := request(b.h, ask[*bulkPlan]{
		view: be.view, what: "bulk-review", noClient: true,
		do: func(ctx context.Context, _ *api.Client) (*bulkPlan, error) {
			return planBulk(ctx, kind, shared, todo, text)
		},
		then: func(p *bulkPlan, err error) tea.Cmd {
			if b.open != be {
				return nil // the editor was closed
			}
			var ss []diff.Section
			if p != nil {
				ss = p.sections
			}
			if be.ed.ShowReview(id, ss, err) && err == nil {
				be.plan = p
			}
			return nil
		},
	})
	if cmd == nil { // not sent: the editor must not wait for it
		be.ed.ShowReview(id, nil, errors.New("the review could not be prepared"))
	}
	return cmd
}

// update handles what the bulk editor asks for. It reports whether msg
// was the bulk editor's: with no bulk editor open, the edit session's.
func (b *bulk) update(msg tea.Msg) (tea.Cmd, bool) {
	be := b.open
	if be == nil {
		return nil, false
	}
	switch msg := msg.(type) {
	case editor.DraftMsg:
		// A bulk edit is not kept as a draft: its marks do not outlive the
		// view. The text stays in the editor until it is saved or left.
	case editor.CloseMsg:
		b.close(be)
	case editor.ExternalMsg:
		return b.ed.runExternal(msg.Text), true
	case externalDoneMsg:
		if msg.err != nil {
			b.h.fail(fmt.Errorf("external editor: %w (your text in the console is unchanged)", msg.err))
			return nil, true
		}
		be.ed.SetText(msg.text)
	case editor.SaveMsg:
		return b.save(be, msg), true
	default:
		return nil, false
	}
	return nil, true
}

func (b *bulk) close(be *bulkEdit) {
	if b.open == be {
		b.open = nil
	}
	b.h.close(be.layer)
}

// save sends the bulk edit: each entity whose body changes, one at a
// time, as a single edit's save does, the bodies the review was made of
// (planBulk refused the edit there when a body failed the kind's check).
func (b *bulk) save(be *bulkEdit, msg editor.SaveMsg) tea.Cmd {
	if saveRefused(b.h, be.ed, be.place) {
		return nil
	}
	if b.run != nil {
		be.ed.SaveFailed(errors.New("a bulk write is under way: save when it ends"))
		return nil
	}
	p := be.plan
	be.plan = nil
	if p == nil || !bytes.Equal(p.text, msg.Body) {
		be.ed.SaveFailed(errors.New("the review is not of this text: review it again"))
		return nil
	}
	r := &bulkRun{op: state.OpUpdate, kind: be.kind, todo: p.todo, bodies: p.bodies}
	b.run = r
	return b.saveNext(be, r)
}

// saveNext sends the next update of r, or ends r.
func (b *bulk) saveNext(be *bulkEdit, r *bulkRun) tea.Cmd {
	if r.next >= len(r.todo) {
		return b.saved(be, r)
	}
	e, body := r.todo[r.next], r.bodies[r.next]
	return request(b.h, ask[api.UpdateResult]{
		view: be.view, what: "save", origin: writeOrigin("save", e.Kind, e.Parents, e.ID),
		do: func(ctx context.Context, c *api.Client) (api.UpdateResult, error) {
			return c.UpdateIfUnchanged(ctx, e.Kind, e.Parents, e.ID, e.Raw, body)
		},
		always: func(res api.UpdateResult, err error) {
			if err == nil { // written, wherever the session is now: journaled where it was made
				b.ed.record(be.place, saveEntry(state.OpUpdate, e.Kind, e.Parents, e.ID, e.Name, res))
			}
		},
		then: func(res api.UpdateResult, err error) tea.Cmd {
			if b.run != r {
				return nil // the session left the place (reset)
			}
			r.account(e, err)
			var conflict *api.ConflictError
			switch {
			case errors.As(err, &conflict):
				be.rebase(e.ID, conflict.Current)
			case err == nil && e.Kind.NamesAccount:
				b.h.renamed(res.After.ID, res.After.Name)
			}
			if err == nil {
				be.saved(e.ID)
			}
			r.next++
			return b.saveNext(be, r)
		},
	})
}

// saved takes the entity id out of those the bulk edit still saves.
func (be *bulkEdit) saved(id string) {
	be.todo = slices.DeleteFunc(be.todo, func(e api.Entity) bool { return e.ID == id })
}

// rebase makes the server's current version the base of entity id, which
// changed on the server since it was listed: the next review shows the
// change against it, and saving sends it only if it is still that.
func (be *bulkEdit) rebase(id string, current []byte) {
	for i, e := range be.todo {
		if e.ID == id {
			be.todo[i].Raw = current
		}
	}
}

// saved ends a bulk save: every entity saved closes the editor; otherwise
// the editor keeps the text, with what failed and why (the error pane too),
// and saving again sends the rest. The list is read again either way.
func (b *bulk) saved(be *bulkEdit, r *bulkRun) tea.Cmd {
	b.run = nil
	reload := b.h.reload(be.view, "")
	if len(r.failed) == 0 {
		b.close(be)
		b.h.setNotice(fmt.Sprintf("update %s: saved", countOf(r.done, r.kind)))
		return reload
	}
	out := &bulkError{verb: "saved", kind: r.kind, done: r.done, total: len(r.todo), failed: r.failed}
	for _, f := range r.failed {
		var conflict *api.ConflictError
		if errors.As(f.err, &conflict) {
			out.note = "the next review (" + b.common.Keys.Editor.Save.Help().Key +
				") shows your change against the server's newer version; nothing is sent before it"
			break
		}
	}
	// The editor's line names what was not saved; the pane says why.
	labels := make([]string, len(r.failed))
	for i, f := range r.failed {
		labels[i] = f.e.ID
	}
	be.ed.SaveFailed(fmt.Errorf("%d of %s (%s); %d saved", len(r.failed), countOf(len(r.todo), r.kind), strings.Join(labels, ", "), r.done))
	b.h.fail(out)
	return reload
}

// quit asks before quitting when the bulk editor holds changes: a bulk
// edit is not kept as a draft. ok is false when there is nothing to ask.
func (b *bulk) quit() (tea.Cmd, bool) {
	be := b.open
	if be == nil || !be.ed.Dirty() {
		return nil, false
	}
	b.h.question(confirm.Options{
		Title:   "Quit with unsaved changes?",
		Message: fmt.Sprintf("Your bulk edit of %s is lost when you quit: a bulk edit is not kept as a draft. Quit now?", countOf(len(be.todo), be.kind)),
		Yes:     "Quit",
		No:      "Keep editing",
	}, "quit", func(r confirm.ResultMsg) tea.Cmd {
		if r.Confirmed {
			return tea.Quit
		}
		if b.open == be {
			b.h.show(be.layer)
		}
		return nil
	})
	return nil, true
}

// --- the root's side -------------------------------------------------------------

// markKey handles list.mark, list.mark_all and list.clear_marks on the
// list in front. ok is false for any other key, or when an overlay is in
// front (the comparison's table has marks of its own).
func (m *Model) markKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	f := m.top()
	lk := m.keys.List
	if m.overlay != nil || f == nil || !key.Matches(msg, lk.Mark, lk.MarkAll, lk.ClearMarks) {
		return nil, false
	}
	if f.tree != nil {
		m.setNotice(m.treeHasNoMarks())
		return nil, true
	}
	if key.Matches(msg, lk.ClearMarks) {
		if f.table.MarkCount() > 0 {
			f.table.ClearMarks()
			m.setNotice("marks cleared")
		}
		return nil, true
	}
	if why := m.unmarkable(f); why != "" {
		m.setNotice(why)
		return nil, true
	}
	if key.Matches(msg, lk.Mark) {
		f.table.ToggleMark()
	} else {
		f.table.MarkAll()
	}
	if m.notice == "marks cleared" {
		m.notice = "" // no longer true: the status bar counts the marks
	}
	return nil, true
}

// stopKey stops a bulk delete on esc (global.back) after the request in
// flight, before esc does anything else (clearing a filter, going back),
// unless an overlay or the filter prompt has the focus. It reports whether
// it did.
func (m *Model) stopKey(msg tea.KeyPressMsg) bool {
	if !key.Matches(msg, m.keys.Global.Back) || m.overlay != nil {
		return false
	}
	if f := m.top(); f != nil && f.table.Filtering() {
		return false
	}
	return m.bulk.stop() || m.bulk.stopOpening()
}

// unmarkable says why the rows of frame f cannot be marked: a chooser of
// kinds, or a kind whose entities have no id to act on.
func (m *Model) unmarkable(f *frame) string {
	if f.kind == nil {
		return "a list of kinds has nothing to mark"
	}
	r, ok := f.table.Selected()
	if !ok {
		return ""
	}
	if e, ok := f.ents.get(r.ID); ok && e.ID == "" {
		return strings.ToLower(f.kind.Title) + " have no id: they cannot be marked"
	}
	return ""
}

// onMarked acts on the marked rows of frame f: ctrl+d deletes them, e
// edits them together. ok is false when no row is marked (the key acts on
// the cursor row).
func (m *Model) onMarked(f *frame, a table.Action) (tea.Cmd, bool) {
	if f.kind == nil || f.table.MarkCount() == 0 || (a != table.Delete && a != table.Edit) {
		return nil, false
	}
	rows, hidden := f.table.Marked()
	// The marked entities are read back in a command (100 000 of them take
	// about a tenth of a second): their places are taken here.
	places, view, gen, seq := f.ents.locateAll(rowIDs(rows)), f.id, m.gen, f.table.MarkSeq()
	return func() tea.Msg {
		return markedRead{view: view, gen: gen, seq: seq, action: a, es: readAll(places), hidden: hidden}
	}, true
}

// markedRead is the marked entities of frame view read back, for action.
type markedRead struct {
	view, gen int
	seq       int // the table's MarkSeq when they were read
	action    table.Action
	es        []api.Entity
	hidden    int // marked rows the filter hides
}

// onMarkedRead asks about the action on the marked entities read back,
// while their frame is still in front, with the same marks, and nothing
// else (a prompt, an overlay) took the keys meanwhile.
func (m *Model) onMarkedRead(r markedRead) tea.Cmd {
	f := m.top()
	if f == nil || f.id != r.view || r.gen != m.gen || m.overlay != nil || f.table.Filtering() {
		return nil
	}
	if f.table.MarkSeq() != r.seq {
		if f.table.MarkCount() > 0 {
			m.setNotice("the marks changed while the marked rows were read: nothing done, press the key again")
		}
		return nil
	}
	if r.action == table.Delete {
		m.bulk.confirmDelete(f.id, f.kind, r.es, r.hidden)
		return nil
	}
	return m.bulk.edit(f.id, f.kind, r.es)
}

// frontTable is the table of the list in front, nil when there is none.
func (m *Model) frontTable() *table.Model {
	if f := m.top(); f != nil {
		return f.table
	}
	return nil
}
