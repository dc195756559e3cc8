package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// splitInPieces runs the splitter over body fed in pieces (cut at the
// given offsets), taking the entities after every piece as ListStream
// does, and returns what it found as a Payload. The members it recorded
// for each entity must be those index finds in the entity. With slide
// set, the bytes before keepFrom are dropped after every take, as
// ListStream's window does: the rest moves to a new buffer and the old
// one is overwritten, so that a read of a dropped byte shows.
func splitInPieces(body []byte, cuts []int, slide bool) (Payload, error) {
	s := splitter{members: true}
	var items []json.RawMessage
	var bad error
	buf := make([]byte, 0, len(body))
	read := 0 // bytes of body fed so far
	drop := func() {
		k := s.keepFrom()
		if !slide || k <= 0 {
			return
		}
		rest := append(make([]byte, 0, len(body)), buf[k:]...)
		for i := range buf {
			buf[i] = 0x01
		}
		buf = rest
		s.rebase(k)
	}
	take := func() {
		spans, mems, base := s.takeMembers()
		for _, sp := range spans {
			raw := slices.Clone(buf[sp.start:sp.end])
			items = append(items, raw)
			want := index(raw, nil, false).mem
			if sp.m0 < 0 {
				if raw[0] == '{' && sp.start != s.topStart && bad == nil { // a bare object is indexed when listed
					bad = fmt.Errorf("entity %q: no members recorded", raw)
				}
				continue
			}
			if got := mems[sp.m0-base : sp.m1-base]; !slices.Equal(got, want) && bad == nil {
				bad = fmt.Errorf("entity %q: members %v recorded, %v indexed", raw, got, want)
			}
		}
	}
	for _, c := range append(cuts, len(body)) {
		c = min(max(c, read), len(body))
		buf = append(buf, body[read:c]...)
		read = c
		if err := s.feed(buf); err != nil {
			return Payload{}, err
		}
		take()
		drop()
	}
	if err := s.finish(buf); err != nil {
		return Payload{}, err
	}
	take()
	if bad != nil {
		return Payload{}, bad
	}
	p := s.payload(buf)
	p.Items = append(items, p.Items...)
	return p, nil
}

// jsonSpaceOnly reports whether the body's surrounding whitespace, if
// any, is JSON whitespace (bytes.TrimSpace also trims Unicode spaces,
// which the splitter, reading JSON, refuses).
func jsonSpaceOnly(body []byte) bool {
	return len(bytes.TrimSpace(body)) == len(bytes.Trim(body, " \t\r\n"))
}

func samePayload(t *testing.T, what string, body []byte, got, want Payload) {
	t.Helper()
	if len(got.Items) == 0 {
		got.Items = nil
	}
	if len(want.Items) == 0 {
		want.Items = nil
	}
	if got.Shape != want.Shape || got.DataType != want.DataType || !reflect.DeepEqual(got.Errors, want.Errors) ||
		!bytes.Equal(got.Scalar, want.Scalar) || len(got.Items) != len(want.Items) {
		t.Fatalf("%s of %q: %+v, the two-pass decode %+v", what, body, got, want)
	}
	for i := range got.Items {
		if !bytes.Equal(got.Items[i], want.Items[i]) {
			t.Fatalf("%s of %q: item %d = %q, the two-pass decode %q", what, body, i, got.Items[i], want.Items[i])
		}
	}
}

// FuzzSplitter holds DecodeBody (the splitter over the whole body) and the
// splitter fed in pieces to the two-pass decode it replaced: the same
// verdict, shape, entities, dataType and errors on any input. The one
// departure: a second "data" member after entities of the first were
// handed out is an error for the stream (they cannot be taken back).
func FuzzSplitter(f *testing.F) {
	for _, s := range []string{
		``, ` `, `[]`, `{}`, `null`, `5678`, `-0.5e+3`, `"x"`, `01`, `1.`, `[1,]`, `{"a":1,}`, `tru`, `nul`,
		`{"data":[{"id":1}],"dataType":"account","errors":null}`,
		`{"data":[{"id":229},null,{"id":"a\"b"}],"data_type":"Partner Feed","errors":null}`,
		`{"data":{"id":1}}`, `{"data":5}`, `{"data":null}`, `{"errors":[{"code":"VALIDATION_ERROR","message":"m"}]}`,
		`{"errors":["a",{"error":"invalid_client","error_description":"bad"}]}`,
		`[{"id":7622,"workspaces":[{"id":1}]},null]`, `{"data":[1],"data":[2]}`, `{"data":5,"data":[2]}`,
		`{"id":5,"active_definition":null}`, `{"d\u0061ta":[{"x":"\u00e9\n"}]}`,
		`<html><title>502</title></html>`, `{"data":[`, "\xff\xfe", "[\"\x01\"]", "\u00a0[]",
	} {
		f.Add([]byte(s), uint16(3), uint16(7))
	}
	f.Fuzz(func(t *testing.T, body []byte, a, b uint16) {
		want, werr := decodeBodyTwoPass(body)
		got, gerr := DecodeBody(body)
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("DecodeBody(%q): error %v, the two-pass decode %v", body, gerr, werr)
		}
		if gerr == nil {
			samePayload(t, "DecodeBody", body, got, want)
		}
		if !jsonSpaceOnly(body) {
			return
		}
		cuts := []int{int(a) % (len(body) + 1), int(a)%(len(body)+1) + int(b)%(len(body)+1)}
		sp, serr := splitInPieces(body, cuts, false)
		slid, slerr := splitInPieces(body, cuts, true)
		if !sameFailure(serr, slerr) {
			t.Fatalf("stream of %q cut at %v: error %v, through a sliding window %v", body, cuts, serr, slerr)
		}
		if slerr == nil {
			samePayload(t, "stream through a sliding window", body, slid, sp)
		}
		if serr == errDuplicateData {
			return
		}
		if serr != nil && werr == nil {
			t.Fatalf("stream of %q cut at %v: %v", body, cuts, serr)
		}
		if (serr != nil) != (werr != nil) {
			t.Fatalf("stream of %q cut at %v: error %v, the two-pass decode %v", body, cuts, serr, werr)
		}
		if serr == nil {
			samePayload(t, "stream", body, sp, want)
		}
	})
}

