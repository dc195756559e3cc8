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
		{"a kind by name", "apps", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "apps"}}},
		{"a kind by alias, any case", "CA", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "calculated-attributes"}}},
		{"a leading colon is ignored", ":audiences", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "audiences"}}},
		{"an exact alias wins over a prefix", "aud", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "audiences"}}},
		{"a prefix runs the best suggestion", "wor", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "workspaces"}}},
		{"next suggestion", "a", []tea.Msg{next, accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "audiences"}}},
		{"tab completes, enter runs", "fe", []tea.Msg{complete, accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "feeds"}}},
		{"use a profile", "use prod", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Use, Arg: "prod"}}},
		{"use an account id, as typed", "use 12345", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Use, Arg: "12345"}}},
		{"use by a target's alias", "use acme travel eu", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Use, Arg: "2"}}},
		{"diff an account id, as typed", "diff 2", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Diff, Arg: "2"}}},
		{"diff a profile's account, as typed", "diff staging/7", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Diff, Arg: "staging/7"}}},
		{"diff with a suggestion", "diff pr", []tea.Msg{complete, accept}, []tea.Msg{SubmitMsg{Command: Diff, Arg: "prod"}}},
		{"use with a suggestion", "use stag", []tea.Msg{complete, accept}, []tea.Msg{SubmitMsg{Command: Use, Arg: "staging"}}},
		{"history", "history", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: History, Arg: ""}}},
		{"q", "q", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Quit, Arg: ""}}},
		{"quit", "quit", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Quit, Arg: ""}}},
		{"empty enter closes", "", []tea.Msg{accept}, []tea.Msg{CancelMsg{}}},
		{"cancel", "apps", []tea.Msg{viewtest.Key(k.Cancel)}, []tea.Msg{CancelMsg{}}},
		{"unknown stays open", "frobnicate", []tea.Msg{accept}, nil},
		{"use alone completes to the targets", "use", []tea.Msg{accept}, nil},
		{"use, then enter on the first target", "use", []tea.Msg{accept, accept}, []tea.Msg{SubmitMsg{Command: Use, Arg: "prod"}}},
		{"refresh an interval, as typed", "refresh 7s", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Refresh, Arg: "7s"}}},
		{"refresh off", "Refresh OFF", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Refresh, Arg: "OFF"}}},
		{"refresh alone says how often", "refresh", []tea.Msg{accept}, []tea.Msg{SubmitMsg{Command: Refresh, Arg: ""}}},
		{"refresh chosen completes to its choices", "ref", []tea.Msg{accept}, nil},
		{"refresh, then a choice", "ref", []tea.Msg{accept, next, accept}, []tea.Msg{SubmitMsg{Command: Refresh, Arg: "default"}}},
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
		{"", []string{"apps", "audiences", "accounts", "calculated-attributes", "workspaces", "feeds", "use ", "history", "diff ", "refresh ", "quit"}},
		{"a", []string{"apps", "audiences", "accounts", "calculated-attributes", "workspaces", "feeds"}[:4]},
		{"ca", []string{"calculated-attributes", "apps"}}, // "appli-ca-tions"
		{"acc", []string{"accounts"}},
		{"ws", []string{"workspaces"}},
		{"use ", []string{"use prod", "use staging", "use 2"}},
		{"use ac", []string{"use 2"}},
		{"diff ", []string{"diff prod", "diff staging", "diff 2"}},
		{"diff st", []string{"diff staging"}},
		{"zzz", nil},
		{"apps extra", []string{"apps extra"}}, // a kind and the id to open
		{"refresh ", []string{"refresh off", "refresh default", "refresh 5s", "refresh 15s", "refresh 1m"}},
		{"refresh 1", []string{"refresh 15s", "refresh 1m"}},
		{"refresh 7s", []string{"refresh 7s"}},
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
	n.Open()
	run(n, "diff", viewtest.Key(k.Accept))
	if !strings.Contains(n.Err(), "diff needs an account id or a profile") {
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
	if m.Value() != "" || len(m.Suggestions()) != len(kinds)+len(builtins) {
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

func TestArrowsChooseWithNothingTyped(t *testing.T) {
	k := viewtest.Common().Keys.Palette
	accept, next, prev := viewtest.Key(k.Accept), viewtest.Key(k.Next), viewtest.Key(k.Prev)
	tests := []struct {
		name string
		keys []tea.Msg
		want []tea.Msg
	}{
		{"down chooses the first", []tea.Msg{next, accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "apps"}}},
		{"down twice the second", []tea.Msg{next, next, accept}, []tea.Msg{SubmitMsg{Command: Kind, Arg: "audiences"}}},
		{"up chooses the last", []tea.Msg{prev, accept}, []tea.Msg{SubmitMsg{Command: Quit}}},
		{"enter alone closes", []tea.Msg{accept}, []tea.Msg{CancelMsg{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newPalette(t)
			if got := run(m, "", tt.keys...); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	// Nothing is highlighted (or marked) until an arrow is pressed, so
	// enter never runs a suggestion the user did not choose.
	m := newPalette(t)
	if m.Selected() != -1 || strings.Contains(viewtest.PlainString(m.View().Content), "›") {
		t.Fatalf("a suggestion is chosen with nothing typed:\n%s", viewtest.PlainString(m.View().Content))
	}
	run(m, "", next)
	if !strings.Contains(viewtest.PlainString(m.View().Content), "›apps") {
		t.Fatalf("the chosen suggestion is not marked:\n%s", viewtest.PlainString(m.View().Content))
	}
}

func TestKindWithAnArgument(t *testing.T) {
	accept := viewtest.Key(viewtest.Common().Keys.Palette.Accept)
	tests := []struct {
		text string
		want SubmitMsg
		help string
	}{
		{"apps 3", SubmitMsg{Command: Kind, Arg: "apps", Open: "3"}, "open apps with 3 selected, and open it"},
		{"app 3", SubmitMsg{Command: Kind, Arg: "apps", Open: "3"}, "open apps with 3 selected"},
		{":apps /shop", SubmitMsg{Command: Kind, Arg: "apps", Filter: "shop"}, "open apps filtered by “shop”"},
		{"WS  /eu west", SubmitMsg{Command: Kind, Arg: "workspaces", Filter: "eu west"}, "filtered by “eu west”"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			m := newPalette(t)
			run(m, tt.text)
			if v := viewtest.PlainString(m.View().Content); !strings.Contains(v, tt.help) {
				t.Fatalf("the suggestion does not say what enter does:\n%s", v)
			}
			got := run(m, "", accept)
			if !reflect.DeepEqual(got, []tea.Msg{tt.want}) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	// An argument after something that is not a kind is still unknown.
	m := newPalette(t)
	if got := run(m, "frob 3", accept); got != nil || !strings.Contains(m.Err(), "Unknown command") {
		t.Fatalf("got %#v, err %q", got, m.Err())
	}
}

// The palette takes 72 columns, and more on a wide terminal, where a long
// line of help shows whole; at the least terminal (60×16, a body of 13
// lines) it fits and still shows its suggestions.
func TestPaletteGrowsWithTheTerminal(t *testing.T) {
	long := "audiences of the account, with their sizes and the outputs they feed"
	entries := append([]Entry{{Name: "audiences-detailed", Help: long}}, kinds...)
	for _, tt := range []struct{ width, height, want int }{
		{60, 13, 60}, {80, 37, 72}, {160, 37, 96}, {250, 37, 120},
	} {
		m := New(viewtest.Common())
		m.SetSize(tt.width, tt.height)
		m.SetEntries(entries)
		m.Open()
		run(m, "audiences-d")
		v := m.View().Content
		ls := strings.Split(v, "\n")
		got := 0
		for _, l := range ls {
			got = max(got, ansi.StringWidth(l))
		}
		if got != tt.want || len(ls) > tt.height {
			t.Errorf("at %d×%d the palette is %d×%d, want %d wide", tt.width, tt.height, got, len(ls), tt.want)
		}
		plain := ansi.Strip(v)
		if !strings.Contains(plain, ":audiences-d") || !strings.Contains(plain, "audiences-detailed") {
			t.Errorf("at %d the prompt or the suggestion is missing:\n%s", tt.width, plain)
		}
		if whole := strings.Contains(plain, long); whole != (tt.width >= 160) {
			t.Errorf("at %d the long help shows whole: %v\n%s", tt.width, whole, plain)
		}
	}
}
