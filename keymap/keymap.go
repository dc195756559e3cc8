// Package keymap holds every key binding of the console, built on
// charm.land/bubbles/v2/key, with the default keys (README.md, Keys) and user overrides.
//
// # Design
//
// Every binding is an action with a stable name "context.action"
// ("global.quit", "table.filter", "nav.down"); the names are what the
// profiles file's [keys] table uses. One registry (actions) lists each
// action once with its context, default keys and help text; Default, Apply,
// the help generators and Actions are all derived from it, so adding an
// action is one line.
//
// Contexts, and when they are active:
//
//   - global: everywhere except inside a text prompt (palette, filter,
//     editor, dialog); global.interrupt (ctrl+c) works even there.
//   - nav: movement shared by every scrolling view (table, inspector, help,
//     error log), so rebinding "nav.down" changes all of them at once. This
//     is a context of its own so that vim and tmux users are spared
//     rebinding the same movement four times.
//   - table, inspector, errorlog: a view's own actions, layered over global
//     and nav.
//   - filter: the prompt under a table or inspector after '/' (accept, cancel).
//   - palette, dialog, editor: modal; they own the keyboard while open.
//   - list: the navigation stack's table in front (not a table overlay):
//     the history of views (-, [, ]), copying the cursor row's id or
//     name, and marking rows for a bulk delete or edit (space, *, ctrl+u).
//     Marks are a list's and not the table's: the comparison (:diff) is a
//     table overlay whose space is compare.mark.
//   - compare: the comparison of two accounts (:diff), layered over
//     global, nav and table, and its promotion plan.
//   - tree: the tree of an entity and what lies under it (table.tree),
//     layered over global, nav and list; nav.right and nav.left expand
//     and collapse there.
//
// A "screen" is a set of contexts active together (the table screen is
// global+nav+table). Validate rejects a key bound to two actions of one
// screen, and a printable key bound in a context that takes typed text
// (filter, palette), since it could then never be typed. Modal contexts are
// checked against global.interrupt only.
//
// Sorting in the table: '>' sorts by the next column, '<' by the previous
// one (ascending when a column is first chosen) and 'o' reverses the order.
// Shift+digit (k9s) was not used because shift+1 is '!', the error log.
//
// The keymap is a plain value: no package state; each session (local or SSH)
// holds its own.
package keymap

import (
	"charm.land/bubbles/v2/key"
)

// Context groups the actions that are active in one part of the UI.
type Context string

// The contexts. Action names start with the context and a dot.
const (
	Global    Context = "global"
	Nav       Context = "nav"
	Table     Context = "table"
	Filter    Context = "filter"
	Inspector Context = "inspector"
	Editor    Context = "editor"
	Dialog    Context = "dialog"
	Palette   Context = "palette"
	ErrorLog  Context = "errorlog"
	Compare   Context = "compare"
	// Tree is the tree of an entity and its descendants (table.tree).
	Tree Context = "tree"
	// List is the navigation stack's table in front (not a table overlay):
	// the history of views, copying a row's values and marking rows.
	List Context = "list"
)

// KeyMap is every binding of the console, grouped by context.
type KeyMap struct {
	Global    GlobalKeys
	Nav       NavKeys
	Table     TableKeys
	Filter    FilterKeys
	Inspector InspectorKeys
	Editor    EditorKeys
	Dialog    DialogKeys
	Palette   PaletteKeys
	ErrorLog  ErrorLogKeys
	Compare   CompareKeys
	List      ListKeys
	Tree      TreeKeys
}

// GlobalKeys work in every view that is not a text prompt.
type GlobalKeys struct {
	Palette   key.Binding // ':' command palette
	Accounts  key.Binding // 'A' account switcher
	Refresh   key.Binding // ctrl+r
	ErrorLog  key.Binding // '!'
	Back      key.Binding // esc
	Help      key.Binding // '?'
	Quit      key.Binding // 'q'
	Interrupt key.Binding // ctrl+c: quits from anywhere, even a prompt
}

// NavKeys move the cursor or scroll in every list and pager.
type NavKeys struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Left     key.Binding // horizontal scroll (inspector)
	Right    key.Binding
}

