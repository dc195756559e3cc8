package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/chrome"
	"github.com/mpconsole/mpconsole/views/errview"
	"github.com/mpconsole/mpconsole/views/table"
	"github.com/mpconsole/mpconsole/views/tree"
)

// The tree of an entity (table.tree, x): the entity and what lies under
// it, level by level as the catalogue says (Catalog.ChildKinds), in a
// frame of the navigation stack. Under an entity are its kinds, under a
// kind node the entities listed there, and so on; a kind's entities are
// listed when its node first opens (one request each, in a tea.Cmd), and
// the kinds under an entity open with it, so expanding a platform lists
// its service configurations. A kind the tree cannot list under its
// parent (outputs need a module picked first) is a node that opens its
// table, where the pick is made.
//
// The tree frame's table is unused: the frame has one so that what reads
// a frame's table (the history's state, a click) finds one, empty. The
// tree belongs to its account: switching account drops it (dropTrees).

// maxTreeLoads bounds the loads of one refresh of a tree (ctrl+r, coming
// back to it) and of one expand-all: the kinds shown first are loaded
// again, the others when next opened.
const maxTreeLoads = 16

// treeView is a frame's tree.
type treeView struct {
	view  *tree.Model
	frame int // its frame's id
	gen   int // the account generation it belongs to
}

// treeNode is what a node of a tree stands for: an entity, or (kind set)
// the entities of kind under entity.
type treeNode struct {
	tv     *treeView
	entity api.Entity
	kind   *api.Descriptor
	seq    int // a kind node's newest load: an older one's answer is dropped
}

// noTree says why the table of kind d offers no tree ("" when it does).
func (m *Model) noTree(f *frame) string {
	switch {
	case f.kind == nil:
		return "pick a kind first: its entities have trees"
	case !m.cat.HasDescendants(f.kind):
		return strings.ToLower(f.kind.Title) + " have nothing under them to show as a tree"
	}
	return ""
}

// openTree opens the tree of entity e (of the table of frame f) as a new
// level, its kinds opening with it.
func (m *Model) openTree(f *frame, e api.Entity) tea.Cmd {
	if why := m.noTree(f); why != "" {
		m.setNotice(why)
		return nil
	}
	if e.Kind == nil {
		e.Kind = f.kind
	}
	tv := &treeView{gen: m.gen}
	root := tv.entityNode(e, m.cat.ChildKinds(e.Kind), m.keys.Tree.Open.Help().Key)
	root.Detail = strings.TrimSpace(e.Kind.Singular + " " + e.ID)
	tv.view = tree.New(m.common, root)
	tv.view.SetLoadBudget(maxTreeLoads)
	tv.view.SetLoader(func(n *tree.Node) tea.Cmd {
		if tn, ok := n.Data.(*treeNode); ok && tv.gen == m.gen {
			return m.loadTreeNode(tn, n)
		}
		return nil
	})

	m.nextID++
	t := table.New(m.common, nil)
	fr := &frame{id: m.nextID, parent: e.Parents.Clone(), crumb: treeName(e) + " › tree", table: t, tree: tv}
	tv.frame = fr.id
	m.stack = append(m.stack, fr)
	m.errs.clear()
	m.layout()
	m.enteredView()
	return tv.view.Expand(root)
}

// treeName is how an entity is named in a crumb: its name, else its id.
func treeName(e api.Entity) string {
	if e.Name != "" {
		return e.Name
	}
	return e.ID
}

// entityNode makes the node of entity e, with a node for each of kinds
// (the kinds under e's). It reads nothing shared but the catalogue, so a
// load makes its nodes in its request's goroutine. openKey names
// tree.open, for the note of a kind that cannot be listed here.
func (tv *treeView) entityNode(e api.Entity, kinds []*api.Descriptor, openKey string) *tree.Node {
	n := tree.NewNode(e.ID, treeName(e))
	if e.ID != "" && e.ID != e.Name {
		n.Detail = "id " + e.ID
	}
	n.Data = &treeNode{tv: tv, entity: e}
	if len(kinds) == 0 {
		return n
	}
	ref := e.Ref()
	for _, k := range kinds {
		kn := tree.NewNode(k.Name, k.Title)
		kn.Group = true
		kn.Data = &treeNode{tv: tv, entity: e, kind: k}
		if err := api.CheckRef(k, ref, false); err != nil {
			kn.Note = needsText(k, err) + ": " + openKey + " opens its table"
		} else {
			kn.Lazy, kn.OpenWithParent = true, true
		}
		n.Add(kn)
	}
	return n
}

