package api

import (
	"encoding/json"
	"testing"
)

func TestParseTimeForms(t *testing.T) {
	for _, s := range []string{
		"2014-11-14T22:46:38.673",
		"2015-06-04T18:53:23.25",
		"2019-04-05T10:40:23",
		"2020-02-18T19:24:50.426Z",
		"2019-07-16T17:29:54.8934721Z",
		"2019-07-16T16:49:31.852015-04:00",
		"2020-01-30",
	} {
		if _, err := ParseTime(s); err != nil {
			t.Errorf("ParseTime(%q): %v", s, err)
		}
	}
	if _, err := ParseTime("yesterday"); err == nil {
		t.Error("ParseTime accepted garbage")
	}
}

func TestIDAcceptsStringAndNumber(t *testing.T) {
	var v []ID
	if err := json.Unmarshal([]byte(`["4302", 229, null]`), &v); err != nil {
		t.Fatal(err)
	}
	if v[0] != "4302" || v[1] != "229" || v[2] != "" {
		t.Fatalf("got %q", v)
	}
	if n, ok := v[1].Int(); !ok || n != 229 {
		t.Fatalf("Int() = %d, %v", n, ok)
	}
	var bad ID
	if err := json.Unmarshal([]byte(`{}`), &bad); err == nil {
		t.Fatal("object accepted as id")
	}
}
