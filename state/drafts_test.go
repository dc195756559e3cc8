package state

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func fixedNow(t0 time.Time) func() time.Time { return func() time.Time { return t0 } }

func TestDraftsSaveLoadDelete(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := Drafts{Dir: t.TempDir(), Now: fixedNow(t0)}
	app := Key{Profile: "prod", Account: 1, Kind: "apps", ID: "4821"}
	create := Key{Profile: "prod", Account: 1, Kind: "platforms", Parent: map[string]string{"app": "4821"}}
	keys := []Key{
		app,
		create,
		{Profile: "prod", Account: 1, Kind: "platforms", Parent: map[string]string{"app": "4822"}}, // another app
		{Profile: "prod", Account: 2, Kind: "apps", ID: "4821"},                                    // another account
		{Profile: "staging", Account: 1, Kind: "apps", ID: "4821"},                                 // another profile
		{Profile: "prod", Account: 1, Kind: "apps", ID: "../../etc/passwd"},                        // odd characters stay out of paths
	}
	for i, k := range keys {
		if err := d.Save(Draft{Key: k, Text: fmt.Sprintf(`{"n": %d}`, i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range keys {
		dr, ok, err := d.Load(k)
		if err != nil || !ok || dr.Text != fmt.Sprintf(`{"n": %d}`, i) || !dr.SavedAt.Equal(t0) {
			t.Fatalf("load %+v: %+v %v %v", k, dr, ok, err)
		}
	}
	// Parent order does not matter.
	k2 := Key{Profile: "prod", Account: 1, Kind: "platforms", Parent: map[string]string{"app": "4821"}}
	if dr, ok, _ := d.Load(k2); !ok || dr.Text != `{"n": 1}` {
		t.Fatal("same key, another map")
	}
	// File names are hashes: nothing of the key is in them.
	files, _ := filepath.Glob(filepath.Join(d.Dir, "drafts", "*"))
	if len(files) != len(keys) {
		t.Fatalf("%d files", len(files))
	}
	for _, f := range files {
		base := filepath.Base(f)
		if strings.Contains(base, "prod") || strings.Contains(base, "4821") || strings.Contains(base, "..") || len(base) != 37 {
			t.Fatalf("file name %q", base)
		}
	}
	// Overwrite, then delete.
	if err := d.Save(Draft{Key: app, Text: "second"}); err != nil {
		t.Fatal(err)
	}
	if dr, _, _ := d.Load(app); dr.Text != "second" {
		t.Fatal(dr.Text)
	}
	if err := d.Delete(app); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := d.Load(app); ok || err != nil {
		t.Fatal("deleted draft loads")
	}
	if err := d.Delete(app); err != nil {
		t.Fatal("deleting twice is not an error")
	}
	list, err := d.List()
	if err != nil || len(list) != len(keys)-1 {
		t.Fatalf("list %d %v", len(list), err)
	}
}

func TestDraftsNewestFirst(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := Drafts{Dir: t.TempDir(), Now: func() time.Time { now = now.Add(time.Minute); return now }}
	for _, id := range []string{"1", "2", "3"} {
		if err := d.Save(Draft{Key: Key{Kind: "apps", ID: id}, Text: id}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := d.List()
	if err != nil || len(list) != 3 || list[0].Key.ID != "3" || list[2].Key.ID != "1" {
		t.Fatalf("%+v %v", list, err)
	}
}

func TestDraftsPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	d := Drafts{Dir: filepath.Join(t.TempDir(), "state")}
	k := Key{Profile: "p", Kind: "apps", ID: "1"}
	if err := d.Save(Draft{Key: k, Text: `{"secret": "s3cr3t"}`}); err != nil {
		t.Fatal(err)
	}
	assertPerm(t, filepath.Join(d.Dir, "drafts"), 0o700)
	assertPerm(t, filepath.Join(d.Dir, "drafts", k.file()), 0o600)
}

func TestDraftsDamagedAndMissing(t *testing.T) {
	d := Drafts{Dir: t.TempDir()}
	k := Key{Kind: "apps", ID: "1"}
	if _, ok, err := d.Load(k); ok || err != nil {
		t.Fatal("a missing draft is not an error")
	}
	if l, err := d.List(); l != nil || err != nil {
		t.Fatal("no drafts directory")
	}
	if err := os.MkdirAll(filepath.Join(d.Dir, "drafts"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A damaged file is an error that names the draft, not a panic.
	if err := os.WriteFile(filepath.Join(d.Dir, "drafts", k.file()), []byte(`{"key": {"kind": "apps"`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := d.Load(k); ok || err == nil || !strings.Contains(err.Error(), "draft of apps 1: the file is damaged") {
		t.Fatalf("damaged: %v %v", ok, err)
	}
	// A file holding another key's draft is refused.
	other := Key{Kind: "apps", ID: "2"}
	if err := d.Save(Draft{Key: other, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(d.Dir, "drafts", other.file()))
	os.WriteFile(filepath.Join(d.Dir, "drafts", k.file()), data, 0o600)
	if _, ok, err := d.Load(k); ok || err == nil || !strings.Contains(err.Error(), "holds another draft") {
		t.Fatalf("another key: %v %v", ok, err)
	}
	// List skips both the mismatched file and garbage.
	list, err := d.List()
	if err != nil || len(list) != 1 || list[0].Key.ID != "2" {
		t.Fatalf("list %+v %v", list, err)
	}
	// No directory configured: nothing saved, nothing loaded.
	var none Drafts
	if err := none.Save(Draft{Key: k, Text: "x"}); err == nil {
		t.Fatal("saved without a directory")
	}
	if _, ok, err := none.Load(k); ok || err != nil {
		t.Fatal("loaded without a directory")
	}
	if none.Delete(k) != nil {
		t.Fatal("delete without a directory")
	}
	if l, err := none.List(); l != nil || err != nil {
		t.Fatal("list without a directory")
	}
}

// An interrupted save (a crash between writing the temporary file and the
// rename) leaves the previous draft readable; its leftover is removed by
// List once stale.
func TestDraftsInterruptedSave(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := Drafts{Dir: t.TempDir(), Now: func() time.Time { return now }}
	k := Key{Kind: "apps", ID: "1"}
	if err := d.Save(Draft{Key: k, Text: "complete"}); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(d.Dir, "drafts", ".tmp-123")
	if err := os.WriteFile(tmp, []byte(`{"key":{"kind":"apps","id":"1"},"text":"half`), 0o600); err != nil {
		t.Fatal(err)
	}
	if dr, ok, err := d.Load(k); !ok || err != nil || dr.Text != "complete" {
		t.Fatalf("%q %v %v", dr.Text, ok, err)
	}
	if l, _ := d.List(); len(l) != 1 {
		t.Fatal("the leftover is listed")
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatal("a fresh leftover was removed (it may be a save in progress)")
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(tmp, old, old)
	now = time.Now()
	d.List()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatal("a stale leftover was kept")
	}
}

// Readers running beside writers only ever see a whole draft.
func TestDraftsAtomicUnderConcurrency(t *testing.T) {
	d := Drafts{Dir: t.TempDir()}
	k := Key{Kind: "apps", ID: "1"}
	texts := map[string]bool{}
	for i := range 4 {
		texts[strings.Repeat(fmt.Sprint(i), 20000)] = true
	}
	if err := d.Save(Draft{Key: k, Text: strings.Repeat("0", 20000)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if err := d.Save(Draft{Key: k, Text: strings.Repeat(fmt.Sprint(i), 20000)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				dr, ok, err := d.Load(k)
				text := dr.Text
				if err != nil || !ok || !texts[text] {
					errs <- fmt.Errorf("read a partial draft (%d bytes, ok %v): %v", len(text), ok, err)
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
	left, _ := filepath.Glob(filepath.Join(d.Dir, "drafts", ".tmp-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
