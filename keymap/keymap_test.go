package keymap

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// The default keys the README lists.
func TestDefaultsFollowDesign(t *testing.T) {
	km := Default()
	tests := []struct {
		action string
		keys   []string
	}{
		{"global.palette", []string{":"}},
		{"table.filter", []string{"/"}},
		{"table.open", []string{"enter"}},
		{"table.inspect", []string{"i"}},
		{"table.edit", []string{"e"}},
		{"table.create", []string{"c"}},
		{"table.delete", []string{"ctrl+d"}},
		{"global.accounts", []string{"A"}},
		{"global.refresh", []string{"ctrl+r"}},
		{"global.errorlog", []string{"!"}},
		{"global.back", []string{"esc"}},
		{"global.help", []string{"?"}},
		{"global.quit", []string{"q"}},
		{"global.interrupt", []string{"ctrl+c"}},
		{"editor.save", []string{"ctrl+s"}},
		{"editor.confirm", []string{"y"}},
		{"editor.external", []string{"ctrl+e"}},
		{"inspector.copy", []string{"y"}},
		{"inspector.search", []string{"/"}},
		{"inspector.next", []string{"n"}},
		{"inspector.prev", []string{"N"}},
		{"nav.up", []string{"up", "k"}},
		{"nav.down", []string{"down", "j"}},
		{"nav.page_up", []string{"pgup", "ctrl+b"}},
		{"nav.page_down", []string{"pgdown", "ctrl+f"}},
		{"nav.top", []string{"home", "g"}},
		{"nav.bottom", []string{"end", "G"}},
		{"table.sort_next", []string{">"}},
		{"table.sort_prev", []string{"<"}},
		{"table.sort_reverse", []string{"o"}},
		{"list.mark", []string{"space"}},
		{"list.mark_all", []string{"*"}},
		{"list.clear_marks", []string{"ctrl+u"}},
		{"table.tree", []string{"x"}},
		{"tree.toggle", []string{"enter"}},
		{"tree.inspect", []string{"i"}},
		{"tree.open", []string{"o"}},
		{"tree.expand_all", []string{"E"}},
	}
	for _, tt := range tests {
		b, ok := km.Binding(tt.action)
		if !ok {
			t.Errorf("%s: no such action", tt.action)
			continue
		}
		if !reflect.DeepEqual(b.Keys(), tt.keys) {
			t.Errorf("%s: keys %q, want %q", tt.action, b.Keys(), tt.keys)
		}
	}
	if err := km.Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
}

