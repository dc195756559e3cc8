package sshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func TestHostKeyIsGeneratedOnceAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "host")
	s1, err := loadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("host key mode %04o, want 0600", perm)
	}
	if s1.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %s, want ed25519", s1.PublicKey().Type())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("host key directory mode %04o, want 0700", perm)
	}
	s2, err := loadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if gossh.FingerprintSHA256(s1.PublicKey()) != gossh.FingerprintSHA256(s2.PublicKey()) {
		t.Error("the host key changed between two starts")
	}
}

func TestHostKeyProblems(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	enc, err := gossh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		mode os.FileMode
		want string
	}{
		{"open to others", pem.EncodeToMemory(plain), 0o644, "is open to others (mode 0644): chmod 600"},
		{"passphrase", pem.EncodeToMemory(enc), 0o600, "protected by a passphrase"},
		{"not a key", []byte("hello\n"), 0o600, "host key"},
		{"empty", nil, 0o600, "host key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "host")
			if err := os.WriteFile(path, tc.data, tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := loadHostKey(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret passphrase") {
				t.Error("the passphrase reached the error")
			}
		})
	}
	if _, err := loadHostKey(""); err == nil || !strings.Contains(err.Error(), "--host-key") {
		t.Errorf("no path: %v", err)
	}
}

func TestParseAuthorizedKeys(t *testing.T) {
	mk := func() string {
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		s, _ := gossh.NewSignerFromKey(priv)
		return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
	}
	k1, k2 := mk(), mk()
	tests := []struct {
		name string
		text string
		n    int
		err  string
	}{
		{"two keys, comments and blanks", "# team\n\n" + k1 + " alice@laptop\n   \n" + k2 + "\n", 2, ""},
		{"crlf line ends", k1 + "\r\n" + k2 + "\r\n", 2, ""},
		{"garbage line", k1 + "\nnot a key\n", 0, "keys:2: not a public key"},
		{"options", `from="10.0.0.0/8" ` + k1 + "\n", 0, "keys:1: key options (from=\"10.0.0.0/8\") are not supported"},
		{"restrict", "restrict,pty " + k1 + "\n", 0, "key options (restrict,pty)"},
		{"truncated key", k1[:30] + "\n", 0, "keys:1: not a public key"},
		{"empty", "", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := parseAuthorizedKeys("keys", []byte(tc.text))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != tc.n {
				t.Fatalf("%d keys, want %d", len(keys), tc.n)
			}
			for _, k := range keys {
				if !strings.HasPrefix(k.fingerprint, "SHA256:") {
					t.Errorf("fingerprint %q", k.fingerprint)
				}
				if _, ok := findKey(keys, k.key); !ok {
					t.Errorf("findKey does not find %s", k.fingerprint)
				}
			}
		})
	}
	if keys, _ := parseAuthorizedKeys("keys", []byte(k1+" alice@laptop\n")); len(keys) != 1 || keys[0].comment != "alice@laptop" {
		t.Errorf("comment not kept: %+v", keys)
	}
}

func TestAuthorizedKeysFileProblems(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nobody yet\n"), 0o600)
	tests := []struct {
		path string
		want string
	}{
		{"", "--authorized-keys"},
		{filepath.Join(dir, "missing"), "no such file"},
		{empty, "lists no key: nobody could connect"},
	}
	for _, tc := range tests {
		if _, err := readAuthorizedKeys(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one with %q", tc.path, err, tc.want)
		}
	}
}

func TestCertificateIsRefused(t *testing.T) {
	_, caPriv, _ := ed25519.GenerateKey(rand.Reader)
	ca, _ := gossh.NewSignerFromKey(caPriv)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	sp, _ := gossh.NewPublicKey(pub)
	cert := &gossh.Certificate{Key: sp, CertType: gossh.UserCert, ValidPrincipals: []string{"alice"}, ValidBefore: gossh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	_, err := parseAuthorizedKeys("keys", gossh.MarshalAuthorizedKey(cert))
	if err == nil || !strings.Contains(err.Error(), "certificates are not supported") {
		t.Fatalf("error %v", err)
	}
}

// FuzzParseAuthorizedKeys: any file content gives keys or an error naming
// a line, never a panic; every key found is found again by findKey.
func FuzzParseAuthorizedKeys(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	s, _ := gossh.NewSignerFromKey(priv)
	k := string(gossh.MarshalAuthorizedKey(s.PublicKey()))
	for _, seed := range []string{"", k, "# c\n" + k + k, `command="x" ` + k, "ssh-ed25519 AAAA\n", "ssh-rsa\x00\xff", "\n\n\r\n", k[:len(k)/2]} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := parseAuthorizedKeys("keys", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "keys:") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, a := range keys {
			if _, ok := findKey(keys, a.key); !ok {
				t.Fatalf("key %s not found again", a.fingerprint)
			}
		}
	})
}
