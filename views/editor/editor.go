// Package editor is the console's JSON editor: it edits an entity's JSON (or
// a create template), validates it as it is typed, protects the fields the
// API will not change, shows what will change before anything is sent, and
// keeps nothing from being lost.
//
// # Design
//
// The text lives in a small line buffer of its own rather than the bubbles
// textarea: the textarea renders every line of the document on every frame
// (a 5 000-line document is slow to type in), has no gutter marks and
// cannot be highlighted. The buffer keeps lines as strings and a cursor;
// every change goes through one replace operation that records its inverse,
// so undo and redo are exact, and consecutive typing is one undo step. View
// draws only the lines on screen, highlighting each on its own (a JSON
// string cannot span lines) with the theme's JSON colours, so a frame costs
// the same for 20 lines or 5 000.
//
// Validation runs lazily, once per version of the text, when the text is
// drawn or saved: one hand-written pass (check.go) that is as strict as
// encoding/json (differentially fuzzed against it) and also refuses
// duplicate keys and invalid UTF-8, and says where and what in words
// ("line 4, column 12: missing ',' between two fields"). The same pass
// finds the lines of the protected fields (Options.Immutable), marked with
// a • in the gutter, and of the hinted ones (Options.Hints, shown beside
// the field and under the text when the cursor is on it).
//
// Saving is a small state machine:
//
//	editing --ctrl+s--> review --y--> saving --SaveFailed--> editing
//	                      |n/esc           (the root closes the editor on success)
//	                      v
//	                   editing
//
// ctrl+s refuses, without leaving the text, JSON that does not parse (the
// cursor jumps to the error), a change to a protected field ("id cannot be
// changed"; compared structurally with the server's version, the cursor
// jumps to the field), and text that changes nothing. Otherwise it shows
// the structural diff (views/diff) from Options.Original to the text,
// without the protected fields (the API does not change them), or the
// review Options.Review prepares in the background (the editor waits in
// a preparing step, the text kept and not editable, until ShowReview;
// esc stops waiting); y emits SaveMsg. After a conflict a protected field may hold the value the text
// came from or the server's newer one (a timestamp the server moved is not
// the user's change), not a third. The client re-reads the entity first (api.UpdateIfUnchanged): if
// it differs from SaveMsg.Base it calls Conflict with the server's version,
// which shows what changed there and offers o (overwrite: review again
// against the newer version, then send), m (merge by hand: keep editing
// against the newer version, its changes listed under the text) and r
// (reload: take the server's version; ctrl+z brings the user's text back).
//
// esc leaves; with unsaved changes it asks first (views/confirm, default
// No). The dialog's answer is read by running its command in place: it is
// a pure function returning confirm.ResultMsg, so no message has to travel
// through the root and back.
//
// Drafts: after a change, the editor waits Options.DraftEvery (default 1 s)
// with a tea.Tick and then emits DraftMsg with the text, so the root writes
// at most one draft a second however fast the user types; the root must
// forward messages it does not know to the editor (it does, for overlays).
// Changed offers the same for a root that prefers to poll. The component
// never reads the clock or the environment, and never touches files.
//
// ctrl+e emits ExternalMsg when Options.External is set (the root runs
// $VISUAL or $EDITOR with tea.ExecProcess and calls SetText with the
// result); otherwise it says why it is unavailable (over SSH).
//
// Keys: the editor's actions come from the keymap's editor context
// (save, confirm, cancel, external, leave, undo, redo, overwrite, merge,
// reload). Moving and deleting text uses fixed keys (TextKeys, the arrows,
// home/end, backspace, …) like the bubbles textarea's own key map: they
// are what every text field does, and a printable key bound there could
// never be typed.
package editor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/confirm"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/helpview"
	"github.com/mpconsole/mpconsole/views/text"
)

// Hint is text shown beside a field, such as its valid values.
type Hint struct {
	Path string // a diff.Pattern: "os", "platforms[*].os"
	Text string // "iOS | tvOS | Android | …"
}

