package ui_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/ui"
)

// A slow large list: 5 000 apps sent in 16 KiB pieces, a pause after each.
func slowLarge() fixture {
	return fixture{sandbox: sandbox.Options{Seed: "large:5000", Trickle: 20 * time.Millisecond}}
}

var (
	loadingRows    = regexp.MustCompile(`loading… ([0-9 ]+) rows`)
	incompleteRows = regexp.MustCompile(`incomplete \((\w+)\): ([0-9 ]+) rows`)
)

// statusCount reads the row count re finds in the status bar (its last
// group), -1 when it is not there.
func statusCount(s string, re *regexp.Regexp) int {
	m := re.FindStringSubmatch(lastLine(s))
	if m == nil {
		return -1
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m[len(m)-1], " ", ""))
	if err != nil {
		return -1
	}
	return n
}

func streaming(s string) bool { return statusCount(s, loadingRows) > 0 }

// TestStreamedListNavigableWhileLoading: the first rows of a slow list are
// on screen, and the cursor moves over them, while the status bar still
// says the list is loading; batches arriving later leave the cursor where
// the user put it, and the whole list ends up there.
func TestStreamedListNavigableWhileLoading(t *testing.T) {
	d := start(t, slowLarge())
	s := d.until("the first apps while loading", func(s string) bool {
		return strings.Contains(s, "App 000003") && streaming(s)
	})
	if firstCell(cursorRow(s)) != "1" {
		t.Fatalf("cursor not on the first app:\n%s", s)
	}
	d.key("down")
	d.key("down")
	s = d.screen()
	if !strings.Contains(cursorRow(s), "App 000003") {
		t.Fatalf("down twice while loading: cursor on %q\n%s", cursorRow(s), s)
	}
	if n := statusCount(s, loadingRows); n <= 0 || n >= 5000 {
		t.Fatalf("status bar during the load says %d rows:\n%s", n, lastLine(s))
	}
	shown := statusCount(s, loadingRows)
	// Another batch comes in: the rows grow under the cursor, which stays.
	s = d.until("another batch", func(s string) bool { return statusCount(s, loadingRows) > shown || !streaming(s) })
	if !strings.Contains(cursorRow(s), "App 000003") {
		t.Fatalf("a batch moved the cursor to %q\n%s", cursorRow(s), s)
	}
	s = d.until("the whole list", func(s string) bool { return strings.Contains(s, "5000 rows") && !streaming(s) })
	if strings.Contains(lastLine(s), "incomplete") {
		t.Fatalf("status bar after the whole list: %q", lastLine(s))
	}
	if !strings.Contains(cursorRow(s), "App 000003") {
		t.Fatalf("cursor after the load on %q", cursorRow(s))
	}
}

// TestLoadingCountMovesWithTheTicks: while a list streams in, the status
// bar's counts move with the spinner's tick, not with each batch: a batch
// of rows below the screen leaves the frame as it was (so Bubble Tea's
// renderer has nothing to redraw at 60 frames a second), and the next tick
// shows every row that arrived.
func TestLoadingCountMovesWithTheTicks(t *testing.T) {
	d := start(t, slowLarge())
	d.until("a screen of apps while loading", func(s string) bool {
		return statusCount(s, loadingRows) >= 100 // the screen holds fewer
	})
	d.holdTypes("ui.listBatch", "ui.tickMsg")
	d.until("a batch on its way", func(string) bool {
		return slices.ContainsFunc(d.held, ui.IsBatch)
	})
	before := d.screen()
	shown := statusCount(before, loadingRows)
	var ticks []tea.Msg
	for _, msg := range d.held {
		if ui.IsBatch(msg) {
			d.send(msg)
		} else {
			ticks = append(ticks, msg)
		}
	}
	d.held = ticks
	rows, streams := ui.FrontRows(d.m)
	if rows <= shown || !streams {
		t.Fatalf("the batch brought no rows (%d, %d shown) or ended the load", rows, shown)
	}
	if after := d.screen(); after != before {
		t.Fatalf("a batch changed the frame before the tick:\n%s\nafter:\n%s", before, after)
	}
	d.holdTypes("ui.listBatch")
	for _, msg := range ticks {
		d.send(msg)
	}
	s := d.until("the next tick", func(s string) bool { return statusCount(s, loadingRows) != shown })
	if got := statusCount(s, loadingRows); got != rows {
		t.Fatalf("after the tick the status bar says %d rows, the table has %d:\n%s", got, rows, lastLine(s))
	}
}

