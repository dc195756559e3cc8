package keymap

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// Help is the help of one or more contexts. It implements the bubbles
// help.KeyMap interface, so a component can return it directly.
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp is the one-line help.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp is the help in columns.
func (h Help) FullHelp() [][]key.Binding { return h.Full }

// ShortHelp returns the one-line help of the given contexts, in order.
func (km KeyMap) ShortHelp(ctxs ...Context) []key.Binding {
	var out []key.Binding
	for _, c := range ctxs {
		for _, a := range registry() {
			if a.ctx == c && a.short {
				if b := *a.bindings(&km); b.Enabled() {
					out = append(out, b)
				}
			}
		}
	}
	return out
}

// FullHelp returns the full help of the given contexts: each context's
// columns, in order.
func (km KeyMap) FullHelp(ctxs ...Context) [][]key.Binding {
	var out [][]key.Binding
	for _, c := range ctxs {
		var cols [][]key.Binding
		for _, a := range registry() {
			if a.ctx != c {
				continue
			}
			b := *a.bindings(&km)
			if !b.Enabled() {
				continue
			}
			for len(cols) <= a.column {
				cols = append(cols, nil)
			}
			cols[a.column] = append(cols[a.column], b)
		}
		for _, col := range cols {
			if len(col) > 0 {
				out = append(out, col)
			}
		}
	}
	return out
}

// HelpFor returns the help of the given contexts as a help.KeyMap.
func (km KeyMap) HelpFor(ctxs ...Context) Help {
	return Help{Short: km.ShortHelp(ctxs...), Full: km.FullHelp(ctxs...)}
}

var keyGlyphs = map[string]string{
	"up":     "↑",
	"down":   "↓",
	"left":   "←",
	"right":  "→",
	"pgdown": "pgdn",
}

// helpKey renders keys for help: "up","k" → "↑/k".
func helpKey(keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		if g, ok := keyGlyphs[k]; ok {
			k = g
		}
		parts[i] = k
	}
	return strings.Join(parts, "/")
}
