package theme

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
)

// Skin is a set of the palette's colours replaced by a skin file, by the
// skin's key ("accent"). A skin's colour is used on dark and light
// backgrounds alike.
type Skin map[string]color.Color

// skinKeys maps each key a skin file may set to the palette colour it
// replaces.
var skinKeys = map[string]func(*palette) *color.Color{
	"foreground":       func(p *palette) *color.Color { return &p.fg },
	"muted":            func(p *palette) *color.Color { return &p.muted },
	"accent":           func(p *palette) *color.Color { return &p.accent },
	"selection_bg":     func(p *palette) *color.Color { return &p.selBg },
	"selection_fg":     func(p *palette) *color.Color { return &p.selFg },
	"error":            func(p *palette) *color.Color { return &p.errc },
	"warning":          func(p *palette) *color.Color { return &p.warn },
	"ok":               func(p *palette) *color.Color { return &p.ok },
	"match_bg":         func(p *palette) *color.Color { return &p.matchBg },
	"current_match_bg": func(p *palette) *color.Color { return &p.curMatchBg },
	"text_on_bright":   func(p *palette) *color.Color { return &p.onBright },
	"text_on_dark":     func(p *palette) *color.Color { return &p.onDark },
	"json_key":         func(p *palette) *color.Color { return &p.jsonKey },
	"json_string":      func(p *palette) *color.Color { return &p.jsonString },
	"json_number":      func(p *palette) *color.Color { return &p.jsonNumber },
	"json_literal":     func(p *palette) *color.Color { return &p.jsonLiteral },
	"button_bg":        func(p *palette) *color.Color { return &p.buttonBg },
}

// SkinKeys lists the keys a skin file may set, sorted.
func SkinKeys() []string {
	keys := make([]string, 0, len(skinKeys))
	for k := range skinKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SkinEntryError is one entry of a skin file that cannot be used: an
// unknown key or a value that is not a colour.
type SkinEntryError struct {
	Key string
	Msg string
}

func (e *SkinEntryError) Error() string { return e.Key + ": " + e.Msg }

// ParseSkin reads a skin file's entries (key → colour as the profiles file
// writes them, see ParseColor). Entries that cannot be used are left out
// and returned as errors, one each, sorted by key; the rest make the skin.
func ParseSkin(entries map[string]string) (Skin, []*SkinEntryError) {
	s := Skin{}
	var errs []*SkinEntryError
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := skinKeys[k]; !ok {
			errs = append(errs, &SkinEntryError{Key: k, Msg: fmt.Sprintf("unknown colour (known: %s)", strings.Join(SkinKeys(), ", "))})
			continue
		}
		c, err := ParseColor(entries[k])
		if err != nil {
			errs = append(errs, &SkinEntryError{Key: k, Msg: err.Error()})
			continue
		}
		s[k] = c
	}
	return s, errs
}

// apply replaces the palette's colours the skin sets.
func (p *palette) apply(s Skin) {
	for k, c := range s {
		if at, ok := skinKeys[k]; ok && c != nil {
			*at(p) = c
		}
	}
}
