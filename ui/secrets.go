package ui

import (
	"encoding/json"

	"github.com/mpconsole/mpconsole/api"
)

// showSecrets shows, once, the secrets a create of kind d returned
// (Descriptor.Secrets): the API never returns them again. The journal and
// the drafts never keep them (state.Scrub).
func (s *edits) showSecrets(d *api.Descriptor, e api.Entity) {
	if d.Secrets == nil {
		return
	}
	out := onceSecrets(*d.Secrets, e.Raw)
	if len(out) == 0 {
		return
	}
	b, _ := json.Marshal(out)
	s.h.showSecret("Access key secrets — shown this once: the API never returns them again. y copies them.", b)
}

// secret is one secret as the secret screen lists it.
type secret struct {
	Context string `json:"os,omitempty"`
	Label   string `json:"key"`
	Secret  string `json:"secret"`
}

// onceSecrets finds the secrets sp locates in raw, in document order of
// their arrays.
func onceSecrets(sp api.OnceSecrets, raw []byte) []secret {
	var doc any
	if json.Unmarshal(raw, &doc) != nil {
		return nil
	}
	var out []secret
	var walk func(any, string)
	walk = func(n any, ctx string) {
		switch t := n.(type) {
		case map[string]any:
			if c, ok := t[sp.Context].(string); ok && sp.Context != "" {
				ctx = c
			}
			if items, ok := t[sp.In].([]any); ok {
				for _, it := range items {
					if im, ok := it.(map[string]any); ok {
						if v, ok := im[sp.Secret].(string); ok && v != "" {
							label, _ := im[sp.Label].(string)
							out = append(out, secret{Context: ctx, Label: label, Secret: v})
						}
					}
				}
			}
			for _, c := range t {
				walk(c, ctx)
			}
		case []any:
			for _, c := range t {
				walk(c, ctx)
			}
		}
	}
	walk(doc, "")
	return out
}