// sameFailure reports whether two splitter errors are the same: both nil,
// or the same error at the same byte of the body.
func sameFailure(a, b error) bool {
	var ma, mb *MalformedError
	if errors.As(a, &ma) && errors.As(b, &mb) {
		return *ma == *mb
	}
	return a == b || (a != nil && b != nil && a.Error() == b.Error())
}

// TestSplitterEveryCut feeds list answers cut at every byte, the bytes
// read kept or dropped as a sliding window drops them: the entities are
// the same wherever the pieces end, and a break is found at the same
// byte.
func TestSplitterEveryCut(t *testing.T) {
	bodies := []string{
		`{"data":[{"id":1,"name":"a\"]}","n":-1.5e3},null,{"id":2,"platforms":[{"os":"iOS"}],"ok":true}],"dataType":"application","errors":null}`,
		`{"dataType":"application","errors":[{"code":"X","message":"m"}],"data":[{"id":1},{"id":2,"x":[true,false,null]}],"data_type":"a"}`,
		`[{"id":1},null,"s",12.5,{"id":2,"name":"b"}]`,
		`{"id":5,"name":"one bare object","n":{"deep":[1,2,{"x":"y"}]}}`,
		`{"data":{"id":9,"name":"one"},"dataType":"application"}`,
		` -12.5e+3 `, ` "a bare \"string\"" `, ` true `,
	}
	for _, b := range bodies {
		body := []byte(b)
		want, err := decodeBodyTwoPass(body)
		if err != nil {
			t.Fatalf("reference of %s: %v", body, err)
		}
		every := make([]int, len(body)) // a piece per byte
		for i := range every {
			every[i] = i + 1
		}
		for _, slide := range []bool{false, true} {
			got, err := splitInPieces(body, every, slide)
			if err != nil {
				t.Fatalf("%s a byte at a time (slide %v): %v", body, slide, err)
			}
			samePayload(t, "stream", body, got, want)
			for i := 0; i <= len(body); i++ {
				got, err := splitInPieces(body, []int{i}, slide)
				if err != nil {
					t.Fatalf("%s cut at %d (slide %v): %v", body, i, slide, err)
				}
				samePayload(t, "stream", body, got, want)
			}
			for i := 1; i < len(body); i++ { // a body broken at byte i is refused wherever it is cut
				bad := slices.Clone(body)
				bad[i] = 0x01
				_, whole := splitInPieces(bad, nil, false)
				for _, cuts := range [][]int{{i / 2}, every} {
					_, err := splitInPieces(bad, cuts, slide)
					if err == nil {
						t.Fatalf("control byte at %d accepted (slide %v): %q", i, slide, bad)
					}
					if !sameFailure(err, whole) {
						t.Fatalf("control byte at %d of %q (slide %v): %v, fed whole %v", i, bad, slide, err, whole)
					}
				}
			}
		}
	}
}