// TestEscCancelsStreamedLoad: esc during a load ends it; the rows shown
// stay, marked incomplete, and a batch already on its way when esc was
// pressed is not shown.
func TestEscCancelsStreamedLoad(t *testing.T) {
	d := start(t, slowLarge())
	d.until("the first apps while loading", func(s string) bool {
		return strings.Contains(s, "App 000001") && streaming(s)
	})
	// Keep the next batch from the model until esc was pressed.
	d.holdTypes("ui.listBatch")
	d.until("a batch on its way", func(string) bool { return len(d.held) > 0 })
	shown, _ := ui.FrontRows(d.m)
	d.key("esc")
	d.release()
	s := d.until("the load cancelled", func(s string) bool { return statusCount(s, incompleteRows) >= 0 })
	if m := incompleteRows.FindStringSubmatch(lastLine(s)); m[1] != "cancelled" {
		t.Fatalf("status bar after esc: %q", lastLine(s))
	}
	if got := statusCount(s, incompleteRows); got != shown {
		t.Fatalf("after esc %d rows, %d were in the table when esc was pressed", got, shown)
	}
	if !strings.Contains(s, "App 000001") {
		t.Fatalf("the rows shown went away:\n%s", s)
	}
	// Nothing more arrives: whatever is left in flight changes nothing.
	s = d.settle()
	if got := statusCount(s, incompleteRows); got != shown {
		t.Fatalf("after the load ended %d rows, %d when esc was pressed:\n%s", got, shown, lastLine(s))
	}
}

// TestBackShowsKeptRowsAtOnce: going back to a list shows the rows it had
// before any request answers (the background refresh is held); once the
// refresh brings the whole list, the rows are no longer marked incomplete.
func TestBackShowsKeptRowsAtOnce(t *testing.T) {
	d := start(t, slowLarge())
	d.until("the first apps while loading", func(s string) bool {
		return strings.Contains(s, "App 000002") && streaming(s)
	})
	d.key("esc")
	s := d.until("the load cancelled", func(s string) bool { return statusCount(s, incompleteRows) > 0 })
	kept := statusCount(s, incompleteRows)
	d.key("down")
	d.key("enter") // App 000002: its child kinds
	d.waitFor("Platforms", "Data points")
	d.settle()
	d.holdReplies("list")
	d.key("esc")
	s = d.screen() // no message handled since esc
	if !strings.Contains(s, "App 000001") || !strings.Contains(cursorRow(s), "App 000002") {
		t.Fatalf("back: the kept rows, cursor on App 000002, not on screen at once:\n%s", s)
	}
	if got := statusCount(s, incompleteRows); got != kept {
		t.Fatalf("back: status bar %q, want %d rows incomplete", lastLine(s), kept)
	}
	d.release()
	s = d.waitFor("5000 rows")
	if strings.Contains(lastLine(s), "incomplete") {
		t.Fatalf("the whole list is there, still marked incomplete: %q", lastLine(s))
	}
	if !strings.Contains(cursorRow(s), "App 000002") {
		t.Fatalf("the refresh moved the cursor to %q", cursorRow(s))
	}
}