// TableKeys are the resource table's actions.
type TableKeys struct {
	Filter      key.Binding
	Open        key.Binding
	Inspect     key.Binding
	Edit        key.Binding
	Create      key.Binding
	Delete      key.Binding
	Actions     key.Binding // the kind's other operations (activate a calculated attribute, …)
	SortNext    key.Binding
	SortPrev    key.Binding
	SortReverse key.Binding
	Tree        key.Binding // the entity and everything under it, as a tree
}

// FilterKeys act in the filter/search prompt.
type FilterKeys struct {
	Accept key.Binding // keep the query, leave the prompt
	Cancel key.Binding // clear the query, leave the prompt
}

// InspectorKeys are the JSON inspector's actions.
type InspectorKeys struct {
	Search key.Binding
	Next   key.Binding
	Prev   key.Binding
	Copy   key.Binding
}

// EditorKeys are the entity editor's actions.
type EditorKeys struct {
	Save      key.Binding // show the diff
	Confirm   key.Binding // send, on the diff screen
	External  key.Binding // hand the text to $VISUAL/$EDITOR
	Leave     key.Binding
	Cancel    key.Binding // back to editing, on the diff
	Undo      key.Binding
	Redo      key.Binding
	Overwrite key.Binding // on a conflict: send over the server's newer version
	Merge     key.Binding // on a conflict: keep editing against the newer version
	Reload    key.Binding // on a conflict: take the server's version
	Help      key.Binding // the editor's keys: '?' is text there
}

// DialogKeys answer a confirmation dialog.
type DialogKeys struct {
	Yes    key.Binding
	No     key.Binding
	Toggle key.Binding
	Accept key.Binding
	Cancel key.Binding
}

// PaletteKeys act in the command palette.
type PaletteKeys struct {
	Accept   key.Binding
	Complete key.Binding
	Next     key.Binding
	Prev     key.Binding
	Cancel   key.Binding
}

// ErrorLogKeys are the error log's actions.
type ErrorLogKeys struct {
	Copy key.Binding
}

// CompareKeys act in the comparison of two accounts (:diff) and on its
// promotion plan. The state keys show or hide the rows of one state.
type CompareKeys struct {
	Mark      key.Binding // mark the row for promotion
	Promote   key.Binding // plan the promotion of the marked rows (or the cursor's)
	Apply     key.Binding // on the plan: send it
	Same      key.Binding // show/hide "=" rows
	Differs   key.Binding // show/hide "~" rows
	OnlyHere  key.Binding // show/hide "+" rows
	OnlyThere key.Binding // show/hide "-" rows
}

// ListKeys act on the list in front (the navigation stack's table, not a
// table overlay such as the comparison): the views visited, the cursor
// row's values and the marks that table.edit and table.delete act on.
type ListKeys struct {
	LastView   key.Binding // toggle to the view visited last
	PrevView   key.Binding // back through the views visited
	NextView   key.Binding // forward through the views visited
	CopyID     key.Binding // copy the cursor row's id
	CopyName   key.Binding // copy the cursor row's name
	Mark       key.Binding // mark or unmark the cursor row, then move down
	MarkAll    key.Binding // mark every row shown (the filter's)
	ClearMarks key.Binding // unmark every row
}

// TreeKeys act in the tree of an entity (table.tree). Movement is nav's;
// nav.right expands a node and nav.left collapses it.
type TreeKeys struct {
	Toggle    key.Binding // expand or collapse; a leaf opens the inspector
	Inspect   key.Binding
	Open      key.Binding // the node's table in the navigation stack
	ExpandAll key.Binding // everything under the node, a few loads at a time
}

// action is one registry entry.
type action struct {
	name     string
	ctx      Context
	keys     []string
	desc     string
	short    bool // shown in the one-line help
	column   int  // column of the full help within its context
	bindings func(*KeyMap) *key.Binding
}

