package promote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mpconsole/mpconsole/api"
)

// The directory form of a snapshot:
//
//	snapshot.json                                   {"format": 1, "kinds": [...]}
//	apps/Acme Shop.json                             the app
//	apps/Acme Shop/platforms/iOS.json               its platforms
//	apps/Acme Shop/platforms/iOS/serviceconfigs/Mixpanel~Default Account.json
//	apps/Acme Shop/datapoints/Event~App Open~~other.json
//	apps/Acme Shop/servicefiltering/Mixpanel.json
//	apps/Acme Shop/filters/Mixpanel/Event~App Open~~other.json
//	workspaces/Staging.json, workspaces/Staging/feeds/radar.json, …
//	workspaces/Staging/plans/checkout_plan/versions/3.json  a data plan's version
//	audiences/QA Testers.json, users/qa@acme.example.json
//
// An entity's file is named by its own key parts (after its parent's),
// escaped and joined by "~"; its children live in the directory of the
// same name. A filter's service name is a directory of its own. Files hold
// the normalized body, indented, keys sorted, with a final newline.

// ManifestFile names the snapshot's kinds at the top of an export.
const ManifestFile = "snapshot.json"

const formatVersion = 1

type manifest struct {
	Format int      `json:"format"`
	Kinds  []string `json:"kinds"`
}

// fileName is the escaped name of key parts: every byte outside a safe
// set becomes %XX ('%', '~', '/', '\', ':', control bytes, …), and so does
// a leading '.' or space and a trailing space or '.', so that no name is
// hidden, "." or "..", or trimmed by a file system.
func fileName(parts []string) string {
	esc := make([]string, len(parts))
	for i, p := range parts {
		esc[i] = escape(p)
	}
	return strings.Join(esc, "~")
}

func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		safe := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c >= 0x80 || strings.IndexByte(" !#$&'()+,-.;=@[]^_`{}", c) >= 0
		if (c == '.' || c == ' ') && (i == 0 || i == len(s)-1) {
			safe = false
		}
		if safe {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("%q: a truncated %%-escape", s)
		}
		var c byte
		if _, err := fmt.Sscanf(s[i+1:i+3], "%02X", &c); err != nil {
			return "", fmt.Errorf("%q: a malformed %%-escape", s)
		}
		b.WriteByte(c)
		i += 2
	}
	return b.String(), nil
}

// entryPath is an entry's file, relative to the export directory.
func entryPath(e *Entry) string {
	var chain []string // kinds from the top down to e's
	for k := e.Kind; k != ""; {
		chain = append([]string{k}, chain...)
		sp, _, _ := specOf(k)
		k = sp.parent
	}
	var dirs []string
	used := 0
	for i, k := range chain {
		n := len(e.Key) // own parts of the last kind
		if i < len(chain)-1 {
			n = parentKeyLen(chain[i+1])
		}
		own := e.Key[used:n]
		used = n
		if i < len(chain)-1 {
			dirs = append(dirs, k, fileName(own))
			continue
		}
		sp, _, _ := specOf(k)
		if sp.byService && k == "filters" {
			dirs = append(dirs, k, escape(own[0]))
			own = own[1:]
		} else {
			dirs = append(dirs, k)
		}
		return filepath.Join(append(dirs, fileName(own)+".json")...)
	}
	return ""
}

