package sandbox

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// syncBuf is a log the server writes while the test reads it.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestReadsAnsweredFromKeptAnswers: a read is answered with the same bytes
// until a write changes the model, then with the new state; every read is
// still logged, scoped and open to faults.
func TestReadsAnsweredFromKeptAnswers(t *testing.T) {
	log := &syncBuf{}
	srv := startSB(t, Options{Log: log})
	admin, viewer := sbAdmin(t, srv), sbViewer(t, srv)
	list := "/v1/apps?accountId=1"
	first := admin.do("GET", list, nil)
	again := admin.do("GET", list, nil)
	if first.status != 200 || !bytes.Equal(first.body, again.body) {
		t.Fatalf("two reads differ: %d %q / %q", first.status, first.body, again.body)
	}
	if cl := again.header.Get("Content-Length"); cl == "" {
		t.Fatal("a kept answer has no Content-Length")
	}
	if r := admin.do("PUT", "/v1/apps/1?accountId=1", map[string]string{"name": "Renamed Kept"}); r.status >= 300 {
		t.Fatalf("rename: %d %s", r.status, r.body)
	}
	after := admin.do("GET", list, nil)
	if !strings.Contains(string(after.body), "Renamed Kept") {
		t.Fatalf("the read after a write shows the old state: %s", after.body)
	}
	// A refused write changes nothing: the kept answer still holds.
	if r := admin.do("PUT", "/v1/apps/1?accountId=1", map[string]string{"name": ""}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty name: %d", r.status)
	}
	if r := admin.do("GET", list, nil); !bytes.Equal(r.body, after.body) {
		t.Fatal("a refused write changed the answer")
	}
	// Scope is checked per request, not per kept answer.
	if r := viewer.do("GET", "/v1/apps?accountId=2", nil); r.status != http.StatusNotFound {
		t.Fatalf("viewer reading account 2: %d", r.status)
	}
	if r := admin.do("GET", "/v1/apps?accountId=2", nil); r.status != 200 || bytes.Equal(r.body, after.body) {
		t.Fatalf("account 2 got account 1's answer: %d", r.status)
	}
	srv.InjectNext(Fault503, 1)
	if r := admin.do("GET", list, nil); r.status != http.StatusServiceUnavailable {
		t.Fatalf("fault on a kept answer: %d", r.status)
	}
	if n := strings.Count(log.String(), "GET /v1/apps?accountId=1 200"); n != 4 {
		t.Fatalf("%d log lines for the 4 successful reads:\n%s", n, log.String())
	}
}

// TestTrickleSendsTheSameBytes: a trickled answer is the answer.
func TestTrickleSendsTheSameBytes(t *testing.T) {
	srv := startSB(t, Options{Seed: "large:300"})
	c := sbAdmin(t, srv)
	want := c.do("GET", "/v1/apps?accountId=1", nil)
	srv.SetTrickle(1)
	got := c.do("GET", "/v1/apps?accountId=1", nil)
	if got.status != 200 || len(want.body) <= trickleChunk || !bytes.Equal(got.body, want.body) {
		t.Fatalf("trickled answer: %d, %d bytes, want %d", got.status, len(got.body), len(want.body))
	}
}
