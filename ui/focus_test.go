package ui_test

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/ui"
	"github.com/mpconsole/mpconsole/views"
)

// fixedClock keeps notices from expiring while a test looks at them.
func fixedClock() func() time.Time {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return now }
}

// openShopPlatforms opens apps › Acme Shop › platforms.
func openShopPlatforms(d *driver) {
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("acme shop")
	d.key("enter")
	d.key("enter")
	d.waitFor("Platforms", "Data points")
	d.key("enter")
	d.waitFor("CRASH HANDLING", "MobileWeb")
	d.settle()
}

// A notice belongs to the view that made it: an overlay opened over that
// view (the inspector, the editor) is another view, and the notice goes.
func TestANoticeDoesNotFollowIntoAnOverlay(t *testing.T) {
	for _, tc := range []struct{ key, shows string }{
		{"i", `"os":`},
		{"e", "Ln 1, Col 1"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			d := start(t, fixture{ui: ui.Options{Now: fixedClock()}})
			openShopPlatforms(d)
			d.key("ctrl+d")
			d.waitFor("Delete platform")
			d.key("n")
			d.until("the notice", func(s string) bool { return strings.Contains(lastLine(s), "nothing deleted") })
			d.key(tc.key)
			s := d.waitFor(tc.shows)
			if strings.Contains(s, "nothing deleted") {
				t.Fatalf("the table's notice shows over %s:\n%s", tc.key, s)
			}
			d.key("esc")
			s = d.until("the table", func(s string) bool { return !strings.Contains(s, tc.shows) })
			if strings.Contains(s, "nothing deleted") {
				t.Fatalf("the notice came back after the overlay closed:\n%s", s)
			}
		})
	}
}

// After a failed save the error pane sits over the editor: the first esc
// dismisses it (the editor stays, nothing asked), the next leaves the
// editor. The pane names only the keys that act there: ! is text in the
// editor. A dialog opened over an older pane takes esc first, and the pane
// does not offer esc meanwhile.
func TestEscDismissesTheNewestThingFirst(t *testing.T) {
	d := start(t, fixture{})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "",`)
	d.key("ctrl+s")
	d.key("y")
	s := d.waitFor("422", "App name must be specified.")
	head := line(s, "✗ 422")
	if !strings.Contains(head, "esc dismiss") || strings.Contains(head, "! log") {
		t.Fatalf("the pane over the editor offers %q", head)
	}
	d.key("esc")
	s = d.until("the pane to close", func(s string) bool { return !strings.Contains(s, "✗ 422") })
	if !strings.Contains(s, `"name": "",`) || strings.Contains(s, "Unsaved changes") {
		t.Fatalf("esc did more than dismiss the pane:\n%s", s)
	}
	d.key("esc")
	d.waitFor("Unsaved changes", "Keep editing")
	d.key("y") // discard
	d.waitFor("1 of 4 rows")
	d.settle()

	// An older pane under a newer dialog.
	d.srv.InjectNext("503", 3)
	d.key("ctrl+r")
	s = d.waitFor("✗ 503")
	if head := line(s, "✗ 503"); !strings.Contains(head, "esc dismiss · ! log") {
		t.Fatalf("the pane over the table offers %q", head)
	}
	d.settle()
	d.key("ctrl+d")
	s = d.waitFor("Delete app")
	if head := line(s, "✗ 503"); head == "" || strings.Contains(head, "esc") {
		t.Fatalf("under the dialog the pane offers %q:\n%s", head, s)
	}
	d.key("esc")
	s = d.until("the dialog to close", func(s string) bool { return !strings.Contains(s, "Delete app") })
	if head := line(s, "✗ 503"); !strings.Contains(head, "esc dismiss") {
		t.Fatalf("after the dialog the pane offers %q:\n%s", head, s)
	}
	d.key("esc")
	d.until("the pane to close", func(s string) bool { return !strings.Contains(s, "✗ 503") })
}

// The status bar's help hint names the key that opens help for the view in
// front, from the keymap: global.help on a table, editor.help in the
// editor (? is text there), none while a prompt takes every key.
func TestTheHelpHintNamesTheFocusedViewsKey(t *testing.T) {
	for _, tc := range []struct {
		name          string
		keys          map[string][]string
		table, editor string
	}{
		{"default", nil, "? help", "f1 help"},
		{"rebound", map[string][]string{"global.help": {"H"}, "editor.help": {"ctrl+o"}}, "H help", "ctrl+o help"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			km, err := keymap.Apply(tc.keys)
			if err != nil {
				t.Fatal(err)
			}
			d := start(t, fixture{ui: ui.Options{Keys: &km}})
			d.waitFor("Acme Shop")
			s := d.settle()
			if st := lastLine(s); !strings.HasSuffix(strings.TrimSpace(st), tc.table) {
				t.Fatalf("table: status bar %q, want %q", st, tc.table)
			}
			d.key("/")
			d.typ("kiosk")
			s = d.waitFor("1 of 4 rows")
			if st := lastLine(s); strings.Contains(st, "help") {
				t.Fatalf("filter prompt: status bar %q offers a help key the prompt types", st)
			}
			d.key("enter")
			d.key("e")
			s = d.waitFor("Ln 1, Col 1")
			if st := lastLine(s); !strings.HasSuffix(strings.TrimSpace(st), tc.editor) || strings.Contains(st, tc.table) {
				t.Fatalf("editor: status bar %q, want %q", st, tc.editor)
			}
			d.key(strings.TrimSuffix(tc.editor, " help"))
			d.waitFor("Keys", "send (on the diff)") // the editor's help
		})
	}
}

// Over SSH ctrl+e says once that the external editor is unavailable: on
// the editor's line, and no notice repeats it in the status bar.
func TestExternalEditorUnavailableIsSaidOnce(t *testing.T) {
	d := start(t, fixture{ui: ui.Options{Remote: true}})
	openApp(d, "kiosk")
	var notices []string
	d.hold = func(msg tea.Msg) bool {
		if n, ok := msg.(views.NoticeMsg); ok {
			notices = append(notices, n.Text)
		}
		return false
	}
	d.key("ctrl+e")
	s := d.waitFor("External editor unavailable")
	if n := strings.Count(s, "unavailable"); n != 1 || !strings.Contains(s, "External editor unavailable: not offered over SSH.") {
		t.Fatalf("said %d times:\n%s", n, s)
	}
	// A save's round trip to the sandbox: a notice sent by ctrl+e, had
	// there been one, has landed by the time its answer does.
	d.setLine(3, `  "name": "Kiosk Two",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("update app 3: saved")
	if len(notices) > 0 {
		t.Fatalf("ctrl+e also sent notices: %q", notices)
	}
}