// registry lists every action once, in help order.
func registry() []action {
	return []action{
		{"global.palette", Global, []string{":"}, "command palette", true, 0, func(k *KeyMap) *key.Binding { return &k.Global.Palette }},
		{"global.accounts", Global, []string{"A"}, "switch account", false, 0, func(k *KeyMap) *key.Binding { return &k.Global.Accounts }},
		{"global.refresh", Global, []string{"ctrl+r"}, "refresh", false, 0, func(k *KeyMap) *key.Binding { return &k.Global.Refresh }},
		{"global.errorlog", Global, []string{"!"}, "error log", false, 0, func(k *KeyMap) *key.Binding { return &k.Global.ErrorLog }},
		{"global.back", Global, []string{"esc"}, "back", true, 1, func(k *KeyMap) *key.Binding { return &k.Global.Back }},
		{"global.help", Global, []string{"?"}, "help", true, 1, func(k *KeyMap) *key.Binding { return &k.Global.Help }},
		{"global.quit", Global, []string{"q"}, "quit", true, 1, func(k *KeyMap) *key.Binding { return &k.Global.Quit }},
		{"global.interrupt", Global, []string{"ctrl+c"}, "quit from anywhere", false, 1, func(k *KeyMap) *key.Binding { return &k.Global.Interrupt }},

		{"nav.up", Nav, []string{"up", "k"}, "up", false, 0, func(k *KeyMap) *key.Binding { return &k.Nav.Up }},
		{"nav.down", Nav, []string{"down", "j"}, "down", false, 0, func(k *KeyMap) *key.Binding { return &k.Nav.Down }},
		{"nav.page_up", Nav, []string{"pgup", "ctrl+b"}, "page up", false, 0, func(k *KeyMap) *key.Binding { return &k.Nav.PageUp }},
		{"nav.page_down", Nav, []string{"pgdown", "ctrl+f"}, "page down", false, 0, func(k *KeyMap) *key.Binding { return &k.Nav.PageDown }},
		{"nav.top", Nav, []string{"home", "g"}, "top", false, 1, func(k *KeyMap) *key.Binding { return &k.Nav.Top }},
		{"nav.bottom", Nav, []string{"end", "G"}, "bottom", false, 1, func(k *KeyMap) *key.Binding { return &k.Nav.Bottom }},
		{"nav.left", Nav, []string{"left", "h"}, "scroll left", false, 1, func(k *KeyMap) *key.Binding { return &k.Nav.Left }},
		{"nav.right", Nav, []string{"right", "l"}, "scroll right", false, 1, func(k *KeyMap) *key.Binding { return &k.Nav.Right }},

		{"table.filter", Table, []string{"/"}, "filter", true, 0, func(k *KeyMap) *key.Binding { return &k.Table.Filter }},
		{"table.open", Table, []string{"enter"}, "open", true, 0, func(k *KeyMap) *key.Binding { return &k.Table.Open }},
		{"table.inspect", Table, []string{"i"}, "inspect", true, 0, func(k *KeyMap) *key.Binding { return &k.Table.Inspect }},
		{"table.edit", Table, []string{"e"}, "edit", false, 1, func(k *KeyMap) *key.Binding { return &k.Table.Edit }},
		{"table.create", Table, []string{"c"}, "create", false, 1, func(k *KeyMap) *key.Binding { return &k.Table.Create }},
		{"table.delete", Table, []string{"ctrl+d"}, "delete", false, 1, func(k *KeyMap) *key.Binding { return &k.Table.Delete }},
		{"table.actions", Table, []string{"a"}, "actions (activate, status, …)", false, 1, func(k *KeyMap) *key.Binding { return &k.Table.Actions }},
		{"table.sort_next", Table, []string{">"}, "sort by next column", false, 2, func(k *KeyMap) *key.Binding { return &k.Table.SortNext }},
		{"table.sort_prev", Table, []string{"<"}, "sort by previous column", false, 2, func(k *KeyMap) *key.Binding { return &k.Table.SortPrev }},
		{"table.sort_reverse", Table, []string{"o"}, "reverse sort order", false, 2, func(k *KeyMap) *key.Binding { return &k.Table.SortReverse }},
		{"table.tree", Table, []string{"x"}, "tree of what is under it", false, 1, func(k *KeyMap) *key.Binding { return &k.Table.Tree }},

		{"filter.accept", Filter, []string{"enter"}, "keep filter", true, 0, func(k *KeyMap) *key.Binding { return &k.Filter.Accept }},
		{"filter.cancel", Filter, []string{"esc"}, "clear", true, 0, func(k *KeyMap) *key.Binding { return &k.Filter.Cancel }},

		{"inspector.search", Inspector, []string{"/"}, "search", true, 0, func(k *KeyMap) *key.Binding { return &k.Inspector.Search }},
		{"inspector.next", Inspector, []string{"n"}, "next match", true, 0, func(k *KeyMap) *key.Binding { return &k.Inspector.Next }},
		{"inspector.prev", Inspector, []string{"N"}, "previous match", false, 0, func(k *KeyMap) *key.Binding { return &k.Inspector.Prev }},
		{"inspector.copy", Inspector, []string{"y"}, "copy JSON", true, 0, func(k *KeyMap) *key.Binding { return &k.Inspector.Copy }},

		{"editor.save", Editor, []string{"ctrl+s"}, "diff, then save", true, 0, func(k *KeyMap) *key.Binding { return &k.Editor.Save }},
		{"editor.confirm", Editor, []string{"y"}, "send (on the diff)", true, 0, func(k *KeyMap) *key.Binding { return &k.Editor.Confirm }},
		{"editor.external", Editor, []string{"ctrl+e"}, "external editor", true, 0, func(k *KeyMap) *key.Binding { return &k.Editor.External }},
		{"editor.leave", Editor, []string{"esc"}, "leave", true, 0, func(k *KeyMap) *key.Binding { return &k.Editor.Leave }},
		{"editor.cancel", Editor, []string{"n"}, "back to editing (on the diff)", false, 0, func(k *KeyMap) *key.Binding { return &k.Editor.Cancel }},
		{"editor.undo", Editor, []string{"ctrl+z"}, "undo", false, 1, func(k *KeyMap) *key.Binding { return &k.Editor.Undo }},
		{"editor.redo", Editor, []string{"ctrl+y"}, "redo", false, 1, func(k *KeyMap) *key.Binding { return &k.Editor.Redo }},
		{"editor.overwrite", Editor, []string{"o"}, "overwrite (on a conflict)", false, 2, func(k *KeyMap) *key.Binding { return &k.Editor.Overwrite }},
		{"editor.merge", Editor, []string{"m"}, "merge by hand (on a conflict)", false, 2, func(k *KeyMap) *key.Binding { return &k.Editor.Merge }},
		{"editor.reload", Editor, []string{"r"}, "reload the server's version (on a conflict)", false, 2, func(k *KeyMap) *key.Binding { return &k.Editor.Reload }},
		{"editor.help", Editor, []string{"f1"}, "help", true, 1, func(k *KeyMap) *key.Binding { return &k.Editor.Help }},

		{"dialog.yes", Dialog, []string{"y"}, "yes", true, 0, func(k *KeyMap) *key.Binding { return &k.Dialog.Yes }},
		{"dialog.no", Dialog, []string{"n"}, "no", true, 0, func(k *KeyMap) *key.Binding { return &k.Dialog.No }},
		{"dialog.toggle", Dialog, []string{"tab", "left", "right", "h", "l"}, "switch button", false, 0, func(k *KeyMap) *key.Binding { return &k.Dialog.Toggle }},
		{"dialog.accept", Dialog, []string{"enter"}, "choose", true, 0, func(k *KeyMap) *key.Binding { return &k.Dialog.Accept }},
		{"dialog.cancel", Dialog, []string{"esc"}, "cancel", true, 0, func(k *KeyMap) *key.Binding { return &k.Dialog.Cancel }},

		{"palette.accept", Palette, []string{"enter"}, "run", true, 0, func(k *KeyMap) *key.Binding { return &k.Palette.Accept }},
		{"palette.complete", Palette, []string{"tab"}, "complete", true, 0, func(k *KeyMap) *key.Binding { return &k.Palette.Complete }},
		{"palette.next", Palette, []string{"down", "ctrl+n"}, "next suggestion", false, 0, func(k *KeyMap) *key.Binding { return &k.Palette.Next }},
		{"palette.prev", Palette, []string{"up", "ctrl+p"}, "previous suggestion", false, 0, func(k *KeyMap) *key.Binding { return &k.Palette.Prev }},
		{"palette.cancel", Palette, []string{"esc"}, "close", true, 0, func(k *KeyMap) *key.Binding { return &k.Palette.Cancel }},

		{"errorlog.copy", ErrorLog, []string{"y"}, "copy error text", true, 0, func(k *KeyMap) *key.Binding { return &k.ErrorLog.Copy }},

		{"compare.mark", Compare, []string{"space"}, "mark for promotion", true, 0, func(k *KeyMap) *key.Binding { return &k.Compare.Mark }},
		{"compare.promote", Compare, []string{"p"}, "plan promoting the marked rows", true, 0, func(k *KeyMap) *key.Binding { return &k.Compare.Promote }},
		{"compare.apply", Compare, []string{"y"}, "apply (on the plan)", false, 0, func(k *KeyMap) *key.Binding { return &k.Compare.Apply }},
		{"compare.same", Compare, []string{"="}, "show/hide = (same)", false, 1, func(k *KeyMap) *key.Binding { return &k.Compare.Same }},
		{"compare.differs", Compare, []string{"~"}, "show/hide ~ (differs)", false, 1, func(k *KeyMap) *key.Binding { return &k.Compare.Differs }},
		{"compare.only_here", Compare, []string{"+"}, "show/hide + (only here)", false, 1, func(k *KeyMap) *key.Binding { return &k.Compare.OnlyHere }},
		{"compare.only_there", Compare, []string{"-"}, "show/hide - (only there)", false, 1, func(k *KeyMap) *key.Binding { return &k.Compare.OnlyThere }},

		{"list.last_view", List, []string{"-"}, "toggle to the last view", true, 0, func(k *KeyMap) *key.Binding { return &k.List.LastView }},
		{"list.prev_view", List, []string{"["}, "previous view visited", false, 0, func(k *KeyMap) *key.Binding { return &k.List.PrevView }},
		{"list.next_view", List, []string{"]"}, "next view visited", false, 0, func(k *KeyMap) *key.Binding { return &k.List.NextView }},
		{"list.copy_id", List, []string{"y"}, "copy the row's id", false, 1, func(k *KeyMap) *key.Binding { return &k.List.CopyID }},
		{"list.copy_name", List, []string{"Y"}, "copy the row's name", false, 1, func(k *KeyMap) *key.Binding { return &k.List.CopyName }},
		{"list.mark", List, []string{"space"}, "mark/unmark the row", false, 2, func(k *KeyMap) *key.Binding { return &k.List.Mark }},
		{"list.mark_all", List, []string{"*"}, "mark every row shown", false, 2, func(k *KeyMap) *key.Binding { return &k.List.MarkAll }},
		{"list.clear_marks", List, []string{"ctrl+u"}, "clear the marks", false, 2, func(k *KeyMap) *key.Binding { return &k.List.ClearMarks }},

		{"tree.toggle", Tree, []string{"enter"}, "expand/collapse (a leaf: inspect)", true, 0, func(k *KeyMap) *key.Binding { return &k.Tree.Toggle }},
		{"tree.inspect", Tree, []string{"i"}, "inspect", true, 0, func(k *KeyMap) *key.Binding { return &k.Tree.Inspect }},
		{"tree.open", Tree, []string{"o"}, "open in its table", true, 0, func(k *KeyMap) *key.Binding { return &k.Tree.Open }},
		{"tree.expand_all", Tree, []string{"E"}, "expand everything under it", false, 1, func(k *KeyMap) *key.Binding { return &k.Tree.ExpandAll }},
	}
}

// Default returns the keymap with the default keys.
func Default() KeyMap {
	var km KeyMap
	for _, a := range registry() {
		*a.bindings(&km) = newBinding(a.keys, a.desc)
	}
	return km
}

func newBinding(keys []string, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(append([]string(nil), keys...)...), key.WithHelp(helpKey(keys), desc))
}

// Action describes one bindable action, for documentation and
// `mpconsole config check`.
type Action struct {
	Name        string // stable name, e.g. "table.filter"
	Context     Context
	Description string
	Keys        []string // the keys bound in this keymap
}

// Actions lists every action with the keys bound in km, in help order.
func (km KeyMap) Actions() []Action {
	reg := registry()
	out := make([]Action, 0, len(reg))
	for _, a := range reg {
		b := a.bindings(&km)
		out = append(out, Action{Name: a.name, Context: a.ctx, Description: a.desc, Keys: append([]string(nil), b.Keys()...)})
	}
	return out
}

// Binding returns the binding of the named action.
func (km KeyMap) Binding(name string) (key.Binding, bool) {
	for _, a := range registry() {
		if a.name == name {
			return *a.bindings(&km), true
		}
	}
	return key.Binding{}, false
}
