package sshd

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// loadHostKey reads the server's private host key, generating an ed25519 key
// (written 0600, its directory 0700) when the file does not exist. A key file
// that others may read is refused, as OpenSSH refuses it: it is the server's
// identity.
func loadHostKey(path string) (gossh.Signer, error) {
	if path == "" {
		return nil, errors.New("host key: no file given (--host-key FILE)")
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = generateHostKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("host key %s is open to others (mode %04o): chmod 600 %s", path, perm, path)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		var pm *gossh.PassphraseMissingError
		if errors.As(err, &pm) {
			return nil, fmt.Errorf("host key %s is protected by a passphrase: the server needs a key without one", path)
		}
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, nil
}

// generateHostKey writes a new ed25519 private key in OpenSSH format. The
// file is created exclusively, so two servers starting at once cannot
// overwrite each other's key.
func generateHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating an ed25519 key: %w", err)
	}
	blk, err := gossh.MarshalPrivateKey(priv, "mpconsole ssh host key")
	if err != nil {
		return nil, fmt.Errorf("encoding the host key: %w", err)
	}
	data := pem.EncodeToMemory(blk)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return data, nil
}

// authorizedKey is one line of the authorized keys file.
type authorizedKey struct {
	key         gossh.PublicKey
	fingerprint string // SHA256:…, as ssh-keygen -lf prints it
	comment     string
}

// parseAuthorizedKeys reads an authorized_keys file: one public key a line
// in OpenSSH format, blank lines and # comments ignored. Key options
// (from="…", command="…", cert-authority, …) are refused rather than
// ignored: a restriction the server silently did not apply would be worse
// than an error. Rights are given per key in the profiles file instead.
func parseAuthorizedKeys(path string, data []byte) ([]authorizedKey, error) {
	var keys []authorizedKey
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, i+1)
		k, comment, options, rest, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s: not a public key in OpenSSH format (ssh-keygen -y prints one)", where)
		}
		if len(bytes.TrimSpace(rest)) > 0 {
			return nil, fmt.Errorf("%s: one key a line, please", where)
		}
		if len(options) > 0 {
			return nil, fmt.Errorf("%s: key options (%s) are not supported: list the bare key, and give its rights in the profiles file's [[ssh.keys]]",
				where, strings.Join(options, ","))
		}
		if _, ok := k.(*gossh.Certificate); ok {
			return nil, fmt.Errorf("%s: certificates are not supported: list the bare key", where)
		}
		keys = append(keys, authorizedKey{key: k, fingerprint: gossh.FingerprintSHA256(k), comment: comment})
	}
	return keys, nil
}

// readAuthorizedKeys reads and parses the file; a file that lists no key is
// an error, since nobody could connect.
func readAuthorizedKeys(path string) ([]authorizedKey, error) {
	if path == "" {
		return nil, errors.New("authorized keys: no file given (--authorized-keys FILE)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	keys, err := parseAuthorizedKeys(path, data)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s lists no key: nobody could connect", path)
	}
	return keys, nil
}

// findKey returns the entry for a presented key, comparing the full wire
// encoding in constant time.
func findKey(keys []authorizedKey, k gossh.PublicKey) (authorizedKey, bool) {
	b := k.Marshal()
	for _, a := range keys {
		if subtle.ConstantTimeCompare(a.key.Marshal(), b) == 1 {
			return a, true
		}
	}
	return authorizedKey{}, false
}
