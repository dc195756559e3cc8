package editor

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

const appJSON = `{
  "id": 4821,
  "name": "Mobile App",
  "platforms": [
    {
      "application_id": 4821,
      "os": "iOS",
      "access_keys": [
        {"key": "AccessKey", "secret": null, "data_type": "token"}
      ],
      "crash_handling": "AppDefined"
    }
  ],
  "created_on": "2014-06-11T19:43:45.617",
  "last_modified_on": "2014-06-11T19:43:45.617",
  "data_type": "application"
}`

var appImmutable = []string{"id", "data_type", "created_on", "last_modified_on",
	"platforms[*].application_id", "platforms.access_keys", "platforms[*].created_on", "platforms.data_type"}

var appHints = []Hint{
	{Path: "platforms[*].os", Text: "iOS | tvOS | Android | MobileWeb | Roku | Alexa | SmartTV | FireTV | Xbox"},
	{Path: "platforms[*].crash_handling", Text: "AppDefined | ForceCatch | ForceIgnore"},
}

func newApp(t testing.TB, mod func(*Options)) *Model {
	t.Helper()
	o := Options{Title: "app 4821 · Mobile App", Text: appJSON, Original: []byte(appJSON),
		Immutable: appImmutable, Hints: appHints, External: true, DraftEvery: time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	m := New(viewtest.Common(), o)
	m.SetSize(100, 30)
	return m
}

// drive sends messages and returns what the editor emits, feeding its own
// draft ticks back to it as the root does.
func drive(m *Model, msgs ...tea.Msg) []tea.Msg {
	var out []tea.Msg
	queue := append([]tea.Msg(nil), msgs...)
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		_, cmd := m.Update(msg)
		for _, r := range viewtest.Run(cmd) {
			if _, ok := r.(draftTickMsg); ok {
				queue = append(queue, r)
				continue
			}
			out = append(out, r)
		}
	}
	return out
}

func keys(ks ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range ks {
		out = append(out, viewtest.Press(k))
	}
	return out
}

func typed(s string) []tea.Msg {
	var out []tea.Msg
	for _, k := range viewtest.Type(s) {
		out = append(out, k)
	}
	return out
}

