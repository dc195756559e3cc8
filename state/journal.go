package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Op is what a journalled write did.
type Op string

// The operations.
const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
	OpAction Op = "action" // a kind's own write (activate a calculated attribute)
)

func (o Op) valid() bool {
	switch o {
	case OpCreate, OpUpdate, OpDelete, OpAction:
		return true
	}
	return false
}

// Entry is one successful write. Before is the entity as it was (nil for a
// create), After as the server returned it (nil for a delete). Parent holds
// the parent references the entity lives under (app=4821), which a revert
// needs to find it again. Like a draft, an entry belongs to one API
// (BaseURL), one account and, on a shared host, one SSH key (Owner);
// Version is Version(Before), the version of the entity the write was
// made over. Neither Before nor After holds a secret: Append scrubs them
// (see Scrub), and so does Read, for files written before it did.
type Entry struct {
	Time    time.Time         `json:"time"`
	Owner   string            `json:"owner,omitempty"`
	Profile string            `json:"profile"`
	BaseURL string            `json:"base_url,omitempty"`
	Account int64             `json:"account"`
	Version string            `json:"version,omitempty"`
	Kind    string            `json:"kind"`
	Parent  map[string]string `json:"parent,omitempty"`
	ID      string            `json:"id"`
	Name    string            `json:"name,omitempty"`
	Op      Op                `json:"op"`
	Action  string            `json:"action,omitempty"` // the action's name when Op is "action"
	Before  json.RawMessage   `json:"before,omitempty"`
	After   json.RawMessage   `json:"after,omitempty"`
}

// JournalFile is the journal's name in the state directory.
const JournalFile = "journal.jsonl"

// Journal is the append-only log of writes. Use one *Journal per file in a
// process (it orders its appenders); several processes may append to the
// same file.
type Journal struct {
	Path string
	Now  func() time.Time // default time.Now: stamps entries without a time

	mu sync.Mutex
}

// NewJournal returns the journal in a state directory.
func NewJournal(dir string) *Journal {
	return &Journal{Path: filepath.Join(dir, JournalFile)}
}

// Append adds an entry as one line. An entry without a time gets the
// current one.
func (j *Journal) Append(e Entry) error {
	if !e.Op.valid() {
		return fmt.Errorf("journal: unknown operation %q", e.Op)
	}
	if e.Kind == "" {
		return errors.New("journal: an entry needs its kind")
	}
	e = e.scrubbed()
	if e.Version == "" && len(e.Before) > 0 {
		e.Version = Version(e.Before)
	}
	if e.Time.IsZero() {
		if j.Now != nil {
			e.Time = j.Now()
		} else {
			e.Time = time.Now()
		}
	}
	line, err := json.Marshal(e) // compact: raw messages too, so one line
	if err != nil {
		return fmt.Errorf("journal: %s %s %s: %w", e.Op, e.Kind, e.ID, err)
	}
	line = append(line, '\n')

	j.mu.Lock()
	defer j.mu.Unlock()
	if err := ensureDir(filepath.Dir(j.Path)); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(j.Path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	if err := ensurePrivateFile(f); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	// End a torn last line first, so that it does not swallow this entry.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// scrubbed is the entry without secrets.
func (e Entry) scrubbed() Entry {
	if b, ok := Scrub(e.Before); ok {
		e.Before = b
	}
	if b, ok := Scrub(e.After); ok {
		e.After = b
	}
	return e
}

// Scope is the part of the journal a session may see: the writes made on
// its API (BaseURL) in its account, by its SSH key (Owner, "" locally),
// as one of the profiles it may use (Profiles; nil allows every profile).
type Scope struct {
	Owner    string
	BaseURL  string
	Account  int64
	Profiles []string
}

// Allows reports whether e is in the scope. An entry without a base URL
// was written before entries had one: which API it belongs to is unknown,
// so it is in no scope.
func (s Scope) Allows(e Entry) bool {
	if e.BaseURL == "" || e.BaseURL != s.BaseURL || e.Account != s.Account || e.Owner != s.Owner {
		return false
	}
	return s.Profiles == nil || slices.Contains(s.Profiles, e.Profile)
}

// ListIn returns the entries in scope s, newest first.
func (j *Journal) ListIn(s Scope) ([]Entry, error) {
	all, err := j.List()
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if s.Allows(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// List returns the entries, newest first. Lines that are not whole entries
// (a write torn by a crash, a damaged file) are skipped.
func (j *Journal) List() ([]Entry, error) {
	entries, _, err := j.Read()
	return entries, err
}

// Read is List, also counting the lines it skipped.
func (j *Journal) Read() (entries []Entry, skipped int, err error) {
	f, err := os.Open(j.Path)
	if err != nil {
		if isNotExist(err) {
			return nil, 0, nil
		}
		return nil, 0, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, 0, fmt.Errorf("journal: %w", err)
	}
	entries, skipped = parseJournal(data)
	return entries, skipped, nil
}

// parseJournal reads journal lines, newest (last) first.
func parseJournal(data []byte) (entries []Entry, skipped int) {
	for len(data) > 0 {
		line := data
		if i := bytes.LastIndexByte(data[:len(data)-1], '\n'); i >= 0 {
			line, data = data[i+1:], data[:i+1]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		e, ok := parseEntry(line)
		if !ok {
			skipped++
			continue
		}
		entries = append(entries, e)
	}
	return entries, skipped
}

func parseEntry(line []byte) (Entry, bool) {
	var e Entry
	if json.Unmarshal(line, &e) != nil || !e.Op.valid() || e.Kind == "" || e.Time.IsZero() {
		return Entry{}, false
	}
	return e.scrubbed(), true
}
