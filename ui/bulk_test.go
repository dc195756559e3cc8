package ui_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/testutil"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/ui"
)

// journal is the journal of state directory dir.
func journal(t *testing.T, dir string) []state.Entry {
	t.Helper()
	entries, err := state.NewJournal(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// listOf lists a kind on the sandbox, behind the console's back.
func listOf(t *testing.T, d *driver, kind string, parent api.Ref) []api.Entity {
	t.Helper()
	k, _ := api.Lookup(kind)
	es, err := d.client.List(context.Background(), k, parent)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// editorLine is the number of the editor's line holding text (its gutter
// number), 0 when none shows it.
func editorLine(screen, text string) int {
	l := strings.TrimSpace(line(screen, text))
	n, _ := strconv.Atoi(strings.TrimRight(strings.Fields(l)[0], "•"))
	return n
}

// platformField reads one field of a platform of app 1 on the sandbox.
func platformField(t *testing.T, d *driver, id, field string) string {
	t.Helper()
	platforms, _ := api.Lookup("platforms")
	e, err := d.client.Get(context.Background(), platforms, api.Ref{"app": "1"}, id)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(e.Raw, &m); err != nil {
		t.Fatal(err)
	}
	return string(m[field])
}

// Three apps marked (one under a filter, two with * under another) are
// deleted after one question, which lists them and, for apps, asks for
// their names as a single delete does: three journal entries, and the
// sandbox no longer has them.
func TestMarkThreeAppsAndDeleteThemAfterOneQuestion(t *testing.T) {
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	d.waitFor("Acme Shop")
	apps, _ := api.Lookup("apps")
	platforms, _ := api.Lookup("platforms")
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"Bulk One", "Bulk Two"} {
		e, err := d.client.Create(ctx, apps, nil, []byte(`{"name":"`+name+`","platforms":[{"os":"iOS"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		// An app with a platform cannot be deleted: take it away.
		if err := d.client.Delete(ctx, platforms, api.Ref{"app": e.ID}, "ios"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	d.settle()
	d.key("ctrl+r")
	d.waitFor("Bulk Two", "6 rows")
	d.settle()

	d.key("/")
	d.typ("legacy")
	d.key("enter")
	d.waitFor("1 of 6 rows")
	d.key("space")
	d.waitFor("1 marked")
	d.key("esc")
	d.key("/")
	d.typ("bulk")
	d.key("enter")
	d.waitFor("2 of 6 rows")
	d.key("*")
	d.waitFor("3 marked")
	d.key("esc")
	d.waitFor("6 rows")

	d.key("ctrl+d")
	s := d.waitFor("Delete 3 apps", "Acme Legacy", "Bulk One", "Bulk Two", "to confirm")
	if strings.Contains(s, "Acme Kiosk") {
		t.Fatalf("the question lists an app not marked:\n%s", s)
	}
	before := d.srv.APIRequests()
	d.typ("Bulk One")
	d.key("enter")
	d.waitFor("That is not the list of names.")
	if n := d.srv.APIRequests(); n != before {
		t.Fatalf("%d requests sent for a wrong answer", n-before)
	}
	for range len("Bulk One") {
		d.key("backspace")
	}
	d.typ("Acme Legacy, Bulk One, Bulk Two")
	d.key("enter")
	d.waitFor("deleted 3 apps")
	s = d.settle()
	if strings.Contains(s, "Bulk One") || strings.Contains(s, "Acme Legacy") || !strings.Contains(s, "3 rows") || strings.Contains(s, "marked") {
		t.Fatalf("the list after the delete:\n%s", s)
	}

	entries := journal(t, dir)
	var got []string
	for _, e := range entries {
		if e.Op != state.OpDelete || e.Kind != "apps" || e.Profile != "sandbox" || e.Account != 1 {
			t.Fatalf("journaled %s %s %s in %s/%d", e.Op, e.Kind, e.ID, e.Profile, e.Account)
		}
		got = append(got, e.ID)
	}
	want := append([]string{"4"}, ids...)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("journal holds deletes of %v, want %v", got, want)
	}
	for _, id := range want {
		if _, err := d.client.Get(ctx, apps, nil, id); !errors.Is(err, api.ErrNotFound) {
			t.Fatalf("app %s is still there: %v", id, err)
		}
	}
}

// A delete that fails does not stop the others: the summary says what
// failed and why, the rest is done and journaled, and the row that could
// not be deleted stays, still marked.
func TestABulkDeleteSaysWhatFailedAndWhy(t *testing.T) {
	dir := t.TempDir()
	d := start(t, fixture{ui: ui.Options{StateDir: dir}})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("acme k")
	d.key("enter")
	d.key("space") // Acme Kiosk: it has platforms, so it cannot be deleted
	d.key("esc")
	d.key("/")
	d.typ("legacy")
	d.key("enter")
	d.key("space")
	d.key("esc")
	d.waitFor("2 marked", "4 rows")
	d.key("ctrl+d")
	d.waitFor("Delete 2 apps", "Type “Acme Kiosk, Acme Legacy” to confirm")
	d.typ("Acme Kiosk, Acme Legacy")
	d.key("enter")
	s := d.waitFor("deleted 1 of 2 apps; 1 failed", "VALIDATION_ERROR: Deleting an app that")
	if !strings.Contains(s, `app 3 "Acme Kiosk"`) {
		t.Fatalf("the summary does not name the app that failed:\n%s", s)
	}
	s = d.settle()
	if !strings.Contains(s, "3 rows") || !strings.Contains(s, "1 marked") || !strings.Contains(line(s, "Acme Kiosk"), "* ") {
		t.Fatalf("after the delete, Acme Kiosk should be listed and marked:\n%s", s)
	}
	if entries := journal(t, dir); len(entries) != 1 || entries[0].ID != "4" {
		t.Fatalf("journal: %+v", entries)
	}
}

// More than five marked: the question asks for their number; a wrong
// count deletes nothing, the right one deletes them all, one request at a
// time, with progress in the status line.
func TestBulkDeleteOfMoreThanFiveAsksForTheirNumber(t *testing.T) {
	d, dir := eightAudiencesMarked(t)
	d.waitFor("8 marked")
	d.key("ctrl+d")
	d.waitFor("Delete 8 audiences", "Audience 000001", "Audience 000008", "Type “8” to confirm")
	before := d.srv.APIRequests()
	d.typ("7")
	d.key("enter")
	d.waitFor("That is not the number.")
	d.key("esc")
	d.waitFor("nothing deleted")
	if n := d.srv.APIRequests(); n != before || len(listOf(t, d, "audiences", nil)) != 8 {
		t.Fatalf("a wrong count sent %d requests", n-before)
	}
	if len(journal(t, dir)) != 0 {
		t.Fatal("a wrong count journaled a delete")
	}

	confirmEightHeld(d)
	d.waitFor("deleting 1/8…")
	d.release()
	d.waitFor("deleted 8 audiences")
	d.settle()
	if n := len(listOf(t, d, "audiences", nil)); n != 0 {
		t.Fatalf("%d audiences left", n)
	}
	if n := len(journal(t, dir)); n != 8 {
		t.Fatalf("%d journal entries, want 8", n)
	}
}

// esc while a bulk delete runs stops it after the request in flight: that
// one is done and journaled, the rest are not sent and stay marked.
func TestEscStopsABulkDeleteAfterTheRequestInFlight(t *testing.T) {
	d, dir := eightAudiencesMarked(t)
	confirmEightHeld(d)
	d.key("esc")
	d.waitFor("stopping after the delete in flight (1/8)")
	d.release()
	d.waitFor("stopped: deleted 1 of 8 audiences; 7 not sent")
	s := d.settle()
	if !strings.Contains(s, "7 marked") || !strings.Contains(s, "7 rows") {
		t.Fatalf("after stopping:\n%s", s)
	}
	if n := len(listOf(t, d, "audiences", nil)); n != 7 {
		t.Fatalf("%d audiences left, want 7", n)
	}
	if n := len(journal(t, dir)); n != 1 {
		t.Fatalf("%d journal entries, want 1", n)
	}
}

// A bulk edit of two platforms: the editor holds the fields both share,
// one review lists the change to each, and two updates are sent and
// journaled; what they do not share stays as it was on each.
func TestBulkEditOfTwoPlatformsSendsTwoUpdatesAfterOneReview(t *testing.T) {
	dir := t.TempDir()
	var log testutil.SyncBuffer
	d := start(t, fixture{sandbox: sandbox.Options{Log: &log}, ui: ui.Options{StateDir: dir}})
	openPlatforms(d)
	d.key("space") // iOS
	d.key("space") // Android
	d.waitFor("2 marked")
	d.key("e")
	s := d.waitFor("2 platforms · shared fields", `"push_attribution_timer": 30`)
	for _, differs := range []string{"crash_handling", "profile_merging", `"os"`} {
		if strings.Contains(s, differs) {
			t.Fatalf("the bulk editor shows %s, which the platforms do not share:\n%s", differs, s)
		}
	}
	d.setLine(editorLine(s, "push_attribution_timer"), `  "push_attribution_timer": 60,`)
	d.key("ctrl+s")
	s = d.waitFor("Changes to 2 platforms", "platform ios", "platform android")
	if n := strings.Count(s, "push_attribution_timer: 30 → 60"); n != 2 {
		t.Fatalf("the review shows the change %d times, want once per platform:\n%s", n, s)
	}
	puts := func() int { return strings.Count(log.String(), "PUT /") }
	before := puts()
	d.key("y")
	d.waitFor("update 2 platforms: saved")
	d.settle()
	for _, id := range []string{"ios", "android"} {
		if got := platformField(t, d, id, "push_attribution_timer"); got != "60" {
			t.Fatalf("%s push_attribution_timer is %s", id, got)
		}
	}
	if got := platformField(t, d, "mobileweb", "push_attribution_timer"); got != "30" {
		t.Fatalf("mobileweb, not marked, changed: %s", got)
	}
	if ios, android := platformField(t, d, "ios", "crash_handling"), platformField(t, d, "android", "crash_handling"); ios != `"ForceCatch"` || android != `"AppDefined"` {
		t.Fatalf("a field not shared changed: iOS %s, Android %s", ios, android)
	}
	if n := puts() - before; n != 2 {
		t.Fatalf("%d updates sent, want 2:\n%s", n, log.String())
	}
	entries := journal(t, dir)
	if len(entries) != 2 || entries[0].Op != state.OpUpdate || entries[1].Op != state.OpUpdate {
		t.Fatalf("journal: %+v", entries)
	}
}

// A platform changed behind the console's back during a bulk edit is not
// overwritten: the other is saved, the conflict is reported, the editor
// keeps the text, and saving again reviews the change against the
// server's version before sending it.
func TestABulkEditConflictIsReportedAndTheOtherIsSaved(t *testing.T) {
	d := start(t, fixture{})
	editTwoPlatforms(d)

	platforms, _ := api.Lookup("platforms")
	if _, err := d.client.Update(context.Background(), platforms, api.Ref{"app": "1"}, "android", []byte(`{"push_attribution_timer": 45}`)); err != nil {
		t.Fatal(err)
	}
	d.key("ctrl+s")
	d.waitFor("Changes to 2 platforms")
	d.key("y")
	s := d.waitFor("saved 1 of 2 platforms; 1 failed", "android", "changed on the server")
	if !strings.Contains(s, `"push_attribution_timer": 60`) {
		t.Fatalf("the editor lost the text:\n%s", s)
	}
	if got := platformField(t, d, "ios", "push_attribution_timer"); got != "60" {
		t.Fatalf("iOS was not saved: %s", got)
	}
	if got := platformField(t, d, "android", "push_attribution_timer"); got != "45" {
		t.Fatalf("Android was overwritten: %s", got)
	}

	d.key("esc") // the error pane
	d.key("ctrl+s")
	s = d.waitFor("Changes to 2 platforms", "push_attribution_timer: 45 → 60")
	if strings.Contains(s, "platform ios") {
		t.Fatalf("the review lists the platform already saved:\n%s", s)
	}
	d.key("y")
	d.waitFor("update 1 platform: saved")
	if got := platformField(t, d, "android", "push_attribution_timer"); got != "60" {
		t.Fatalf("Android after the second save: %s", got)
	}
}

// Marks follow their rows through a filter and a sort, * marks only the
// rows the filter shows, ctrl+u clears them, and leaving the view drops
// them.
func TestMarksSurviveFilterAndSortAndBelongToTheView(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("/")
	d.typ("kiosk")
	d.key("enter")
	d.waitFor("1 of 4 rows")
	d.key("*")
	d.waitFor("1 marked")
	d.key("esc")
	s := d.waitFor("4 rows", "1 marked")
	if l := line(s, "Acme Kiosk"); !strings.HasPrefix(strings.TrimLeft(l, " ›"), "* ") {
		t.Fatalf("the marked row shows no mark: %q", l)
	}
	if n := strings.Count(s, "* "); n != 1 {
		t.Fatalf("%d rows marked on screen, want 1:\n%s", n, s)
	}
	d.key(">")
	d.key("o")
	s = d.waitFor("1 marked")
	if l := line(s, "Acme Kiosk"); !strings.Contains(l, "* ") {
		t.Fatalf("the mark did not follow its row through the sort: %q", l)
	}
	d.key("g")
	d.key("space")
	d.waitFor("2 marked")

	d.key("ctrl+u")
	s = d.waitFor("marks cleared")
	if strings.Contains(s, "marked") || strings.Contains(s, "* ") {
		t.Fatalf("marks left after ctrl+u:\n%s", s)
	}

	d.key("*")
	s = d.waitFor("4 marked")
	if strings.Contains(s, "marks cleared") {
		t.Fatalf("the status bar says the marks were cleared beside 4 marked:\n%s", lastLine(s))
	}
	d.key("ctrl+u")
	d.waitFor("marks cleared")

	d.key("space")
	d.waitFor("1 marked")
	d.key("enter")
	d.waitFor("Platforms")
	d.key("esc")
	s = d.settle()
	if strings.Contains(s, "marked") || strings.Contains(s, "* ") {
		t.Fatalf("marks outlived their view:\n%s", s)
	}

	// An account switch drops them too, also when coming back.
	d.key("space")
	d.waitFor("1 marked")
	for _, use := range []string{"use 2", "use 1"} {
		d.key(":")
		d.typ(use)
		d.key("enter")
		d.waitFor(strings.TrimPrefix(use, "use ") + ")")
		s = d.settle()
	}
	if !strings.Contains(s, "Acme Production (1)") || strings.Contains(s, "marked") || strings.Contains(s, "* ") {
		t.Fatalf("marks outlived an account switch:\n%s", s)
	}
}

// ctrl+c with a bulk edit's changes asks first: a bulk edit is not kept as
// a draft, and "keep editing" brings the editor back as it was.
func TestQuittingABulkEditAsksFirst(t *testing.T) {
	d := start(t, fixture{})
	editTwoPlatforms(d)
	d.key("ctrl+c")
	d.waitFor("Quit with unsaved changes?", "bulk edit of 2 platforms is lost")
	d.key("n")
	d.waitFor("2 platforms · shared fields", `"push_attribution_timer": 60`)
	d.holdTypes("tea.QuitMsg")
	d.key("ctrl+c")
	d.waitFor("Quit with unsaved changes?")
	d.key("y")
	d.until("the quit", func(string) bool { return len(d.held) > 0 })
}

// An account switch while a bulk delete runs stops it (the delete in
// flight lands, the rest are not sent) and says so in the view the switch
// lands in, naming the account it ran in: it never stops unseen. So does
// a switch to a profile whose client is made already, which connects at
// once rather than through a request.
func TestAnAccountSwitchSaysItStoppedABulkDelete(t *testing.T) {
	for _, tc := range []struct {
		use, lands string // lands: what the header says once the switch is made
		made       bool   // the client of the place switched to is made before the switch
	}{
		{use: "use 2", lands: "(2)"},
		{use: "use " + accounts.ViewerProfile, lands: accounts.ViewerProfile, made: true},
	} {
		t.Run(tc.use, func(t *testing.T) {
			d, _ := eightAudiencesMarked(t)
			if tc.made {
				if _, err := d.mgr.Client(d.ctx, accounts.ViewerProfile, 0); err != nil {
					t.Fatal(err)
				}
			}
			confirmEightHeld(d)
			d.waitFor("deleting 1/8…")
			d.key(":")
			d.typ(tc.use)
			d.key("enter")
			s := d.until("the switch", func(s string) bool { return strings.Contains(header(s), tc.lands) })
			if !strings.Contains(lastLine(s), "the switch stopped the bulk delete in") ||
				!strings.Contains(lastLine(s), "(1): 0/8 audiences deleted, 1 in flight, 7 not sent") {
				t.Fatalf("the switch stopped the bulk delete unseen:\n%s", s)
			}
			d.release()
			d.settle()
			if n := len(listOf(t, d, "audiences", nil)); n != 7 {
				t.Fatalf("%d audiences left in account 1, want 7 (the one in flight deleted, no more)", n)
			}
		})
	}
}

// e reads the marked rows' shared fields in the background: the key
// returns at once, the status bar says what is read, and the editor opens
// only when the answer is delivered. esc, or leaving the view, drops a
// late answer: nothing opens over another view.
func TestTheBulkEditorOpensWhenItsFieldsAreRead(t *testing.T) {
	d := start(t, fixture{})
	openPlatforms(d)
	d.key("space")
	d.key("space")
	d.waitFor("2 marked")

	// e, its fields read and their answer held.
	edit := func() string {
		d.holdReplies("bulk-fields")
		d.key("e")
		return d.until("the fields read", func(string) bool { return len(d.held) == 1 })
	}
	s := edit()
	if strings.Contains(s, "shared fields") {
		t.Fatalf("the editor opened before its fields were read:\n%s", s)
	}
	d.waitFor("reading 2 platforms' fields… (esc stops)")
	d.release()
	d.waitFor("2 platforms · shared fields", `"push_attribution_timer": 30`)
	d.key("esc")
	d.waitFor("2 marked")
	if s := d.settle(); strings.Contains(s, "shared fields") {
		t.Fatalf("the editor did not close:\n%s", s)
	}

	// esc drops the answer.
	edit()
	d.key("esc")
	d.waitFor("the bulk edit of 2 platforms was not opened")
	d.release()
	s = d.settle()
	if strings.Contains(s, "shared fields") || !strings.Contains(s, "2 marked") {
		t.Fatalf("esc: the late answer opened the editor, or esc did more:\n%s", s)
	}

	// Leaving the view drops it too.
	edit()
	d.key(":")
	d.typ("apps")
	d.key("enter")
	d.waitFor("Acme Shop")
	d.release()
	s = d.settle()
	if strings.Contains(s, "shared fields") || strings.Contains(s, "reading") {
		t.Fatalf("the late answer opened the editor over another view:\n%s", s)
	}
}

// ctrl+s in the bulk editor prepares the review in the background: the
// editor waits with the text as it is, a second ctrl+s asks nothing more,
// esc stops waiting (the late review is not shown, the text stays), and
// the review, once delivered, sends each update once.
func TestTheBulkReviewIsPreparedInTheBackground(t *testing.T) {
	var log testutil.SyncBuffer
	d := start(t, fixture{sandbox: sandbox.Options{Log: &log}})
	editTwoPlatforms(d)

	d.holdReplies("bulk-review")
	d.key("ctrl+s")
	s := d.until("the review prepared", func(string) bool { return len(d.held) == 1 })
	if strings.Contains(s, "Changes to 2 platforms") {
		t.Fatalf("the review showed before it was prepared:\n%s", s)
	}
	d.waitFor("Preparing the review", `"push_attribution_timer": 60`)
	d.key("esc")
	d.waitFor("Review stopped; your text is unchanged.")
	d.release()
	s = d.settle()
	if strings.Contains(s, "Changes to 2 platforms") || !strings.Contains(s, `"push_attribution_timer": 60`) {
		t.Fatalf("after esc, the late review showed or the text was lost:\n%s", s)
	}

	d.holdReplies("bulk-review")
	d.key("ctrl+s")
	d.until("the review prepared", func(string) bool { return len(d.held) == 1 })
	d.key("ctrl+s")
	d.key("x") // not typed: the text under review does not change
	d.release()
	s = d.waitFor("Changes to 2 platforms", "platform ios", "platform android")
	if n := strings.Count(s, "push_attribution_timer: 30 → 60"); n != 2 {
		t.Fatalf("the review shows the change %d times, want once per platform:\n%s", n, s)
	}
	puts := func() int { return strings.Count(log.String(), "PUT /") }
	before := puts()
	d.key("y")
	d.waitFor("update 2 platforms: saved")
	d.settle()
	if n := puts() - before; n != 2 {
		t.Fatalf("%d updates sent, want 2:\n%s", n, log.String())
	}
}

// The review of a large selection groups the apps with the same changes
// under one heading instead of a section each.
func TestTheReviewOfManyAppsGroupsThem(t *testing.T) {
	d := start(t, fixture{sandbox: sandbox.Options{Seed: "large:150"}})
	d.waitFor("App 000001", "150 rows")
	d.settle()
	d.key("*")
	d.waitFor("150 marked")
	d.key("e")
	d.waitFor("150 apps · shared fields")
	d.key("ctrl+home")
	d.key("down")
	d.key("home")
	d.typ(`"x": 1, `)
	d.key("ctrl+s")
	s := d.waitFor("Changes to 150 apps", `150 apps: 1 "App 000001", 2 "App 000002", 3 "App 000003" and 147 more`)
	if !strings.Contains(s, "150 added") || !strings.Contains(s, "+ x: 1") || strings.Count(s, "+ x: 1") != 1 {
		t.Fatalf("the review of 150 apps:\n%s", s)
	}
}

// editTwoPlatforms marks the first two platforms of app 1, opens their
// bulk edit and sets the shared push_attribution_timer to 60 (unsaved).
func editTwoPlatforms(d *driver) {
	openPlatforms(d)
	d.key("space")
	d.key("space")
	d.key("e")
	s := d.waitFor("2 platforms · shared fields")
	d.setLine(editorLine(s, "push_attribution_timer"), `  "push_attribution_timer": 60,`)
}

// eightAudiencesMarked starts a console on a sandbox of 8 audiences, with
// a state directory (the journal's), and marks them all.
// confirmEightHeld deletes the eight marked audiences (ctrl+d, the count
// typed, enter), holding the answers to the deletes: it returns once the
// first is held.
func confirmEightHeld(d *driver) {
	d.key("ctrl+d")
	d.waitFor("Type “8” to confirm")
	d.holdReplies("delete")
	d.typ("8")
	d.key("enter")
	d.until("the first delete", func(string) bool { return len(d.held) == 1 })
}

func eightAudiencesMarked(t *testing.T) (*driver, string) {
	dir := t.TempDir()
	d := start(t, fixture{sandbox: sandbox.Options{Seed: "large:8"}, ui: ui.Options{StateDir: dir, StartKind: "audiences"}})
	d.waitFor("Audience 000008")
	d.settle()
	d.key("*")
	return d, dir
}

// The marked entities are read back in a command: what the user does
// before they are in decides. Marks cleared meanwhile: no question. A
// prompt opened meanwhile: no question over it, its keys stay its own.
func TestMarkedRowsReadBackAfterTheUserMovedOn(t *testing.T) {
	for _, tt := range []struct {
		name, then, screen string
	}{
		{"marks cleared", "ctrl+u", "4 rows"},
		{"filter prompt opened", "/", "text, !not"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := start(t, fixture{})
			d.waitFor("Acme Shop")
			d.settle()
			d.key("space")
			d.key("space")
			d.waitFor("2 marked")
			d.holdTypes("ui.markedRead")
			d.key("ctrl+d")
			d.until("the marked apps read back", func(string) bool { return len(d.held) == 1 })
			d.key(tt.then)
			d.waitFor(tt.screen)
			d.release()
			if s := d.settle(); strings.Contains(s, "Delete 2 apps") {
				t.Fatalf("the question came after the user moved on:\n%s", s)
			}
		})
	}
}