func seq(parts ...[]tea.Msg) []tea.Msg {
	var out []tea.Msg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// goTo moves the cursor to the first occurrence of s.
func goTo(t testing.TB, m *Model, s string) {
	t.Helper()
	for l, line := range m.buf.lines {
		if i := strings.Index(line, s); i >= 0 {
			m.buf.moveTo(pos{l, i}, false)
			m.scrollToCursor()
			return
		}
	}
	t.Fatalf("%q is not in the text", s)
}

func only[T any](msgs []tea.Msg) []T {
	var out []T
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func plain(m *Model) string { return viewtest.Plain(m.View()) }

// status is the status line, above the hint line.
func status(m *Model) string {
	lines := strings.Split(plain(m), "\n")
	return lines[len(lines)-2]
}

// hintLine is the last line: the keys of the step.
func hintLine(m *Model) string {
	lines := strings.Split(plain(m), "\n")
	return lines[len(lines)-1]
}

func TestTyping(t *testing.T) {
	m := New(viewtest.Common(), Options{Title: "new app", Text: "{\n  \"name\": \"\"\n}", DraftEvery: time.Millisecond})
	m.SetSize(80, 10)
	goTo(t, m, `""`)
	drive(m, seq(keys("right"), typed("Shop & Co"), keys("end", "enter"), typed(`"platforms": [{"os": "iOS"}]`))...)
	want := "{\n  \"name\": \"Shop & Co\",\n  \"platforms\": [{\"os\": \"iOS\"}]\n}"
	// The comma is still missing: the text is invalid until it is typed.
	if m.Err() == nil || !strings.Contains(status(m), "✗ line 2, column 22: missing ',' between two fields") {
		t.Fatalf("status %q", status(m))
	}
	goTo(t, m, `Co"`)
	drive(m, keys("end")...)
	drive(m, typed(",")...)
	if m.Text() != want {
		t.Fatalf("text\n%s\nwant\n%s", m.Text(), want)
	}
	if m.Err() != nil || !strings.Contains(status(m), "✓ valid JSON") || !m.Dirty() {
		t.Fatalf("status %q, dirty %v", status(m), m.Dirty())
	}
	if !strings.Contains(plain(m), `3    "platforms": [{"os": "iOS"}]`) {
		t.Fatalf("view:\n%s", plain(m))
	}
	if l, c := m.Cursor(); l != 2 || c != 23 {
		t.Fatalf("cursor %d:%d", l, c)
	}
	// ctrl/alt letters that are not bindings type nothing.
	before := m.Text()
	drive(m, keys("ctrl+t", "alt+x", "f5")...)
	if m.Text() != before {
		t.Fatal("a control key typed text")
	}
}

func TestValidationMessages(t *testing.T) {
	tests := []struct {
		name  string
		at    string
		input []tea.Msg
		want  string
	}{
		{"a deleted comma", `,`, keys("delete"), "✗ line 2, column 13: missing ',' between two fields"},
		{"a stray character", `"Mobile App"`, seq(keys("end", "left"), typed("x")), `✗ line 3, column 23: unexpected 'x': expected ',' or '}' after the value of "name"`},
		{"an unclosed string", `App"`, keys("right", "right", "right", "delete"), "✗ line 3, column 11: this string is not closed on its line"},
		{"a trailing comma", `"data_type": "application"`, seq(keys("end"), typed(",")), "✗ line 16, column 29: a comma before '}' must be followed by another field"},
		{"a duplicate key", `"name"`, seq(keys("end", "enter"), typed(`"id": 1,`)), `✗ line 4, column 3: duplicate key "id" (also on line 2)`},
		{"a capital True", `null`, seq(keys("delete", "delete", "delete", "delete"), typed("True")), "✗ line 9, column 40: unexpected 'T': true, false and null are written in lower case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newApp(t, nil)
			goTo(t, m, tt.at)
			drive(m, tt.input...)
			if got := status(m); !strings.HasPrefix(got, tt.want) {
				t.Fatalf("status\n%q\nwant\n%q", got, tt.want)
			}
			// ctrl+s refuses, says why and goes to the error.
			out := drive(m, keys("ctrl+s")...)
			if m.Reviewing() || len(only[SaveMsg](out)) > 0 {
				t.Fatal("invalid JSON went to review")
			}
			e := m.Err()
			if l, c := m.Cursor(); l != e.Line || c != e.Column {
				t.Fatalf("cursor %d:%d, error at %d:%d", l, c, e.Line, e.Column)
			}
			if !strings.Contains(status(m), "Cannot save: line") {
				t.Fatalf("status %q", status(m))
			}
		})
	}
}

func TestProtectedFieldsRefused(t *testing.T) {
	tests := []struct {
		name    string
		at      string
		input   []tea.Msg
		want    string
		line    int // where the cursor goes: the field's key
		message string
	}{
		{"id changed", `4821,`, seq(keys("delete"), typed("5")), "id cannot be changed (it was 4821). Put it back to save.", 2, ""},
		{"id removed", `  "id": 4821,`, keys("ctrl+k", "delete"), "id cannot be removed (it was 4821)", 0, ""},
		{"an access key edited", `AccessKey`, typed("x"), `platforms[0].access_keys cannot be changed (it was [{"key":"AccessKey",`, 8, ""},
		{"data_type and created_on changed", `2014`, seq(keys("delete"), typed("3")), "created_on cannot be changed", 14, ""},
		{"a new protected field", `"name"`, seq(keys("home"), typed(`"platforms2": 1, `)), "", 0, "reviewed"},
		{"two at once", `4821,`, seq(keys("delete"), typed("5"), keys("ctrl+end", "up", "end", "left"), typed("X")), "id cannot be changed (it was 4821); nor can 1 more protected field(s)", 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newApp(t, nil)
			goTo(t, m, tt.at)
			drive(m, tt.input...)
			if m.Err() != nil {
				t.Fatalf("the edit broke the JSON: %v", m.Err())
			}
			out := drive(m, keys("ctrl+s")...)
			if tt.message == "reviewed" {
				if !m.Reviewing() {
					t.Fatalf("not reviewed: %q", status(m))
				}
				return
			}
			if m.Reviewing() || len(only[SaveMsg](out)) > 0 {
				t.Fatal("a change to a protected field went to review")
			}
			if got := status(m); !strings.Contains(got, tt.want) {
				t.Fatalf("status\n%q\nwant\n%q", got, tt.want)
			}
			if l, _ := m.Cursor(); tt.line > 0 && l != tt.line {
				t.Fatalf("cursor on line %d, want %d", l, tt.line)
			}
			// Putting it back makes the save possible.
			for drive(m, keys("ctrl+z")...); m.Dirty(); drive(m, keys("ctrl+z")...) {
			}
			drive(m, seq(keys("ctrl+home", "down", "down", "end", "left", "left"), typed("X"))...)
			drive(m, keys("ctrl+s")...)
			if !m.Reviewing() {
				t.Fatalf("after putting it back: %q", status(m))
			}
		})
	}
}

func TestProtectedAddedOnCreateIsAllowed(t *testing.T) {
	m := newApp(t, func(o *Options) { o.Original = nil; o.Title = "new app" })
	goTo(t, m, "4821,")
	drive(m, seq(keys("delete"), typed("7"))...)
	drive(m, keys("ctrl+s")...)
	if !m.Reviewing() {
		t.Fatalf("create refused: %q", status(m))
	}
	v := plain(m)
	if !strings.Contains(v, "Create new app  6 added") || !strings.Contains(v, "+ id: 7821") {
		t.Fatalf("review:\n%s", v)
	}
}

