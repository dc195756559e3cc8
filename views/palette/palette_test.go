package palette

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

var kinds = []Entry{
	{Name: "apps", Aliases: []string{"app", "applications"}, Help: "apps of the account"},
	{Name: "audiences", Aliases: []string{"audience", "aud"}, Help: "audiences of the account"},
	{Name: "accounts", Aliases: []string{"account", "acct"}, Help: "accounts this credential reaches"},
	{Name: "calculated-attributes", Aliases: []string{"ca", "cas"}, Help: "calculated attributes of a workspace"},
	{Name: "workspaces", Aliases: []string{"ws", "workspace"}, Help: "workspaces"},
	{Name: "feeds", Aliases: []string{"feed"}, Help: "partner feeds of a workspace"},
}

var targets = []Entry{
	{Name: "prod", Help: "profile"},
	{Name: "staging", Help: "profile"},
	{Name: "2", Aliases: []string{"Acme Travel EU"}, Help: "account of prod"},
}

func newPalette(t *testing.T) *Model {
	t.Helper()
	m := New(viewtest.Common())
	m.SetSize(100, 30)
	m.SetEntries(kinds)
	m.SetTargets(targets)
	m.Open()
	return m
}

// run types text, presses keys and returns the palette's messages.
func run(m *Model, text string, keys ...tea.Msg) []tea.Msg {
	var out []tea.Msg
	do := func(k tea.Msg) {
		_, cmd := m.Update(k)
		for _, msg := range viewtest.Run(cmd) {
			switch msg.(type) {
			case SubmitMsg, CancelMsg:
				out = append(out, msg)
			}
		}
	}
	for _, k := range viewtest.Type(text) {
		do(k)
	}
	for _, k := range keys {
		do(k)
	}
	return out
}

