package ui_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/testutil"
	"github.com/mpconsole/mpconsole/ui"
)

// startLive starts a console and a sandbox on one clock the test moves:
// the refresh timers, "updated 12s ago" and the sandbox's calculations
// all go by it.
func startLive(t *testing.T) (*testutil.FakeClock, *driver) {
	t.Helper()
	clk := testutil.NewFakeClock(time.Now())
	d := start(t, fixture{ui: ui.Options{Clock: clk}, sandbox: sandbox.Options{Now: clk.Now}})
	return clk, d
}

// caList opens the calculated attributes of the mP Traveller workspace,
// which refresh themselves every 15 s.
func caList(d *driver) {
	openInTraveller(d, "ca")
	d.waitFor("Lifetime Purchases", "updated 0s ago")
	d.settle()
}

var travellerRef = api.Ref{"workspace": fmt.Sprint(sandbox.SeedWorkspaceID)}

func caKind(t *testing.T) *api.Descriptor { return mustKind(t, "calculatedattributes") }

func caBody(name string) []byte {
	return fmt.Appendf(nil, `{"name":%q,"description":"made by the live tests","draft_definition":{"recipe_type":"event",
	 "datapoint":{"type":"event","event_name":"Purchase","attribute_name":null,"event_type":"commerce_event","custom_event_type":"purchase"},
	 "conditions":[],"calculation_type":"count","time_period":{"type":"within","within":7,"within_unit":"days"}}}`, name)
}

// createCA makes a calculated attribute behind the console's back.
func createCA(t *testing.T, d *driver, name string) {
	t.Helper()
	if _, err := d.client.Create(context.Background(), caKind(t), travellerRef, caBody(name)); err != nil {
		t.Fatal(err)
	}
}

// cursorLine is the screen line of the cursor's row.
func cursorLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "›") {
			return l
		}
	}
	return ""
}

// markedFresh reports whether the row holding text carries the mark of a
// row a refresh changed.
func markedFresh(s, text string) bool {
	return strings.HasSuffix(strings.TrimRight(line(s, text), " "), "•")
}

// moveTo presses down until the cursor is on the row holding text.
func moveTo(t *testing.T, d *driver, text string) {
	t.Helper()
	d.key("home")
	for range 20 {
		if strings.Contains(cursorLine(d.screen()), text) {
			return
		}
		d.key("down")
	}
	t.Fatalf("no row %q:\n%s", text, d.screen())
}

// A change made through the API shows in a live list without a key: the
// cursor stays on its entity though rows above it came and went, and the
// rows that changed are marked for a moment.
func TestALiveListShowsChangesWithoutAKey(t *testing.T) {
	clk, d := startLive(t)
	caList(d)
	d.key(">")
	d.key(">") // by name: Abandoned Idea, ca1, Cart Adds…, Last Search Term, Lifetime Purchases
	d.waitFor("NAME ↑")
	moveTo(t, d, "Last Search Term")

	ca := caKind(t)
	createCA(t, d, "Aardvark Count") // sorts first
	if err := d.client.Delete(context.Background(), ca, travellerRef, fmt.Sprint(sandbox.SeedCAActiveWithDraft)); err != nil {
		t.Fatal(err) // ca1, above the cursor
	}
	if _, err := d.client.Update(context.Background(), ca, travellerRef, fmt.Sprint(sandbox.SeedCADiscarded), []byte(`{"name":"Cab renamed"}`)); err != nil {
		t.Fatal(err) // Abandoned Idea, above the cursor
	}
	before := d.screen()
	clk.Advance(15 * time.Second)
	s := d.waitFor("Aardvark Count", "Cab renamed", "updated 0s ago")
	if strings.Contains(s, "ca1") || strings.Contains(before, "Aardvark") {
		t.Fatalf("the deleted row is still shown:\n%s", s)
	}
	if !strings.Contains(cursorLine(s), "Last Search Term") {
		t.Fatalf("the cursor left its entity:\n%s", s)
	}
	if !markedFresh(s, "Cab renamed") || !markedFresh(s, "Aardvark Count") || markedFresh(s, "Last Search Term") || markedFresh(s, "Lifetime") {
		t.Fatalf("changed rows are not marked (or unchanged ones are):\n%s", s)
	}
	if !strings.Contains(s, "NAME ↑") {
		t.Fatalf("the sort was lost:\n%s", s)
	}

	clk.Advance(4 * time.Second)
	s = d.until("the mark fades", func(s string) bool { return !markedFresh(s, "Cab renamed") })
	if !strings.Contains(lastLine(s), "updated 4s ago") {
		t.Fatalf("status bar: %q", lastLine(s))
	}
}

