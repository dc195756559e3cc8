package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// NotKept stands in for a secret the API returned once (a new platform's
// access-key secret): the journal and drafts record that one was issued,
// never its value.
const NotKept = "(issued, not kept)"

// Masked stands in for the value of a confidential setting of a service
// configuration. It has the shape of the API's own mask (only '*'), so a
// revert or a restored draft that sends it back has it left out of the
// body like any mask (api.EditSpec.DropMasked), and the stored secret stays.
const Masked = "********"

// Scrub returns raw without the secrets it may hold: every non-empty
// access_keys[*].secret becomes NotKept, and the value of every setting
// marked "isConfidential": true becomes Masked. changed reports whether
// anything was replaced; when nothing was, raw is returned as it is. raw
// that is not JSON is returned as it is (changed false).
//
// The rule goes by the document's shape, not by its kind: the console
// shows a create's secrets where the catalogue says they are
// (api.Descriptor.Secrets), but what is written to disk is scrubbed here
// whatever the kind, so a kind that forgot to declare its secrets still
// leaves none in a file.
func Scrub(raw []byte) (out []byte, changed bool) {
	return scrub(raw, nil, false)
}

// ScrubSettings is Scrub that also masks every setting named in
// confidential and, when all is set, every setting not explicitly marked
// "isConfidential": false. all is for documents the server did not
// describe, such as the body a service configuration's create echoes: the
// API says which settings are confidential only in its GET answers.
func ScrubSettings(raw []byte, confidential map[string]bool, all bool) (out []byte, changed bool) {
	return scrub(raw, confidential, all)
}

// ConfidentialSettings names the settings a document marks confidential.
func ConfidentialSettings(raw []byte) map[string]bool {
	doc, ok := decode(raw)
	if !ok {
		return nil
	}
	out := map[string]bool{}
	walkSettings(doc, func(st map[string]any) {
		if c, _ := st["isConfidential"].(bool); c {
			if n, ok := st["name"].(string); ok {
				out[n] = true
			}
		}
	})
	return out
}

func decode(raw []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil || dec.More() {
		return nil, false
	}
	return doc, true
}

// walkSettings calls f on every element of every "settings" array.
func walkSettings(n any, f func(map[string]any)) {
	switch t := n.(type) {
	case map[string]any:
		if sts, ok := t["settings"].([]any); ok {
			for _, s := range sts {
				if sm, ok := s.(map[string]any); ok {
					f(sm)
				}
			}
		}
		for _, c := range t {
			walkSettings(c, f)
		}
	case []any:
		for _, c := range t {
			walkSettings(c, f)
		}
	}
}

func scrub(raw []byte, confidential map[string]bool, all bool) ([]byte, bool) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return raw, false
	}
	// Most documents hold neither: skip decoding them (the journal is
	// scrubbed again on every read).
	if !bytes.Contains(raw, []byte(`"access_keys"`)) && !bytes.Contains(raw, []byte(`"settings"`)) {
		return raw, false
	}
	doc, ok := decode(raw)
	if !ok {
		return raw, false
	}
	changed := false
	var walk func(any)
	walk = func(n any) {
		switch t := n.(type) {
		case map[string]any:
			if keys, ok := t["access_keys"].([]any); ok {
				for _, k := range keys {
					if km, ok := k.(map[string]any); ok {
						if s, ok := km["secret"].(string); ok && s != "" && s != NotKept {
							km["secret"] = NotKept
							changed = true
						}
					}
				}
			}
			for _, c := range t {
				walk(c)
			}
		case []any:
			for _, c := range t {
				walk(c)
			}
		}
	}
	walk(doc)
	walkSettings(doc, func(st map[string]any) {
		v, isString := st["value"].(string)
		if !isString || v == "" || v == Masked {
			return
		}
		flag, flagged := st["isConfidential"].(bool)
		name, _ := st["name"].(string)
		if (flagged && flag) || confidential[name] || (all && !flagged) {
			st["value"] = Masked
			changed = true
		}
	})
	if !changed {
		return raw, false
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return raw, false
	}
	return out, true
}

// Version names a version of an entity as the server returned it: its
// last_modified_on when it has one, else a hash of its content (key order
// and spacing do not count). "" for no document.
func Version(raw []byte) string {
	doc, ok := decode(raw)
	if !ok {
		if len(bytes.TrimSpace(raw)) == 0 {
			return ""
		}
		sum := sha256.Sum256(raw)
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	if m, ok := doc.(map[string]any); ok {
		if s, ok := m["last_modified_on"].(string); ok && s != "" {
			return "last_modified_on:" + s
		}
	}
	canon, _ := json.Marshal(doc) // map keys sorted: a canonical form
	sum := sha256.Sum256(canon)
	return "sha256:" + hex.EncodeToString(sum[:])
}
