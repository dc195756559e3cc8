package ui

import "testing"

// The shared fields are those every document has with the same value,
// compared as JSON values, in the first document's order.
func TestSharedFields(t *testing.T) {
	for _, tt := range []struct {
		name string
		docs []string
		want string
		err  bool
	}{
		{"one document is all of it", []string{`{"a":1,"b":"x"}`}, `{"a":1,"b":"x"}`, false},
		{"equal values, whatever their spelling", []string{`{"a":1.0,"b":{"x":1,"y":2},"c":3}`, `{"b":{"y":2,"x":1},"a":1,"c":4}`}, `{"a":1.0,"b":{"x":1,"y":2}}`, false},
		{"a field one lacks is not shared", []string{`{"a":1,"b":2}`, `{"a":1}`}, `{"a":1}`, false},
		{"nothing shared", []string{`{"a":1}`, `{"a":2}`}, `{}`, false},
		{"none", nil, `{}`, false},
		{"not an object", []string{`{"a":1}`, `[1]`}, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			docs := make([][]byte, len(tt.docs))
			for i, d := range tt.docs {
				docs[i] = []byte(d)
			}
			got, err := sharedFields(docs)
			if (err != nil) != tt.err || (!tt.err && string(got) != tt.want) {
				t.Fatalf("got %s, %v; want %s (error %v)", got, err, tt.want, tt.err)
			}
		})
	}
}

// What the text changes in the shared fields is done to each document:
// changed and added fields set, removed ones removed, the rest untouched
// and in its order.
func TestApplyFields(t *testing.T) {
	const shared = `{"timer":30,"mode":"A"}`
	for _, tt := range []struct {
		name, doc, text, want string
		err                   bool
	}{
		{"a change", `{"id":1,"timer":30,"mode":"A","os":"iOS"}`, `{"timer":60,"mode":"A"}`, `{"id":1,"timer":60,"mode":"A","os":"iOS"}`, false},
		{"nothing changed", `{"id":1,"timer":30,"mode":"A"}`, `{"mode":"A","timer":30.0}`, `{"id":1,"timer":30,"mode":"A"}`, false},
		{"an added field is set, at the end where missing", `{"id":1,"timer":30,"mode":"A"}`, `{"timer":30,"mode":"A","merge":true}`, `{"id":1,"timer":30,"mode":"A","merge":true}`, false},
		{"an added field replaces a value not shared", `{"merge":false,"timer":30,"mode":"A"}`, `{"timer":30,"mode":"A","merge":true}`, `{"merge":true,"timer":30,"mode":"A"}`, false},
		{"a removed field is removed", `{"id":1,"timer":30,"mode":"A"}`, `{"timer":30}`, `{"id":1,"timer":30}`, false},
		{"the text must be an object", `{"id":1}`, `[1]`, "", true},
		{"a second object is refused, not dropped", `{"id":1,"timer":30,"mode":"A"}`, `{"timer":60} {"mode":"B"}`, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := applyFields([]byte(tt.doc), []byte(shared), []byte(tt.text))
			if (err != nil) != tt.err || (!tt.err && string(got) != tt.want) {
				t.Fatalf("got %s, %v; want %s (error %v)", got, err, tt.want, tt.err)
			}
		})
	}
}
