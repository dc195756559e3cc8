package ui_test

import (
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/ui"
)

// A delete is journaled in the account it was made in, whenever its answer
// lands: after the user switched account (it was dropped, unjournaled), or
// sent while a switch was under way and answered after it (it was
// journaled in the new account).
func TestADeleteIsJournaledWhereItWasMade(t *testing.T) {
	for _, tc := range []struct {
		name string
		// switchFirst: ":use 2" is asked before the delete and answered after it.
		switchFirst bool
	}{
		{name: "answered after the switch"},
		{name: "sent while switching", switchFirst: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			d := start(t, fixture{ui: ui.Options{StateDir: dir}})
			d.waitFor("Acme Shop")
			d.settle()
			d.key(":")
			d.typ("audiences")
			d.key("enter")
			d.waitFor("Abandoned Cart")
			d.settle()
			d.key("/")
			d.typ("abandoned")
			d.key("enter")

			use2 := func() {
				d.key(":")
				d.typ("use 2")
				d.key("enter")
			}
			if tc.switchFirst {
				d.holdReplies("connect", "delete")
				use2()
				d.until("the switch to be answered", func(string) bool { return len(d.held) == 1 })
			} else {
				d.holdReplies("delete")
			}
			d.key("ctrl+d")
			d.waitFor("Delete audience", "7622")
			d.key("y")
			want := len(d.held) + 1
			d.until("the delete to be answered", func(string) bool { return len(d.held) == want })
			if !tc.switchFirst {
				use2()
				d.waitFor("Acme Staging (2)")
			}
			d.release()
			d.waitFor("Acme Staging (2)")
			d.settle()

			entries, err := state.NewJournal(dir).List()
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Fatalf("journal has %d entries, want the delete: %+v", len(entries), entries)
			}
			if e := entries[0]; e.Op != state.OpDelete || e.ID != "7622" || e.Profile != "sandbox" || e.Account != 1 {
				t.Fatalf("journaled %s %s %s in %s/%d, want delete 7622 in sandbox/1", e.Op, e.Kind, e.ID, e.Profile, e.Account)
			}
		})
	}
}

// An editor opened while a switch is under way edits the account being
// left: the switch closes it (its draft kept), and nothing of it lingers
// (ctrl+c asked about its unsaved changes, and "keep editing" brought it
// back over the other account).
func TestAnEditorOpenedWhileSwitchingClosesWithTheSwitch(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.holdReplies("connect")
	d.key(":")
	d.typ("use 2")
	d.key("enter")
	d.until("the switch to be answered", func(string) bool { return len(d.held) == 1 })
	d.key("e")
	d.waitFor(`"name":`)
	d.setLine(3, `  "name": "Unsaved",`)
	d.release()
	d.waitFor("Acme Staging (2)", "Acme Shop (Staging)")
	d.key("ctrl+c")
	if s := d.screen(); strings.Contains(s, "Quit with unsaved changes?") {
		t.Fatalf("the closed editor still counts as open:\n%s", s)
	}
}