// needsText says what listing kind k lacks under the entity (err from
// CheckRef): "a module, picked from services".
func needsText(k *api.Descriptor, err error) string {
	var mr *api.MissingRefError
	if !errors.As(err, &mr) || len(mr.Missing) == 0 {
		return "not listed here"
	}
	var parts []string
	for _, need := range mr.Missing {
		if from, ok := k.Pick[need]; ok {
			parts = append(parts, "a "+need+" picked from "+from)
		} else {
			parts = append(parts, "a "+need)
		}
	}
	return "needs " + strings.Join(parts, " and ")
}

// onTreeAction inspects a node of the tree in front or opens its table.
// A tree no longer in front (or of an account the session left) does
// nothing.
func (m *Model) onTreeAction(msg tree.ActionMsg) tea.Cmd {
	tn, ok := msg.Node.Data.(*treeNode)
	if !ok || tn.tv.view != msg.Tree || tn.tv.gen != m.gen {
		return nil
	}
	f := m.top()
	if m.overlay != nil || f == nil || f.tree != tn.tv {
		return nil // no longer in front
	}
	switch msg.Action {
	case tree.Inspect:
		if tn.kind != nil {
			m.setNotice(fmt.Sprintf("%s is a list, not an entity: %s opens its table", strings.ToLower(tn.kind.Title), m.keys.Tree.Open.Help().Key))
			return nil
		}
		return m.inspect(f, tn.entity)
	case tree.Open:
		return m.openTreeNode(msg.Node, tn)
	}
	return nil
}

// openTreeNode opens a node's table as a new level over the tree (esc
// comes back to it): a kind node's under its entity, an entity's the
// table it is listed in, with the cursor on it.
func (m *Model) openTreeNode(n *tree.Node, tn *treeNode) tea.Cmd {
	if tn.kind != nil {
		return m.push(tn.kind, tn.entity.Ref(), treeName(tn.entity)+" › "+tn.kind.Name, nil)
	}
	e := tn.entity
	if e.Kind == nil {
		return nil
	}
	crumb := e.Kind.Name
	if p := n.Parent(); p != nil {
		if kn, ok := p.Data.(*treeNode); ok {
			crumb = treeName(kn.entity) + " › " + crumb
		}
	}
	cmd := m.push(e.Kind, e.Parents, crumb, nil)
	if f := m.top(); f != nil && f.kind == e.Kind && e.ID != "" {
		f.table.Restore(table.State{CursorID: e.ID, SortCol: -1})
	}
	return cmd
}

// loadTreeNode lists the entities of a kind node (an entity node's kinds
// are there from the start). The nodes are made in the request's
// goroutine; a failure shows in the node (and the pane), and expanding
// the node again retries.
func (m *Model) loadTreeNode(tn *treeNode, n *tree.Node) tea.Cmd {
	if tn.kind == nil {
		return nil
	}
	tv, d, parent := tn.tv, tn.kind, tn.entity.Ref()
	if m.client == nil {
		tv.view.SetError(n, notConnected)
		return nil
	}
	tn.seq++
	seq := tn.seq
	if !n.Loading() {
		tv.view.StartLoad(n)
	}
	kinds, openKey := m.cat.ChildKinds(d), m.keys.Tree.Open.Help().Key
	return request(m, ask[[]*tree.Node]{
		view: tv.frame, what: "tree", origin: treeOrigin(tv, d, parent),
		do: func(ctx context.Context, c *api.Client) ([]*tree.Node, error) {
			items, err := c.List(ctx, d, parent)
			if err != nil {
				return nil, err
			}
			kids := make([]*tree.Node, len(items))
			for i, e := range items {
				kids[i] = tv.entityNode(e, kinds, openKey)
				if kids[i].Key == "" {
					kids[i].Key = "#" + strconv.Itoa(i)
				}
			}
			return kids, nil
		},
		then: func(kids []*tree.Node, err error) tea.Cmd {
			if tn.seq != seq || m.frameByID(tv.frame) == nil {
				return nil // a newer load of the node is on its way, or the tree was left
			}
			if err != nil {
				tv.view.SetError(n, m.treeFailedText(err))
				m.fail(err)
				return nil
			}
			return tv.view.SetChildren(n, kids)
		},
	})
}

// treeOrigin is the request loading kind d under parent in tree tv: its
// failure's pane closes when a retry succeeds.
func treeOrigin(tv *treeView, d *api.Descriptor, parent api.Ref) origin {
	o := writeOrigin("tree", d, parent, "")
	o.frame = tv.frame
	return o
}

// treeFailedText is what a node says when its children could not be
// loaded: "couldn't load: 500 internal server error — enter retries".
func (m *Model) treeFailedText(err error) string {
	why := errview.Describe(err).Title
	if r := []rune(why); len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		why = string(unicode.ToLower(r[0])) + string(r[1:])
	}
	return "couldn't load: " + why + " — " + m.keys.Tree.Toggle.Help().Key + " retries"
}

