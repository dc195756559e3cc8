package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Key names a draft: what was being edited, where. A draft belongs to one
// API (BaseURL: the v1 base the client talks to, so two sandboxes, or a
// sandbox and production, never share one), one account of it, one
// profile, and on a shared host one SSH key (Owner, its fingerprint; ""
// locally). ID is "" for a create; Parent holds the parent references
// (app=4821) of kinds that live under another, so creates under two apps
// keep separate drafts.
type Key struct {
	Owner   string            `json:"owner,omitempty"`
	Profile string            `json:"profile"`
	BaseURL string            `json:"base_url"`
	Account int64             `json:"account"`
	Kind    string            `json:"kind"`
	Parent  map[string]string `json:"parent,omitempty"`
	ID      string            `json:"id"`
}

// canonical is the key as stable text: map entries sorted.
func (k Key) canonical() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %q %q %d %q %q", k.Owner, k.Profile, k.BaseURL, k.Account, k.Kind, k.ID)
	names := make([]string, 0, len(k.Parent))
	for n := range k.Parent {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, " %q=%q", n, k.Parent[n])
	}
	return b.String()
}

func (k Key) equal(o Key) bool {
	return k.canonical() == o.canonical()
}

// file is the draft's file name: a hash of the key.
func (k Key) file() string {
	sum := sha256.Sum256([]byte(k.canonical()))
	return hex.EncodeToString(sum[:16]) + ".json"
}

// Draft is one saved draft: the text, and the server's version of the
// entity it was started from (nil for a create), so that a draft whose
// entity changed since is shown as such instead of being loaded over the
// newer version. Base and Text are kept without secrets (see Scrub).
type Draft struct {
	Key     Key       `json:"key"`
	SavedAt time.Time `json:"saved_at"`
	Text    string    `json:"text"`
	// BaseVersion is Version(Base) of the server's document as it was
	// read: its last_modified_on, else a hash of its content.
	BaseVersion string          `json:"base_version,omitempty"`
	Base        json.RawMessage `json:"base,omitempty"`
}

// scrubbed is the draft without secrets. Text that is JSON loses the
// secrets Scrub finds, and also the values of the settings its base marks
// confidential; it is then re-indented. Text that does not parse is kept
// as typed: nothing the API returned can be told apart in it.
func (dr Draft) scrubbed() Draft {
	conf := ConfidentialSettings(dr.Base)
	if b, ok := ScrubSettings(dr.Base, nil, false); ok {
		dr.Base = b
	}
	if t, ok := ScrubSettings([]byte(dr.Text), conf, false); ok {
		var buf bytes.Buffer
		if json.Indent(&buf, t, "", "  ") == nil {
			buf.WriteByte('\n')
			t = buf.Bytes()
		}
		dr.Text = string(t)
	}
	return dr
}

// draftsSubdir is where drafts live under the state directory.
const draftsSubdir = "drafts"

// staleTemp is the age after which List removes a leftover temporary file.
const staleTemp = time.Hour

// Drafts stores drafts in Dir/drafts. The zero Now is time.Now.
type Drafts struct {
	Dir string
	Now func() time.Time
}

func (d Drafts) dir() string { return filepath.Join(d.Dir, draftsSubdir) }

func (d Drafts) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Save writes the draft for dr.Key atomically: a reader sees the previous
// draft or this one, never a mix. The file is 0600. SavedAt is set to now;
// BaseVersion, when empty, to Version(Base); secrets are left out (see
// Draft.scrubbed).
func (d Drafts) Save(dr Draft) error {
	key := dr.Key
	if d.Dir == "" {
		return errors.New("save draft: no state directory")
	}
	dir := d.dir()
	if err := ensureDir(dir); err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	if dr.BaseVersion == "" {
		dr.BaseVersion = Version(dr.Base)
	}
	dr = dr.scrubbed()
	dr.SavedAt = d.now().UTC()
	data, err := json.Marshal(dr)
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	if err := writeAtomic(dir, key.file(), data); err != nil {
		return fmt.Errorf("save draft of %s %s: %w", key.Kind, describeID(key.ID), err)
	}
	return nil
}

func describeID(id string) string {
	if id == "" {
		return "(new)"
	}
	return id
}

// writeAtomic writes data to dir/name through a temporary file and a
// rename.
func writeAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable where the platform allows it; failure
// only weakens durability after a power cut, so it is not reported.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// Load reads the draft for key. ok is false when there is none. A file that
// cannot be read as a draft of this key is an error (and ok is false).
func (d Drafts) Load(key Key) (dr Draft, ok bool, err error) {
	if d.Dir == "" {
		return Draft{}, false, nil
	}
	data, err := os.ReadFile(filepath.Join(d.dir(), key.file()))
	if err != nil {
		if isNotExist(err) {
			return Draft{}, false, nil
		}
		return Draft{}, false, fmt.Errorf("load draft: %w", err)
	}
	if err := json.Unmarshal(data, &dr); err != nil {
		return Draft{}, false, fmt.Errorf("load draft of %s %s: the file is damaged (%v)", key.Kind, describeID(key.ID), err)
	}
	if !dr.Key.equal(key) {
		return Draft{}, false, fmt.Errorf("load draft of %s %s: the file holds another draft", key.Kind, describeID(key.ID))
	}
	return dr, true, nil
}

// Stale reports whether the server's current version of the entity (cur)
// is not the one the draft was started from. A create's draft is never
// stale. Besides the version, the content is compared (without secrets,
// as Base is kept), so an entity changed within one last_modified_on tick
// is not missed.
func (dr Draft) Stale(cur []byte) bool {
	if len(dr.Base) == 0 && dr.BaseVersion == "" {
		return false
	}
	if dr.BaseVersion != Version(cur) {
		return true
	}
	if len(dr.Base) == 0 {
		return false
	}
	scrubbed, _ := ScrubSettings(cur, nil, false)
	a, ok1 := decode(scrubbed)
	b, ok2 := decode(dr.Base)
	if !ok1 || !ok2 {
		return !bytes.Equal(bytes.TrimSpace(scrubbed), bytes.TrimSpace(dr.Base))
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return !bytes.Equal(ja, jb)
}

// Delete removes the draft for key; a missing draft is not an error.
func (d Drafts) Delete(key Key) error {
	if d.Dir == "" {
		return nil
	}
	if err := os.Remove(filepath.Join(d.dir(), key.file())); err != nil && !isNotExist(err) {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}

// List returns every readable draft, newest first (to offer them, or to
// say how many there are). Damaged files are skipped; leftovers of a save
// interrupted more than an hour ago are removed.
func (d Drafts) List() ([]Draft, error) {
	if d.Dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(d.dir())
	if err != nil {
		if isNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	var out []Draft
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			// A save interrupted by a crash; an hour old, it is nobody's.
			if fi, err := e.Info(); err == nil && d.now().Sub(fi.ModTime()) > staleTemp {
				os.Remove(filepath.Join(d.dir(), e.Name()))
			}
			continue
		}
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(d.dir(), e.Name()))
		if err != nil {
			continue
		}
		var dr Draft
		if json.Unmarshal(data, &dr) != nil || dr.Key.file() != e.Name() {
			continue
		}
		out = append(out, dr)
	}
	slices.SortStableFunc(out, func(a, b Draft) int { return b.SavedAt.Compare(a.SavedAt) })
	return out, nil
}
