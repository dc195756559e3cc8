package state

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A draft belongs to one API, one account, one owner: the same entity id
// on another sandbox (another base URL) or for another SSH key has none.
func TestDraftKeyIncludesTheAPIAndTheOwner(t *testing.T) {
	d := Drafts{Dir: t.TempDir()}
	mine := Key{Profile: "sandbox", BaseURL: "http://127.0.0.1:40001/v1", Account: 1, Kind: "apps", ID: "6"}
	if err := d.Save(Draft{Key: mine, Text: `{"name":"mine"}`, Base: []byte(`{"id":6,"name":"App"}`)}); err != nil {
		t.Fatal(err)
	}
	others := map[string]Key{
		"another sandbox": {Profile: "sandbox", BaseURL: "http://127.0.0.1:40002/v1", Account: 1, Kind: "apps", ID: "6"},
		"another account": {Profile: "sandbox", BaseURL: mine.BaseURL, Account: 2, Kind: "apps", ID: "6"},
		"another owner":   {Owner: "SHA256:other", Profile: "sandbox", BaseURL: mine.BaseURL, Account: 1, Kind: "apps", ID: "6"},
		"another profile": {Profile: "prod", BaseURL: mine.BaseURL, Account: 1, Kind: "apps", ID: "6"},
	}
	for name, k := range others {
		if dr, ok, err := d.Load(k); ok || err != nil {
			t.Errorf("%s: offered %+v (%v)", name, dr, err)
		}
	}
	if dr, ok, err := d.Load(mine); !ok || err != nil || dr.Text != `{"name":"mine"}` {
		t.Fatalf("own draft: %+v %v %v", dr, ok, err)
	}
}

