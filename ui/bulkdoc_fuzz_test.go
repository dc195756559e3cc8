package ui

import (
	"encoding/json"
	"testing"
)

// Any document, shared fields and typed text: applyFields does not panic,
// and what it returns is one JSON object with no key more often than the
// document has it (once, when the document lacks it).
func FuzzApplyFields(f *testing.F) {
	f.Add(`{"a":1,"b":2}`, `{"a":1}`, `{"a":2,"c":3}`)
	f.Add(`{"a":1}`, `{"a":1}`, `{"x":1,"x":2}`)
	f.Add(`{"a":1}`, `{}`, `{"a":1} {"b":2}`)
	f.Add(`[1]`, `{}`, `{}`)
	f.Add(`{"a":{"b":[1,2]}}`, `{"a":{"b":[1,2]}}`, `{}`)
	f.Fuzz(func(t *testing.T, doc, shared, text string) {
		out, err := applyFields([]byte(doc), []byte(shared), []byte(text))
		if err != nil {
			return
		}
		fs, err := objectFields(out)
		if err != nil || !json.Valid(out) {
			t.Fatalf("applyFields(%q, %q, %q) = %q: not a JSON object (%v)", doc, shared, text, out, err)
		}
		in, _ := objectFields([]byte(doc))
		had := map[string]int{}
		for _, f := range in {
			had[f.key]++
		}
		n := map[string]int{}
		for _, f := range fs {
			if n[f.key]++; n[f.key] > max(1, had[f.key]) {
				t.Fatalf("applyFields(%q, %q, %q) = %q: %q more often than in the document", doc, shared, text, out, f.key)
			}
		}
	})
}