func TestSubmit(t *testing.T) {
	k := viewtest.Common().Keys.Palette
	accept, complete, next := viewtest.Key(k.Accept), viewtest.Key(k.Complete), viewtest.Key(k.Next)
	tests := []struct {
		name string
		text string
		keys []tea.Msg
		want []tea.Msg
	}{
		{"a kind by name", "apps", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Kind, "apps"}}},
		{"a kind by alias, any case", "CA", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Kind, "calculated-attributes"}}},
		{"a leading colon is ignored", ":audiences", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Kind, "audiences"}}},
		{"an exact alias wins over a prefix", "aud", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Kind, "audiences"}}},
		{"a prefix runs the best suggestion", "wor", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Kind, "workspaces"}}},
		{"next suggestion", "a", []tea.Msg{next, accept}, []tea.Msg{SubmitMsg{Kind, "audiences"}}},
		{"tab completes, enter runs", "fe", []tea.Msg{complete, accept}, []tea.Msg{SubmitMsg{Kind, "feeds"}}},
		{"use a profile", "use prod", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Use, "prod"}}},
		{"use an account id, as typed", "use 12345", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Use, "12345"}}},
		{"use by a target's alias", "use acme travel eu", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Use, "2"}}},
		{"use with a suggestion", "use stag", []tea.Msg{complete, accept}, []tea.Msg{SubmitMsg{Use, "staging"}}},
		{"history", "history", []tea.Msg{accept}, []tea.Msg{SubmitMsg{History, ""}}},
		{"q", "q", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Quit, ""}}},
		{"quit", "quit", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Quit, ""}}},
		{"empty enter closes", "", []tea.Msg{accept}, []tea.Msg{CancelMsg{}}},
		{"cancel", "apps", []tea.Msg{viewtest.Key(k.Cancel)}, []tea.Msg{CancelMsg{}}},
		{"unknown stays open", "frobnicate", []tea.Msg{accept}, nil},
		{"use alone completes to the targets", "use", []tea.Msg{accept}, nil},
		{"use, then enter on the first target", "use", []tea.Msg{accept, accept}, []tea.Msg{SubmitMsg{Use, "prod"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newPalette(t)
			if got := run(m, tt.text, tt.keys...); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestSuggestions(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", []string{"apps", "audiences", "accounts", "calculated-attributes", "workspaces", "feeds", "use ", "history", "quit"}},
		{"a", []string{"apps", "audiences", "accounts", "calculated-attributes", "workspaces", "feeds"}[:4]},
		{"ca", []string{"calculated-attributes", "apps"}}, // "appli-ca-tions"
		{"acc", []string{"accounts"}},
		{"ws", []string{"workspaces"}},
		{"use ", []string{"use prod", "use staging", "use 2"}},
		{"use ac", []string{"use 2"}},
		{"zzz", nil},
		{"apps extra", nil},
	}
	for _, tt := range tests {
		m := newPalette(t)
		run(m, tt.text)
		got := m.Suggestions()
		if tt.text == "a" {
			got = got[:4]
		}
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: suggestions %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestUnknownCommandSaysWhatIsValid(t *testing.T) {
	m := newPalette(t)
	k := m.common.Keys.Palette
	run(m, "frobnicate", viewtest.Key(k.Accept))
	if !strings.Contains(m.Err(), "Unknown command “frobnicate”") || !strings.Contains(m.Err(), "apps") {
		t.Fatalf("err %q", m.Err())
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "Unknown command") {
		t.Fatal("error not shown")
	}
	// Typing again clears it.
	run(m, "x")
	if m.Err() != "" {
		t.Fatal("error kept after typing")
	}
	// With no targets, use alone explains itself.
	n := New(viewtest.Common())
	n.SetEntries(kinds)
	n.Open()
	run(n, "use", viewtest.Key(k.Accept))
	if !strings.Contains(n.Err(), "use needs a profile name or an account id") {
		t.Fatalf("err %q", n.Err())
	}
}

func TestViewAndNavigation(t *testing.T) {
	m := newPalette(t)
	k := m.common.Keys.Palette
	run(m, "a")
	v := m.View().Content
	plain := ansi.Strip(v)
	for _, want := range []string{":a", "apps", "(app, applications)", "apps of the account", "audiences"} {
		if !strings.Contains(plain, want) {
			t.Errorf("view lacks %q:\n%s", want, plain)
		}
	}
	if !strings.Contains(v, m.common.Styles.Palette.ItemSelected.Render(" apps")[:10]) {
		t.Error("the first suggestion is not selected")
	}
	run(m, "", viewtest.Key(k.Prev))
	if m.Selected() != len(m.Suggestions())-1 {
		t.Fatalf("prev from the first wraps to the last: %d", m.Selected())
	}
	for _, l := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(l); w > 72 {
			t.Fatalf("palette wider than 72: %d", w)
		}
	}
	if !m.Consumes(viewtest.Press("q")) {
		t.Fatal("the palette is modal")
	}
	// Open clears what was typed.
	m.Open()
	if m.Value() != "" || len(m.Suggestions()) != len(kinds)+3 {
		t.Fatal("Open did not reset")
	}
	// Paste.
	m.Update(tea.PasteMsg{Content: "feeds"})
	if got := m.Suggestions(); len(got) != 1 || got[0] != "feeds" {
		t.Fatalf("paste: %q", got)
	}
	if len(m.ShortHelp()) == 0 || len(m.FullHelp()) == 0 {
		t.Fatal("help")
	}
}

// Keys come from the keymap.
func TestReboundPaletteKeys(t *testing.T) {
	m := newPalette(t)
	km := *m.common.Keys
	km.Palette.Complete.SetKeys("ctrl+t")
	m.common.Keys = &km
	run(m, "fe", viewtest.Press("tab"))
	if m.Value() == "feeds" {
		t.Fatal("the old key still completes")
	}
	run(m, "", viewtest.Press("ctrl+t"))
	if m.Value() != "feeds" {
		t.Fatalf("value %q", m.Value())
	}
}
