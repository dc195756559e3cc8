package keymap

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors is every problem Apply or Validate found, in a stable order. It
// unwraps to the individual *UnknownActionError, *InvalidKeyError and
// *ConflictError values, so a caller (the config loader) can map each one
// back to a line of the file.
type Errors []error

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, err := range e {
		parts[i] = err.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes the individual problems to errors.Is and errors.As.
func (e Errors) Unwrap() []error { return e }

// UnknownActionError is an override for an action that does not exist.
type UnknownActionError struct {
	Action string
	Known  []string // the actions of the same context, or the contexts
}

func (e *UnknownActionError) Error() string {
	return fmt.Sprintf("keys: unknown action %q (known: %s)", e.Action, strings.Join(e.Known, ", "))
}

// InvalidKeyError is a key that cannot be bound to an action.
type InvalidKeyError struct {
	Action string
	Key    string
	Reason string
}

func (e *InvalidKeyError) Error() string {
	if e.Key == "" && e.Reason != "" {
		return fmt.Sprintf("keys: %q: %s", e.Action, e.Reason)
	}
	return fmt.Sprintf("keys: %q: key %q %s", e.Action, e.Key, e.Reason)
}

// ConflictError is one key bound to two actions that are active together.
type ConflictError struct {
	Key     string
	Actions [2]string
	Where   string // the screen where both are active, e.g. "the table"
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("keys: key %q is bound to both %q and %q (both active in %s)", e.Key, e.Actions[0], e.Actions[1], e.Where)
}

// Apply returns the default keymap with overrides applied. overrides maps an
// action name ("table.filter") to its new keys, which replace the defaults.
// Unknown actions, malformed keys, and keys bound twice where both actions
// are active are all reported, each naming the action(s) and the key.
func Apply(overrides map[string][]string) (KeyMap, error) {
	km := Default()
	reg := registry()
	byName := make(map[string]action, len(reg))
	for _, a := range reg {
		byName[a.name] = a
	}
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)

	var errs Errors
	for _, name := range names {
		a, ok := byName[name]
		if !ok {
			errs = append(errs, &UnknownActionError{Action: name, Known: knownFor(reg, name)})
			continue
		}
		keys := overrides[name]
		if len(keys) == 0 {
			errs = append(errs, &InvalidKeyError{Action: name, Reason: "no keys given; every action needs at least one key"})
			continue
		}
		norm := make([]string, 0, len(keys))
		bad := false
		for _, k := range keys {
			n, err := NormalizeKey(k)
			if err != nil {
				errs = append(errs, &InvalidKeyError{Action: name, Key: k, Reason: err.Error()})
				bad = true
				continue
			}
			if slices.Contains(norm, n) {
				continue
			}
			norm = append(norm, n)
		}
		if bad {
			continue
		}
		*a.bindings(&km) = newBinding(norm, a.desc)
	}
	if len(errs) > 0 {
		return KeyMap{}, errs
	}
	if err := km.Validate(); err != nil {
		return KeyMap{}, err
	}
	return km, nil
}

// knownFor lists the actions of the context named by name's prefix, or the
// contexts when the prefix is not one.
func knownFor(reg []action, name string) []string {
	ctx, _, _ := strings.Cut(name, ".")
	var out []string
	for _, a := range reg {
		if string(a.ctx) == ctx {
			out = append(out, a.name)
		}
	}
	if len(out) > 0 {
		return out
	}
	seen := map[Context]bool{}
	for _, a := range reg {
		if !seen[a.ctx] {
			seen[a.ctx] = true
			out = append(out, string(a.ctx)+".*")
		}
	}
	return out
}

// screen is a set of contexts active at the same time.
type screen struct {
	where    string
	contexts []Context
	// interruptOnly: of the global context, only global.interrupt is active.
	interruptOnly bool
}

func screens() []screen {
	return []screen{
		{"the table", []Context{Global, Nav, Table, List}, false},
		{"the inspector", []Context{Global, Nav, Inspector}, false},
		{"the error log", []Context{Global, Nav, ErrorLog}, false},
		{"the filter prompt", []Context{Global, Filter}, true},
		{"the command palette", []Context{Global, Palette}, true},
		{"a dialog", []Context{Global, Dialog}, true},
		{"the editor", []Context{Global, Editor}, true},
		{"the comparison of two accounts", []Context{Global, Nav, Table, Compare}, false},
		{"the tree", []Context{Global, Nav, Tree, List}, false},
	}
}

// typedContexts take typed text: a printable key cannot be bound there.
var typedContexts = []Context{Filter, Palette}

