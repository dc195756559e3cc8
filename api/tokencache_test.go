package api

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func testToken() token {
	now := time.Now().Truncate(time.Millisecond)
	return token{access: "tok-abcdef", typ: "Bearer", issued: now, expiry: now.Add(time.Hour)}
}

func TestTokenCacheStoreLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	c := tokenCache{dir: dir, tokenURL: "http://127.0.0.1:1/oauth/token", clientID: "sandbox", audience: DefaultAudience}
	if _, reason := c.load(); reason != "no cache file" {
		t.Fatalf("empty cache: reason %q", reason)
	}
	tok := testToken()
	if err := c.store(tok); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(c.path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %04o, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(dir)
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %04o, want 0700", di.Mode().Perm())
	}
	got, reason := c.load()
	if reason != "" {
		t.Fatalf("load: %s", reason)
	}
	if got.access != tok.access || !got.expiry.Equal(tok.expiry) || !got.issued.Equal(tok.issued) {
		t.Fatalf("loaded %+v, stored %+v", got, tok)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// Another credential's key is another file.
	other := c
	other.clientID = "viewer"
	if other.path() == c.path() {
		t.Fatal("two credentials share a cache file")
	}
	if _, reason := other.load(); reason != "no cache file" {
		t.Errorf("other credential: %q", reason)
	}
}

func TestTokenCacheRejectsBadFiles(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, c tokenCache)
		reason  string
	}{
		{"corrupt", func(t *testing.T, c tokenCache) { write(t, c.path(), "{not json", 0o600) }, "cache file corrupt"},
		{"empty token", func(t *testing.T, c tokenCache) {
			write(t, c.path(), `{"version":1,"token_url":"u","client_id":"id","audience":"a","access_token":"","issued_at":"2024-01-01T00:00:00Z","expiry":"2024-01-01T01:00:00Z"}`, 0o600)
		}, "cache file corrupt"},
		{"foreign credential", func(t *testing.T, c tokenCache) {
			write(t, c.path(), `{"version":1,"token_url":"u","client_id":"someone-else","audience":"a","access_token":"x","issued_at":"2024-01-01T00:00:00Z","expiry":"2024-01-01T01:00:00Z"}`, 0o600)
		}, "cache file belongs to another credential"},
		{"other version", func(t *testing.T, c tokenCache) {
			write(t, c.path(), `{"version":99}`, 0o600)
		}, "cache file has another version"},
		{"too permissive", func(t *testing.T, c tokenCache) {
			if err := c.store(testToken()); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(c.path(), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "cache file mode 0644 is wider than 0600"},
		{"symlink", func(t *testing.T, c tokenCache) {
			target := filepath.Join(c.dir, "elsewhere")
			write(t, target, "{}", 0o600)
			if err := os.Symlink(target, c.path()); err != nil {
				t.Fatal(err)
			}
		}, "cache file is not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tokenCache{dir: t.TempDir(), tokenURL: "u", clientID: "id", audience: "a"}
			tt.prepare(t, c)
			if _, reason := c.load(); reason != tt.reason {
				t.Fatalf("reason %q, want %q", reason, tt.reason)
			}
			// Whatever was there is replaced by the next store.
			os.Remove(c.path())
			if err := c.store(testToken()); err != nil {
				t.Fatal(err)
			}
			if _, reason := c.load(); reason != "" {
				t.Fatalf("after store: %s", reason)
			}
		})
	}
}

func TestTokenCacheRemoveOnlyThatToken(t *testing.T) {
	c := tokenCache{dir: t.TempDir(), tokenURL: "u", clientID: "id", audience: "a"}
	tok := testToken()
	if err := c.store(tok); err != nil {
		t.Fatal(err)
	}
	c.remove("some-other-token")
	if _, reason := c.load(); reason != "" {
		t.Fatalf("another token's refusal removed the file: %s", reason)
	}
	c.remove(tok.access)
	if _, reason := c.load(); reason != "no cache file" {
		t.Fatalf("refused token still cached: %q", reason)
	}
}

func TestEnsurePrivateDirNarrows(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wide")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := ensurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("mode %04o", fi.Mode().Perm())
	}
}

func write(t *testing.T, p, s string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), mode); err != nil {
		t.Fatal(err)
	}
}
