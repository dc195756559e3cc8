package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The token cache keeps one file per credential (token URL + client id +
// audience) so that a restart does not pay the 1–3 s token request
// (docs/client.md, the token cache). The directory is 0700 and each file 0600; a file is
// written to a temporary name and renamed into place, so a reader never sees
// half of one. The client secret is never written: the file holds the token,
// its lifetime and the key it was issued for, nothing else.

// cacheVersion is bumped when the file format changes; other versions are
// ignored (and replaced at the next fetch).
const cacheVersion = 1

type cacheFile struct {
	Version     int       `json:"version"`
	TokenURL    string    `json:"token_url"`
	ClientID    string    `json:"client_id"`
	Audience    string    `json:"audience"`
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	IssuedAt    time.Time `json:"issued_at"`
	Expiry      time.Time `json:"expiry"`
}

// DefaultCacheDir is os.UserCacheDir()/mpconsole.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("token cache: %w", err)
	}
	return filepath.Join(d, "mpconsole"), nil
}

// tokenCache is the cache file of one credential.
type tokenCache struct {
	dir      string
	tokenURL string
	clientID string
	audience string
	// secret is part of the file's key (hashed, never written): a profile
	// with the same client id but a wrong secret must not be handed the
	// token another profile earned with the right one.
	secret string
}

// cacheKey is the file name for a credential: a hash, so that neither the
// client id, the URL nor anything of the secret appear in directory
// listings.
func cacheKey(tokenURL, clientID, audience, secret string) string {
	h := sha256.Sum256([]byte(tokenURL + "\x00" + clientID + "\x00" + audience + "\x00" + secret))
	return "token-" + hex.EncodeToString(h[:16]) + ".json"
}

func (c tokenCache) path() string {
	return filepath.Join(c.dir, cacheKey(c.tokenURL, c.clientID, c.audience, c.secret))
}

// load returns the cached token when there is a usable one. A missing,
// unreadable, corrupt, foreign or too permissive file is reported as a
// reason and otherwise ignored: the next fetch replaces it.
func (c tokenCache) load() (tok token, reason string) {
	p := c.path()
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return token{}, "no cache file"
	}
	if err != nil {
		return token{}, "cache file unreadable"
	}
	if !fi.Mode().IsRegular() {
		return token{}, "cache file is not a regular file"
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return token{}, fmt.Sprintf("cache file mode %04o is wider than 0600", fi.Mode().Perm())
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return token{}, "cache file unreadable"
	}
	var f cacheFile
	if err := json.Unmarshal(b, &f); err != nil {
		return token{}, "cache file corrupt"
	}
	switch {
	case f.Version != cacheVersion:
		return token{}, "cache file has another version"
	case f.TokenURL != c.tokenURL || f.ClientID != c.clientID || f.Audience != c.audience:
		return token{}, "cache file belongs to another credential"
	case f.AccessToken == "" || f.Expiry.IsZero() || f.IssuedAt.IsZero() || !f.Expiry.After(f.IssuedAt):
		return token{}, "cache file corrupt"
	}
	return token{access: f.AccessToken, typ: f.TokenType, issued: f.IssuedAt, expiry: f.Expiry}, ""
}

// store writes tok atomically with mode 0600, creating the directory 0700.
func (c tokenCache) store(tok token) error {
	if err := ensurePrivateDir(c.dir); err != nil {
		return err
	}
	b, err := json.MarshalIndent(cacheFile{
		Version: cacheVersion, TokenURL: c.tokenURL, ClientID: c.clientID, Audience: c.audience,
		AccessToken: tok.access, TokenType: tok.typ, IssuedAt: tok.issued.UTC(), Expiry: tok.expiry.UTC(),
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	f, err := os.CreateTemp(c.dir, ".token-*.tmp") // CreateTemp opens 0600
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o600)
	}
	if werr == nil {
		werr = os.Rename(tmp, c.path())
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("token cache: %w", werr)
	}
	return nil
}

// remove deletes the cache file if it still holds the given token (a token
// the API refused must not be picked up again at the next start).
func (c tokenCache) remove(access string) {
	if got, reason := c.load(); reason == "" && got.access == access {
		os.Remove(c.path())
	}
}

// ensurePrivateDir creates dir with mode 0700, or narrows an existing one.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("token cache: %w", err)
		}
	}
	return nil
}
