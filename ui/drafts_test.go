package ui_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/ui"
)

// restart starts a new console on the same sandbox as d (a restart of the
// console against an API that kept its data), with options o.
func restart(t *testing.T, d *driver, o ui.Options) *driver {
	t.Helper()
	o.Accounts, o.Context = d.mgr, d.ctx
	if o.StateDir == "" {
		o.StateDir = t.TempDir()
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	d2 := &driver{t: t, m: ui.New(o), msgs: make(chan tea.Msg, 64), srv: d.srv, client: d.client, ctx: d.ctx, mgr: d.mgr}
	d2.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	d2.run(d2.m.Init())
	return d2
}

// waitDraft waits until the draft of the open editor is on disk.
func waitDraft(t *testing.T, d *driver, dir string) {
	t.Helper()
	d.until("the draft to be written", func(string) bool { return draftCount(t, dir) == 1 })
}

// renameApp3 saves a new name of app 3 through the console (a journal entry).
func renameApp3(d *driver, name string) {
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "`+name+`",`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("update app 3: saved")
	d.settle()
}

func openHistory(d *driver) string {
	d.waitFor("rows")
	d.settle()
	d.key(":")
	d.typ("history")
	d.key("enter")
	return d.waitFor("TIME", "KIND")
}

// A console on a second sandbox, with the same state directory, is offered
// neither the draft nor the history of the first: the same ids there name
// other entities.
func TestASecondSandboxGetsNoDraftAndNoHistoryOfTheFirst(t *testing.T) {
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	renameApp3(d, "Kiosk First Sandbox")
	d.key("e")
	d.waitFor(`"name": "Kiosk First Sandbox"`)
	d.setLine(3, `  "name": "First Sandbox Draft",`)
	waitDraft(t, d, dir)
	if l, err := state.NewJournal(dir).List(); err != nil || len(l) != 1 {
		t.Fatalf("the first sandbox's write is not journaled: %d entries, %v", len(l), err)
	}

	d2 := start(t, fixture{ui: ui.Options{StateDir: dir}})
	filterApps(d2, "kiosk")
	d2.key("e")
	s := d2.waitFor(`"name": "Acme Kiosk"`)
	if strings.Contains(s, "Restore your draft?") || strings.Contains(s, "older version") {
		t.Fatalf("the second sandbox was offered the first one's draft:\n%s", s)
	}
	d2.key("esc")
	d2.until("the editor to close", func(s string) bool { return !strings.Contains(s, `"name":`) })
	s = openHistory(d2)
	if strings.Contains(s, "First Sandbox") || !strings.Contains(s, "No writes yet") {
		t.Fatalf("the second sandbox lists the first one's history:\n%s", s)
	}
}

// A draft whose entity changed on the server is not loaded over it: it is
// offered as a three-way view (then, now, yours) that fits 80×24, and
// restoring it meets the server's change in the conflict view on saving.
func TestAStaleDraftIsOfferedAsAThreeWayView(t *testing.T) {
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Mine",`)
	waitDraft(t, d, dir)
	apps, _ := api.Lookup("apps")
	if _, err := d.client.Update(context.Background(), apps, nil, "3", []byte(`{"name":"Kiosk Changed Elsewhere"}`)); err != nil {
		t.Fatal(err)
	}

	d2 := restart(t, d, ui.Options{StateDir: dir})
	d2.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	filterApps(d2, "kiosk")
	d2.key("e")
	s := d2.waitFor("Your draft was started from an older version")
	row := line(s, "name ")
	for _, want := range []string{`"Acme Kiosk"`, `"Kiosk Changed`, `"Mine"`} { // cut to fit 80 columns
		if !strings.Contains(row, want) {
			t.Fatalf("the name's row lacks %s (then, now, yours):\n%s", want, s)
		}
	}
	if !strings.Contains(s, "THEN") || !strings.Contains(s, "NOW") || !strings.Contains(s, "YOURS") || !strings.Contains(s, "Restore") || !strings.Contains(s, "Discard") {
		t.Fatalf("the three-way view or its question does not fit 80×24:\n%s", s)
	}
	if strings.Contains(s, `"name": "Mine"`) {
		t.Fatalf("the stale draft was loaded before the user chose:\n%s", s)
	}
	d2.key("enter") // Restore
	d2.waitFor(`"name": "Mine"`)
	d2.key("ctrl+s")
	d2.key("y")
	d2.waitFor("Changed on the server", "Changed Elsewhere")
	if e := getApp(t, d2, "3"); e.Name != "Kiosk Changed Elsewhere" {
		t.Fatalf("a stale draft overwrote the server's change without asking: %q", e.Name)
	}
}

