package ui_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
)

func TestFirstScreenListsSeededApps(t *testing.T) {
	d := start(t, fixture{})
	s := d.waitFor("Acme Shop", "Acme Rewards", "Acme Kiosk", "token valid for", "Acme Production")
	for _, want := range []string{"sandbox", "Acme Production", "(1)", "SANDBOX", "apps", "4 rows"} {
		if !strings.Contains(s, want) {
			t.Errorf("first screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "READ-ONLY") {
		t.Error("READ-ONLY badge without --readonly")
	}
}

func TestReadOnlyBadge(t *testing.T) {
	d := start(t, fixture{ui: uiOptionsReadOnly()})
	d.waitFor("READ-ONLY", "Acme Shop")
}

func TestDrillDownAndBackRestoreCursorAndFilter(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.key("/")
	d.typ("rew")
	d.key("enter")
	s := d.waitFor("1 of 4 rows")
	if strings.Contains(s, "Acme Shop") {
		t.Fatalf("filter did not narrow:\n%s", s)
	}
	d.key("enter") // open Acme Rewards: platforms and data points live under it
	d.waitFor("Platforms", "Data points")
	d.key("enter") // platforms
	d.waitFor("apps", "Acme Rewards", "platforms", "tvOS")
	d.settle()
	d.key("esc")
	d.key("esc")
	s = d.waitFor("1 of 4 rows", "/rew")
	if !strings.Contains(line(s, "Acme Rewards"), "Acme Rewards") || strings.Contains(s, "Acme Shop") {
		t.Fatalf("back did not restore the filter:\n%s", s)
	}
	d.key("esc") // clears the filter
	s = d.waitFor("4 rows", "Acme Shop")
	_ = s
}

func TestFilterNarrowsAndClears(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.key("/")
	d.typ("kiosk")
	s := d.waitFor("1 of 4 rows")
	if !strings.Contains(s, "Acme Kiosk") || strings.Contains(s, "Acme Rewards") {
		t.Fatalf("filter:\n%s", s)
	}
	d.key("esc")
	d.waitFor("4 rows", "Acme Rewards")
}

func TestInspectShowsFields(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.key("i")
	s := d.waitFor(`"name": "Acme Shop"`, `"platforms"`, `"os": "iOS"`, "app 1 · Acme Shop")
	if !strings.Contains(s, "inspect") {
		t.Errorf("breadcrumb lacks inspect:\n%s", s)
	}
	d.key("/")
	d.typ("application\"")
	d.key("enter")
	d.waitFor(`"data_type": "application"`)
	d.key("esc") // clears the search
	d.key("esc") // closes the inspector
	d.waitFor("4 rows")
}

func TestErrorsRenderInThePaneAndTheConsoleKeepsWorking(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()

	// 504 on every attempt: the pane names the status, the request and the retries.
	d.srv.InjectNext("504", 3) // every attempt of the retry policy
	d.key("ctrl+r")
	s := d.waitFor("504 Gateway Timeout", "Gave up after 3 attempts")
	if !strings.Contains(s, "GET /v1/apps") {
		t.Fatalf("504 pane lacks the request:\n%s", s)
	}
	d.key("esc") // dismiss
	d.key("ctrl+r")
	s = d.settle()
	if strings.Contains(s, "504 Gateway") {
		t.Fatalf("pane not dismissed or error persists:\n%s", s)
	}

	// 422 from a real business rule, reported by any view.
	apps, _ := api.Lookup("apps")
	err := d.client.Delete(context.Background(), apps, nil, "1")
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != 422 {
		t.Fatalf("delete app with platforms: %v", err)
	}
	d.send(views.ErrorMsg{Err: err})
	d.waitFor("422", "VALIDATION_ERROR: Deleting an app that has active platforms is not allowed.")
	d.key("j") // keys still reach the table
	d.key("esc")

	// 404: the app the user is looking at is deleted behind their back.
	d.key("/")
	d.typ("legacy")
	d.key("enter")
	d.waitFor("1 of 4 rows")
	if err := d.client.Delete(context.Background(), apps, nil, "4"); err != nil {
		t.Fatalf("delete Acme Legacy: %v", err)
	}
	d.key("enter")
	d.waitFor("Platforms")
	d.key("enter")
	s = d.waitFor("404")
	if !strings.Contains(s, "/v1/apps/4/platforms") {
		t.Fatalf("404 pane lacks the path:\n%s", s)
	}
	d.key("esc")
	d.key("esc")
	d.key("esc")
	d.key("esc")
	d.key("ctrl+r")
	d.waitFor("3 rows")

	// The error log keeps every error, newest first.
	d.key("!")
	s = d.waitFor("404", "422", "504")
	if strings.Index(s, "404") > strings.Index(s, "504") {
		t.Fatalf("error log not newest first:\n%s", s)
	}
}

func TestUnreachableAPI(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.srv.Close()
	d.key("ctrl+r")
	s := d.settle()
	if !strings.Contains(s, "refused") || !strings.Contains(strings.ToLower(s), "check") {
		t.Fatalf("no advice on what to check:\n%s", s)
	}
	d.key("esc")
	d.waitFor("Acme Shop") // the last good rows are still there
}

func TestPaletteOpensKinds(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.key(":")
	d.typ("audiences")
	d.key("enter")
	s := d.waitFor("audiences", "Abandoned Cart")
	if strings.Contains(s, "Acme Shop") {
		t.Fatalf("still on apps:\n%s", s)
	}
	// An alias, and a kind that needs a parent: :ca opens workspaces first,
	// and enter drills straight into the workspace's calculated attributes.
	d.key(":")
	d.typ("ca")
	d.key("enter")
	d.waitFor("workspaces")
	d.settle()
	d.key("enter")
	d.waitFor("calculatedattributes")
	d.settle()
	// Help for the focused view comes from the keymap.
	d.key("?")
	d.waitFor("Everywhere", "filter")
}

func TestDeleteAsksAndDefaultsToNo(t *testing.T) {
	d := start(t, fixture{})
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
	d.key("ctrl+d")
	d.waitFor("Delete audience", "7622", "Abandoned Cart")
	d.key("enter") // No is focused
	d.waitFor("nothing deleted")
	d.settle()
	d.waitFor("Abandoned Cart")

	d.key("ctrl+d")
	d.waitFor("Delete audience")
	d.key("y")
	d.waitFor("delete audience 7622: done")
	d.key("esc") // clear the filter
	s := d.settle()
	if strings.Contains(s, "Abandoned Cart") {
		t.Fatalf("audience still listed:\n%s", s)
	}
}

func TestDeleteAppAsksForItsNameAndShowsTheRule(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key("ctrl+d")
	d.waitFor("Delete app")
	d.typ("Acme Shop")
	d.key("enter")
	d.waitFor("422", "Deleting an app that has active platforms is not allowed.")
	d.settle()
	d.waitFor("4 rows")
}

func TestReadOnlyWriteKeysSendNothing(t *testing.T) {
	d := start(t, fixture{ui: uiOptionsReadOnly()})
	d.waitFor("Acme Shop")
	d.settle()
	before := d.srv.APIRequests()
	for _, k := range []string{"ctrl+d", "e", "c"} {
		d.key(k)
		d.waitFor("read-only: this console sends no writes")
	}
	if n := d.srv.APIRequests(); n != before {
		t.Fatalf("read-only console sent %d requests", n-before)
	}
}

// retryingApps is a console whose refresh of the apps list got a 503 and
// waits backoff before it tries again: the status bar says so.
func retryingApps(t *testing.T, backoff time.Duration) *driver {
	t.Helper()
	d := start(t, fixture{retry: api.RetryPolicy{MaxAttempts: 3, BaseDelay: backoff, MaxDelay: backoff}})
	d.waitFor("Acme Shop")
	d.settle()
	d.srv.InjectNext("503", 1)
	d.key("ctrl+r")
	d.waitFor("retrying GET /v1/apps", "attempt 1: 503")
	return d
}

func TestRetryStateShowsInTheStatusBar(t *testing.T) {
	d := retryingApps(t, 300*time.Millisecond)
	s := d.settle()
	if strings.Contains(s, "retrying") || !strings.Contains(s, "Acme Shop") {
		t.Fatalf("after the retry succeeded:\n%s", s)
	}
}

func TestCalculatedAttributeActions(t *testing.T) {
	d := start(t, fixture{})
	openInTraveller(d, "ca")
	d.waitFor("Lifetime Purchases")
	d.settle()
	d.key("/")
	d.typ("lifetime")
	d.key("enter")

	// A read action shows its answer in the inspector.
	d.key("a")
	d.waitFor("Activate", "Discard draft", "Activation status")
	d.key("/")
	d.typ("activation status")
	d.key("enter")
	d.key("enter")
	d.waitFor(`"is_active": false`, "Activation status")
	d.key("esc")

	// A write asks first (default No), then runs.
	d.key("a")
	d.waitFor("Activate")
	d.key("enter") // the cursor is on Activate
	d.waitFor("Activate calculatedattribute 6")
	d.key("y")
	d.waitFor("Activate calculatedattribute 6: done")
	d.settle()
	d.key("a")
	d.waitFor("Calculation status")
	d.key("/")
	d.typ("activation status")
	d.key("enter")
	d.key("enter")
	d.waitFor(`"is_active": true`)
}