// Options describe what is edited.
type Options struct {
	// Title names what is edited: "app 4821 · Mobile App", "new platform".
	Title string
	// Text is the initial text: the entity's JSON, pretty-printed, or the
	// kind's create template.
	Text string
	// Original is the server's version of the entity, for the diff and the
	// protected fields; nil when creating.
	Original []byte
	// Immutable are the fields the API will not change, as diff patterns:
	// "id", "data_type", "created_on", "platforms[*].access_keys".
	Immutable []string
	// Hints are shown beside fields.
	Hints []Hint
	// External offers ctrl+e (the root found $VISUAL or $EDITOR and is not
	// serving over SSH).
	External bool
	// ExternalReason says why ctrl+e is unavailable when External is false;
	// default "the external editor is not offered over SSH".
	ExternalReason string
	// DraftEvery is the least time between two DraftMsg; default 1 s.
	DraftEvery time.Duration
	// Review, when set, prepares the review shown before sending, from the
	// text (valid JSON, changing something, no protected field touched),
	// in the background: a bulk edit shows what it does to each entity,
	// which takes a while for thousands of them. It returns the command
	// that prepares it; the root gives the answer to ShowReview with the
	// same id. Meanwhile the editor shows the text, unchanged and not
	// editable, and waits; esc stops waiting (a late answer is ignored)
	// and ctrl+s again does nothing more.
	Review func(id int, text []byte) tea.Cmd
}

// SaveMsg asks the root to send the text. Body is the text as typed; Base
// is the server's version it was edited against (nil when creating): the
// root re-reads the entity and calls Conflict when it no longer equals Base
// (diff.Equal), and otherwise sends and either closes the editor or calls
// SaveFailed.
type SaveMsg struct {
	Body []byte
	Base []byte
}

// CloseMsg says the user left the editor: without changes, or after
// agreeing to discard them. The root closes the editor and deletes the
// draft.
type CloseMsg struct{}

// ExternalMsg asks the root to hand Text to $VISUAL/$EDITOR and to call
// SetText with the result.
type ExternalMsg struct{ Text string }

// DraftMsg carries the text at most once every Options.DraftEvery while it
// changes. Dirty is false when the text is back to how it opened: the root
// may then delete the draft instead of saving it.
type DraftMsg struct {
	Text  string
	Dirty bool
}

// draftTickMsg ends a draft wait; it names its editor, so a tick arriving
// after another editor opened is ignored.
type draftTickMsg struct{ m *Model }

type mode uint8

const (
	editing   mode = iota
	preparing      // waiting for Options.Review's answer
	reviewing
	saving
	conflicted
)

type msgKind uint8

const (
	infoMsg msgKind = iota
	refusalMsg
)

// Model is the editor component.
type Model struct {
	common views.Common
	opts   Options
	keys   TextKeys

	buf     *buffer
	initial string // the text as it opened, for Dirty

	protect  []diff.Pattern
	hints    []diff.Pattern
	original *diff.Doc
	origRaw  []byte
	opened   *diff.Doc // the server's version the text came from (at open, or reloaded)

	chk    checked
	chkVer int

	mode     mode
	review   *diff.Model
	reviewID int           // the last review asked of Options.Review
	title    string        // the review's title while it is prepared
	theirs   []diff.Change // the server's changes while merging by hand
	dialog   *confirm.Model
	help     *helpview.Model // the editor's keys, open after editor.help
	msg      string
	msgKind  msgKind
	top      int // first line on screen
	left     int // first cell on screen
	segBuf   []segment
	pending  []byte // the server's version shown in a conflict
	waiting  bool   // a draft tick is pending
	draftVer int    // version of the last DraftMsg
	polled   int    // version of the last Changed
}

var _ views.Component = (*Model)(nil)

// New returns an editor. A malformed pattern in Immutable or Hints is
// reported under the text and left out.
func New(c views.Common, o Options) *Model {
	if o.DraftEvery <= 0 {
		o.DraftEvery = time.Second
	}
	if o.ExternalReason == "" {
		o.ExternalReason = "the external editor is not offered over SSH"
	}
	m := &Model{common: c, opts: o, keys: DefaultTextKeys(), chkVer: -1}
	m.buf = newBuffer(o.Text)
	m.initial = m.buf.Text()
	m.draftVer, m.polled = m.buf.version, m.buf.version
	m.review = diff.New(c)
	var bad []string
	for _, s := range o.Immutable {
		p, err := diff.ParsePattern(s)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		m.protect = append(m.protect, p)
	}
	for _, h := range o.Hints {
		p, err := diff.ParsePattern(h.Path)
		if err != nil {
			bad = append(bad, err.Error())
			p = diff.Pattern{} // keeps hint indexes aligned; matches nothing
		}
		m.hints = append(m.hints, p)
	}
	m.setOriginal(o.Original)
	m.opened = m.original
	if len(bad) > 0 {
		m.say(refusalMsg, "ignored: "+strings.Join(bad, "; "))
	}
	return m
}