// Each way a change reaches the editor is a draft, so the quit question's
// promise ("kept as a draft") holds right after the change, before the
// editor's once-a-second draft would have been written.
func TestQuittingKeepsTheDraftWhateverMadeTheChange(t *testing.T) {
	script := filepath.Join(t.TempDir(), "fake-editor")
	// The fake $EDITOR rewrites the file it is given, as a user would.
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsed -i.bak 's/\"Acme Kiosk\"/\"From The External Editor\"/' \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	runDirect := func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return fn(c.Run()) }
	}
	tests := []struct {
		name   string
		change func(t *testing.T, d *driver, dir string)
		want   string
	}{
		{"typing", func(t *testing.T, d *driver, dir string) {
			d.setLine(3, `  "name": "Typed",`)
		}, `"name": "Typed"`},
		{"a paste", func(t *testing.T, d *driver, dir string) {
			d.setLine(3, "")
			d.send(tea.PasteMsg{Content: `  "name": "Pasted",`})
			d.waitFor(`"name": "Pasted"`)
		}, `"name": "Pasted"`},
		{"the external editor", func(t *testing.T, d *driver, dir string) {
			d.key("ctrl+e")
			d.waitFor(`"name": "From The External Editor"`)
			if !draftHolds(t, dir, "From The External Editor") {
				t.Fatal("the external editor's result is not a draft")
			}
		}, `"name": "From The External Editor"`},
		{"a restore", func(t *testing.T, d *driver, dir string) {
			d.setLine(3, `  "name": "Restored",`)
			waitDraft(t, d, dir)
			d.key("esc")
			d.waitFor("Unsaved changes")
			d.key("y") // discard… the draft is deleted with the editor
			d.until("the editor to close", func(s string) bool { return !strings.Contains(s, `"name":`) })
			if n := draftCount(t, dir); n != 0 {
				t.Fatalf("%d drafts after discarding", n)
			}
			// …so leave one again, and restore it in a new console.
			d.key("e")
			d.waitFor(`"name":`)
			d.setLine(3, `  "name": "Restored",`)
			waitDraft(t, d, dir)
			d3 := restart(t, d, ui.Options{StateDir: dir})
			filterApps(d3, "kiosk")
			d3.key("e")
			d3.waitFor("Restore your draft?")
			if err := os.RemoveAll(filepath.Join(dir, "drafts")); err != nil { // only the restore can write it back
				t.Fatal(err)
			}
			d3.key("enter")
			d3.waitFor(`"name": "Restored"`)
			if !draftHolds(t, dir, "Restored") {
				t.Fatal("the restored text is not a draft")
			}
			*d = *d3
		}, `"name": "Restored"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"EDITOR": script}
			o := ui.Options{StateDir: dir, Getenv: func(k string) string { return env[k] }, ExecProcess: runDirect}
			d := start(t, fixture{ui: o})
			openApp(d, "kiosk")
			tt.change(t, d, dir)
			d.key("ctrl+c")
			s := d.waitFor("Quit with unsaved changes?")
			if !strings.Contains(strings.Join(strings.Fields(s), " "), "is kept as a draft") {
				t.Fatalf("the quit question:\n%s", s)
			}
			// The promise holds now: the draft is on disk before "Quit".
			d.key("y")

			d2 := restart(t, d, o)
			filterApps(d2, "kiosk")
			d2.key("e")
			d2.waitFor("Restore your draft?")
			d2.key("enter")
			d2.waitFor(tt.want)
		})
	}
}

// draftHolds reports whether a draft under dir holds text.
func draftHolds(t *testing.T, dir, text string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "drafts", "*.json"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), text) {
			return true
		}
	}
	return false
}

// The embedded sandbox's drafts go with it: the quit question says so
// instead of promising a draft.
func TestQuitQuestionOnATemporaryStateDirPromisesNoDraft(t *testing.T) {
	d := start(t, fixture{ui: ui.Options{StateTemporary: true}})
	openApp(d, "kiosk")
	d.setLine(3, `  "name": "Unsaved",`)
	d.key("ctrl+c")
	s := strings.Join(strings.Fields(d.waitFor("Quit with unsaved changes?")), " ")
	if strings.Contains(s, "kept as a draft") || !strings.Contains(s, "is lost when you quit") {
		t.Fatalf("the quit question on the embedded sandbox:\n%s", s)
	}
}

var secretOnScreen = regexp.MustCompile(`"secret": "([^"]+)"`)

