package api

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	arr := ` [ {"a":"x]}\"y","b":[1,{"c":null}]} , 12.5e3,"s\\",true , null,[] ] `
	got := splitArray([]byte(arr))
	want := []string{`{"a":"x]}\"y","b":[1,{"c":null}]}`, `12.5e3`, `"s\\"`, `true`, `null`, `[]`}
	var gs []string
	for _, g := range got {
		gs = append(gs, string(g))
	}
	if !slices.Equal(gs, want) {
		t.Fatalf("splitArray = %q", gs)
	}
	obj := splitObject([]byte(`{"id": 1 ,"na\u006de":"x","dup":1,"dup":{"k":[2]},"e":""}`))
	if string(obj["id"]) != "1" || string(obj["name"]) != `"x"` || string(obj["dup"]) != `{"k":[2]}` || string(obj["e"]) != `""` || len(obj) != 4 {
		t.Fatalf("splitObject = %q", obj)
	}
	if splitArray([]byte(`{}`)) != nil || splitObject([]byte(`[]`)) != nil {
		t.Fatal("wrong container accepted")
	}
}

// FuzzScan: on valid JSON the scanner agrees with encoding/json; on
// anything it terminates without panicking.
func FuzzScan(f *testing.F) {
	for _, s := range []string{`[]`, `{}`, `[1,"a",{"b":[null]}]`, `{"a":1,"b":"\"}"}`, `{"\u00e9":1,"a\\b":2}`,
		`[`, `{"a"`, `{"a":}`, `]]]`, `"`, `[1 2]`, `{"a" 1}`, "{\"\xff\":1}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		arr := splitArray(b)
		obj := splitObject(b)
		if !json.Valid(b) {
			return
		}
		var want []json.RawMessage
		if json.Unmarshal(b, &want) == nil {
			if len(arr) != len(want) {
				t.Fatalf("%q: %d elements, encoding/json %d", b, len(arr), len(want))
			}
			for i := range want {
				if string(arr[i]) != string(want[i]) {
					t.Fatalf("%q: element %d = %q, encoding/json %q", b, i, arr[i], want[i])
				}
			}
		}
		var wantObj map[string]json.RawMessage
		if json.Unmarshal(b, &wantObj) == nil && wantObj != nil {
			if !maps.EqualFunc(obj, wantObj, func(x, y json.RawMessage) bool { return string(x) == string(y) }) {
				t.Fatalf("%q: members %q, encoding/json %q", b, obj, wantObj)
			}
		}
	})
}
