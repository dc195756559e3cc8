package tree

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// app builds the tree the console shows for an app: the app, and under it
// two kinds, platforms and data points, whose entities load on demand.
func app() (root, platforms, points *Node) {
	root = NewNode("1", "Acme Shop")
	root.Detail = "id 1"
	platforms = NewNode("platforms", "Platforms")
	points = NewNode("datapoints", "Data points")
	for _, k := range []*Node{platforms, points} {
		k.Group, k.Lazy, k.OpenWithParent = true, true, true
	}
	root.Add(platforms, points)
	return root, platforms, points
}

// loadMsg is what the tests' loader sends: a load asked for n.
type loadMsg struct{ n *Node }

func loader(n *Node) tea.Cmd { return func() tea.Msg { return loadMsg{n} } }

func newTree(t testing.TB, root *Node, w, h int) *Model {
	t.Helper()
	m := New(viewtest.Common(), root)
	m.SetLoader(loader)
	m.SetSize(w, h)
	return m
}

func screen(m *Model) string { return viewtest.Plain(m.View()) }

// actions runs cmd and returns the loads and the tree actions it asks
// for, as "load Platforms", "inspect iOS".
func actions(cmd tea.Cmd) []string {
	var out []string
	for _, msg := range viewtest.Run(cmd) {
		switch msg := msg.(type) {
		case loadMsg:
			out = append(out, "load "+msg.n.Label)
		case ActionMsg:
			out = append(out, msg.Action.String()+" "+msg.Node.Label)
		}
	}
	return out
}

func press(m *Model, k string) tea.Cmd {
	_, cmd := m.Update(viewtest.Press(k))
	return cmd
}

func platformNodes(oses ...string) []*Node {
	out := make([]*Node, len(oses))
	for i, os := range oses {
		n := NewNode(strings.ToLower(os), os)
		n.Detail = "id " + strings.ToLower(os)
		sc := NewNode("serviceconfigs", "Service configurations")
		sc.Group, sc.Lazy, sc.OpenWithParent = true, true, true
		out[i] = n.Add(sc)
	}
	return out
}

func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func TestExpandLoadsLazilyWithALoadingChild(t *testing.T) {
	root, platforms, points := app()
	m := newTree(t, root, 60, 10)
	if got := trimLines(screen(m)); got != "›▸ Acme Shop  id 1" {
		t.Fatalf("collapsed root:\n%q", got)
	}
	got := actions(m.Expand(root))
	if want := []string{"load Platforms", "load Data points"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("expanding the root sent %v, want %v", got, want)
	}
	want := strings.Join([]string{
		"›▾ Acme Shop  id 1",
		" ├─ ▾ Platforms",
		" │  └─ loading…",
		" └─ ▾ Data points",
		"    └─ loading…",
	}, "\n")
	if got := trimLines(screen(m)); got != want {
		t.Fatalf("loading:\n%s\nwant:\n%s", got, want)
	}
	if !platforms.Loading() || platforms.Loaded() {
		t.Fatal("platforms not marked loading")
	}

	m.SetChildren(platforms, platformNodes("iOS", "Android"))
	m.SetChildren(points, nil)
	want = strings.Join([]string{
		"›▾ Acme Shop  id 1",
		" ├─ ▾ Platforms (2)",
		" │  ├─ ▸ iOS  id ios",
		" │  └─ ▸ Android  id android",
		" └─ • Data points (0)",
	}, "\n")
	if got := trimLines(screen(m)); got != want {
		t.Fatalf("loaded:\n%s\nwant:\n%s", got, want)
	}

	// → on an expanded node steps into it; → on a collapsed one expands it
	// (its kind opens with it and loads).
	press(m, "right")
	press(m, "right")
	if m.Selected() != platforms.Children()[0] {
		t.Fatalf("cursor on %q, want iOS", m.Selected().Label)
	}
	if got := actions(press(m, "right")); len(got) != 1 || got[0] != "load Service configurations" {
		t.Fatalf("expanding iOS sent %v", got)
	}
	if s := screen(m); !strings.Contains(s, "│  │  └─ ▾ Service configurations") || !strings.Contains(s, "loading…") {
		t.Fatalf("iOS's kind not loading:\n%s", s)
	}
	// ← collapses, then goes to the parent.
	press(m, "left")
	if strings.Contains(screen(m), "Service configurations") {
		t.Fatalf("← did not collapse iOS:\n%s", screen(m))
	}
	press(m, "left")
	if m.Selected() != platforms {
		t.Fatalf("← on a collapsed node went to %q, want Platforms", m.Selected().Label)
	}
	// enter toggles.
	press(m, "enter")
	if platforms.Expanded() || strings.Contains(screen(m), "iOS") {
		t.Fatal("enter did not collapse Platforms")
	}
	if got := actions(press(m, "enter")); got != nil {
		t.Fatalf("expanding a loaded node loaded again: %v", got)
	}
	if !strings.Contains(screen(m), "Android") {
		t.Fatal("enter did not expand Platforms")
	}
}