func (m *Model) setOriginal(raw []byte) {
	m.origRaw, m.original = nil, nil
	if len(bytes.TrimSpace(raw)) == 0 {
		return
	}
	d, err := diff.Parse(raw)
	if err != nil {
		m.say(refusalMsg, "the server's version is not valid JSON: every field counts as new")
		return
	}
	m.origRaw, m.original = append([]byte(nil), raw...), d
}

// SetOriginal replaces the server's version the text is compared with (the
// root re-read it), and closes the list of the server's changes.
func (m *Model) SetOriginal(raw []byte) {
	m.setOriginal(raw)
	m.theirs = nil
	m.layout()
}

// Base is the server's version the text is compared with (nil when
// creating): what a draft of the text was started from. It changes when
// the user takes the server's newer version after a conflict.
func (m *Model) Base() []byte { return m.origRaw }

// Text is the text as it stands.
func (m *Model) Text() string { return m.buf.Text() }

// SetText replaces the text (the external editor's result, a restored
// draft), as one undoable step. To restore a draft, open the editor on the
// server's text and call SetText with the draft: it is then unsaved, and
// ctrl+z shows the server's text again. SetText schedules no DraftMsg (the
// root is not in Update): a root that wants the new text saved at once
// calls Changed.
func (m *Model) SetText(s string) {
	m.buf.SetText(s)
	m.scrollToCursor()
}

// Dirty reports whether the text differs from the text the editor opened
// with.
func (m *Model) Dirty() bool { return m.buf.Text() != m.initial }

// Changed returns the text and true when it changed since the last call
// (or the last DraftMsg): a root that would rather poll than receive
// DraftMsg saves the draft then.
func (m *Model) Changed() (string, bool) {
	if m.buf.version == m.polled {
		return "", false
	}
	m.polled = m.buf.version
	m.draftVer = m.buf.version
	return m.buf.Text(), true
}

// Err is the first syntax error of the text, or nil when it is valid JSON.
func (m *Model) Err() *SyntaxError {
	m.ensureChecked()
	return m.chk.err
}

// Cursor returns the cursor's line and column, counted from 1 (columns in
// characters).
func (m *Model) Cursor() (line, column int) {
	c := m.buf.cur
	return c.line + 1, len([]rune(m.buf.lines[c.line][:c.col])) + 1
}

// Reviewing reports whether the diff before sending is shown.
func (m *Model) Reviewing() bool { return m.mode == reviewing }

// Preparing reports whether the editor waits for the review
// (Options.Review) to be prepared.
func (m *Model) Preparing() bool { return m.mode == preparing }