// :refresh says how often the list refreshes, turns it off and sets it;
// a list hidden under an overlay does not refresh, and catches up when it
// is shown again.
func TestRefreshCommandAndHiddenViews(t *testing.T) {
	clk, d := startLive(t)
	caList(d)
	palette := func(cmd, want string) string {
		t.Helper()
		d.key(":")
		d.typ(cmd)
		d.key("enter")
		return d.waitFor(want)
	}
	palette("refresh", "this list refreshes every 15s (the kind's default)")

	s := palette("refresh off", "this list: refresh off")
	if !strings.Contains(lastLine(s), "refresh off") {
		t.Fatalf("status bar: %q", lastLine(s))
	}
	if p := clk.Pending(); len(p) != 0 {
		t.Fatalf("timers armed with refresh off: %v", p)
	}
	createCA(t, d, "Zebra Count")
	clk.Advance(time.Minute) // nothing is armed: nothing refreshes

	palette("refresh 5s", "this list refreshes every 5s")
	if p := clk.Pending(); !slices.Equal(p, []time.Time{clk.Now().Add(5 * time.Second)}) {
		t.Fatalf("timers %v, want one 5s from now (%v)", p, clk.Now())
	}
	if strings.Contains(d.screen(), "Zebra") {
		t.Fatal("refreshed while off")
	}
	clk.Advance(5 * time.Second)
	d.waitFor("Zebra Count")
	d.settle()
	clk.Advance(3 * time.Second) // the mark fades
	d.until("the mark fades", func(s string) bool { return !markedFresh(s, "Zebra Count") })

	// Help hides the list: its timer stops, and nothing refreshes.
	d.key("?")
	d.waitFor("Table — calculatedattributes")
	if p := clk.Pending(); len(p) != 0 {
		t.Fatalf("timers armed while the list is hidden: %v", p)
	}
	createCA(t, d, "Yak Count")
	clk.Advance(time.Minute)
	d.key("esc") // shown again, overdue: refreshed at once
	d.waitFor("Yak Count", "updated 0s ago")
	if p := clk.Pending(); len(p) != 2 { // the next refresh, and the mark's end
		t.Fatalf("timers %v", p)
	}

	// A bad interval says what is valid; the setting stays.
	palette("refresh 1s", "refresh: \"1s\": the interval must be from 2s to 1h")
}

// A refresh that fails waits twice as long as the one before, says so in
// the status bar, puts the first failure in the error log and none in the
// pane; a success brings the interval back.
func TestAFailingRefreshBacksOff(t *testing.T) {
	clk, d := startLive(t)
	caList(d)
	// pausedFor waits for the status bar's word and the timer of the
	// retry, wait from now.
	pausedFor := func(word string, wait time.Duration) string {
		t.Helper()
		return d.until(word, func(s string) bool {
			return strings.Contains(lastLine(s), word) && slices.Contains(clk.Pending(), clk.Now().Add(wait))
		})
	}
	for _, step := range []struct {
		after time.Duration
		word  string
		wait  time.Duration
	}{
		{15 * time.Second, "refresh paused: 503, retry in 30s", 30 * time.Second},
		{30 * time.Second, "refresh paused: 503, retry in 1m", time.Minute},
		{time.Minute, "refresh paused: 503, retry in 2m", 2 * time.Minute},
		{2 * time.Minute, "refresh paused: 503, retry in 2m", 2 * time.Minute}, // the cap
	} {
		d.srv.InjectNext(sandbox.Fault503, 3) // every attempt
		clk.Advance(step.after)
		s := pausedFor(step.word, step.wait)
		if strings.Contains(s, "Service Unavailable") {
			t.Fatalf("a background refresh opened the error pane:\n%s", s)
		}
	}
	createCA(t, d, "Back Again")
	clk.Advance(2 * time.Minute)
	d.waitFor("Back Again", "updated 0s ago")
	if p := clk.Pending(); !slices.Contains(p, clk.Now().Add(15*time.Second)) {
		t.Fatalf("the next refresh is not an interval away: %v (now %v)", p, clk.Now())
	}
	d.key("!")
	s := d.waitFor("Error log")
	if !strings.Contains(s, "Error log — 1 error this session") {
		t.Fatalf("a streak of failures should log once:\n%s", s)
	}
}