// Every binding field of KeyMap is in the registry (so it has a name, a
// default and help), and every registry name is unique and context-prefixed.
func TestRegistryCoversEveryField(t *testing.T) {
	km := Default()
	v := reflect.ValueOf(km)
	for i := 0; i < v.NumField(); i++ {
		ctx := v.Field(i)
		for j := 0; j < ctx.NumField(); j++ {
			b := ctx.Field(j).Interface().(key.Binding)
			name := v.Type().Field(i).Name + "." + ctx.Type().Field(j).Name
			if !b.Enabled() || b.Help().Desc == "" || b.Help().Key == "" {
				t.Errorf("%s has no default binding or help", name)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range km.Actions() {
		if seen[a.Name] {
			t.Errorf("action %s listed twice", a.Name)
		}
		seen[a.Name] = true
		if !strings.HasPrefix(a.Name, string(a.Context)+".") {
			t.Errorf("action %s is not prefixed by its context %s", a.Name, a.Context)
		}
	}
}

func press(k tea.Key) tea.KeyPressMsg { return tea.KeyPressMsg(k) }

// Overridden keys match what Bubble Tea reports for the keystroke.
func TestApplyOverridesMatchRealKeys(t *testing.T) {
	tests := []struct {
		name   string
		action string
		keys   []string
		msg    tea.KeyPressMsg
	}{
		{"ctrl letter, any case", "global.refresh", []string{"Ctrl+L"}, press(tea.Key{Code: 'l', Mod: tea.ModCtrl})},
		{"modifier order", "global.quit", []string{"alt+ctrl+x"}, press(tea.Key{Code: 'x', Mod: tea.ModCtrl | tea.ModAlt})},
		{"page down alias", "nav.page_down", []string{"pgdn"}, press(tea.Key{Code: tea.KeyPgDown})},
		{"shift letter", "table.inspect", []string{"shift+i"}, press(tea.Key{Code: 'i', ShiftedCode: 'I', Text: "I", Mod: tea.ModShift})},
		{"space", "inspector.next", []string{"space"}, press(tea.Key{Code: tea.KeySpace, Text: " "})},
		{"function key", "global.help", []string{"F1"}, press(tea.Key{Code: tea.KeyF1})},
		{"shift+tab", "palette.prev", []string{"shift+tab"}, press(tea.Key{Code: tea.KeyTab, Mod: tea.ModShift})},
		{"plain rune", "table.filter", []string{"f"}, press(tea.Key{Code: 'f', Text: "f"})},
		{"escape alias", "global.back", []string{"escape", "backspace"}, press(tea.Key{Code: tea.KeyEscape})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			km, err := Apply(map[string][]string{tt.action: tt.keys})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := km.Binding(tt.action)
			if !key.Matches(tt.msg, b) {
				t.Fatalf("%s bound to %q does not match the keystroke %q", tt.action, b.Keys(), tt.msg.String())
			}
		})
	}
}

func TestApplyReplacesDefaultsAndHelp(t *testing.T) {
	km, err := Apply(map[string][]string{"global.quit": {"q", "ctrl+q"}, "nav.down": {"down", "ctrl+j"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := km.Global.Quit.Keys(); !reflect.DeepEqual(got, []string{"q", "ctrl+q"}) {
		t.Fatalf("quit keys %q", got)
	}
	if h := km.Nav.Down.Help(); h.Key != "↓/ctrl+j" || h.Desc != "down" {
		t.Fatalf("help not regenerated: %+v", h)
	}
	if key.Matches(press(tea.Key{Code: 'j', Text: "j"}), km.Nav.Down) {
		t.Fatal("an override must replace the default keys, not add to them")
	}
	// Other actions keep their defaults.
	if got := km.Table.Filter.Keys(); !reflect.DeepEqual(got, []string{"/"}) {
		t.Fatalf("filter keys %q", got)
	}
	// Apply(nil) is the default keymap.
	d, err := Apply(nil)
	if err != nil || !reflect.DeepEqual(d.Actions(), Default().Actions()) {
		t.Fatalf("Apply(nil) = %v, %v", d.Actions(), err)
	}
}

func TestApplyRejects(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string][]string
		want      []string // substrings of the message
		as        any
	}{
		{"unknown action in a known context", map[string][]string{"table.flter": {"f"}},
			[]string{`unknown action "table.flter"`, "table.filter"}, new(*UnknownActionError)},
		{"unknown context", map[string][]string{"tabel.filter": {"f"}},
			[]string{`unknown action "tabel.filter"`, "table.*", "global.*"}, new(*UnknownActionError)},
		{"twice in one context", map[string][]string{"table.inspect": {"/"}},
			[]string{`key "/"`, `"table.filter"`, `"table.inspect"`, "the table"}, new(*ConflictError)},
		{"clash with a global key", map[string][]string{"table.edit": {"q"}},
			[]string{`key "q"`, `"global.quit"`, `"table.edit"`}, new(*ConflictError)},
		{"global clashing with a view", map[string][]string{"global.help": {"i"}},
			[]string{`key "i"`, `"global.help"`, `"table.inspect"`}, new(*ConflictError)},
		{"clash with navigation", map[string][]string{"inspector.copy": {"j"}},
			[]string{`key "j"`, `"nav.down"`, `"inspector.copy"`, "the inspector"}, new(*ConflictError)},
		{"printable key in the palette", map[string][]string{"palette.complete": {"x"}},
			[]string{`"palette.complete"`, `key "x"`, "printable"}, new(*InvalidKeyError)},
		{"interrupt stolen by a prompt", map[string][]string{"filter.cancel": {"ctrl+c"}},
			[]string{`key "ctrl+c"`, `"global.interrupt"`, `"filter.cancel"`}, new(*ConflictError)},
		{"bad key name", map[string][]string{"table.open": {"entr"}},
			[]string{`"table.open"`, `key "entr"`, "not a key name"}, new(*InvalidKeyError)},
		{"bad modifier", map[string][]string{"table.open": {"cmd+o"}},
			[]string{`"table.open"`, `key "cmd+o"`, "unknown modifier"}, new(*InvalidKeyError)},
		{"empty list", map[string][]string{"global.quit": {}},
			[]string{`"global.quit"`, "no keys"}, new(*InvalidKeyError)},
		{"empty key", map[string][]string{"global.quit": {""}},
			[]string{`"global.quit"`, "is empty"}, new(*InvalidKeyError)},
		{"a mark key taken from the table", map[string][]string{"list.mark": {"e"}},
			[]string{`key "e"`, `"table.edit"`, `"list.mark"`, "the table"}, new(*ConflictError)},
		{"shift with a digit", map[string][]string{"global.errorlog": {"shift+1"}},
			[]string{`"global.errorlog"`, "shift"}, new(*InvalidKeyError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			km, err := Apply(tt.overrides)
			if err == nil {
				t.Fatalf("accepted: %v", km.Actions())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			switch target := tt.as.(type) {
			case **UnknownActionError:
				if !errors.As(err, target) {
					t.Errorf("not an UnknownActionError: %T", err)
				}
			case **ConflictError:
				if !errors.As(err, target) {
					t.Errorf("not a ConflictError: %T", err)
				}
			case **InvalidKeyError:
				if !errors.As(err, target) {
					t.Errorf("not an InvalidKeyError: %T", err)
				}
			}
			if !reflect.DeepEqual(km, KeyMap{}) {
				t.Error("a rejected override must not return a usable keymap")
			}
		})
	}
}

// Every problem is reported, in a stable order.
func TestApplyReportsAllProblems(t *testing.T) {
	_, err := Apply(map[string][]string{"zzz.x": {"a"}, "aaa.y": {"b"}, "table.open": {"bogus"}})
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if !strings.Contains(errs[0].Error(), "aaa.y") || !strings.Contains(errs[2].Error(), "zzz.x") {
		t.Fatalf("not in name order: %v", err)
	}
}

// The same key in different screens is fine: '/' filters the table and
// searches the inspector; 'y' copies in the inspector and confirms a
// dialog; space marks a list's row and, in the comparison (a table
// overlay, without the list context), a row for promotion.
func TestSameKeyInSeparateScreens(t *testing.T) {
	km := Default()
	if !key.Matches(press(tea.Key{Code: '/', Text: "/"}), km.Table.Filter, km.Inspector.Search) {
		t.Fatal("'/' should be both filter and search")
	}
	if !key.Matches(press(tea.Key{Code: tea.KeySpace, Text: " "}), km.List.Mark) || !key.Matches(press(tea.Key{Code: tea.KeySpace, Text: " "}), km.Compare.Mark) {
		t.Fatal("space should mark in a list and in the comparison")
	}
	if err := km.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestNormalizeKey(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"q", "q", ""},
		{"Q", "Q", ""},
		{"CTRL+R", "ctrl+r", ""},
		{"shift+ctrl+Up", "ctrl+shift+up", ""},
		{"+", "+", ""},
		{"ctrl++", "ctrl++", ""},
		{" ", "space", ""},
		{"Return", "enter", ""},
		{"PageUp", "pgup", ""},
		{"f12", "f12", ""},
		{"f64", "", "not a key name"},
		{"f01", "", "not a key name"},
		{"ctrl+", "", "no key after"},
		{"ctrl+ctrl+a", "", "repeats"},
		{"\x01", "", "not a printable"},
		{"", "", "empty"},
		{"é", "é", ""},
		{"\xff", "", "UTF-8"},
	}
	for _, tt := range tests {
		got, err := NormalizeKey(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("NormalizeKey(%q) = %q, %v; want error with %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeKey(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestHelpIsGeneratedFromTheKeymap(t *testing.T) {
	km, err := Apply(map[string][]string{"table.filter": {"f"}})
	if err != nil {
		t.Fatal(err)
	}
	h := km.HelpFor(Table, Global)
	var short []string
	for _, b := range h.ShortHelp() {
		short = append(short, b.Help().Key+" "+b.Help().Desc)
	}
	joined := strings.Join(short, ", ")
	for _, w := range []string{"f filter", "enter open", "i inspect", ": command palette", "? help", "q quit"} {
		if !strings.Contains(joined, w) {
			t.Errorf("short help %q lacks %q", joined, w)
		}
	}
	var full []string
	for _, col := range h.FullHelp() {
		for _, b := range col {
			full = append(full, b.Help().Desc)
		}
	}
	for _, w := range []string{"delete", "reverse sort order", "switch account", "error log", "quit from anywhere"} {
		if !strings.Contains(strings.Join(full, "|"), w) {
			t.Errorf("full help lacks %q", w)
		}
	}
	if strings.Contains(strings.Join(full, "|"), "copy JSON") {
		t.Error("table help shows an inspector key")
	}
	// A disabled binding is left out of help.
	km.Table.Delete.SetEnabled(false)
	for _, col := range km.FullHelp(Table) {
		for _, b := range col {
			if b.Help().Desc == "delete" {
				t.Error("disabled binding still in help")
			}
		}
	}
	if got := helpKey([]string{"up", "k", "pgdown"}); got != "↑/k/pgdn" {
		t.Errorf("helpKey = %q", got)
	}
}