func TestLeavesAndGroupsOpen(t *testing.T) {
	root, platforms, points := app()
	m := newTree(t, root, 60, 10)
	viewtest.Run(m.Expand(root))
	m.SetChildren(platforms, platformNodes("iOS"))
	m.SetChildren(points, nil)
	leaf := NewNode("x", "leaf")
	m.SetChildren(platforms.Children()[0].Children()[0], []*Node{leaf})
	tests := []struct {
		at   *Node
		key  string
		want string
	}{
		{leaf, "enter", "inspect leaf"},
		{leaf, "i", "inspect leaf"},
		{leaf, "o", "open leaf"},
		{points, "enter", "open Data points"}, // a kind with nothing in it: its table
		{platforms, "o", "open Platforms"},
		{root, "i", "inspect Acme Shop"},
	}
	for _, tt := range tests {
		viewtest.Run(m.Expand(platforms.Children()[0]))
		if !m.Select(tt.at) {
			t.Fatalf("%s not shown", tt.at.Label)
		}
		if got := actions(press(m, tt.key)); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s on %s: %v, want %s", tt.key, tt.at.Label, got, tt.want)
		}
	}
}

func TestAFailedLoadShowsWhyAndRetries(t *testing.T) {
	root, platforms, points := app()
	m := newTree(t, root, 80, 10)
	viewtest.Run(m.Expand(root))
	m.SetChildren(points, nil)
	m.Select(platforms)
	m.SetError(platforms, "500 Internal Server Error — enter retries")
	if got := lineWith(screen(m), "Platforms"); !strings.Contains(got, "▸ Platforms  ✗ 500 Internal Server Error — enter retries") {
		t.Fatalf("error line: %q", got)
	}
	if strings.Contains(screen(m), "loading…") || platforms.Expanded() {
		t.Fatal("a failed node still loading or expanded")
	}
	if got := actions(press(m, "enter")); len(got) != 1 || got[0] != "load Platforms" {
		t.Fatalf("enter on a failed node sent %v, want a new load", got)
	}
	if platforms.Err() != "" || !strings.Contains(screen(m), "loading…") {
		t.Fatalf("retry does not show loading:\n%s", screen(m))
	}
}