// ShowReview shows the review prepared for id (Options.Review), or, with
// err, refuses the save with its text; the text stays. It reports whether
// the editor still waited for it: an answer to a review the user stopped
// waiting for, or asked again since, is ignored.
func (m *Model) ShowReview(id int, ss []diff.Section, err error) bool {
	if m.mode != preparing || id != m.reviewID {
		return false
	}
	if err != nil {
		m.mode = editing
		m.say(refusalMsg, "Cannot save: "+termtext.Sanitize(firstLine(err.Error())))
		m.layout()
		return true
	}
	m.msg = ""
	m.review.SetSections(m.title, ss)
	m.mode = reviewing
	m.layout()
	return true
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// Saving reports whether the text was sent and the answer is awaited.
func (m *Model) Saving() bool { return m.mode == saving }

// Conflicted reports whether the server's newer version is shown.
func (m *Model) Conflicted() bool { return m.mode == conflicted }

// Asking reports whether the "discard your changes?" dialog is open.
func (m *Model) Asking() bool { return m.dialog != nil }

// Message is the message under the text, if any.
func (m *Model) Message() string { return m.msg }

// SaveFailed returns to editing after a failed save, with the text as it
// was. The root shows the error in its error pane; the editor repeats its
// first line.
func (m *Model) SaveFailed(err error) {
	m.mode = editing
	why := ""
	if err != nil {
		why, _, _ = strings.Cut(err.Error(), "\n")
		why = ": " + termtext.Sanitize(why)
	}
	m.say(refusalMsg, "Not saved"+why+" — your text is unchanged.")
	m.layout()
}

// Conflict shows what changed on the server since the text was opened
// (server is its current version) and offers to overwrite, merge by hand
// or reload.
func (m *Model) Conflict(server []byte) {
	d, err := diff.Parse(server)
	if err != nil {
		m.mode = editing
		m.say(refusalMsg, "The server's current version is not valid JSON; not saved.")
		return
	}
	cs := diff.Docs(m.original, d)
	m.mode = conflicted
	m.pending = server
	m.review.SetChanges("Changed on the server since you opened it", cs)
	m.layout()
}

// ensureChecked validates the text if it changed since the last check.
func (m *Model) ensureChecked() {
	if m.chkVer == m.buf.version {
		return
	}
	prev := m.chk
	m.chk = check(m.buf.Text(), m.protect, m.hints, len(m.buf.lines))
	m.chkVer = m.buf.version
	// While the text is broken, the pass stops at the error: below it, keep
	// the marks and hints of the last pass if the lines did not move, so
	// they do not flicker while typing.
	if e := m.chk.err; e != nil && len(prev.marks) == len(m.chk.marks) {
		for l := e.Line; l < len(prev.marks); l++ {
			m.chk.marks[l] |= prev.marks[l]
		}
		for l, i := range prev.hints {
			if l >= e.Line {
				if m.chk.hints == nil {
					m.chk.hints = map[int]int{}
				}
				m.chk.hints[l] = i
			}
		}
		m.chk.keyPos = prev.keyPos
	}
}

func (m *Model) say(k msgKind, s string) { m.msg, m.msgKind = s, k }

// SetSize sets the editor's size.
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	m.layout()
}

// layout sizes the parts that depend on the size and the mode.
func (m *Model) layout() {
	w, h := m.common.Width, m.common.Height
	m.review.SetSize(w, max(1, h-3))
	if m.dialog != nil {
		m.dialog.SetSize(w, h)
	}
	if m.help != nil {
		m.help.SetSize(w, max(1, h-2))
	}
	m.scrollToCursor()
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Consumes every key: the editor is modal (the root still takes
// global.interrupt first).
func (m *Model) Consumes(tea.KeyPressMsg) bool { return true }

// Update handles keys, pastes, the mouse wheel and draft ticks.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case draftTickMsg:
		if msg.m != m {
			return m, nil
		}
		m.waiting = false
		if m.buf.version == m.draftVer {
			return m, nil
		}
		m.draftVer, m.polled = m.buf.version, m.buf.version
		text, dirty := m.buf.Text(), m.Dirty()
		return m, func() tea.Msg { return DraftMsg{Text: text, Dirty: dirty} }
	case tea.KeyPressMsg:
		if m.dialog != nil {
			return m, m.updateDialog(msg)
		}
		if m.help != nil {
			m.helpKey(msg)
			return m, nil
		}
		if m.mode != saving && key.Matches(msg, m.common.Keys.Editor.Help) {
			m.openHelp()
			return m, nil
		}
		switch m.mode {
		case editing:
			return m, m.editKey(msg)
		case preparing:
			m.prepareKey(msg)
			return m, nil
		case reviewing:
			return m, m.reviewKey(msg)
		case conflicted:
			return m, m.conflictKey(msg)
		}
	case tea.PasteMsg:
		if m.mode == editing && m.dialog == nil {
			m.msg = ""
			m.buf.Insert(msg.Content, false)
			m.scrollToCursor()
			return m, m.changed()
		}
	case tea.MouseWheelMsg:
		switch m.mode {
		case editing:
			d := 3
			if msg.Button == tea.MouseWheelUp {
				d = -3
			} else if msg.Button != tea.MouseWheelDown {
				return m, nil
			}
			m.top = max(0, min(m.top+d, len(m.buf.lines)-m.bodyHeight()))
		case reviewing, conflicted:
			m.review.Update(msg)
		}
	}
	return m, nil
}