// refreshTree loads again the kinds a tree shows open (ctrl+r, coming
// back to it from a table or the history), the first maxTreeLoads of them
// in the order shown; the other kinds loaded before are marked stale and
// load again when next opened. What stays keeps its expansion.
func (m *Model) refreshTree(f *frame) tea.Cmd {
	tv := f.tree
	if m.client == nil {
		m.setNotice(notConnected)
		return nil
	}
	if tv.gen != m.gen {
		return nil
	}
	var cmds []tea.Cmd
	budget := maxTreeLoads
	var walk func(n *tree.Node)
	walk = func(n *tree.Node) {
		if tn, ok := n.Data.(*treeNode); ok && tn.kind != nil && n.Lazy && (n.Loaded() || n.Loading()) {
			if budget > 0 && n.Expanded() && tv.view.Visible(n) {
				budget--
				cmds = append(cmds, m.loadTreeNode(tn, n))
			} else {
				tv.view.Stale(n)
			}
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(tv.view.Root())
	return tea.Batch(cmds...)
}

// selected is the entity under the tree's cursor (a kind node: none).
func (tv *treeView) selected() (api.Entity, bool) {
	n := tv.view.Selected()
	if n == nil {
		return api.Entity{}, false
	}
	tn, ok := n.Data.(*treeNode)
	if !ok || tn.kind != nil {
		return api.Entity{}, false
	}
	return tn.entity, true
}

// clickTree selects the tree line under a click; a second click on it
// within doubleClick does what enter does.
func (m *Model) clickTree(f *frame, y int) tea.Cmd {
	v := f.tree.view
	i, ok := v.RowAt(y - chrome.HeaderHeight)
	if !ok {
		return nil
	}
	v.SetCursor(i)
	now := m.opts.Now()
	prev := m.click
	row := "line " + strconv.Itoa(i)
	m.click = lastClick{view: f.id, row: row, at: now}
	if prev.view == f.id && prev.row == row && now.Sub(prev.at) <= doubleClick {
		m.click = lastClick{}
		return v.Activate()
	}
	return nil
}

// notInTree says why a table key does nothing in the tree (it writes
// nothing and has no filter: o opens a node's table, where they act);
// "" for any other key, and for a key the tree or its movement also binds.
func (m *Model) notInTree(msg tea.KeyPressMsg) string {
	tk, nk, t := m.keys.Tree, m.keys.Nav, m.keys.Table
	open := m.keys.Tree.Open.Help().Key
	switch {
	case key.Matches(msg, tk.Toggle, tk.Inspect, tk.Open, tk.ExpandAll,
		nk.Up, nk.Down, nk.PageUp, nk.PageDown, nk.Top, nk.Bottom, nk.Left, nk.Right):
		return ""
	case key.Matches(msg, t.Edit, t.Create, t.Delete, t.Actions):
		return "the tree writes nothing: " + open + " opens a node's table, where its rows are written"
	case key.Matches(msg, t.Filter):
		return "the tree has no filter: " + open + " opens a node's table, which filters"
	case key.Matches(msg, t.SortNext, t.SortPrev, t.SortReverse):
		return "the tree keeps the API's order: " + open + " opens a node's table, which sorts"
	}
	return ""
}

// treeHasNoMarks is why the mark keys do nothing in the tree.
func (m *Model) treeHasNoMarks() string {
	return "the tree has no marks: " + m.keys.Tree.Open.Help().Key + " opens a node's table, where rows are marked"
}

// comp is the component a frame shows: its tree, or its table.
func (f *frame) comp() views.Component {
	if f.tree != nil {
		return f.tree.view
	}
	return f.table
}

// dropTrees takes the trees out of the session's navigation (the stack
// from the first tree up, and the views of the history that hold one): a
// tree belongs to the account it was opened in.
func (m *Model) dropTrees() {
	hasTree := func(f *frame) bool { return f.tree != nil }
	if i := slices.IndexFunc(m.stack, hasTree); i >= 0 {
		m.stack = m.stack[:i]
	}
	h := m.views[m.here()]
	if h == nil {
		return
	}
	kept := h.views[:0]
	at, last := -1, -1
	for i, v := range h.views {
		if slices.ContainsFunc(v.stack, hasTree) {
			continue
		}
		if i <= h.at {
			at = len(kept)
		}
		if i <= h.last {
			last = len(kept)
		}
		kept = append(kept, v)
	}
	clear(h.views[len(kept):])
	h.views, h.at, h.last = kept, at, last
}
