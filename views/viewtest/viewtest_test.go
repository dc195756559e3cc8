package viewtest

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/keymap"
)

// Every default key of the keymap can be pressed, and reports itself as the
// key the binding holds (Press panics otherwise).
func TestPressEveryDefaultKey(t *testing.T) {
	for _, a := range keymap.Default().Actions() {
		for _, k := range a.Keys {
			if got := Press(k).String(); got != k {
				t.Errorf("%s: %q reports %q", a.Name, k, got)
			}
		}
	}
	for _, k := range []string{"+", "ctrl++", "alt+x", "ctrl+shift+up", "f5", "space"} {
		if got := Press(k).String(); got != k {
			t.Errorf("%q reports %q", k, got)
		}
	}
}

func TestRunExpandsBatchesAndSequences(t *testing.T) {
	a := func() tea.Msg { return "a" }
	b := func() tea.Msg { return "b" }
	got := Run(tea.Batch(a, nil, tea.Sequence(b, a)))
	if len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "a" {
		t.Fatalf("Run = %v", got)
	}
	if Run(nil) != nil {
		t.Fatal("nil")
	}
	if len(Type("a B")) != 3 {
		t.Fatal("Type")
	}
}