// After creates that return access-key secrets (an app, a platform) and a
// service configuration with a key, no file under the state directory
// holds a secret; the journal says a secret was issued.
func TestNoSecretIsKeptUnderTheStateDirectory(t *testing.T) {
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	d.waitFor("Acme Shop")
	d.settle()
	var secrets []string
	d.key("c")
	d.waitFor("new app", `"platforms"`)
	d.key("ctrl+s")
	d.key("y")
	s := d.waitFor("shown this once", `"secret"`)
	for _, m := range secretOnScreen.FindAllStringSubmatch(s, -1) {
		secrets = append(secrets, m[1])
	}
	if len(secrets) == 0 {
		t.Fatal("no secret on the screen after creating an app")
	}
	closeSecrets(d)
	d.settle()

	drillIntoPlatform(d, "android")
	d.key("enter")
	d.waitFor("Braze")
	d.settle()
	d.key("c")
	d.waitFor("new serviceconfig")
	const apiKey = "UA-TYPED-KEY-9876"
	d.setLine(9, `      "value": "`+apiKey+`"`)
	d.key("ctrl+s")
	d.key("y")
	d.waitFor("create serviceconfig")
	d.settle()

	assertNoSecretUnder(t, dir, append(secrets, apiKey)...)
	entries, err := state.NewJournal(dir).List()
	if err != nil || len(entries) != 2 {
		t.Fatalf("%d journal entries, %v", len(entries), err)
	}
	if !strings.Contains(string(entries[1].After), state.NotKept) {
		t.Fatal("the app's journal entry does not say a secret was issued")
	}
}

func assertNoSecretUnder(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds secret #%d", filepath.Base(path), i) // the value itself is not printed
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walked %d files: %v", files, err)
	}
}

// Over SSH each key sees its own drafts and writes only, and only in the
// profiles its rights allow: a second key, on the same profile or limited
// to the viewer profile, sees none of the first key's.
func TestASecondOwnerSeesNoneOfTheFirstOwnersHistoryOrDrafts(t *testing.T) {
	dir := t.TempDir()
	const alice, bob = "SHA256:alice", "SHA256:bob"
	d := start(t, fixture{ui: ui.Options{StateDir: dir, Owner: alice, Remote: true}})
	renameApp3(d, "Kiosk Alice")
	d.key("e")
	d.waitFor(`"name": "Kiosk Alice"`)
	d.setLine(3, `  "name": "Alice Draft",`)
	waitDraft(t, d, dir)

	t.Run("the same key again", func(t *testing.T) {
		a := restart(t, d, ui.Options{StateDir: dir, Owner: alice, Remote: true})
		if s := openHistory(a); !strings.Contains(s, "Kiosk Alice") {
			t.Fatalf("the owner's own history is missing:\n%s", s)
		}
	})
	t.Run("another key, same profile", func(t *testing.T) {
		b := restart(t, d, ui.Options{StateDir: dir, Owner: bob, Remote: true})
		filterApps(b, "kiosk")
		b.key("e")
		s := b.waitFor(`"name": "Kiosk Alice"`)
		if strings.Contains(s, "Restore your draft?") || strings.Contains(s, "older version") {
			t.Fatalf("another key was offered the first key's draft:\n%s", s)
		}
		b.key("esc")
		b.until("the editor to close", func(s string) bool { return !strings.Contains(s, `"name":`) })
		if s := openHistory(b); strings.Contains(s, "Alice") || !strings.Contains(s, "No writes yet") {
			t.Fatalf("another key sees the first key's history:\n%s", s)
		}
	})
	t.Run("another key limited to the viewer profile", func(t *testing.T) {
		b := restart(t, d, ui.Options{StateDir: dir, Owner: bob, Remote: true, ReadOnly: true,
			Profile: accounts.ViewerProfile, Allowed: []string{accounts.ViewerProfile}})
		b.waitFor("Acme Shop")
		b.settle()
		if s := openHistory(b); strings.Contains(s, "Alice") || !strings.Contains(s, "No writes yet") {
			t.Fatalf("a viewer key sees another key's history:\n%s", s)
		}
	})
}