func TestSaveFlow(t *testing.T) {
	m := newApp(t, nil)
	goTo(t, m, "Mobile App")
	drive(m, keys("right", "delete", "end", "left", "left", "backspace", "backspace", "backspace", "backspace")...)
	if !strings.Contains(m.Text(), `"name": "Mbile",`) {
		t.Fatal(m.Text())
	}
	// ctrl+s shows the diff, n goes back, ctrl+s again, y sends.
	drive(m, keys("ctrl+s")...)
	if !m.Reviewing() {
		t.Fatalf("no review: %q", status(m))
	}
	v := plain(m)
	for _, want := range []string{"Changes to app 4821 · Mobile App  1 changed", `~ name: "Mobile App" → "Mbile"`, "y send · n back to editing"} {
		if !strings.Contains(v, want) {
			t.Fatalf("review lacks %q:\n%s", want, v)
		}
	}
	text := m.Text()
	for _, back := range []string{"n", "esc"} {
		drive(m, keys(back)...)
		if m.Reviewing() || m.Text() != text {
			t.Fatalf("%s did not go back to the text", back)
		}
		drive(m, keys("ctrl+s")...)
	}
	// Letters on the review do not type.
	drive(m, keys("x", "j")...)
	if m.Text() != text || !m.Reviewing() {
		t.Fatal("a key typed on the review")
	}
	out := drive(m, keys("y")...)
	saves := only[SaveMsg](out)
	if len(saves) != 1 || string(saves[0].Body) != text || string(saves[0].Base) != appJSON {
		t.Fatalf("emitted %#v", out)
	}
	if !m.Saving() || !strings.Contains(status(m), "saving…") {
		t.Fatalf("not saving: %q", status(m))
	}
	// While saving, keys do nothing.
	if out := drive(m, keys("y", "esc", "ctrl+s", "a")...); len(out) > 0 || m.Text() != text || !m.Saving() {
		t.Fatalf("keys acted while saving: %v", out)
	}
	// A failure returns to the text, intact.
	m.SaveFailed(errors.New("PUT /apps/4821: 422: App name must be specified.\nmore"))
	if m.Saving() || m.Reviewing() || m.Text() != text {
		t.Fatal("not back to the text")
	}
	if got := status(m); !strings.Contains(got, "Not saved: PUT /apps/4821: 422: App name must be specified. — your text is unchanged.") {
		t.Fatalf("status %q", got)
	}
	// The next key clears the message; the text is still dirty.
	drive(m, keys("right")...)
	if m.Message() != "" || !m.Dirty() {
		t.Fatal("message kept")
	}
}

func TestNothingToSave(t *testing.T) {
	m := newApp(t, nil)
	// Reformatting changes no field.
	goTo(t, m, `"id"`)
	drive(m, keys("backspace", "backspace")...)
	if !m.Dirty() || !strings.HasPrefix(m.Text(), `{"id": 4821,`) {
		t.Fatal("not dirty")
	}
	out := drive(m, keys("ctrl+s")...)
	if m.Reviewing() || len(out) > 0 || !strings.Contains(status(m), "Nothing to save") {
		t.Fatalf("status %q", status(m))
	}
}

func TestLeave(t *testing.T) {
	d := viewtest.Common().Keys.Dialog
	tests := []struct {
		name  string
		edit  bool
		keys  []tea.Msg
		close bool
		ask   bool // still asking at the end
	}{
		{"no changes: leaves at once", false, keys("esc"), true, false},
		{"changes: asks", true, keys("esc"), false, true},
		{"changes: n keeps editing", true, keys("esc", "n"), false, false},
		{"changes: enter answers No", true, keys("esc", "enter"), false, false},
		{"changes: esc keeps editing", true, keys("esc", "esc"), false, false},
		{"changes: y discards", true, keys("esc", d.Yes.Keys()[0]), true, false},
		{"changes: toggle to Discard and enter", true, keys("esc", "tab", "enter"), true, false},
		{"changes undone: leaves at once", true, keys("ctrl+z", "esc"), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newApp(t, nil)
			if tt.edit {
				goTo(t, m, "Mobile")
				drive(m, typed("My ")...)
			}
			text := m.Text()
			out := drive(m, tt.keys...)
			if got := len(only[CloseMsg](out)) > 0; got != tt.close {
				t.Fatalf("closed %v, want %v (%v)", got, tt.close, out)
			}
			if m.Asking() != tt.ask {
				t.Fatalf("asking %v", m.Asking())
			}
			if tt.ask {
				v := plain(m)
				if !strings.Contains(v, "Discard your changes to app 4821 · Mobile App") || !strings.Contains(v, "Keep editing") {
					t.Fatalf("dialog:\n%s", v)
				}
				if len(m.ShortHelp()) == 0 || len(m.FullHelp()) == 0 {
					t.Fatal("dialog help")
				}
			}
			if m.Text() != text && !strings.Contains(tt.name, "undone") {
				t.Fatal("the dialog changed the text")
			}
		})
	}
}

