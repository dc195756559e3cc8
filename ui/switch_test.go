package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/ui"
)

func TestSwitchAccountsShowsEachAccountsOwnApps(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop", "Acme Production")
	d.settle()
	// Leave a view to come back to: a filter on the apps.
	d.key("/")
	d.typ("kiosk")
	d.key("enter")
	d.waitFor("1 of 4 rows")

	d.key("A")
	s := d.waitFor("Acme Staging", "Acme Production", "sandbox-viewer")
	if !strings.Contains(s, "token valid for") {
		t.Errorf("switcher lacks the token state:\n%s", s)
	}
	d.key("/")
	d.typ("staging")
	d.key("enter")
	d.key("enter")
	s = d.waitFor("Acme Shop (Staging)", "Acme Staging (2)")
	if strings.Contains(s, "Acme Kiosk") || strings.Contains(s, "Acme Rewards") {
		t.Fatalf("account 2 shows account 1's apps:\n%s", s)
	}

	// Back to account 1 with :use: the filtered view the user left.
	d.key(":")
	d.typ("use sandbox")
	d.key("enter")
	s = d.waitFor("Acme Production (1)", "1 of 4 rows", "Acme Kiosk")
	if strings.Contains(s, "Staging") {
		t.Fatalf("account 1 shows account 2's data:\n%s", s)
	}
}

func TestLateReplyForThePreviousAccountIsDropped(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop", "Acme Production")
	d.settle()
	// An answer for account 1 is held back while the user switches.
	d.holdReplies("list")
	d.key("ctrl+r")
	d.until("account 1's list to be answered", func(string) bool { return len(d.held) == 1 })
	late := d.held
	d.hold, d.held = nil, nil
	d.key(":")
	d.typ("use 2")
	d.key("enter")
	d.waitFor("Acme Shop (Staging)", "Acme Staging (2)")
	d.settle()
	// Account 2 reloads; the account-1 answer lands while that is in
	// flight: it must not replace account 2's rows, nor be counted as the
	// answer account 2 is waiting for (the spinner keeps turning).
	d.key("ctrl+r")
	for _, msg := range late {
		d.send(msg)
	}
	s := d.screen()
	if strings.Contains(s, "Acme Kiosk") || !strings.Contains(s, "Acme Staging (2)") || !strings.Contains(s, "Acme Shop (Staging)") {
		t.Fatalf("a late reply for account 1 reached account 2's screen:\n%s", s)
	}
	if !strings.ContainsAny(lastLine(s), "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏") {
		t.Fatalf("the late reply was counted as account 2's answer: nothing shown in flight:\n%s", s)
	}
	d.settle()
}

func TestViewerProfileSeesOnlyAccountOneAndCannotWrite(t *testing.T) {
	d := start(t, fixture{ui: ui.Options{Profile: accounts.ViewerProfile}})
	d.waitFor("Acme Shop", "sandbox-viewer", "Acme Production (1)")
	d.key("A")
	d.waitFor("Acme Production")
	d.settle()
	s := d.screen()
	if n := strings.Count(s, "sandbox-viewer"); n < 2 { // header and its row
		t.Fatalf("viewer row missing:\n%s", s)
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "sandbox-viewer") && strings.Contains(l, "Acme Staging") {
			t.Fatalf("the viewer credential lists account 2:\n%s", s)
		}
	}
	d.key("esc")
	// Account 2 is out of the viewer's reach: the API says 404.
	d.key(":")
	d.typ("use 2")
	d.key("enter")
	d.waitFor("404")
}

func TestAllowedProfilesRestrictSwitching(t *testing.T) {
	d := start(t, fixture{ui: ui.Options{Allowed: []string{accounts.SandboxProfile}}})
	d.waitFor("Acme Shop")
	d.key(":")
	d.typ("use sandbox-viewer")
	d.key("enter")
	d.waitFor(`may not use profile "sandbox-viewer"`)
}

// TestStartConnectsAtOnceWhenTheClientIsMade: a profile whose client is
// made already (the first one is made before the program starts, its
// secret read on the terminal) is connected to in Init itself: the first
// view is open and its list asked for before any message comes back. One
// whose client is still to be made is connected to once it is.
func TestStartConnectsAtOnceWhenTheClientIsMade(t *testing.T) {
	for _, tc := range []struct {
		profile string
		atOnce  bool
	}{
		{accounts.SandboxProfile, true}, // start makes it, for changes behind the console's back
		{accounts.ViewerProfile, false},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			d := start(t, fixture{ui: ui.Options{Profile: tc.profile}})
			s := d.screen()
			if open := strings.Contains(s, "Loading…") && strings.Contains(s, "loading… 0 rows"); open != tc.atOnce {
				t.Fatalf("the first view open and loading before any answer: %v, want %v:\n%s", open, tc.atOnce, s)
			}
			d.waitFor("Acme Shop", tc.profile)
		})
	}
}

// TestASwitchLeavesTheRetryBehind: a retry of the place left is not shown
// in the place switched to, also when the switch connects at once (the
// client of the place switched to is made already).
func TestASwitchLeavesTheRetryBehind(t *testing.T) {
	d := retryingApps(t, 10*time.Second)
	// Made once the 503 was taken (its token request must not take it).
	if _, err := d.mgr.Client(d.ctx, accounts.ViewerProfile, 0); err != nil {
		t.Fatal(err)
	}
	d.key(":")
	d.typ("use " + accounts.ViewerProfile)
	d.key("enter")
	s := d.until("the switch", func(s string) bool {
		return strings.Contains(header(s), accounts.ViewerProfile)
	})
	if strings.Contains(s, "retrying") {
		t.Fatalf("the retry of the place left shows after the switch:\n%s", s)
	}
	d.waitFor("Acme Shop")
}