// Validate reports keys bound to two actions that are active together, and
// printable keys bound in a context that takes typed text.
func (km KeyMap) Validate() error {
	reg := registry()
	var errs Errors
	seen := map[[3]string]bool{}
	for _, s := range screens() {
		owner := map[string]string{}
		for _, a := range reg {
			if !slices.Contains(s.contexts, a.ctx) {
				continue
			}
			if a.ctx == Global && s.interruptOnly && a.name != "global.interrupt" {
				continue
			}
			for _, k := range a.bindings(&km).Keys() {
				prev, ok := owner[k]
				if !ok {
					owner[k] = a.name
					continue
				}
				if prev == a.name {
					continue
				}
				id := [3]string{k, prev, a.name}
				if seen[id] {
					continue
				}
				seen[id] = true
				errs = append(errs, &ConflictError{Key: k, Actions: [2]string{prev, a.name}, Where: s.where})
			}
		}
	}
	for _, a := range reg {
		if !slices.Contains(typedContexts, a.ctx) {
			continue
		}
		for _, k := range a.bindings(&km).Keys() {
			if isPrintable(k) {
				errs = append(errs, &InvalidKeyError{Action: a.name, Key: k,
					Reason: fmt.Sprintf("is a printable character; %s takes typed text, so it could never be typed", a.ctx)})
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// isPrintable reports whether k is a key that types a character.
func isPrintable(k string) bool {
	if k == "space" {
		return true
	}
	r, size := utf8.DecodeRuneInString(k)
	return size == len(k) && unicode.IsPrint(r)
}

var modifierOrder = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

var keyAliases = map[string]string{
	"escape":   "esc",
	"return":   "enter",
	"pgdn":     "pgdown",
	"pagedown": "pgdown",
	"pageup":   "pgup",
	"del":      "delete",
	"ins":      "insert",
	"spacebar": "space",
	" ":        "space",
}

var namedKeys = map[string]bool{
	"enter": true, "tab": true, "backspace": true, "esc": true, "space": true,
	"up": true, "down": true, "left": true, "right": true, "begin": true,
	"find": true, "insert": true, "delete": true, "select": true,
	"pgup": true, "pgdown": true, "home": true, "end": true,
}

// NormalizeKey checks a key as a user writes it ("Ctrl+R", "pgdn", "G") and
// returns the form Bubble Tea reports for it ("ctrl+r", "pgdown", "G").
// Modifiers are put in Bubble Tea's order (ctrl, alt, shift, meta, hyper,
// super); a single character keeps its case.
func NormalizeKey(k string) (string, error) {
	if k == "" {
		return "", fmt.Errorf("is empty")
	}
	if !utf8.ValidString(k) {
		return "", fmt.Errorf("is not valid UTF-8")
	}
	if a, ok := keyAliases[strings.ToLower(k)]; ok && k != "+" {
		return a, nil
	}
	var parts []string
	switch {
	case k == "+":
		parts = []string{"+"}
	case strings.HasSuffix(k, "++"):
		parts = append(strings.Split(strings.TrimSuffix(k, "++"), "+"), "+")
	default:
		parts = strings.Split(k, "+")
	}
	base := parts[len(parts)-1]
	mods := parts[:len(parts)-1]
	have := map[string]bool{}
	for _, m := range mods {
		lm := strings.ToLower(m)
		if !slices.Contains(modifierOrder, lm) {
			return "", fmt.Errorf("has an unknown modifier %q (use ctrl, alt, shift, meta, hyper or super)", m)
		}
		if have[lm] {
			return "", fmt.Errorf("repeats the modifier %q", m)
		}
		have[lm] = true
	}
	if base == "" {
		return "", fmt.Errorf("has no key after its modifiers")
	}
	if utf8.RuneCountInString(base) == 1 {
		r, _ := utf8.DecodeRuneInString(base)
		if unicode.IsSpace(r) {
			base = "space"
		} else if !unicode.IsPrint(r) {
			return "", fmt.Errorf("is not a printable character (write control keys as ctrl+x)")
		} else if have["ctrl"] || have["alt"] {
			// Bubble Tea reports ctrl+a and alt+a with the base letter.
			base = strings.ToLower(base)
		} else if have["shift"] {
			// A shifted character arrives as the character it types.
			if len(mods) > 1 || !unicode.IsLetter(r) {
				return "", fmt.Errorf("combines shift with a character; write the character it types instead (e.g. \"A\", \"!\")")
			}
			return strings.ToUpper(base), nil
		}
	} else {
		lb := strings.ToLower(base)
		if a, ok := keyAliases[lb]; ok {
			lb = a
		}
		if !namedKeys[lb] && !isFunctionKey(lb) {
			return "", fmt.Errorf("names no key: %q is not a key name (use e.g. enter, esc, tab, space, up, pgdown, home, f5, or one character)", base)
		}
		base = lb
	}
	var b strings.Builder
	for _, m := range modifierOrder {
		if have[m] {
			b.WriteString(m)
			b.WriteByte('+')
		}
	}
	b.WriteString(base)
	return b.String(), nil
}

func isFunctionKey(s string) bool {
	if !strings.HasPrefix(s, "f") {
		return false
	}
	n, err := strconv.Atoi(s[1:])
	return err == nil && n >= 1 && n <= 63 && strconv.Itoa(n) == s[1:]
}