// Going back shows the rows kept at once, then merges the refresh that
// going back started, with the cursor on the same entity.
func TestGoingBackMergesTheRefresh(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop", "4 rows")
	d.settle()
	d.key("down")
	d.key("down")
	s := d.screen()
	id := strings.Fields(strings.TrimPrefix(cursorLine(s), "›"))[0]
	first := strings.Fields(strings.Split(s, "\n")[3])[0] // the first row's id
	d.key("enter")
	d.waitFor("Platforms", "Data points")

	apps, _ := api.Lookup("apps")
	ctx := context.Background()
	if _, err := d.client.Update(ctx, apps, nil, first, []byte(`{"name":"Renamed App"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.client.Create(ctx, apps, nil, []byte(`{"name":"Aardvark App","platforms":[{"os":"iOS"}]}`)); err != nil {
		t.Fatal(err)
	}
	d.holdReplies("list")
	d.key("esc")
	s = d.screen()
	if !strings.Contains(cursorLine(s), id) || strings.Contains(s, "Aardvark") || !strings.Contains(s, "4 rows") {
		t.Fatalf("going back did not show the rows kept, cursor on %s:\n%s", id, s)
	}
	d.until("the refresh", func(string) bool { return len(d.held) > 0 })
	d.release()
	s = d.waitFor("Aardvark App", "Renamed App", "5 rows")
	if l := cursorLine(s); !strings.HasPrefix(strings.TrimPrefix(l, "›"), id+" ") {
		t.Fatalf("the cursor left app %s:\n%s", id, s)
	}
	if !markedFresh(s, "Aardvark App") || !markedFresh(s, "Renamed App") {
		t.Fatalf("the new and the renamed app are not marked:\n%s", s)
	}
}

// An inspector of a kind that refreshes itself reads its entity again
// while it is in front: a calculation's progress, a renamed attribute.
func TestAWatchedInspectorShowsWhatChanged(t *testing.T) {
	clk, d := startLive(t)
	caList(d)
	moveTo(t, d, "Cart Adds") // activated as the sandbox started: calculating for a minute
	d.key("a")
	d.waitFor("Calculation status")
	d.key("/")
	d.typ("calculation status")
	d.key("enter")
	d.key("enter")
	d.waitFor(`"is_calculated": false`, "updated 0s ago")
	d.settle()
	clk.Advance(time.Minute)
	s := d.waitFor(`"is_calculated": true`, `"calculation_percent_complete": 100`, "updated 0s ago")
	if !strings.Contains(s, "Calculation status · calculatedattribute 8") {
		t.Fatalf("not the watched status:\n%s", s)
	}
	d.key("esc") // the list, hidden for a minute, is refreshed at once
	d.waitFor("Lifetime Purchases", "updated 0s ago")
	d.settle()

	// i on a calculated attribute watches it; :refresh over it sets the
	// inspector's own interval.
	moveTo(t, d, "Lifetime Purchases")
	d.key("i")
	d.waitFor(`"name": "Lifetime Purchases"`)
	d.settle()
	d.key(":")
	d.typ("refresh 5s")
	d.key("enter")
	d.waitFor("this inspector refreshes every 5s", `"name": "Lifetime Purchases"`)
	if _, err := d.client.Update(context.Background(), caKind(t), travellerRef, fmt.Sprint(sandbox.SeedCADraftOnly), []byte(`{"name":"Lifetime Spend"}`)); err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second)
	d.waitFor(`"name": "Lifetime Spend"`, "updated 0s ago")
}

// A list that takes long to read is refreshed less often: the next
// refresh waits ten times what the last one took, when that is longer
// than the interval.
func TestASlowListIsRefreshedLessOften(t *testing.T) {
	clk, d := startLive(t)
	caList(d)
	d.holdReplies("list")
	clk.Advance(15 * time.Second)
	d.until("the refresh", func(string) bool { return len(d.held) > 0 })
	clk.Advance(3 * time.Second) // the read took 3 s
	d.release()
	d.settle()
	if p := clk.Pending(); !slices.Equal(p, []time.Time{clk.Now().Add(30 * time.Second)}) {
		t.Fatalf("timers %v, want one 30s from now (%v)", p, clk.Now())
	}
}

// A configuration list does not refresh by itself; :refresh turns it on
// for as long as it is open.
func TestAConfigurationListRefreshesOnlyWhenAsked(t *testing.T) {
	clk, d := startLive(t)
	d.waitFor("Acme Shop", "4 rows")
	d.settle()
	if p := clk.Pending(); len(p) != 0 || strings.Contains(lastLine(d.screen()), "updated") {
		t.Fatalf("the apps refresh by themselves: timers %v\n%s", p, d.screen())
	}
	d.key(":")
	d.typ("refresh")
	d.key("enter")
	d.waitFor("this list does not refresh itself (apps change only when edited): :refresh 15s turns it on")
	d.key(":")
	d.typ("refresh 10s")
	d.key("enter")
	d.waitFor("this list refreshes every 10s", "updated 0s ago")
	if _, err := d.client.Create(context.Background(), mustKind(t, "apps"), nil, []byte(`{"name":"Zed App","platforms":[{"os":"iOS"}]}`)); err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	d.waitFor("Zed App", "5 rows")
}

func mustKind(t *testing.T, name string) *api.Descriptor {
	t.Helper()
	d, ok := api.Lookup(name)
	if !ok {
		t.Fatalf("no kind %s", name)
	}
	return d
}

// A list that does not refresh by itself says nothing of refreshes when
// ctrl+r fails: the error pane does.
func TestAFailedReloadOfAConfigurationListIsNoPause(t *testing.T) {
	_, d := startLive(t)
	d.waitFor("Acme Shop", "4 rows")
	d.settle()
	d.srv.InjectNext(sandbox.Fault503, 3)
	d.key("ctrl+r")
	d.waitFor("503 Service Unavailable")
	if s := d.settle(); strings.Contains(s, "refresh paused") {
		t.Fatalf("a list that does not refresh says it is paused:\n%s", s)
	}
}