// TestObjectReadsLikeDecoding: every accessor of the in-place reader gives
// what the same accessor gives on the value decoded by encoding/json.
func TestObjectReadsLikeDecoding(t *testing.T) {
	entity := []byte(`{"id":12,"name":"Caf\u00e9 \"Shop\"","platforms":[{"os":"iOS"},{"os":"Android"},{"x":1},"s",{"os":"Mobile","os":"MobileWeb"}],
		"n":null,"b":true,"f":false,"num":-1.50e2,"obj":{"z":1,"a":"<b>"},"arr":[3,1,null],"dup":1,"dup":2,
		"active_definition":{"calculation_type":"count"},"draft_definition":null,"settings":[{"name":"k","is_required":true},{"name":"o","is_required":"true"}],
		"esc\u0061ped":"yes","bad":"\ud800"}`)
	var v any
	dec := json.NewDecoder(bytes.NewReader(entity))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	raw := index(entity, nil, false)
	scan := object{raw: entity}
	ref := object{dec: true, v: v}
	getters := map[string]func(object) string{
		"field id": field("id"), "field name": field("name"), "field n": field("n"), "field b": field("b"),
		"field num": field("num"), "field obj": field("obj"), "field arr": field("arr"), "field dup": field("dup"),
		"field absent": field("nope"), "field escaped": field("escaped"), "field bad": field("bad"),
		"pluck": pluck("platforms", "os"), "pluck absent": pluck("nope", "os"), "count arr": count("arr"),
		"count obj": count("obj"), "yesno b": yesno("b"), "yesno f": yesno("f"), "yesno name": yesno("name"),
		"yesno num": yesno("num"), "path": path("active_definition", "calculation_type"), "path draft": path("draft_definition", "x"),
		"caState": caState, "caCalcType": caCalcType, "requiredSettings": requiredSettings,
	}
	for name, g := range getters {
		want := g(ref)
		if got := g(raw); got != want {
			t.Errorf("%s indexed: %q, decoded %q", name, got, want)
		}
		if got := g(scan); got != want {
			t.Errorf("%s scanned: %q, decoded %q", name, got, want)
		}
	}
	if got := pluck("platforms", "os")(raw); got != "iOS, Android, MobileWeb" {
		t.Errorf("platforms: %q", got)
	}
}

// TestMinuteOfMatchesParseTime: when's quick path renders exactly what
// ParseTime and Format do, and leaves every other form to them.
func TestMinuteOfMatchesParseTime(t *testing.T) {
	for _, s := range []string{
		"2020-02-18T19:24:50", "2020-02-18T19:24:50.426", "2020-02-18T19:24:50.1234567", "2020-02-18T19:24:50.123456789",
		"2020-02-18T19:24:50.1234567890", "2020-02-18T19:24:50.", "2020-02-18T19:24:50.426Z", "2020-02-18T19:24:50-04:00",
		"2020-02-30T19:24:50", "2020-13-01T00:00:00", "2020-01-01T24:00:00", "2020-01-01T9:00:00", "2024-02-29T23:59:59.9",
		"2023-02-29T00:00:00", "2020-02-18", "x020-02-18T19:24:50", "2020-02-18T19:24:5a", "",
	} {
		want, wok := "", false
		if tm, err := ParseTime(s); err == nil {
			want, wok = tm.Format("2006-01-02 15:04"), true
		}
		got, ok := minuteOf(s)
		if ok && (!wok || got != want) {
			t.Errorf("minuteOf(%q) = %q; ParseTime gives %q (%v)", s, got, want, wok)
		}
		if w := when("t")(object{dec: true, v: map[string]any{"t": s}}); wok && w != want {
			t.Errorf("when(%q) = %q, want %q", s, w, want)
		}
	}
}

// TestReadUnknownLength: an answer without a Content-Length is read into a
// pooled buffer and its entities copied out per chunk; a later answer read
// into the same pooled buffer leaves the earlier entities intact.
func TestReadUnknownLength(t *testing.T) {
	d, _ := Lookup("apps")
	list := func(body string) []Entity {
		t.Helper()
		var got []Entity
		ls := &listStream{d: d, parents: Ref{}, clock: clockOr(nil), cancel: func() {},
			fn: func(b []Entity, p Progress) error {
				if p.Total != -1 {
					t.Errorf("progress %+v: the length is unknown", p)
				}
				got = append(got, b...)
				return nil
			}}
		resp := &http.Response{StatusCode: 200, ContentLength: -1, Body: io.NopCloser(iotest.HalfReader(strings.NewReader(body)))}
		if err := ls.read(context.Background(), resp); err != nil {
			t.Fatal(err)
		}
		return got
	}
	body := func(name string, n int) string {
		var b strings.Builder
		b.WriteString(`{"data":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d,"name":"%s %d","platforms":[{"os":"iOS"}]}`, i, name, i)
		}
		b.WriteString(`],"dataType":"application","errors":null}`)
		return b.String()
	}
	// The entities of a read keep their bytes after other reads (and a
	// read's own window, sliding over them).
	first := list(body("First", 100))
	want, _ := DecodeBody([]byte(body("First", 100)))
	for i := range 10 {
		if n := len(list(body(fmt.Sprintf("Oth%02d", i), 100))); n != 100 {
			t.Fatalf("%d entities", n)
		}
	}
	if len(first) != 100 || len(list(body("Large", 3000))) != 3000 {
		t.Fatalf("%d entities", len(first))
	}
	for i, e := range first {
		if string(e.Raw) != string(want.Items[i]) || e.Name != fmt.Sprintf("First %d", i) || e.Cell(2) != "iOS" {
			t.Fatalf("entity %d after a second read: %s, name %q", i, e.Raw, e.Name)
		}
	}
}
