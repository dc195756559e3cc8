package config

import (
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// SSHConfig restricts what each key may do over `mpconsole ssh`:
//
//	[[ssh.keys]]
//	fingerprint = "SHA256:…"   # as ssh-keygen -lf prints it
//	name        = "alice"
//	profiles    = ["staging"]  # the profiles this key may use; empty = all
//	read_only   = true
//	plugins     = true         # may run [[plugins]] on this host; default no
//
// A key that is in the authorized keys file but has no entry here gets what
// the command line says (--profile/--sandbox, --readonly).
type SSHConfig struct {
	Keys []SSHKey `toml:"keys"`
}

// SSHKey is one key's rights.
type SSHKey struct {
	Fingerprint string   `toml:"fingerprint"`
	Name        string   `toml:"name"`
	Profiles    []string `toml:"profiles"`
	ReadOnly    bool     `toml:"read_only"`
	// Plugins lets the key's sessions run the file's plugins (commands on
	// the server's host); off unless set.
	Plugins bool `toml:"plugins"`
}

// Rights returns the entry for a key fingerprint, if any.
func (c SSHConfig) Rights(fingerprint string) (SSHKey, bool) {
	for _, k := range c.Keys {
		if k.Fingerprint == fingerprint {
			return k, true
		}
	}
	return SSHKey{}, false
}

func (c SSHConfig) validate(path string, lines lineIndex, profiles map[string]*Profile) Errors {
	var errs Errors
	seen := map[string]bool{}
	line := lines.find(toml.Key{"ssh", "keys"})
	for i, k := range c.Keys {
		field := fmt.Sprintf("ssh.keys[%d]", i)
		switch {
		case !strings.HasPrefix(k.Fingerprint, "SHA256:"):
			errs = append(errs, &FieldError{File: path, Line: line, Field: field + ".fingerprint",
				Msg: fmt.Sprintf("%q is not a SHA256 key fingerprint (ssh-keygen -lf KEY prints it)", k.Fingerprint)})
		case seen[k.Fingerprint]:
			errs = append(errs, &FieldError{File: path, Line: line, Field: field + ".fingerprint",
				Msg: fmt.Sprintf("%s is listed twice", k.Fingerprint)})
		}
		seen[k.Fingerprint] = true
		for _, p := range k.Profiles {
			if _, ok := profiles[p]; !ok {
				errs = append(errs, &FieldError{File: path, Line: line, Field: field + ".profiles",
					Msg: fmt.Sprintf("names profile %q, which is not defined", p)})
			}
		}
	}
	return errs
}
