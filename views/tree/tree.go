// Package tree is the console's tree view: nodes that expand and collapse
// like a file tree, their children loaded by the owner when first opened.
// The root model shows an entity and what lies under it with it (table.tree,
// "x"), k9s's xray for the catalogue.
//
// # Design
//
// The owner builds the nodes (Node, Add) and answers loads; the view keeps
// the visible nodes flattened into lines (flat), rebuilt once per change
// (an expand, a collapse, children or an error arriving), never per frame.
// View renders only the lines on screen, so a tree of a hundred thousand
// nodes scrolls as cheaply as one of ten. A line holds its node and the
// guides before it ("│  ├─ "): the part its ancestors draw is one string
// shared by every sibling, so flattening allocates per expanded node, not
// per line.
//
// The view never loads anything. Expanding a Lazy node whose children are
// not there yet marks it loading, shows a "loading…" child and returns the
// command of the owner's loader (SetLoader), which runs the request; the
// owner answers with SetChildren or SetError. The loader is called at
// once, not through a message, so the owner counts the request in flight
// as soon as the key is handled. A node
// whose load failed shows why on its line and is collapsed again, so
// expanding it (enter) asks again. SetChildren keeps the nodes it already
// had by Key (and so their expansion and everything loaded under them):
// loading a node again refreshes it without closing the tree.
//
// The cursor follows its node across every change. When lines appear or go
// above it, the window moves with it, so what the user looks at stays put;
// when its node is hidden (an ancestor collapsed) or gone, the cursor goes
// to the nearest ancestor still shown.
package tree

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// Node is one node of the tree. The owner sets the exported fields before
// the node is shown (New, Add, SetChildren) and calls Changed after
// changing those of a node shown.
type Node struct {
	// Key tells the node from its siblings: SetChildren keeps the node it
	// had under the same key (an entity's id).
	Key    string
	Label  string // what the node is ("Acme Shop", "Platforms")
	Detail string // shown dim after the label ("id 1")
	// Group nodes stand for a set (a kind under an entity): drawn in the
	// kind style, with their count once loaded.
	Group bool
	// Lazy nodes get their children from the owner's loader the first
	// time they are expanded, and again after Stale.
	Lazy bool
	// OpenWithParent nodes expand the first time their parent does (the
	// kinds under an entity, so that opening an app shows its platforms).
	OpenWithParent bool
	Note           string // shown dim after the label ("pick a module: o opens its table")
	Data           any    // the owner's

	parent   *Node
	children []*Node
	count    int // children once loaded; -1 before
	loaded   bool
	loading  bool
	err      string
	expanded bool
	opened   bool // expanded at least once

	gen, row int // the flattening that showed it last, and its line there
}

// NewNode returns a node with no children loaded yet.
func NewNode(key, label string) *Node { return &Node{Key: key, Label: label, count: -1} }

// Add makes kids children of n, in order (the owner building a node).
func (n *Node) Add(kids ...*Node) *Node {
	for _, k := range kids {
		k.parent = n
	}
	n.children = append(n.children, kids...)
	return n
}

// Parent is the node n is under, nil for the root.
func (n *Node) Parent() *Node { return n.parent }

// Children are the node's children (do not modify).
func (n *Node) Children() []*Node { return n.children }

// Expanded reports whether the node shows its children.
func (n *Node) Expanded() bool { return n.expanded }

// Loading reports whether the node's children are being loaded.
func (n *Node) Loading() bool { return n.loading }

// Loaded reports whether a Lazy node's children are there and current.
func (n *Node) Loaded() bool { return !n.Lazy || n.loaded }

// Err is why loading the node's children failed, "" when it did not.
func (n *Node) Err() string { return n.err }

// Count is the number of children once loaded, -1 before.
func (n *Node) Count() int {
	if !n.Lazy {
		return len(n.children)
	}
	return n.count
}

// Expandable reports whether the node has, or may have, children.
func (n *Node) Expandable() bool { return len(n.children) > 0 || (n.Lazy && !n.loaded) }

// Action is what the user asked of a node.
type Action int

// The actions a tree sends.
const (
	Inspect Action = iota + 1 // show the node (an entity's JSON)
	Open                      // open the node where it lives (its table)
)

