package sandbox

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// A token is bound to the secret its credential had when it was issued:
// when the secret changes (SetCredential, or a restart on the same data
// file with another secret for the client id), the client's tokens are
// revoked. With --data the file keeps, per client id, a salted PBKDF2 hash
// of the secret (never the secret), so a restart can tell.

// credKdfIter is the PBKDF2-SHA256 work factor of a stored secret hash.
const credKdfIter = 60_000

// credRecord is what the store keeps of a credential: enough to tell
// whether a secret is the one the stored tokens were issued under.
type credRecord struct {
	Salt []byte `json:"salt"`
	Hash []byte `json:"hash"`
	Iter int    `json:"iter"`
}

func credKey(clientID string) string { return "cred/" + clientID }

func newCredRecord(secret string) (credRecord, error) {
	rec := credRecord{Salt: make([]byte, 16), Iter: credKdfIter}
	if _, err := rand.Read(rec.Salt); err != nil {
		return rec, fmt.Errorf("credential salt: %w", err)
	}
	h, err := pbkdf2.Key(sha256.New, secret, rec.Salt, rec.Iter, 32)
	rec.Hash = h
	return rec, err
}

// matches reports whether the secret is the one the record was made from.
func (r credRecord) matches(secret string) bool {
	if r.Iter < 1 || len(r.Salt) == 0 || len(r.Hash) == 0 {
		return false
	}
	h, err := pbkdf2.Key(sha256.New, secret, r.Salt, r.Iter, len(r.Hash))
	return err == nil && subtle.ConstantTimeCompare(h, r.Hash) == 1
}

// bindCredentials compares the configured credentials with those the data
// file knows: the stored tokens of a client whose secret differs (or whose
// secret was never recorded) are dropped, and the new secret's record is
// written, in one store step. Credentials not configured now keep their
// record and tokens (unusable until the client id is configured again).
func (s *Server) bindCredentials(st *state) error {
	var puts []record
	var dels []string
	for _, c := range *s.creds.Load() {
		if rec, ok := st.creds[c.ClientID]; ok && rec.matches(c.Secret) {
			continue
		}
		rec, err := newCredRecord(c.Secret)
		if err != nil {
			return err
		}
		val, _ := json.Marshal(rec)
		puts = append(puts, record{credKey(c.ClientID), val})
		for h, t := range st.tokens {
			if t.ClientID == c.ClientID {
				delete(st.tokens, h)
				dels = append(dels, "token/"+h)
			}
		}
	}
	if len(puts) == 0 {
		return nil
	}
	if err := s.store.apply(puts, dels); err != nil {
		return fmt.Errorf("record credentials: %w", err)
	}
	return nil
}

// SetCredential adds a credential, or replaces the one with its client id.
// When the secret changes, every token issued under the old secret is
// revoked at once (401 on its next use); the same secret keeps them. With
// a data file the change is durable: a restart with the old secret revokes
// the tokens issued under the new one.
func (s *Server) SetCredential(c Credential) error {
	switch {
	case c.ClientID == "":
		return errors.New("credential: empty client id")
	case c.Secret == "":
		return fmt.Errorf("credential %q: empty client secret", c.ClientID)
	}
	c.Accounts = slices.Clone(c.Accounts)
	s.credMu.Lock()
	defer s.credMu.Unlock()
	cur := *s.creds.Load()
	next := slices.Clone(cur)
	i := slices.IndexFunc(next, func(x Credential) bool { return x.ClientID == c.ClientID })
	same := i >= 0 && next[i].Secret == c.Secret
	if i >= 0 {
		next[i] = c
	} else {
		next = append(next, c)
	}
	var puts []record
	if !same && s.opts.DataFile != "" {
		rec, err := newCredRecord(c.Secret)
		if err != nil {
			return err
		}
		val, _ := json.Marshal(rec)
		puts = append(puts, record{credKey(c.ClientID), val})
	}
	s.creds.Store(&next)
	var dels []string
	if !same {
		// A new client id may still have tokens from an earlier run under
		// a secret nobody can vouch for: they go too.
		dels = s.tokens.revokeClient(c.ClientID)
	}
	if len(puts) > 0 || len(dels) > 0 {
		if err := s.store.apply(puts, dels); err != nil {
			return fmt.Errorf("credential %q: save: %w", c.ClientID, err)
		}
	}
	return nil
}

// credential finds a configured credential by client id.
func (s *Server) credential(clientID string) *Credential {
	cs := *s.creds.Load()
	for i := range cs {
		if cs[i].ClientID == clientID {
			return &cs[i]
		}
	}
	return nil
}

// revokeClient forgets the tokens of one client and returns their store
// keys.
func (t *tokenTable) revokeClient(clientID string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var keys []string
	for h, r := range t.byHash {
		if r.ClientID == clientID {
			delete(t.byHash, h)
			keys = append(keys, "token/"+h)
		}
	}
	return keys
}
