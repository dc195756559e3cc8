package state

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func entry(i int) Entry {
	return Entry{
		Time: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), Profile: "prod", Account: 1, Kind: "apps",
		ID: strconv.Itoa(4800 + i), Name: "App " + strconv.Itoa(i), Op: OpUpdate,
		Before: json.RawMessage(fmt.Sprintf("{\n  \"id\": %d,\n  \"name\": \"old\"\n}", 4800+i)),
		After:  json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"new"}`, 4800+i)),
	}
}

func TestJournalAppendList(t *testing.T) {
	j := NewJournal(t.TempDir())
	if l, err := j.List(); l != nil || err != nil {
		t.Fatal("a missing journal is empty")
	}
	for i := range 3 {
		if err := j.Append(entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	plat := Entry{Time: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Kind: "platforms", Parent: map[string]string{"app": "4821"}, ID: "ios", Op: OpCreate,
		After: json.RawMessage(`{"os":"iOS"}`)}
	if err := j.Append(plat); err != nil {
		t.Fatal(err)
	}
	got, err := j.List()
	if err != nil || len(got) != 4 {
		t.Fatalf("%d entries, %v", len(got), err)
	}
	if got[0].Kind != "platforms" || got[0].Parent["app"] != "4821" || got[0].Before != nil || string(got[0].After) != `{"os":"iOS"}` {
		t.Fatalf("newest first: %+v", got[0])
	}
	if got[3].ID != "4800" || string(got[3].Before) != `{"id":4800,"name":"old"}` || !got[3].Time.Equal(entry(0).Time) {
		t.Fatalf("oldest last, raw JSON compacted: %+v", got[3])
	}
	// One line per entry, whatever the JSON looked like.
	data, _ := os.ReadFile(j.Path)
	if n := strings.Count(string(data), "\n"); n != 4 {
		t.Fatalf("%d lines", n)
	}
}

func TestJournalRefusesBadEntries(t *testing.T) {
	j := NewJournal(t.TempDir())
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Kind: "apps", Op: "rename"}, `unknown operation "rename"`},
		{Entry{Op: OpDelete}, "needs its kind"},
		{Entry{Kind: "apps", ID: "1", Op: OpUpdate, Before: json.RawMessage(`{"a":`)}, "journal: update apps 1:"},
	}
	for _, tt := range tests {
		if err := j.Append(tt.e); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.e, err, tt.want)
		}
	}
	if _, err := os.Stat(j.Path); !os.IsNotExist(err) {
		t.Fatal("a refused entry created the journal")
	}
	// An entry without a time gets one.
	t0 := time.Date(2026, 5, 5, 5, 5, 5, 0, time.UTC)
	j.Now = fixedNow(t0)
	if err := j.Append(Entry{Kind: "audiences", ID: "7", Op: OpDelete}); err != nil {
		t.Fatal(err)
	}
	if l, _ := j.List(); len(l) != 1 || !l[0].Time.Equal(t0) {
		t.Fatalf("%+v", l)
	}
}

func TestJournalPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := filepath.Join(t.TempDir(), "state")
	j := NewJournal(dir)
	if err := j.Append(entry(1)); err != nil {
		t.Fatal(err)
	}
	assertPerm(t, dir, 0o700)
	assertPerm(t, j.Path, 0o600)
	// A journal left too open (restored from a backup) is tightened.
	os.Chmod(j.Path, 0o644)
	if err := j.Append(entry(2)); err != nil {
		t.Fatal(err)
	}
	assertPerm(t, j.Path, 0o600)
}

func TestJournalTornLines(t *testing.T) {
	j := NewJournal(t.TempDir())
	for i := range 2 {
		if err := j.Append(entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	// A crash in the middle of a write.
	full, _ := json.Marshal(entry(2))
	f, _ := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0o600)
	f.Write(full[:len(full)/2])
	f.Close()
	got, skipped, err := j.Read()
	if err != nil || len(got) != 2 || skipped != 1 || got[0].ID != "4801" {
		t.Fatalf("%d entries, %d skipped, %v", len(got), skipped, err)
	}
	// The next append ends the torn line instead of being swallowed by it.
	if err := j.Append(entry(3)); err != nil {
		t.Fatal(err)
	}
	got, skipped, _ = j.Read()
	if len(got) != 3 || skipped != 1 || got[0].ID != "4803" {
		t.Fatalf("%d entries, %d skipped; newest %+v", len(got), skipped, got[0])
	}
	// Damage in the middle of the file: that line only.
	data, _ := os.ReadFile(j.Path)
	data = append([]byte("garbage\n{\"time\":\"not a time\",\"kind\":\"apps\",\"op\":\"update\"}\n{\"kind\":\"apps\",\"op\":\"update\"}\n\n"), data...)
	os.WriteFile(j.Path, data, 0o600)
	got, skipped, _ = j.Read()
	if len(got) != 3 || skipped != 4 {
		t.Fatalf("%d entries, %d skipped", len(got), skipped)
	}
}

// Appenders in one process, through one Journal and through two values on
// the same file, never lose or mix entries.
func TestJournalConcurrentAppenders(t *testing.T) {
	dir := t.TempDir()
	a, b := NewJournal(dir), NewJournal(dir)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		j := a
		if g%2 == 1 {
			j = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				e := entry(i)
				e.ID = fmt.Sprintf("%d-%d", g, i)
				if err := j.Append(e); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, skipped, err := a.Read()
	if err != nil || skipped != 0 || len(got) != 200 {
		t.Fatalf("%d entries, %d skipped, %v", len(got), skipped, err)
	}
	seen := map[string]bool{}
	for _, e := range got {
		seen[e.ID] = true
	}
	if len(seen) != 200 {
		t.Fatalf("%d distinct entries", len(seen))
	}
}

// Several processes append to one journal (O_APPEND): every entry arrives
// whole. The test binary is re-run as the helper processes.
func TestJournalSeveralProcesses(t *testing.T) {
	if os.Getenv("MPCONSOLE_JOURNAL_HELPER") != "" {
		return
	}
	dir := t.TempDir()
	var cmds []*exec.Cmd
	for p := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestJournalHelperProcess$")
		cmd.Env = append(os.Environ(), "MPCONSOLE_JOURNAL_HELPER="+dir, "MPCONSOLE_JOURNAL_HELPER_ID="+strconv.Itoa(p))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	got, skipped, err := NewJournal(dir).Read()
	if err != nil || skipped != 0 || len(got) != 3*60 {
		t.Fatalf("%d entries, %d skipped, %v", len(got), skipped, err)
	}
}

func TestJournalHelperProcess(t *testing.T) {
	dir := os.Getenv("MPCONSOLE_JOURNAL_HELPER")
	if dir == "" {
		t.Skip("run by TestJournalSeveralProcesses")
	}
	j := NewJournal(dir)
	for i := range 60 {
		e := entry(i)
		e.ID = os.Getenv("MPCONSOLE_JOURNAL_HELPER_ID") + "-" + strconv.Itoa(i)
		e.After = json.RawMessage(`{"padding":"` + strings.Repeat("x", 3000) + `"}`)
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
}

// The reader never panics, returns only whole entries, and finds every
// entry that was appended whole, whatever precedes it.
func FuzzParseJournal(f *testing.F) {
	good, _ := json.Marshal(entry(1))
	f.Add([]byte(string(good) + "\n"))
	f.Add([]byte(string(good) + "\n" + string(good[:40])))
	f.Add([]byte("\n\n{}\n[]\nnull\n" + string(good)))
	f.Add([]byte(`{"time":"2026-01-01T00:00:00Z","kind":"apps","op":"delete","before":{"id":1}}`))
	f.Add([]byte(`{"time":"2026-01-01T00:00:00Z","kind":"apps","op":"delete","account":"x"}`))
	f.Add([]byte{0xff, '\n', '{'})
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, skipped := parseJournal(data)
		if skipped < 0 {
			t.Fatal("negative skip count")
		}
		for _, e := range entries {
			if !e.Op.valid() || e.Kind == "" || e.Time.IsZero() {
				t.Fatalf("returned a bad entry %+v", e)
			}
		}
		// An entry appended after the data (as Append does: ending a torn
		// line first) is read back first.
		withNext := append([]byte(nil), data...)
		if len(withNext) > 0 && withNext[len(withNext)-1] != '\n' {
			withNext = append(withNext, '\n')
		}
		withNext = append(append(withNext, good...), '\n')
		after, _ := parseJournal(withNext)
		if len(after) != len(entries)+1 || after[0].ID != "4801" {
			t.Fatalf("%d entries after appending one to %d", len(after), len(entries))
		}
	})
}