// Export writes the snapshot to dir: the manifest and one file per entity.
// dir may not exist, be empty, or hold an earlier export, whose kind
// directories are replaced; any other content is refused. Two entities
// whose file names differ only in case are refused too (they would be one
// file on a case-insensitive file system).
func Export(s *Snapshot, dir string) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
			return fmt.Errorf("%s is not empty and holds no %s: not overwriting it", dir, ManifestFile)
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export: %w", err)
	}
	files := map[string]*Entry{}
	folded := map[string]string{}
	for _, e := range s.Entries() {
		p := entryPath(e)
		low := strings.ToLower(p)
		if prev, dup := folded[low]; dup {
			return fmt.Errorf("export: %s and %s would share a file on a case-insensitive file system", prev, p)
		}
		folded[low] = p
		files[p] = e
	}
	for _, sp := range tree {
		if sp.parent == "" {
			if err := os.RemoveAll(filepath.Join(dir, sp.name)); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for p, e := range files {
		body, err := pretty(e.Body)
		if err != nil {
			return fmt.Errorf("export %s: %w", e.Label(), err)
		}
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.WriteFile(full, body, 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	m, _ := json.MarshalIndent(manifest{Format: formatVersion, Kinds: s.Kinds}, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(m, '\n'), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// pretty indents a normalized body (keys sorted) with a final newline.
func pretty(body []byte) ([]byte, error) {
	v, err := decode(body)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Import reads a snapshot written by Export. An entity's key comes from
// its body's natural key fields under its parent's (a filter's service
// from its directory), so a file renamed by hand still reads as the entity
// it holds; a file that is not a JSON object, a key given twice or an
// unknown kind directory is an error naming the file.
func Import(dir string) (*Snapshot, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("import: %s: %w", ManifestFile, err)
	}
	if m.Format != formatVersion {
		return nil, fmt.Errorf("import: %s: format %d, this version reads %d", ManifestFile, m.Format, formatVersion)
	}
	s, err := NewSnapshot(m.Kinds)
	if err != nil {
		return nil, fmt.Errorf("import: %s: %w", ManifestFile, err)
	}
	if !slices.Equal(s.Kinds, m.Kinds) {
		return nil, fmt.Errorf("import: %s: kinds %v lack the parents they need", ManifestFile, m.Kinds)
	}
	r := reader{s: s}
	if err := r.level(dir, "", nil); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return s, nil
}

type reader struct{ s *Snapshot }

// level reads the kind directories in dir, whose entities are children of
// the entity of kind parent and key prefix ("" at the top).
func (r *reader) level(dir, parent string, prefix []string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, de := range ents {
		if !de.IsDir() {
			if parent == "" && de.Name() == ManifestFile {
				continue
			}
			return fmt.Errorf("%s: not an entity directory", filepath.Join(dir, de.Name()))
		}
		sp, _, ok := specOf(de.Name())
		if !ok || sp.parent != parent || !r.s.has(sp.name) {
			return fmt.Errorf("%s: not a kind of this snapshot here", filepath.Join(dir, de.Name()))
		}
		kdir := filepath.Join(dir, de.Name())
		if sp.name == "filters" {
			svcs, err := os.ReadDir(kdir)
			if err != nil {
				return err
			}
			for _, sv := range svcs {
				svc, err := unescape(sv.Name())
				if err != nil || !sv.IsDir() {
					return fmt.Errorf("%s: not a service directory", filepath.Join(kdir, sv.Name()))
				}
				if err := r.files(filepath.Join(kdir, sv.Name()), sp, append(slices.Clone(prefix), svc)); err != nil {
					return err
				}
			}
			continue
		}
		if err := r.files(kdir, sp, prefix); err != nil {
			return err
		}
	}
	return nil
}

// files reads the entity files of one kind directory and, for each, the
// directory of its children.
func (r *reader) files(dir string, sp kindSpec, prefix []string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, de := range ents {
		name := de.Name()
		if de.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, name+".json")); err != nil {
				return fmt.Errorf("%s: a directory without its entity file %s.json", filepath.Join(dir, name), name)
			}
			continue
		}
		base, ok := strings.CutSuffix(name, ".json")
		if !ok {
			return fmt.Errorf("%s: not a .json file", filepath.Join(dir, name))
		}
		path := filepath.Join(dir, name)
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		body, err := canonical(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		d, _ := api.Lookup(sp.name)
		own := d.NaturalKeyOf(body)
		key := append(slices.Clone(prefix), own...)
		if sp.name == "servicefiltering" {
			key = append(slices.Clone(prefix), own[0])
		}
		if err := r.s.Add(&Entry{Kind: sp.name, Key: key, Body: body}); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := r.level(filepath.Join(dir, base), sp.name, key); err != nil {
			return err
		}
	}
	return nil
}