func (a Action) String() string {
	switch a {
	case Inspect:
		return "inspect"
	case Open:
		return "open"
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// ActionMsg asks the owner of Tree to act on Node.
type ActionMsg struct {
	Tree   *Model
	Node   *Node
	Action Action
}

// DefaultLoads bounds the loads one expand-all starts (SetLoadBudget).
const DefaultLoads = 16

// line is one line of the flattened tree: a node, or the "loading…"
// placeholder under node.
type line struct {
	node        *Node
	base        string // the guides of the ancestors (shared by siblings)
	conn        string // "├─ ", "└─ ", or "" for the root
	placeholder bool
}

const (
	connMid  = "├─ "
	connLast = "└─ "
	guideOn  = "│  "
	guideOff = "   "
)

// Model is the tree view.
type Model struct {
	common views.Common
	root   *Node
	flat   []line
	gen    int
	cursor int
	offset int
	loads  int // the budget of one expand-all
	loader func(*Node) tea.Cmd
}

var _ views.Component = (*Model)(nil)

// New returns a tree of root, collapsed.
func New(c views.Common, root *Node) *Model {
	m := &Model{common: c, root: root, loads: DefaultLoads}
	m.flatten()
	return m
}

// Root is the tree's root.
func (m *Model) Root() *Node { return m.root }

// SetLoader sets what loads a Lazy node's children: it returns the
// command that asks for them, and answers with SetChildren or SetError.
// The node is already marked loading when it is called.
func (m *Model) SetLoader(load func(*Node) tea.Cmd) { m.loader = load }

// SetLoadBudget bounds the loads one expand-all starts.
func (m *Model) SetLoadBudget(n int) { m.loads = max(1, n) }

// Len is the number of lines the tree shows (expanded).
func (m *Model) Len() int { return len(m.flat) }

// Selected is the node under the cursor; for the "loading…" line, the
// node loading.
func (m *Model) Selected() *Node {
	if m.cursor < 0 || m.cursor >= len(m.flat) {
		return nil
	}
	return m.flat[m.cursor].node
}

// Cursor is the cursor's line.
func (m *Model) Cursor() int { return m.cursor }

// Offset is the first line on screen.
func (m *Model) Offset() int { return m.offset }

// SetCursor puts the cursor on line i (clamped).
func (m *Model) SetCursor(i int) {
	m.cursor = i
	m.clamp()
}

// Select puts the cursor on n when it is shown; false when it is not.
func (m *Model) Select(n *Node) bool {
	if n == nil || n.gen != m.gen {
		return false
	}
	m.cursor = n.row
	m.clamp()
	return true
}

// RowAt is the line at y cells from the view's top, false below the last.
func (m *Model) RowAt(y int) (int, bool) {
	i := m.offset + y
	if y < 0 || y >= m.common.Height || i >= len(m.flat) {
		return 0, false
	}
	return i, true
}

// Visible reports whether n is on a line of the tree (every ancestor
// expanded), wherever the window is.
func (m *Model) Visible(n *Node) bool { return n != nil && n.gen == m.gen }

// --- changes ---------------------------------------------------------------

// Expand expands n, as the user would: a Lazy node not loaded asks the
// loader for its children (the command returned is the loader's); the
// children that open with their parent expand too.
func (m *Model) Expand(n *Node) tea.Cmd {
	var cmds []tea.Cmd
	m.expand(n, &cmds, nil)
	m.changed()
	return tea.Batch(cmds...)
}

// Collapse hides n's children.
func (m *Model) Collapse(n *Node) {
	if n == nil || !n.expanded {
		return
	}
	n.expanded = false
	m.changed()
}

// ExpandAll expands n and everything under it that is loaded, and starts
// at most the load budget's loads of the rest (depth first, in the order
// shown); pending is how many nodes were left collapsed for want of
// budget (expand all again once the loads are in).
func (m *Model) ExpandAll(n *Node) (cmd tea.Cmd, pending int) {
	var cmds []tea.Cmd
	budget := m.loads
	var walk func(*Node)
	walk = func(x *Node) {
		if !x.Expandable() {
			return
		}
		if x.Lazy && !x.loaded && !x.loading {
			if budget == 0 {
				pending++
				return
			}
		}
		m.expand(x, &cmds, &budget)
		for _, c := range x.children {
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	m.changed()
	return tea.Batch(cmds...), pending
}

// expand expands n; a load it starts is taken from budget when given.
func (m *Model) expand(n *Node, cmds *[]tea.Cmd, budget *int) {
	if n == nil || !n.Expandable() {
		return
	}
	n.expanded, n.opened = true, true
	if n.Lazy && !n.loaded {
		if !n.loading {
			if budget != nil {
				*budget--
			}
			n.loading, n.err = true, ""
			if m.loader != nil {
				*cmds = append(*cmds, m.loader(n))
			}
		}
		if len(n.children) == 0 {
			return
		}
	}
	m.openChildren(n, cmds, budget)
}

// openChildren expands those of n's children that open with it, unless
// the user opened (and maybe closed) them before.
func (m *Model) openChildren(n *Node, cmds *[]tea.Cmd, budget *int) {
	for _, c := range n.children {
		if c.OpenWithParent && !c.opened {
			if budget != nil && *budget <= 0 && c.Lazy && !c.loaded && !c.loading {
				continue
			}
			m.expand(c, cmds, budget)
		}
	}
}

// StartLoad marks n loading (the owner loading it again, a refresh): its
// children stay shown until SetChildren replaces them.
func (m *Model) StartLoad(n *Node) {
	if n == nil {
		return
	}
	n.loading, n.err = true, ""
	m.changed()
}

// Stale marks a loaded Lazy node's children as out of date without
// loading them: they stay shown, and expanding the node (after collapsing
// it, when it is expanded) loads them again.
func (m *Model) Stale(n *Node) {
	if n != nil && n.Lazy && n.loaded {
		n.loaded = false
	}
}

// SetChildren gives n its children (the loader's answer). A child whose Key
// n already had under it keeps that node, its expansion and what was
// loaded under it, with the new child's label, detail, note and data.
// Children that open with their parent expand if n is expanded; the
// command sends the loads that starts.
func (m *Model) SetChildren(n *Node, kids []*Node) tea.Cmd {
	if n == nil {
		return nil
	}
	var old map[string]*Node
	if len(n.children) > 0 {
		old = make(map[string]*Node, len(n.children))
		for _, c := range n.children {
			if c.Key != "" {
				old[c.Key] = c
			}
		}
	}
	out := make([]*Node, 0, len(kids))
	for _, k := range kids {
		if o, ok := old[k.Key]; ok && k.Key != "" {
			o.Label, o.Detail, o.Note, o.Data, o.Group = k.Label, k.Detail, k.Note, k.Data, k.Group
			delete(old, k.Key) // a key given twice is two nodes
			k = o
		}
		k.parent = n
		out = append(out, k)
	}
	n.children, n.count = out, len(out)
	n.loaded, n.loading, n.err = true, false, ""
	if len(out) == 0 {
		n.expanded = false // nothing to show: enter opens it instead
	}
	var cmds []tea.Cmd
	if n.expanded {
		m.openChildren(n, &cmds, nil)
	}
	m.changed()
	return tea.Batch(cmds...)
}

// SetError says why loading n's children failed: the node shows it and
// is collapsed, so expanding it again asks again.
func (m *Model) SetError(n *Node, why string) {
	if n == nil {
		return
	}
	n.loading, n.loaded, n.err = false, false, why
	n.expanded = false
	m.changed()
}

// Changed re-draws the tree after the owner changed nodes' fields.
func (m *Model) Changed() { m.changed() }

func (m *Model) action(n *Node, a Action) tea.Cmd {
	return func() tea.Msg { return ActionMsg{Tree: m, Node: n, Action: a} }
}

// --- flattening ------------------------------------------------------------

// changed flattens the tree again, keeping the cursor on its node and that
// node where it was on screen.
func (m *Model) changed() {
	var at *Node
	placeholder := false
	if m.cursor >= 0 && m.cursor < len(m.flat) {
		l := m.flat[m.cursor]
		at, placeholder = l.node, l.placeholder
	}
	before := m.cursor
	m.flatten()
	if at == nil {
		m.clamp()
		return
	}
	row := m.rowOf(at, placeholder)
	m.offset += row - before
	m.cursor = row
	m.clamp()
}

// rowOf finds where the cursor's node is now: its line, its placeholder's
// (or, the load over, its first child's), else its nearest ancestor shown.
func (m *Model) rowOf(n *Node, placeholder bool) int {
	if placeholder && n.gen == m.gen {
		switch {
		case n.loading && n.expanded:
			for i := n.row + 1; i < len(m.flat); i++ {
				if l := m.flat[i]; l.placeholder && l.node == n {
					return i
				}
			}
		case n.expanded && len(n.children) > 0:
			return n.row + 1
		}
		return n.row
	}
	for x := n; x != nil; x = x.parent {
		if x.gen == m.gen {
			return x.row
		}
	}
	return 0
}

func (m *Model) flatten() {
	m.gen++
	m.flat = m.flat[:0]
	if m.root != nil {
		m.add(m.root, "", "", true)
	}
}

func (m *Model) add(n *Node, base, conn string, root bool) {
	n.gen, n.row = m.gen, len(m.flat)
	m.flat = append(m.flat, line{node: n, base: base, conn: conn})
	if !n.expanded {
		return
	}
	child := ""
	if !root {
		child = base + guideOn
		if conn == connLast {
			child = base + guideOff
		}
	}
	placeholder := n.loading
	for i, c := range n.children {
		cc := connMid
		if i == len(n.children)-1 && !placeholder {
			cc = connLast
		}
		m.add(c, child, cc, false)
	}
	if placeholder {
		m.flat = append(m.flat, line{node: n, base: child, conn: connLast, placeholder: true})
	}
}

// --- keys ------------------------------------------------------------------

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the view's size.
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	m.clamp()
}

// Consumes takes no key before the root: the tree has no prompt.
func (m *Model) Consumes(tea.KeyPressMsg) bool { return false }

// wheelLines is how far one wheel step scrolls.
const wheelLines = 3

// Update handles the keys and the mouse wheel.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m, m.updateKeys(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-wheelLines)
		case tea.MouseWheelDown:
			m.move(wheelLines)
		}
	}
	return m, nil
}