// TestBrokenStreamKeepsRows: a list answer that breaks midway (a control
// byte in its middle, or the connection dropped after half of it) shows
// the error pane and keeps the rows shown before, marked incomplete.
func TestBrokenStreamKeepsRows(t *testing.T) {
	for _, tt := range []struct{ fault, pane, says string }{
		{sandbox.FaultCorrupt, "✗ 200 OK  GET /v1/apps/1/datapoints", "was malformed at byte"},
		{sandbox.FaultCut, "✗ Connection dropped  GET /v1/apps/1/datapoints", "while the answer (200 OK) was arriving"},
	} {
		t.Run(tt.fault, func(t *testing.T) {
			d := start(t, fixture{sandbox: sandbox.Options{Seed: "large:5000"}})
			d.waitFor("App 000001", "5000 rows")
			d.settle()
			d.key("enter") // App 000001: its child kinds
			d.waitFor("Platforms", "Data points")
			d.key("down")
			d.srv.SetTrickle(5 * time.Millisecond) // the first batch lands well before the break
			d.srv.InjectNext(tt.fault, 1)
			d.key("enter") // data points: 5 000 events
			s := d.until("the load failed", func(s string) bool { return statusCount(s, incompleteRows) >= 0 })
			if m := incompleteRows.FindStringSubmatch(lastLine(s)); m[1] != "failed" {
				t.Fatalf("status bar after the break: %q", lastLine(s))
			}
			n := statusCount(s, incompleteRows)
			if n <= 0 || n >= 5000 {
				t.Fatalf("%d rows kept of 5000:\n%s", n, s)
			}
			if !strings.Contains(s, "Event 000001") {
				t.Fatalf("the rows shown went away:\n%s", s)
			}
			if !strings.Contains(s, tt.pane) || !strings.Contains(s, tt.says) || strings.Contains(s, "not the API's") {
				t.Fatalf("no error pane %q saying %q:\n%s", tt.pane, tt.says, s)
			}
		})
	}
}

// TestLeavingAStreamingListEndsItsLoad: a list left while it streams, by
// a jump that puts other frames in front (":apps"), stops loading: its
// request ends rather than waiting for ever on batches nobody shows (the
// spinner stops once the new list is in).
func TestLeavingAStreamingListEndsItsLoad(t *testing.T) {
	d := start(t, slowLarge())
	d.until("the first apps while loading", func(s string) bool {
		return strings.Contains(s, "App 000001") && streaming(s)
	})
	d.key(":")
	d.typ("apps")
	d.key("enter")
	d.until("the new list whole", func(s string) bool { return strings.Contains(s, "5000 rows") && !streaming(s) })
	d.settle()
}

// TestAStreamOutlivesAVisitBelow: going into a row and back while the
// list streams leaves its load going: the rows keep coming, and the
// status bar says so until the whole list is in.
func TestAStreamOutlivesAVisitBelow(t *testing.T) {
	d := start(t, slowLarge())
	d.until("the first apps while loading", func(s string) bool {
		return strings.Contains(s, "App 000002") && streaming(s)
	})
	d.key("enter") // App 000001: its child kinds
	d.waitFor("Platforms", "Data points")
	d.key("esc")
	s := d.screen()
	if !streaming(s) {
		t.Fatalf("back on the list, its load no longer shows:\n%s", lastLine(s))
	}
	wholeList(t, d)
}

// TestReloadingAStreamingListEnds: a list whose first load is ended by
// another (ctrl+r while it streams) says "loading…" no longer: its rows
// are marked incomplete until the whole list is in.
func TestReloadingAStreamingListEnds(t *testing.T) {
	d := start(t, slowLarge())
	d.until("the first apps while loading", func(s string) bool {
		return strings.Contains(s, "App 000002") && streaming(s)
	})
	d.key("ctrl+r")
	wholeList(t, d)
}

// wholeList waits for the 5 000 apps of slowLarge and every request
// answered; the list must not be marked incomplete or still loading (the
// frame's own state: a notice may cover the status bar's).
func wholeList(t *testing.T, d *driver) {
	t.Helper()
	d.until("the whole list", func(s string) bool { return strings.Contains(lastLine(s), "5000 rows") && !streaming(s) })
	s := d.settle()
	if _, streams := ui.FrontRows(d.m); streams || strings.Contains(lastLine(s), "incomplete") || strings.Contains(lastLine(s), "loading") {
		t.Fatalf("the whole list is in; the list still streams (%v), the status bar says %q", streams, lastLine(s))
	}
}

// TestEscWhileTheLastBatchesWait: esc while batches of a load are still
// on their way to the table, the answer read whole (a list of one batch:
// the list was read as soon as the batch was handed on), marks the rows
// shown incomplete: the batches dropped are not in the list.
func TestEscWhileTheLastBatchesWait(t *testing.T) {
	d := start(t, fixture{})
	d.holdTypes("ui.listBatch")
	d.until("the first batch on its way", func(string) bool { return len(d.held) == 1 })
	d.key("esc")
	d.release()
	s := d.settle()
	if m := incompleteRows.FindStringSubmatch(lastLine(s)); m == nil || m[1] != "cancelled" {
		t.Fatalf("status bar after esc: %q", lastLine(s))
	}
}