func lineWith(s, sub string) string {
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// Loading a node again keeps the nodes it had by key, with what was
// expanded and loaded under them; a node gone goes, a new one comes.
func TestSetChildrenKeepsNodesByKey(t *testing.T) {
	root, platforms, points := app()
	m := newTree(t, root, 80, 20)
	viewtest.Run(m.Expand(root))
	m.SetChildren(points, nil)
	m.SetChildren(platforms, platformNodes("iOS", "Android"))
	ios := platforms.Children()[0]
	viewtest.Run(m.Expand(ios))
	m.SetChildren(ios.Children()[0], []*Node{NewNode("ga", "Google Analytics")})

	m.StartLoad(platforms)
	if !strings.Contains(screen(m), "Google Analytics") || !strings.Contains(screen(m), "loading…") {
		t.Fatalf("a refresh hides what is shown:\n%s", screen(m))
	}
	renamed := platformNodes("iOS", "Web")
	renamed[0].Label = "iOS (renamed)"
	m.SetChildren(platforms, renamed)
	s := screen(m)
	if platforms.Children()[0] != ios || !ios.Expanded() || !strings.Contains(s, "Google Analytics") {
		t.Fatalf("iOS lost its expansion:\n%s", s)
	}
	if !strings.Contains(s, "iOS (renamed)") || !strings.Contains(s, "Web") || strings.Contains(s, "Android") {
		t.Fatalf("children not replaced:\n%s", s)
	}
}

// The cursor stays on its node, and the node where it was on screen, when
// lines appear above it; it goes to the nearest ancestor shown when its
// node is hidden.
func TestCursorFollowsItsNode(t *testing.T) {
	root, platforms, points := app()
	m := newTree(t, root, 60, 5)
	viewtest.Run(m.Expand(root))
	m.SetChildren(points, []*Node{NewNode("a", "event a"), NewNode("b", "event b")})
	m.Select(points.Children()[1])
	before := m.Cursor() - m.Offset()
	m.SetChildren(platforms, platformNodes("iOS", "Android", "Web", "tvOS", "Roku"))
	if m.Selected() != points.Children()[1] {
		t.Fatalf("cursor moved to %q", m.Selected().Label)
	}
	if got := m.Cursor() - m.Offset(); got != before {
		t.Fatalf("cursor's screen line %d, was %d", got, before)
	}
	if !strings.Contains(screen(m), "› │  └─ • event b") && !strings.Contains(screen(m), "›   └─ • event b") {
		t.Fatalf("cursor line not marked:\n%s", screen(m))
	}
	m.Collapse(points)
	if m.Selected() != points {
		t.Fatalf("cursor on %q after its parent collapsed, want Data points", m.Selected().Label)
	}
	m.Collapse(root)
	if m.Selected() != root || m.Len() != 1 {
		t.Fatalf("cursor on %q, %d lines", m.Selected().Label, m.Len())
	}
}

func bigTree(n int) (*Model, *Node) {
	root := NewNode("r", "root")
	kind := NewNode("k", "Things")
	kind.Group, kind.Lazy = true, true
	root.Add(kind)
	m := New(viewtest.Common(), root)
	m.SetSize(100, 30)
	m.Expand(root)
	m.Expand(kind)
	kids := make([]*Node, n)
	for i := range kids {
		kids[i] = NewNode(fmt.Sprint(i), fmt.Sprintf("thing %06d", i))
	}
	m.SetChildren(kind, kids)
	return m, kind
}

func TestScrollingRendersOnlyTheWindow(t *testing.T) {
	m, kind := bigTree(10_000)
	if m.Len() != 10_002 {
		t.Fatalf("%d lines, want 10 002", m.Len())
	}
	s := screen(m)
	if n := strings.Count(s, "\n") + 1; n != 30 {
		t.Fatalf("%d lines rendered, want 30", n)
	}
	press(m, "pgdown")
	if m.Cursor() != 30 || m.Offset() != 30 {
		t.Fatalf("page down: cursor %d offset %d", m.Cursor(), m.Offset())
	}
	press(m, "G")
	s = screen(m)
	if !strings.Contains(s, "└─ • thing 009999") || m.Selected() != kind.Children()[9999] {
		t.Fatalf("bottom:\n%s", s)
	}
	if m.Offset() != 10_002-30 {
		t.Fatalf("offset %d at the bottom", m.Offset())
	}
	m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if m.Cursor() != 10_001-3 {
		t.Fatalf("wheel: cursor %d", m.Cursor())
	}
	press(m, "g")
	if m.Cursor() != 0 || m.Offset() != 0 || !strings.HasPrefix(screen(m), "›▾ root") {
		t.Fatalf("top: cursor %d offset %d", m.Cursor(), m.Offset())
	}
	if i, ok := m.RowAt(2); !ok || i != 2 {
		t.Fatalf("RowAt(2) = %d, %v", i, ok)
	}
	if _, ok := m.RowAt(30); ok {
		t.Fatal("RowAt below the view")
	}
}

// Expand-all expands what is loaded and starts at most the budget's loads.
func TestExpandAllIsBounded(t *testing.T) {
	root := NewNode("r", "root")
	for i := range 40 {
		k := NewNode(fmt.Sprint(i), fmt.Sprintf("kind %d", i))
		k.Group, k.Lazy = true, true
		root.Add(k)
	}
	m := newTree(t, root, 60, 10)
	m.SetLoadBudget(16)
	var loads, notices []string
	for _, msg := range viewtest.Run(press(m, "E")) {
		switch msg := msg.(type) {
		case loadMsg:
			loads = append(loads, msg.n.Label)
		case views.NoticeMsg:
			notices = append(notices, msg.Text)
		}
	}
	if len(loads) != 16 || loads[0] != "kind 0" || loads[15] != "kind 15" {
		t.Fatalf("expand-all loads %v", loads)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "24 more to load: E again") {
		t.Fatalf("notice %q", notices)
	}
	for _, k := range root.Children()[:16] {
		m.SetChildren(k, []*Node{NewNode("x", "x")})
	}
	m.Select(root)
	if got := actions(press(m, "E")); len(got) != 16 || got[0] != "load kind 16" {
		t.Fatalf("second expand-all loads %v", got)
	}
}

func BenchmarkTreeView100k(b *testing.B) {
	m, _ := bigTree(100_000)
	press(m, "G")
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// One change (a collapse and an expand) of a tree showing 100 000 lines:
// the tree is flattened once per change.
func BenchmarkTreeToggle100k(b *testing.B) {
	m, kind := bigTree(100_000)
	b.ReportAllocs()
	for b.Loop() {
		m.Collapse(kind)
		m.Expand(kind)
	}
}

func BenchmarkTreeScroll100k(b *testing.B) {
	m, _ := bigTree(100_000)
	down := viewtest.Press("down")
	b.ReportAllocs()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}