func (m *Model) updateKeys(msg tea.KeyPressMsg) tea.Cmd {
	nav, t := m.common.Keys.Nav, m.common.Keys.Tree
	page := max(1, m.common.Height)
	switch {
	case key.Matches(msg, nav.Up):
		m.move(-1)
	case key.Matches(msg, nav.Down):
		m.move(1)
	case key.Matches(msg, nav.PageUp):
		m.offset -= page
		m.move(-page)
	case key.Matches(msg, nav.PageDown):
		m.offset += page
		m.move(page)
	case key.Matches(msg, nav.Top):
		m.SetCursor(0)
	case key.Matches(msg, nav.Bottom):
		m.SetCursor(len(m.flat) - 1)
	}
	if m.cursor < 0 || m.cursor >= len(m.flat) {
		return nil
	}
	l := m.flat[m.cursor]
	n := l.node
	switch {
	case key.Matches(msg, nav.Right):
		switch {
		case l.placeholder:
		case !n.expanded && n.Expandable():
			return m.Expand(n)
		case n.expanded && m.cursor+1 < len(m.flat):
			m.move(1) // into the first child
		}
	case key.Matches(msg, nav.Left):
		switch {
		case !l.placeholder && n.expanded:
			m.Collapse(n)
		case l.placeholder:
			m.Select(n)
		case n.parent != nil:
			m.Select(n.parent)
		}
	case key.Matches(msg, t.Toggle):
		return m.Activate()
	case key.Matches(msg, t.Inspect):
		return m.action(n, Inspect)
	case key.Matches(msg, t.Open):
		return m.action(n, Open)
	case key.Matches(msg, t.ExpandAll) && !l.placeholder:
		cmd, pending := m.ExpandAll(n)
		if pending > 0 {
			return tea.Batch(cmd, views.NoticeCmd(strconv.Itoa(pending)+" more to load: "+t.ExpandAll.Help().Key+" again once these are in"))
		}
		return cmd
	}
	return nil
}