func TestExternalEditor(t *testing.T) {
	m := newApp(t, nil)
	out := drive(m, keys("ctrl+e")...)
	if ext := only[ExternalMsg](out); len(ext) != 1 || ext[0].Text != appJSON {
		t.Fatalf("emitted %v", out)
	}
	// The root runs $EDITOR and hands back the result.
	edited := strings.Replace(appJSON, "Mobile App", "Edited", 1)
	m.SetText(edited + "\r\n")
	if m.Text() != edited+"\n" || !m.Dirty() {
		t.Fatalf("text %q", m.Text())
	}
	if text, ok := m.Changed(); !ok || text != edited+"\n" {
		t.Fatal("Changed after SetText")
	}
	drive(m, keys("ctrl+z")...)
	if m.Text() != appJSON {
		t.Fatal("undo after the external editor")
	}

	remote := newApp(t, func(o *Options) { o.External = false })
	out = drive(remote, keys("ctrl+e")...)
	// Said once, on the editor's line; no notice repeats it in the status bar.
	if len(only[views.NoticeMsg](out)) > 0 || len(only[ExternalMsg](out)) > 0 {
		t.Fatalf("emitted %v", out)
	}
	if st := status(remote); st != "External editor unavailable: the external editor is not offered over SSH." {
		t.Fatalf("status %q", st)
	}
	for _, b := range remote.ShortHelp() {
		if b.Help().Desc == "external editor" {
			t.Fatal("ctrl+e offered over SSH")
		}
	}
	unset := newApp(t, func(o *Options) { o.External = false; o.ExternalReason = "$EDITOR is not set" })
	drive(unset, keys("ctrl+e")...)
	if st := status(unset); st != "External editor unavailable: $EDITOR is not set." {
		t.Fatalf("reason: %q", st)
	}
}

func TestDrafts(t *testing.T) {
	m := newApp(t, nil)
	goTo(t, m, "Mobile")
	// Many keys, one draft: the first change starts the wait, the tick
	// carries the text as it is then.
	var msgs []tea.Msg
	_, cmd := m.Update(viewtest.Press("X"))
	for _, k := range typed("YZ") {
		m.Update(k) // the root would not have received the tick yet
	}
	out := drive(m, viewtest.Run(cmd)...)
	msgs = append(msgs, out...)
	drafts := only[DraftMsg](msgs)
	if len(drafts) != 1 || !strings.Contains(drafts[0].Text, `"XYZMobile App"`) || !drafts[0].Dirty {
		t.Fatalf("drafts %+v", drafts)
	}
	// No change, no draft.
	if got := only[DraftMsg](drive(m, keys("left", "right")...)); len(got) != 0 {
		t.Fatalf("draft without a change: %v", got)
	}
	// Back to the original: a draft that says it is clean.
	drafts = only[DraftMsg](drive(m, keys("ctrl+z")...))
	if len(drafts) != 1 || drafts[0].Dirty || drafts[0].Text != appJSON {
		t.Fatalf("drafts %+v", drafts)
	}
	// Another editor's tick is ignored.
	other := newApp(t, nil)
	if _, cmd := m.Update(draftTickMsg{m: other}); cmd != nil {
		t.Fatal("acted on another editor's tick")
	}
	// Polling.
	if _, ok := m.Changed(); ok {
		t.Fatal("Changed without a change")
	}
	m.Update(viewtest.Press("Q"))
	if text, ok := m.Changed(); !ok || !strings.Contains(text, "QMobile") {
		t.Fatal("Changed missed a change")
	}
	if _, ok := m.Changed(); ok {
		t.Fatal("Changed twice")
	}
}

