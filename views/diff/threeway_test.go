package diff

import (
	"strings"
	"testing"
)

func TestThreeWay(t *testing.T) {
	doc := func(s string) *Doc {
		t.Helper()
		d, err := Parse([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	then := doc(`{"id":3,"name":"A","os":"iOS","timer":30}`)
	now := doc(`{"id":3,"name":"B","os":"iOS","timer":30,"extra":true}`)
	yours := doc(`{"id":3,"name":"C","os":"Android","timer":30}`)
	got := ThreeWay(then, now, yours)
	want := []Three{
		{Path: "extra", Then: "", Now: "true", Yours: "", Server: true},
		{Path: "name", Then: `"A"`, Now: `"B"`, Yours: `"C"`, Server: true, Mine: true},
		{Path: "os", Then: `"iOS"`, Now: `"iOS"`, Yours: `"Android"`, Mine: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	// A draft that is not JSON: only the server's changes.
	if rows := ThreeWay(then, now, nil); len(rows) != 2 || rows[0].Mine || rows[1].Mine {
		t.Fatalf("without yours: %+v", rows)
	}
	text := ThreeText(got, 80)
	for _, l := range strings.Split(text, "\n") {
		if len([]rune(l)) > 80 {
			t.Fatalf("line wider than 80: %q", l)
		}
	}
	if !strings.Contains(text, "THEN") || !strings.Contains(text, `"Android"`) || !strings.Contains(text, "(absent)") {
		t.Fatalf("table:\n%s", text)
	}
	if l := lineWith(text, "os "); !strings.Contains(l, "=") {
		t.Fatalf("a side that did not change shows '=': %q", l)
	}
}

func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, s) {
			return l
		}
	}
	return ""
}