// changed schedules a draft after a change.
func (m *Model) changed() tea.Cmd {
	if m.waiting || m.buf.version == m.draftVer {
		return nil
	}
	m.waiting = true
	return tea.Tick(m.opts.DraftEvery, func(time.Time) tea.Msg { return draftTickMsg{m: m} })
}

func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.common.Keys.Editor
	m.msg = ""
	switch {
	case key.Matches(msg, k.Save):
		return m.save()
	case key.Matches(msg, k.External):
		if !m.opts.External {
			// Said once, on the editor's own line: not also as a notice.
			m.say(infoMsg, "External editor unavailable: "+m.opts.ExternalReason+".")
			return nil
		}
		text := m.buf.Text()
		return func() tea.Msg { return ExternalMsg{Text: text} }
	case key.Matches(msg, k.Leave):
		return m.leave()
	case key.Matches(msg, k.Undo):
		if !m.buf.Undo() {
			m.say(infoMsg, "Nothing to undo.")
		}
	case key.Matches(msg, k.Redo):
		if !m.buf.Redo() {
			m.say(infoMsg, "Nothing to redo.")
		}
	default:
		if !m.textKey(msg) {
			return nil
		}
	}
	m.scrollToCursor()
	return m.changed()
}

// textKey moves or edits; it reports whether the key did anything.
func (m *Model) textKey(msg tea.KeyPressMsg) bool {
	t, b := m.keys, m.buf
	switch {
	case key.Matches(msg, t.Left):
		b.Left()
	case key.Matches(msg, t.Right):
		b.Right()
	case key.Matches(msg, t.Up):
		b.Vertical(-1)
	case key.Matches(msg, t.Down):
		b.Vertical(1)
	case key.Matches(msg, t.PageUp):
		b.Vertical(-max(1, m.bodyHeight()-1))
	case key.Matches(msg, t.PageDown):
		b.Vertical(max(1, m.bodyHeight()-1))
	case key.Matches(msg, t.LineStart):
		b.Home()
	case key.Matches(msg, t.LineEnd):
		b.End()
	case key.Matches(msg, t.DocStart):
		b.DocStart()
	case key.Matches(msg, t.DocEnd):
		b.DocEnd()
	case key.Matches(msg, t.WordLeft):
		b.WordLeft()
	case key.Matches(msg, t.WordRight):
		b.WordRight()
	case key.Matches(msg, t.Newline):
		b.Newline()
	case key.Matches(msg, t.Tab):
		b.Tab()
	case key.Matches(msg, t.Backspace):
		b.Backspace()
	case key.Matches(msg, t.Delete):
		b.Delete()
	case key.Matches(msg, t.DeleteWordBack):
		b.DeleteTo(b.wordLeft(b.cur))
	case key.Matches(msg, t.DeleteWordForward):
		b.DeleteTo(b.wordRight(b.cur))
	case key.Matches(msg, t.KillLineEnd):
		b.KillLineEnd()
	case key.Matches(msg, t.KillLineStart):
		b.KillLineStart()
	default:
		if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModMeta|tea.ModSuper|tea.ModHyper) != 0 {
			return false
		}
		b.Insert(msg.Text, true)
	}
	return true
}

// save checks the text and shows the review.
func (m *Model) save() tea.Cmd {
	if err := m.Err(); err != nil {
		m.say(refusalMsg, "Cannot save: "+err.Error())
		m.buf.moveTo(m.posOfOffset(err.Offset), false)
		m.scrollToCursor()
		return nil
	}
	doc, err := diff.Parse([]byte(m.buf.Text()))
	if err != nil { // the check and encoding/json disagree: refuse safely
		m.say(refusalMsg, "Cannot save: "+err.Error())
		return nil
	}
	if bad := m.touched(doc); len(bad) > 0 {
		m.refuseProtected(bad)
		return nil
	}
	cs := m.unprotected(diff.Docs(m.original, doc))
	if len(cs) == 0 {
		m.say(infoMsg, "Nothing to save: the text does not change the server's version.")
		return nil
	}
	title := "Changes to " + m.opts.Title
	if m.original == nil {
		title = "Create " + m.opts.Title
	}
	if m.opts.Review != nil {
		m.reviewID++
		m.title = title
		m.mode = preparing
		m.say(infoMsg, "Preparing the review…")
		return m.opts.Review(m.reviewID, []byte(m.buf.Text()))
	}
	m.review.SetChanges(title, cs)
	m.mode = reviewing
	m.layout()
	return nil
}