func TestConflict(t *testing.T) {
	server := strings.Replace(strings.Replace(appJSON, `"AppDefined"`, `"ForceCatch"`, 1), "2014-06-11T19:43:45.617\",\n  \"data", "2024-01-01T00:00:00\",\n  \"data", 1)
	edit := func(t *testing.T) *Model {
		m := newApp(t, nil)
		goTo(t, m, "Mobile App")
		drive(m, typed("My ")...)
		drive(m, keys("ctrl+s", "y")...)
		if !m.Saving() {
			t.Fatal("not saving")
		}
		m.Conflict([]byte(server))
		if !m.Conflicted() {
			t.Fatal("no conflict shown")
		}
		v := plain(m)
		for _, want := range []string{"Changed on the server since you opened it  2 changed",
			`~ platforms[0].crash_handling: "AppDefined" → "ForceCatch"`, `~ last_modified_on: "2014-06-11T19:43:45.617" → "2024-01-01T00:00:00"`,
			"o overwrites the server's version with your text, m merges by hand, r reloads", "o overwrite · m merge · r reload theirs · esc back"} {
			if !strings.Contains(v, want) {
				t.Fatalf("conflict view lacks %q:\n%s", want, v)
			}
		}
		return m
	}
	t.Run("overwrite reviews against the newer version, then sends it as the base", func(t *testing.T) {
		m := edit(t)
		drive(m, keys("o")...)
		// Against the server: the user's name, and the crash handling put
		// back; not the timestamp the server moved (the API sets it).
		if !m.Reviewing() {
			t.Fatalf("status %q", status(m))
		}
		v := plain(m)
		if !strings.Contains(v, "2 changed") || !strings.Contains(v, `~ platforms[0].crash_handling: "ForceCatch" → "AppDefined"`) ||
			!strings.Contains(v, `~ name: "Mobile App" → "My Mobile App"`) || strings.Contains(v, "last_modified_on") {
			t.Fatalf("review:\n%s", v)
		}
		saves := only[SaveMsg](drive(m, keys("y")...))
		if len(saves) != 1 || string(saves[0].Base) != server {
			t.Fatalf("saves %v", saves)
		}
	})
	t.Run("after a conflict, a protected field may hold the old or the new value, not a third", func(t *testing.T) {
		m := edit(t)
		drive(m, keys("m")...)
		goTo(t, m, `"last_modified_on": "2014-06-11T19:43:45.617"`)
		drive(m, keys("end", "left", "left")...)
		drive(m, keys("backspace", "backspace", "backspace")...)
		drive(m, typed("000")...) // .000: a value neither version has
		drive(m, keys("ctrl+s")...)
		if m.Reviewing() || !strings.Contains(status(m), "last_modified_on cannot be changed") {
			t.Fatalf("status %q", status(m))
		}
		drive(m, keys("end")...)
		for range len(`"2014-06-11T19:43:45.000",`) {
			drive(m, keys("backspace")...)
		}
		drive(m, typed(`"2024-01-01T00:00:00",`)...) // the server's new value
		drive(m, keys("ctrl+s")...)
		if !m.Reviewing() || strings.Contains(plain(m), "last_modified_on") {
			t.Fatalf("status %q\n%s", status(m), plain(m))
		}
	})
	t.Run("merge by hand lists the server's changes under the text", func(t *testing.T) {
		m := edit(t)
		drive(m, keys("m")...)
		if m.Conflicted() || m.Saving() {
			t.Fatal("still in the conflict")
		}
		v := plain(m)
		if !strings.Contains(v, "Changed on the server  2 changed") || !strings.Contains(v, `~ platforms[0].crash_handling: "AppDefined" → "ForceCatch"`) {
			t.Fatalf("view:\n%s", v)
		}
		if !strings.Contains(m.Text(), "My Mobile App") {
			t.Fatal("the user's text was lost")
		}
		m.SetOriginal([]byte(server))
		if strings.Contains(plain(m), "Changed on the server") {
			t.Fatal("the list stays after SetOriginal")
		}
	})
	t.Run("reload takes the server's version; undo brings the user's back", func(t *testing.T) {
		m := edit(t)
		mine := m.Text()
		drive(m, keys("r")...)
		if !strings.Contains(m.Text(), `"crash_handling": "ForceCatch"`) || strings.Contains(m.Text(), "My Mobile") {
			t.Fatalf("text:\n%s", m.Text())
		}
		// Nothing to save against the server's version now.
		drive(m, keys("ctrl+s")...)
		if m.Reviewing() {
			t.Fatal("reloaded text differs from the server's")
		}
		drive(m, keys("ctrl+z")...)
		if m.Text() != mine {
			t.Fatal("undo did not bring the user's text back")
		}
	})
	t.Run("esc goes back to the text, against the old version", func(t *testing.T) {
		m := edit(t)
		drive(m, keys("esc")...)
		if m.Conflicted() || !strings.Contains(status(m), "saving will show it again") {
			t.Fatalf("status %q", status(m))
		}
		saves := only[SaveMsg](drive(m, keys("ctrl+s", "y")...))
		if len(saves) != 1 || string(saves[0].Base) != appJSON {
			t.Fatal("base changed")
		}
	})
	t.Run("an unreadable server version", func(t *testing.T) {
		m := newApp(t, nil)
		m.Conflict([]byte("<html>"))
		if m.Conflicted() || !strings.Contains(status(m), "not valid JSON") {
			t.Fatalf("status %q", status(m))
		}
	})
}