// Activate does what tree.toggle does on the cursor line (a double
// click): an expanded node collapses, a node that may have children
// expands, a group with nothing in it opens (its table says why), and a
// leaf is inspected.
func (m *Model) Activate() tea.Cmd {
	if m.cursor < 0 || m.cursor >= len(m.flat) {
		return nil
	}
	l := m.flat[m.cursor]
	n := l.node
	switch {
	case l.placeholder:
	case n.expanded:
		m.Collapse(n)
	case n.Expandable():
		return m.Expand(n)
	case n.Group:
		return m.action(n, Open)
	default:
		return m.action(n, Inspect)
	}
	return nil
}

func (m *Model) move(d int) {
	m.cursor += d
	m.clamp()
}

// clamp keeps the cursor on a line and on screen.
func (m *Model) clamp() {
	h := max(1, m.common.Height)
	m.cursor = max(0, min(m.cursor, len(m.flat)-1))
	m.offset = max(0, min(m.offset, len(m.flat)-h))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
}

// --- help ------------------------------------------------------------------

// ShortHelp is the tree's own keys.
func (m *Model) ShortHelp() []key.Binding { return m.common.Keys.ShortHelp(keymap.Tree) }

// FullHelp is movement, with ← and → saying what they do here, and the
// tree's keys.
func (m *Model) FullHelp() [][]key.Binding {
	km := *m.common.Keys
	km.Nav.Left.SetHelp(km.Nav.Left.Help().Key, "collapse, or go to the parent")
	km.Nav.Right.SetHelp(km.Nav.Right.Help().Key, "expand, or go to the first child")
	return km.FullHelp(keymap.Nav, keymap.Tree)
}

