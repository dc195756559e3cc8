package ui_test

import (
	"strings"
	"testing"
)

// A list opened to pick a parent says so in its crumb until the pick is
// made; after it (and after going back to it) the crumb is the list's.
func TestTheCrumbsQuestionGoesOnceAnswered(t *testing.T) {
	d := start(t, fixture{})
	d.waitFor("Acme Shop")
	d.settle()
	d.key(":")
	d.typ("platforms")
	d.key("enter")
	d.waitFor("apps — pick an app for its platforms")
	d.settle()
	d.key("/")
	d.typ("acme shop")
	d.key("enter")
	d.key("enter")
	s := d.waitFor("CRASH HANDLING", "MobileWeb")
	crumbs := strings.Split(s, "\n")[1]
	if !strings.HasPrefix(crumbs, "apps › Acme Shop › platforms") || strings.Contains(s, "pick an app") {
		t.Fatalf("crumbs after the pick: %q\n%s", crumbs, s)
	}
	d.settle()
	d.key("esc")
	s = d.waitFor("1 of 4 rows")
	if crumbs := strings.TrimSpace(strings.Split(s, "\n")[1]); crumbs != "apps" {
		t.Fatalf("crumbs after going back: %q", crumbs)
	}
}

// A value picked from another kind's list (an output's module): once
// picked, that list's crumb no longer asks for it.
func TestThePickedModulesListReadsAsServices(t *testing.T) {
	d := start(t, fixture{})
	openInTraveller(d, "outputs")
	d.waitFor("choose a module", "Indicative")
	d.settle()
	d.key("/")
	d.typ("indicative")
	d.key("enter")
	d.key("enter")
	s := d.waitFor("Indicative Main Project")
	crumbs := strings.Split(s, "\n")[1]
	if strings.Contains(crumbs, "choose a") || strings.Contains(crumbs, "pick a") || !strings.Contains(crumbs, "services") {
		t.Fatalf("crumbs after the pick: %q", crumbs)
	}
}