func TestPasteAndMouse(t *testing.T) {
	m := newApp(t, nil)
	goTo(t, m, `"name"`)
	drive(m, tea.PasteMsg{Content: "\"a\": 1,\r\n  "})
	if !strings.Contains(m.Text(), "\"a\": 1,\n  \"name\"") {
		t.Fatalf("text:\n%s", m.Text())
	}
	big := strings.Repeat("{\"k\": 1},\n", 200)
	m = newApp(t, func(o *Options) { o.Text = "[\n" + big + "{}]" })
	m.SetSize(80, 12)
	drive(m, tea.MouseWheelMsg{Button: tea.MouseWheelDown}, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if m.top != 6 {
		t.Fatalf("top %d after two wheel steps", m.top)
	}
	drive(m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if m.top != 3 {
		t.Fatalf("top %d", m.top)
	}
	// The next key brings the cursor back on screen.
	drive(m, keys("down")...)
	if m.top != 1 {
		t.Fatalf("top %d after a key", m.top)
	}
}

func TestView(t *testing.T) {
	m := newApp(t, nil)
	m.SetSize(100, 24)
	v := plain(m)
	lines := strings.Split(v, "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
	if !strings.HasPrefix(lines[0], "app 4821 · Mobile App") || !strings.HasSuffix(lines[0], "Ln 1, Col 1 · 17 lines") {
		t.Fatalf("title %q", lines[0])
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 100 {
			t.Fatalf("wider than 100: %q", l)
		}
	}
	// Protected lines are marked; unprotected ones are not.
	marked := map[string]bool{}
	for _, l := range lines[1:18] { // "NN• text"
		marked[strings.TrimSpace(l[len("NN•"):])] = strings.HasPrefix(l[2:], "•")
	}
	want := map[string]bool{`"id": 4821,`: true, `"name": "Mobile App",`: false, `"application_id": 4821,`: true,
		`"os": "iOS",`: false, `{"key": "AccessKey", "secret": null, "data_type": "token"}`: true, `"data_type": "application"`: true}
	for k, w := range want {
		found := false
		for l, got := range marked {
			if strings.HasPrefix(l, k) {
				found = true
				if got != w {
					t.Errorf("%s marked %v, want %v", k, got, w)
				}
			}
		}
		if !found {
			t.Errorf("no line %s", k)
		}
	}
	if !strings.Contains(lines[22], "✓ valid JSON  • the API will not change these fields") {
		t.Fatalf("status %q", lines[22])
	}
	// The hint is beside the field, and under the text when the cursor is on it.
	if !strings.Contains(v, `"os": "iOS",  ← iOS | tvOS | Android`) {
		t.Fatalf("no hint beside os:\n%s", v)
	}
	goTo(t, m, `"crash_handling"`)
	if s := status(m); !strings.HasSuffix(s, "platforms[*].crash_handling: AppDefined | ForceCatch | ForceIgnore") {
		t.Fatalf("status %q", s)
	}
	// Styled: the cursor is drawn, and line numbers are styled.
	st := m.common.Styles
	if raw := m.View().Content; !strings.Contains(raw, st.Editor.Cursor.Render(`"`)) {
		t.Fatal("no cursor")
	}
	if m.Consumes(viewtest.Press("q")) != true {
		t.Fatal("the editor is modal")
	}
	m.SetSize(0, 0)
	if m.View().Content != "" {
		t.Fatal("zero size")
	}
}

func TestHorizontalScroll(t *testing.T) {
	long := `{"description": "` + strings.Repeat("abcdefghij", 20) + `END"}`
	m := New(viewtest.Common(), Options{Title: "x", Text: long})
	m.SetSize(60, 6)
	drive(m, keys("end")...)
	v := plain(m)
	if !strings.Contains(v, `END"}`) {
		t.Fatalf("the cursor's end of line is not on screen:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Fatalf("line wider than the editor: %q", l)
		}
	}
	drive(m, keys("home")...)
	if v := plain(m); !strings.Contains(v, `{"description"`) {
		t.Fatalf("back at the start:\n%s", v)
	}
}

func TestLargeDocument(t *testing.T) {
	m := New(viewtest.Common(), Options{Title: "big", Text: bigDoc(5000)})
	m.SetSize(100, 40)
	drive(m, keys("ctrl+end")...)
	lines := strings.Split(plain(m), "\n")
	if len(lines) != 40 {
		t.Fatalf("%d lines", len(lines))
	}
	if !strings.HasPrefix(strings.TrimSpace(lines[37]), fmt.Sprint(len(m.buf.lines))) {
		t.Fatalf("last line on screen: %q", lines[37])
	}
	drive(m, keys("pgup")...)
	if l, _ := m.Cursor(); l != len(m.buf.lines)-36 {
		t.Fatalf("page up to line %d", l)
	}
}

func TestHelpPerStep(t *testing.T) {
	m := newApp(t, nil)
	names := func() []string {
		var out []string
		for _, b := range m.ShortHelp() {
			out = append(out, b.Help().Desc)
		}
		return out
	}
	if got := names(); !reflect.DeepEqual(got, []string{"diff, then save", "external editor", "leave", "undo", "help"}) {
		t.Fatalf("editing help %v", got)
	}
	if len(m.FullHelp()) != 3 {
		t.Fatal("full help")
	}
	goTo(t, m, "Mobile")
	drive(m, seq(typed("x"), keys("ctrl+s"))...)
	if got := names(); !reflect.DeepEqual(got, []string{"send (on the diff)", "back to editing", "help"}) {
		t.Fatalf("review help %v", got)
	}
	if len(m.FullHelp()) < 2 {
		t.Fatal("full help")
	}
	drive(m, keys("y")...)
	if m.ShortHelp() != nil {
		t.Fatal("help while saving")
	}
	m.Conflict([]byte(`{"id":4821}`))
	if got := names(); len(got) != 5 || got[0] != "overwrite (on a conflict)" {
		t.Fatalf("conflict help %v", got)
	}
	if len(m.FullHelp()) < 2 {
		t.Fatal("full help")
	}
}

func TestBadOptions(t *testing.T) {
	m := New(viewtest.Common(), Options{Title: "x", Text: `{"a":1}`, Original: []byte("{oops"),
		Immutable: []string{"a b", "id"}, Hints: []Hint{{Path: "x[", Text: "t"}, {Path: "a", Text: "one"}}})
	m.SetSize(80, 6)
	if !strings.Contains(m.Message(), `write the key "a b"`) || !strings.Contains(m.Message(), "missing ]") {
		t.Fatalf("message %q", m.Message())
	}
	// The good hint still works (indexes stay aligned).
	if !strings.Contains(plain(m), `{"a":1}  ← one`) {
		t.Fatalf("view:\n%s", plain(m))
	}
	// An unreadable original counts as absent: every field is new.
	drive(m, keys("ctrl+s")...)
	if !m.Reviewing() || !strings.Contains(plain(m), "+ a: 1") {
		t.Fatalf("view:\n%s", plain(m))
	}
}

// bigDoc is a JSON document of about n lines.
func bigDoc(n int) string {
	var b strings.Builder
	b.WriteString("{\n  \"items\": [\n")
	for i := 0; i < n/7; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "    {\n      \"id\": %d,\n      \"name\": \"item %d\",\n      \"enabled\": true,\n      \"ratio\": 0.%d,\n      \"tags\": [\"a\", \"b\"]\n    }", i, i, i)
	}
	b.WriteString("\n  ]\n}")
	return b.String()
}

// Under NO_COLOR the editor draws no colour, and the cursor, the marks and
// the error line stay visible through reverse video and bold.
func TestNoColor(t *testing.T) {
	km := viewtest.Common().Keys
	c := views.NewCommon(theme.New(theme.Options{Dark: true, NoColor: true}), km)
	m := New(c, Options{Title: "app", Text: appJSON, Original: []byte(appJSON), Immutable: appImmutable, DraftEvery: time.Millisecond})
	m.SetSize(100, 24)
	goTo(t, m, "4821,")
	drive(m, keys("delete")...)
	drive(m, typed("x")...)
	v := m.View().Content
	for _, p := range sgrParams(v) {
		if (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 107) {
			t.Fatalf("colour SGR %d under NO_COLOR", p)
		}
	}
	if !strings.Contains(v, "\x1b[7m") {
		t.Fatal("no reverse video (cursor, error line)")
	}
}

var sgrRe = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

func sgrParams(s string) []int {
	var out []int
	for _, m := range sgrRe.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			out = append(out, n)
		}
	}
	return out
}