// prepareKey handles a key while the review is prepared: esc (or
// editor.cancel) stops waiting for it, ctrl+s says it is coming; the text
// does not change (the review is of it).
func (m *Model) prepareKey(msg tea.KeyPressMsg) {
	k := m.common.Keys.Editor
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Leave):
		m.reviewID++ // its answer, when it comes, is ignored
		m.mode = editing
		m.say(infoMsg, "Review stopped; your text is unchanged.")
		m.layout()
	case key.Matches(msg, k.Save):
		m.say(infoMsg, "Preparing the review… (it opens when ready; "+k.Leave.Help().Key+" stops waiting)")
	}
}

// touched lists the protected fields the user changed: those whose value
// in the text is neither the one the text came from nor the server's
// current one (after a conflict the server may have moved a timestamp the
// user never touched, and a user merging by hand may copy the new one).
func (m *Model) touched(doc *diff.Doc) []diff.Change {
	if m.original == nil {
		return nil // creating: nothing to protect
	}
	bad := diff.Touched(m.original, doc, m.protect)
	if m.opened == nil || m.opened == m.original || len(bad) == 0 {
		return bad
	}
	fromOpened := map[string]bool{}
	for _, c := range diff.Touched(m.opened, doc, m.protect) {
		fromOpened[c.Path] = true
	}
	var out []diff.Change
	for _, c := range bad {
		if fromOpened[c.Path] {
			out = append(out, c)
		}
	}
	return out
}

// unprotected drops changes to protected fields from a review: the API
// does not change them, so they are not "what will change" (after a
// conflict, the server's newer timestamp would otherwise show as going
// back).
func (m *Model) unprotected(cs []diff.Change) []diff.Change {
	if m.original == nil {
		return cs
	}
	out := cs[:0:0]
	for _, c := range cs {
		if !m.isProtected(c.Segs) {
			out = append(out, c)
		}
	}
	return out
}

// isProtected reports whether a path is a protected field or inside one.
func (m *Model) isProtected(path []diff.Seg) bool {
	for k := 1; k <= len(path); k++ {
		for _, p := range m.protect {
			if p.Match(path[:k]) {
				return true
			}
		}
	}
	return false
}

func (m *Model) refuseProtected(bad []diff.Change) {
	c := bad[0]
	name := c.Path
	if name == "" {
		name = diff.WholeDocument
	}
	msg := fmt.Sprintf("%s cannot be changed", name)
	switch c.Kind {
	case diff.Removed:
		msg = fmt.Sprintf("%s cannot be removed (it was %s)", name, text.Truncate(c.Old, 40))
	case diff.Added:
		msg = fmt.Sprintf("%s cannot be set: the API assigns it", name)
	case diff.Changed:
		msg = fmt.Sprintf("%s cannot be changed (it was %s)", name, text.Truncate(c.Old, 40))
	}
	if len(bad) > 1 {
		msg += fmt.Sprintf("; nor can %d more protected field(s)", len(bad)-1)
	}
	m.say(refusalMsg, msg+". Put it back to save.")
	m.ensureChecked()
	if p, ok := m.chk.keyPos[c.Path]; ok {
		m.buf.moveTo(p, false)
		m.scrollToCursor()
	}
}

// posOfOffset converts a byte offset of the text to a position.
func (m *Model) posOfOffset(off int) pos {
	for l, line := range m.buf.lines {
		if off <= len(line) {
			return pos{l, off}
		}
		off -= len(line) + 1
	}
	last := len(m.buf.lines) - 1
	return pos{last, len(m.buf.lines[last])}
}

func (m *Model) reviewKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.common.Keys.Editor
	switch {
	case key.Matches(msg, k.Confirm):
		m.mode = saving
		m.msg = ""
		body := []byte(m.buf.Text())
		base := m.origRaw
		return func() tea.Msg { return SaveMsg{Body: body, Base: base} }
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Leave):
		m.mode = editing
		m.layout()
	default:
		m.review.Update(msg)
	}
	return nil
}