// --- rendering -------------------------------------------------------------

// cursorMark marks the cursor line without colour, as the table's does.
const cursorMark = "›"

// View renders the lines on screen.
func (m *Model) View() tea.View { return tea.NewView(m.render()) }

func (m *Model) render() string {
	w, h := m.common.Width, m.common.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	st := m.common.Styles.Tree
	if len(m.flat) == 0 {
		return st.Note.Render(text.Fit(" Nothing to show.", w))
	}
	var b strings.Builder
	end := min(len(m.flat), m.offset+h)
	for i := m.offset; i < end; i++ {
		if i > m.offset {
			b.WriteByte('\n')
		}
		m.renderLine(&b, m.flat[i], i == m.cursor)
	}
	return b.String()
}

// segment is a piece of a line and its style (one of the tree's).
type segment struct {
	text  string
	style *lipgloss.Style
}

func (m *Model) renderLine(b *strings.Builder, l line, selected bool) {
	segs := m.segments(l)
	w := m.common.Width
	if selected {
		var plain strings.Builder
		plain.WriteString(cursorMark)
		for _, s := range segs {
			plain.WriteString(s.text)
		}
		b.WriteString(m.common.Styles.Tree.Selected.Render(text.Fit(plain.String(), w)))
		return
	}
	b.WriteByte(' ')
	left := w - 1
	for _, s := range segs {
		if left <= 0 {
			break
		}
		t := s.text
		if sw := text.Width(t); sw > left {
			t = ansi.Truncate(t, left, "…")
			left = 0
		} else {
			left -= sw
		}
		b.WriteString(s.style.Render(t))
	}
}

// segments are what line l says, in order, as plain text; neighbours of
// one style are one segment (one Render each: what a frame costs).
func (m *Model) segments(l line) []segment {
	st := &m.common.Styles.Tree
	segs := make([]segment, 0, 5)
	add := func(t string, style *lipgloss.Style) {
		if k := len(segs) - 1; k >= 0 && segs[k].style == style {
			segs[k].text += t
			return
		}
		segs = append(segs, segment{t, style})
	}
	if g := l.base + l.conn; g != "" {
		add(g, &st.Guide)
	}
	if l.placeholder {
		add("loading…", &st.Note)
		return segs
	}
	n := l.node
	mark := "• "
	switch {
	case n.expanded:
		mark = "▾ "
	case n.Expandable():
		mark = "▸ "
	}
	add(mark, &st.Guide)
	label := &st.Entity
	if n.Group {
		label = &st.Kind
	}
	add(termtext.Sanitize(n.Label), label)
	if c := n.Count(); n.Group && c >= 0 && (n.Lazy || c > 0) {
		add(" ("+strconv.Itoa(c)+")", &st.Detail)
	}
	if n.Detail != "" {
		add("  "+termtext.Sanitize(n.Detail), &st.Detail)
	}
	switch {
	case n.err != "":
		add("  ✗ "+termtext.Sanitize(n.err), &st.Error)
	case n.loading && !n.expanded:
		add("  loading…", &st.Note)
	case n.Note != "":
		add("  "+termtext.Sanitize(n.Note), &st.Note)
	}
	return segs
}