// The hint line says how to use the editor and the diff at every size the
// console runs at, and names the keys as bound.
func TestHintLine(t *testing.T) {
	tests := []struct {
		name     string
		w, h     int
		external bool
		want     []string
		not      []string
	}{
		{"80×24", 80, 24, true, []string{"ctrl+s review · esc leave · ctrl+e $EDITOR · ctrl+z undo · f1 help"}, nil},
		{"60×16: undo gives way first", 60, 16, true, []string{"ctrl+s review · esc leave · ctrl+e $EDITOR · f1 help"}, []string{"undo"}},
		{"60×16 over SSH", 60, 16, false, []string{"ctrl+s review · esc leave · ctrl+z undo · f1 help"}, []string{"$EDITOR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newApp(t, func(o *Options) { o.External = tt.external })
			m.SetSize(tt.w, tt.h)
			lines := strings.Split(plain(m), "\n")
			if len(lines) != tt.h {
				t.Fatalf("%d lines at %d×%d", len(lines), tt.w, tt.h)
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > tt.w {
					t.Fatalf("line wider than %d: %q", tt.w, l)
				}
			}
			last := lines[len(lines)-1]
			for _, w := range tt.want {
				if last != w {
					t.Fatalf("hint line %q, want %q", last, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(last, n) {
					t.Fatalf("hint line %q has %q", last, n)
				}
			}
			// The diff has its own keys, on the same line.
			goTo(t, m, "Mobile")
			drive(m, seq(typed("x"), keys("ctrl+s"))...)
			if !m.Reviewing() {
				t.Fatalf("no review: %q", status(m))
			}
			if h := hintLine(m); !strings.HasPrefix(h, "y send · n back to editing") || !strings.Contains(h, "f1 help") {
				t.Fatalf("diff hint line %q", h)
			}
			if n := len(strings.Split(plain(m), "\n")); n != tt.h {
				t.Fatalf("%d lines on the diff at %d×%d", n, tt.w, tt.h)
			}
		})
	}
}

func TestHintLineNamesReboundKeys(t *testing.T) {
	km, err := keymap.Apply(map[string][]string{"editor.save": {"f5"}, "editor.help": {"alt+h"}, "editor.confirm": {"Y"}})
	if err != nil {
		t.Fatal(err)
	}
	m := New(views.NewCommon(theme.New(theme.Options{Dark: true}), &km), Options{Title: "x", Text: appJSON, Original: []byte(appJSON)})
	m.SetSize(80, 24)
	if h := hintLine(m); h != "f5 review · esc leave · ctrl+z undo · alt+h help" {
		t.Fatalf("hint line %q", h)
	}
	goTo(t, m, "Mobile")
	drive(m, seq(typed("x"), keys("f5"))...)
	if h := hintLine(m); !strings.HasPrefix(h, "Y send · n back to editing") {
		t.Fatalf("diff hint line %q", h)
	}
	if s := status(m); !strings.Contains(s, "until you press Y") {
		t.Fatalf("diff status %q", s)
	}
}

// '?' is text in the editor; f1 shows the editor's keys and esc (or f1)
// goes back to the text, which is untouched.
func TestHelpKeyInTheEditor(t *testing.T) {
	m := newApp(t, nil)
	m.SetSize(60, 16)
	goTo(t, m, "Mobile")
	drive(m, typed("?")...)
	if !strings.Contains(m.Text(), `"?Mobile App"`) {
		t.Fatalf("? did not type: %s", m.Text())
	}
	text := m.Text()
	for _, closeKey := range []string{"esc", "f1"} {
		drive(m, keys("f1")...)
		v := plain(m)
		if !strings.Contains(v, "diff, then save") || !strings.Contains(v, "word left") || strings.Contains(v, "quit") {
			t.Fatalf("help does not list the editor's keys:\n%s", v)
		}
		if h := hintLine(m); !strings.HasPrefix(h, "esc back to the text") {
			t.Fatalf("hint line in help %q", h)
		}
		drive(m, keys("x", "pgdown")...)
		drive(m, keys(closeKey)...)
		if m.help != nil || m.Text() != text {
			t.Fatalf("%s did not close the help, or a key reached the text", closeKey)
		}
		if got := len(only[CloseMsg](drive(m))); got != 0 {
			t.Fatal("closing the help closed the editor")
		}
	}
	// On the diff too.
	drive(m, keys("ctrl+s", "f1")...)
	if m.help == nil || !m.Reviewing() {
		t.Fatal("f1 on the diff")
	}
	drive(m, keys("esc")...)
	if m.help != nil || !m.Reviewing() {
		t.Fatal("esc on the diff's help should go back to the diff")
	}
}

// reviewAnswer is what a test's Options.Review answers with.
type reviewAnswer struct {
	id   int
	text string
}

// With Options.Review the review before sending is the one it prepares in
// the background (a bulk edit's, entity by entity): ctrl+s asks for it and
// waits, the text unchanged and not editable; ShowReview shows it, and an
// error refuses the save and keeps the text.
func TestReviewMadeByTheCaller(t *testing.T) {
	asked := 0
	m := newApp(t, func(o *Options) {
		o.Review = func(id int, text []byte) tea.Cmd {
			asked++
			return func() tea.Msg { return reviewAnswer{id: id, text: string(text)} }
		}
	})
	goTo(t, m, "Mobile App")
	drive(m, keys("right", "delete")...)
	out := only[reviewAnswer](drive(m, keys("ctrl+s")...))
	if len(out) != 1 || out[0].text != m.Text() || !m.Preparing() || m.Reviewing() {
		t.Fatalf("ctrl+s asked %d reviews (preparing %v, reviewing %v)", len(out), m.Preparing(), m.Reviewing())
	}
	text := m.Text()
	if again := drive(m, keys("ctrl+s", "x", "backspace")...); len(again) != 0 || asked != 1 || m.Text() != text || !m.Preparing() {
		t.Fatalf("keys while preparing: %d messages, %d reviews asked, text changed %v", len(again), asked, m.Text() != text)
	}
	if !strings.Contains(status(m), "Preparing the review") || !strings.Contains(plain(m), "Mbile App") {
		t.Fatalf("while preparing:\n%s", plain(m))
	}
	ss := []diff.Section{
		{Title: "app 1 · One", Changes: []diff.Change{{Path: "name", Kind: diff.Changed, Old: `"One"`, New: `"Mbile"`}}},
		{Title: "app 2 · Two"},
	}
	if !m.ShowReview(out[0].id, ss, nil) {
		t.Fatal("the answer was not taken")
	}
	v := plain(m)
	if !m.Reviewing() {
		t.Fatalf("no review:\n%s", v)
	}
	for _, want := range []string{"app 1 · One", `~ name: "One" → "Mbile"`, "app 2 · Two", "(no change)"} {
		if !strings.Contains(v, want) {
			t.Fatalf("review lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, `"Mobile App" →`) {
		t.Fatalf("the review shows the text's own diff:\n%s", v)
	}
	if m.ShowReview(out[0].id, ss, nil) {
		t.Fatal("the same answer was taken twice")
	}

	// esc stops waiting: the late answer is ignored, and so is an old one
	// after ctrl+s asked again.
	drive(m, keys("n")...)
	first := only[reviewAnswer](drive(m, keys("ctrl+s")...))
	drive(m, keys("esc")...)
	if m.Preparing() || m.Text() != text || m.ShowReview(first[0].id, ss, nil) || m.Reviewing() {
		t.Fatalf("esc while preparing: preparing %v, reviewing %v", m.Preparing(), m.Reviewing())
	}
	second := only[reviewAnswer](drive(m, keys("ctrl+s")...))
	if m.ShowReview(first[0].id, ss, nil) || !m.Preparing() {
		t.Fatal("an old answer was taken for the new review")
	}
	if !m.ShowReview(second[0].id, nil, errors.New("app 2: not a JSON object")) {
		t.Fatal("the failed review was not taken")
	}
	if m.Reviewing() || m.Preparing() || m.Text() != text || !strings.Contains(status(m), "Cannot save: app 2: not a JSON object") {
		t.Fatalf("a failed review: reviewing %v, status %q", m.Reviewing(), status(m))
	}
}