func (m *Model) conflictKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.common.Keys.Editor
	server := m.pending
	switch {
	case key.Matches(msg, k.Overwrite):
		m.setOriginal(server)
		m.mode = editing
		m.theirs = nil
		return m.save()
	case key.Matches(msg, k.Merge):
		theirs := m.review.Changes()
		m.setOriginal(server)
		m.theirs = theirs
		m.mode = editing
		m.say(infoMsg, "Merging: the server's changes are listed below; ctrl+s shows what your text changes from them.")
		m.layout()
	case key.Matches(msg, k.Reload):
		m.setOriginal(server)
		m.opened = m.original
		m.theirs = nil
		m.mode = editing
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, bytes.TrimSpace(server), "", "  "); err != nil {
			pretty.Reset()
			pretty.Write(server)
		}
		m.buf.SetText(pretty.String())
		m.say(infoMsg, "Reloaded the server's version; ctrl+z brings your text back.")
		m.layout()
		return m.changed()
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Leave):
		m.mode = editing
		m.say(infoMsg, "The server's version changed: saving will show it again.")
		m.layout()
	default:
		m.review.Update(msg)
	}
	return nil
}

// leave closes the editor, asking first when there are unsaved changes.
func (m *Model) leave() tea.Cmd {
	if !m.Dirty() {
		return func() tea.Msg { return CloseMsg{} }
	}
	m.dialog = confirm.New(m.common, confirm.Options{
		ID:      "editor.leave",
		Title:   "Unsaved changes",
		Message: "Discard your changes to " + m.opts.Title + " and leave the editor?",
		Yes:     "Discard",
		No:      "Keep editing",
		Danger:  true,
	})
	m.dialog.SetSize(m.common.Width, m.common.Height)
	return nil
}

// updateDialog gives a key to the leave dialog and acts on its answer.
func (m *Model) updateDialog(msg tea.KeyPressMsg) tea.Cmd {
	_, cmd := m.dialog.Update(msg)
	if !m.dialog.Done() {
		return cmd
	}
	m.dialog = nil
	if cmd == nil {
		return nil
	}
	if r, ok := cmd().(confirm.ResultMsg); ok && r.Confirmed {
		return func() tea.Msg { return CloseMsg{} }
	}
	return nil
}

// openHelp shows the editor's keys in place of the text ('?' is text
// here, so editor.help opens it, not global.help).
func (m *Model) openHelp() {
	// Only the editor's own keys: the global ones do not reach a modal
	// editor (but for ctrl+c, which the root takes first).
	groups := m.FullHelp()
	m.help = helpview.New(m.common)
	m.help.Set("Keys", helpview.Section{Title: "Editor", Groups: groups})
	m.layout()
}

// helpKey closes the help on editor.help, editor.leave or global.back, and
// scrolls it otherwise.
func (m *Model) helpKey(msg tea.KeyPressMsg) {
	k := m.common.Keys
	if key.Matches(msg, k.Editor.Help, k.Editor.Leave, k.Global.Back) {
		m.help = nil
		return
	}
	m.help.Update(msg)
}

// bodyHeight is the number of text lines on screen: all but the title,
// the status line and the hint line.
func (m *Model) bodyHeight() int {
	return max(1, m.common.Height-3-m.theirsHeight())
}

// theirsHeight is the height of the list of the server's changes while
// merging by hand: a third of the editor at most.
func (m *Model) theirsHeight() int {
	if len(m.theirs) == 0 {
		return 0
	}
	return min(len(m.theirs)+1, m.common.Height/3)
}

// scrollToCursor scrolls so that the cursor is on screen.
func (m *Model) scrollToCursor() {
	h := m.bodyHeight()
	c := m.buf.cur
	if c.line < m.top {
		m.top = c.line
	}
	if c.line >= m.top+h {
		m.top = c.line - h + 1
	}
	m.top = max(0, min(m.top, len(m.buf.lines)-1))
	cw := m.contentWidth()
	x := displayWidth(m.buf.lines[c.line][:c.col])
	if x < m.left {
		m.left = max(0, x-cw/4)
	}
	if x >= m.left+cw {
		m.left = x - cw + 1 + cw/4
	}
}