func TestDraftStaleness(t *testing.T) {
	base := []byte(`{"id":6,"name":"App","last_modified_on":"2026-01-01T00:00:00"}`)
	tests := []struct {
		name  string
		base  []byte
		cur   string
		stale bool
	}{
		{"same version", base, `{"name":"App","id":6,"last_modified_on":"2026-01-01T00:00:00"}`, false},
		{"newer version", base, `{"id":6,"name":"Other","last_modified_on":"2026-01-02T00:00:00"}`, true},
		{"same timestamp, other content", base, `{"id":6,"name":"Other","last_modified_on":"2026-01-01T00:00:00"}`, true},
		{"no timestamp, same content", []byte(`{"a":1,"b":[1,2]}`), `{ "b": [1, 2], "a": 1 }`, false},
		{"no timestamp, other content", []byte(`{"a":1,"b":[1,2]}`), `{"a":1,"b":[2,1]}`, true},
		{"a create", nil, `{"id":7}`, false},
	}
	d := Drafts{Dir: t.TempDir()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Key{Kind: "apps", ID: tt.name}
			if err := d.Save(Draft{Key: k, Text: "{}", Base: tt.base}); err != nil {
				t.Fatal(err)
			}
			dr, _, err := d.Load(k)
			if err != nil {
				t.Fatal(err)
			}
			if got := dr.Stale([]byte(tt.cur)); got != tt.stale {
				t.Fatalf("stale %v, want %v (base version %q)", got, tt.stale, dr.BaseVersion)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	if v := Version([]byte(`{"last_modified_on":"2026-01-01T00:00:00.000","id":1}`)); v != "last_modified_on:2026-01-01T00:00:00.000" {
		t.Fatal(v)
	}
	a, b := Version([]byte(`{"a":1,"b":2}`)), Version([]byte("{\n  \"b\": 2,\n  \"a\": 1\n}"))
	if a != b || !strings.HasPrefix(a, "sha256:") {
		t.Fatalf("%q %q", a, b)
	}
	if Version([]byte(`{"a":1}`)) == a {
		t.Fatal("another content, the same version")
	}
	if Version(nil) != "" {
		t.Fatal("no document has a version")
	}
}

func TestScrub(t *testing.T) {
	tests := []struct {
		name, in, want string
		changed        bool
	}{
		{"a create's secret", `{"os":"iOS","access_keys":[{"key":"K1","secret":"S3CR3T"}]}`,
			`{"access_keys":[{"key":"K1","secret":"(issued, not kept)"}],"os":"iOS"}`, true},
		{"a GET's null secret", `{"access_keys":[{"key":"K1","secret":null}]}`, `{"access_keys":[{"key":"K1","secret":null}]}`, false},
		{"nested in an app", `{"platforms":[{"access_keys":[{"key":"K","secret":"S"}]}]}`,
			`{"platforms":[{"access_keys":[{"key":"K","secret":"(issued, not kept)"}]}]}`, true},
		{"a confidential setting", `{"settings":[{"name":"apiKey","value":"*********** Key","isConfidential":true},{"name":"x","value":"plain","isConfidential":false}]}`,
			`{"settings":[{"isConfidential":true,"name":"apiKey","value":"********"},{"isConfidential":false,"name":"x","value":"plain"}]}`, true},
		{"nothing to hide", "{\n  \"name\": \"App\"\n}", "{\n  \"name\": \"App\"\n}", false},
		{"not JSON", `{"access_keys":[{"secret":"S"`, `{"access_keys":[{"secret":"S"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := Scrub([]byte(tt.in))
			if string(got) != tt.want || changed != tt.changed {
				t.Fatalf("got %s (%v), want %s (%v)", got, changed, tt.want, tt.changed)
			}
		})
	}
	// An echoed body says nothing about confidentiality: every setting not
	// marked plain is masked.
	got, _ := ScrubSettings([]byte(`{"settings":[{"name":"apiKey","value":"typed"},{"name":"x","value":"v","isConfidential":false}]}`), nil, true)
	if strings.Contains(string(got), "typed") || !strings.Contains(string(got), `"v"`) {
		t.Fatal(string(got))
	}
	// A setting its base marks confidential is masked in the text too.
	got, _ = ScrubSettings([]byte(`{"settings":[{"name":"apiKey","value":"typed"}]}`), map[string]bool{"apiKey": true}, false)
	if strings.Contains(string(got), "typed") {
		t.Fatal(string(got))
	}
}

// No file under the state directory holds a secret after a draft and a
// journal entry of a create that returned one, and of a confidential
// setting typed into a draft.
func TestNothingSecretIsKept(t *testing.T) {
	dir := t.TempDir()
	const secret, typed = "S3CR3T-VALUE", "TYPED-API-KEY"
	created := json.RawMessage(`{"id":9,"platforms":[{"os":"iOS","access_keys":[{"key":"K","secret":"` + secret + `"}]}]}`)
	j := NewJournal(dir)
	if err := j.Append(Entry{Time: time.Now(), Kind: "apps", ID: "9", Op: OpCreate, After: created}); err != nil {
		t.Fatal(err)
	}
	d := Drafts{Dir: dir}
	base := `{"settings":[{"name":"apiKey","value":"*********** Key","isConfidential":true}]}`
	text := "{\n  \"settings\": [ { \"name\": \"apiKey\", \"value\": \"" + typed + "\", \"isConfidential\": true } ]\n}"
	if err := d.Save(Draft{Key: Key{Kind: "serviceconfigs", ID: "GA"}, Text: text, Base: []byte(base)}); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(Draft{Key: Key{Kind: "apps", ID: "9"}, Text: string(created)}); err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, dir, secret, typed, "* Key") // the mask's last four characters are not kept either
	l, _ := j.List()
	if len(l) != 1 || !strings.Contains(string(l[0].After), NotKept) {
		t.Fatalf("the entry does not say a secret was issued: %+v", l)
	}
}

// An old journal line that holds a secret is scrubbed when read.
func TestJournalScrubsOnRead(t *testing.T) {
	dir := t.TempDir()
	line := `{"time":"2026-01-01T00:00:00Z","profile":"p","account":1,"kind":"platforms","id":"ios","op":"create","after":{"access_keys":[{"key":"K","secret":"OLD-SECRET"}]}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, JournalFile), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := NewJournal(dir).List()
	if err != nil || len(l) != 1 || strings.Contains(string(l[0].After), "OLD-SECRET") {
		t.Fatalf("%+v %v", l, err)
	}
}

func TestJournalScope(t *testing.T) {
	j := NewJournal(t.TempDir())
	const api1, api2 = "http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"
	entries := []Entry{
		{Profile: "admin", BaseURL: api1, Account: 1, ID: "mine"},
		{Profile: "viewer", BaseURL: api1, Account: 1, ID: "viewer"},
		{Profile: "admin", BaseURL: api2, Account: 1, ID: "other-api"},
		{Profile: "admin", BaseURL: api1, Account: 2, ID: "other-account"},
		{Owner: "SHA256:b", Profile: "admin", BaseURL: api1, Account: 1, ID: "other-owner"},
		{Profile: "admin", Account: 1, ID: "no-api"}, // written before entries named their API
	}
	for _, e := range entries {
		e.Kind, e.Op = "apps", OpUpdate
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		scope Scope
		want  string
	}{
		{"local, every profile", Scope{BaseURL: api1, Account: 1}, "viewer mine"},
		{"one profile allowed", Scope{BaseURL: api1, Account: 1, Profiles: []string{"viewer"}}, "viewer"},
		{"another owner", Scope{Owner: "SHA256:b", BaseURL: api1, Account: 1}, "other-owner"},
		{"another API", Scope{BaseURL: api2, Account: 1}, "other-api"},
		{"an API never written to", Scope{BaseURL: "http://127.0.0.1:3/v1", Account: 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := j.ListIn(tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range l {
				ids = append(ids, e.ID)
			}
			if got := strings.Join(ids, " "); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// assertNoSecret walks dir and fails if any file holds one of the values.
func assertNoSecret(t *testing.T, dir string, values ...string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, v := range values {
			if strings.Contains(string(b), v) {
				t.Errorf("%s holds a secret (%d bytes)", filepath.Base(path), len(v))
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walked %d files: %v", n, err)
	}
}
