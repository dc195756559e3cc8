package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
)

// Test helpers shared by the sandbox's own tests (the sb prefix keeps them
// apart from the calculated-attribute tests' helpers in this package).

// startSB starts a real sandbox on 127.0.0.1:0; it is closed when the test
// ends.
func startSB(t testing.TB, opts Options) *Server {
	t.Helper()
	srv, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// sbClient talks HTTP to a sandbox with one credential's token.
type sbClient struct {
	t     testing.TB
	srv   *Server
	hc    *http.Client
	token string
}

// sbResp is one answer.
type sbResp struct {
	status int
	header http.Header
	body   []byte
}

// sbLogin fetches a token for the credential.
func sbLogin(t testing.TB, srv *Server, id, secret string) *sbClient {
	t.Helper()
	c := &sbClient{t: t, srv: srv, hc: &http.Client{Timeout: 30 * time.Second}}
	r := c.raw("POST", srv.TokenURL(), map[string]string{"Content-Type": "application/json"},
		sbJSON(map[string]string{"client_id": id, "client_secret": secret, "audience": api.DefaultAudience, "grant_type": "client_credentials"}))
	var tok tokenResponse
	if err := json.Unmarshal(r.body, &tok); r.status != http.StatusOK || err != nil || tok.AccessToken == "" {
		t.Fatalf("token for %s: status %d, %v", id, r.status, err) // the body holds the token: not printed
	}
	c.token = tok.AccessToken
	return c
}

// admin and viewer are clients for the two seeded credentials.
func sbAdmin(t testing.TB, srv *Server) *sbClient {
	return sbLogin(t, srv, DefaultClientID, DefaultClientSecret)
}

func sbViewer(t testing.TB, srv *Server) *sbClient {
	return sbLogin(t, srv, ViewerClientID, ViewerClientSecret)
}

func sbJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// raw sends a request to a full URL with the given headers (no token).
func (c *sbClient) raw(method, url string, headers map[string]string, body []byte) sbResp {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, url, rd)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return sbResp{res.StatusCode, res.Header, b}
}

// do sends an authenticated request; path is relative to the root URL; a
// body that is not []byte or string is encoded as JSON.
func (c *sbClient) do(method, path string, body any) sbResp {
	c.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		b = sbJSON(v)
	}
	h := map[string]string{"Authorization": "Bearer " + c.token}
	if b != nil {
		h["Content-Type"] = "application/json"
	}
	return c.raw(method, c.srv.URL()+path, h, b)
}

// env decodes the standard (or data_type) envelope with the shared wire type.
func (r sbResp) env(t testing.TB) api.Envelope {
	t.Helper()
	var e api.Envelope
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("not an envelope (%d): %v: %.300s", r.status, err, r.body)
	}
	return e
}

// items decodes the envelope's data into maps.
func (r sbResp) items(t testing.TB) []map[string]any {
	t.Helper()
	e := r.env(t)
	out := make([]map[string]any, 0, len(e.Data))
	for _, d := range e.Data {
		var m map[string]any
		if err := json.Unmarshal(d, &m); err != nil {
			t.Fatalf("data item is not an object: %s", d)
		}
		out = append(out, m)
	}
	return out
}

// bareList decodes a bare JSON array of objects.
func (r sbResp) bareList(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("not a bare array (%d): %v: %.300s", r.status, err, r.body)
	}
	return out
}

// message is the first error message of an error body (v1 or v2).
func (r sbResp) message() string {
	var e struct {
		Errors []api.ErrorItem `json:"errors"`
	}
	if json.Unmarshal(r.body, &e) != nil || len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Message
}

func (r sbResp) code() string {
	var e struct {
		Errors []api.ErrorItem `json:"errors"`
	}
	if json.Unmarshal(r.body, &e) != nil || len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code
}

// want fails unless the status matches.
func (r sbResp) want(t testing.TB, status int) sbResp {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.400s", r.status, status, r.body)
	}
	return r
}

// wantInvalid fails unless the answer is 422 VALIDATION_ERROR with msg.
func (r sbResp) wantInvalid(t testing.TB, msg string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity || r.code() != api.CodeValidation || r.message() != msg {
		t.Fatalf("got %d %s %q, want 422 VALIDATION_ERROR %q", r.status, r.code(), r.message(), msg)
	}
}

// sbNames collects a string field of items.
func sbNames(items []map[string]any, field string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, _ := it[field].(string)
		out = append(out, s)
	}
	return out
}

// sbClock is a settable clock for Options.Now.
type sbClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *sbClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *sbClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func sbContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
