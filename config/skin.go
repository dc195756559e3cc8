package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/mpconsole/mpconsole/theme"
)

// Skins: a skin file overrides the theme's colours. skin.toml beside the
// profiles file is every profile's skin; a profile's skin = "NAME" takes
// skins/NAME.toml beside it instead. A skin file is flat:
//
//	accent   = "#ff8800"
//	json_key = "cyan"
//
// (theme.SkinKeys lists the keys.) An entry that cannot be used is an
// error of `mpconsole config check`, and is left out with a warning when
// the console starts: a bad colour never keeps the console from starting.

var skinName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.-]+$`) })

// SkinPath is the skin file of a profile ("" for the default skin): the
// profile's skins/NAME.toml, else skin.toml beside the profiles file.
func (f *File) SkinPath(profile string) string {
	if f == nil || f.Path == "" {
		return ""
	}
	dir := filepath.Dir(f.Path)
	if p, ok := f.Profiles[profile]; ok && p.Skin != "" {
		return filepath.Join(dir, "skins", p.Skin+".toml")
	}
	return filepath.Join(dir, "skin.toml")
}

// LoadSkin reads the skin file at path. A missing default skin (skin.toml)
// is no skin; a missing named skin is an error. The skin holds every entry
// that can be used; errs lists the others, each with file, line and key.
func LoadSkin(path string, named bool) (theme.Skin, Errors) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !named {
		return nil, nil
	}
	if err != nil {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("reading the skin: %v", err)}}
	}
	var raw map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, Errors{{File: path, Line: pe.Position.Line, Msg: pe.Message}}
		}
		return nil, Errors{{File: path, Msg: err.Error()}}
	}
	lines := newLineIndex(data)
	var errs Errors
	entries := map[string]string{}
	for k, v := range raw {
		s, ok := v.(string)
		if !ok {
			errs = append(errs, &FieldError{File: path, Line: lines.find(toml.Key{k}), Field: k,
				Msg: fmt.Sprintf("want a colour as a string (\"#rrggbb\", \"160\", \"red\"), got %T", v)})
			continue
		}
		entries[k] = s
	}
	skin, bad := theme.ParseSkin(entries)
	for _, e := range bad {
		errs = append(errs, &FieldError{File: path, Line: lines.find(toml.Key{e.Key}), Field: e.Key, Msg: e.Msg})
	}
	sortErrors(errs)
	return skin, errs
}

// Skins loads the skin of every profile of the file ("" is the default
// skin, for profiles the file does not define). errs lists every entry
// that was left out, once per file.
func (f *File) Skins() (map[string]theme.Skin, Errors) {
	out := map[string]theme.Skin{}
	seen := map[string]bool{}
	var errs Errors
	load := func(name, path string, named bool) {
		skin, es := LoadSkin(path, named)
		out[name] = skin
		if !seen[path] {
			seen[path] = true
			errs = append(errs, es...)
		}
	}
	load("", f.SkinPath(""), false)
	for _, name := range f.ProfileNames() {
		load(name, f.SkinPath(name), f.Profiles[name].Skin != "")
	}
	return out, errs
}
