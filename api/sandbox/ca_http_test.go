package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
)

// caClock is a settable clock for Options.Now.
type caClock struct{ ns atomic.Int64 }

func newCAClock(t time.Time) *caClock {
	c := &caClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *caClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *caClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// caClient talks to a running sandbox with a bearer token.
type caClient struct {
	t     *testing.T
	srv   *Server
	token string
}

// startCASandbox starts a real sandbox on 127.0.0.1:0 and fetches a token
// for the credential.
func startCASandbox(t *testing.T, opts Options, id, secret string) *caClient {
	t.Helper()
	srv, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return caLogin(t, srv, id, secret)
}

func caLogin(t *testing.T, srv *Server, id, secret string) *caClient {
	t.Helper()
	c := &caClient{t: t, srv: srv}
	body, _ := json.Marshal(map[string]string{"client_id": id, "client_secret": secret,
		"audience": api.DefaultAudience, "grant_type": "client_credentials"})
	st, _, raw := c.send("POST", srv.TokenURL(), "application/json", body)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(raw, &tok); st != http.StatusOK || err != nil || tok.AccessToken == "" {
		t.Fatalf("token: status %d, %v", st, err) // the body is not printed: it holds the token
	}
	c.token = tok.AccessToken
	return c
}

// send makes one request; it returns the status, the headers and the body.
func (c *caClient) send(method, url, contentType string, body []byte) (int, http.Header, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, url, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp.StatusCode, resp.Header, raw
}

// ca sends a v2 request below /workspaces/{ws}/calculatedattributes, with
// no Content-Type, as the reference's curl examples do (docs/inconsistencies.md: Content-Type).
func (c *caClient) ca(ws, method, rest, body string) (int, http.Header, []byte) {
	c.t.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	return c.send(method, c.srv.V2URL()+"/workspaces/"+ws+"/calculatedattributes"+rest, "", b)
}

// caWorkspace lists account 1's workspaces over v1 and returns the one
// with the most seeded calculated attributes.
func (c *caClient) caWorkspace() string {
	c.t.Helper()
	st, _, raw := c.send("GET", c.srv.V1URL()+"/workspace?accountId=1", "", nil)
	var env api.Envelope
	if err := json.Unmarshal(raw, &env); st != http.StatusOK || err != nil || len(env.Data) == 0 {
		c.t.Fatalf("workspace list: %d %v %.200s", st, err, raw)
	}
	best, most := "", -1
	for _, d := range env.Data {
		var w struct{ ID api.ID }
		if err := json.Unmarshal(d, &w); err != nil {
			c.t.Fatal(err)
		}
		_, _, list := c.ca(string(w.ID), "GET", "", "")
		var cas []json.RawMessage
		if err := json.Unmarshal(list, &cas); err != nil {
			c.t.Fatalf("CA list of workspace %s: %v: %.200s", w.ID, err, list)
		}
		if len(cas) > most {
			best, most = string(w.ID), len(cas)
		}
	}
	if most < 1 {
		c.t.Fatal("no seeded workspace of account 1 has calculated attributes")
	}
	return best
}

func caErrorMessages(t *testing.T, raw []byte) []string {
	t.Helper()
	var eb struct{ Errors []api.ErrorItem }
	if err := json.Unmarshal(raw, &eb); err != nil {
		t.Fatalf("error body %q: %v", raw, err)
	}
	var msgs []string
	for _, e := range eb.Errors {
		msgs = append(msgs, e.Message)
	}
	return msgs
}

var caHTTPStart = time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC) // within the default retention of caValidBody's date

// TestCAOverHTTP walks the lifecycle through the real server: token, v1
// workspace list, then every v2 endpoint.
func TestCAOverHTTP(t *testing.T) {
	clock := newCAClock(caHTTPStart)
	c := startCASandbox(t, Options{Now: clock.now}, "sandbox", "sandbox-secret")
	ws := c.caWorkspace()
	expect := func(what string, st int, raw []byte, want int) {
		t.Helper()
		if st != want {
			t.Fatalf("%s: status %d, want %d: %.300s", what, st, want, raw)
		}
	}

	// The seeded list is a bare array of CA objects; every one answers its
	// sub-resources, and at least one seeded calculation is in progress.
	st, h, raw := c.ca(ws, "GET", "", "")
	expect("list", st, raw, http.StatusOK)
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("list Content-Type %q", ct)
	}
	var list []struct {
		ID               int64
		Name             string
		ActiveDefinition json.RawMessage `json:"active_definition"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("list %v: %.300s", err, raw)
	}
	if bytes.Contains(raw, []byte("data_point")) {
		t.Error("the list emits data_point")
	}
	inProgress := 0
	for _, ca := range list {
		id := "/" + strconv.FormatInt(ca.ID, 10)
		st, _, raw = c.ca(ws, "GET", id+"/calculation", "")
		expect("calculation "+id, st, raw, http.StatusOK)
		var calc struct {
			RevisionID          int64   `json:"revision_id"`
			IsCalculated        bool    `json:"is_calculated"`
			PercentComplete     int     `json:"calculation_percent_complete"`
			EstimatedCompletion *string `json:"estimated_completion_time"`
		}
		if err := json.Unmarshal(raw, &calc); err != nil {
			t.Fatal(err)
		}
		if calc.PercentComplete > 0 && calc.PercentComplete < 100 || calc.PercentComplete == 0 && calc.EstimatedCompletion != nil {
			inProgress++
		}
		st, _, raw = c.ca(ws, "GET", id+"/activation", "")
		expect("activation "+id, st, raw, http.StatusOK)
	}
	if inProgress == 0 {
		t.Error("no seeded CA shows a calculation in progress at start")
	}
	st, _, raw = c.ca(ws, "HEAD", "", "")
	expect("HEAD", st, raw, http.StatusNoContent)
	st, _, raw = c.ca(ws, "HEAD", "?name=No+such+CA", "")
	expect("HEAD unknown name", st, raw, http.StatusNotFound)

	// Create, with no Content-Type: 201 and a bare integer above every id.
	st, _, raw = c.ca(ws, "POST", "", caValidBody)
	expect("create", st, raw, http.StatusCreated)
	id, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		t.Fatalf("create body %q is not a bare integer", raw)
	}
	for _, ca := range list {
		if ca.ID >= id {
			t.Errorf("new id %d is not above seeded id %d", id, ca.ID)
		}
	}
	one := "/" + strconv.FormatInt(id, 10)
	st, _, raw = c.ca(ws, "HEAD", "?name=Lifetime+spend", "")
	expect("HEAD new name", st, raw, http.StatusNoContent)
	st, _, raw = c.ca(ws, "POST", "", caValidBody)
	expect("duplicate", st, raw, http.StatusBadRequest)
	if msgs := caErrorMessages(t, raw); len(msgs) != 1 || msgs[0] != "Field 'name' must be unique." {
		t.Errorf("duplicate: %q", msgs)
	}

	// Update, activate, watch the calculation.
	st, _, raw = c.ca(ws, "PUT", one, `{"name": "Spend", "description": "renamed before activation"}`)
	expect("rename", st, raw, http.StatusNoContent)
	st, _, raw = c.ca(ws, "POST", one+"/activation", "")
	expect("activate", st, raw, http.StatusNoContent)
	st, _, raw = c.ca(ws, "GET", one+"/activation", "")
	expect("activation status", st, raw, http.StatusOK)
	want := fmt.Sprintf(`{"calculated_attribute_id":%d,"is_active":true,"activated_on":"2025-12-01T09:00:00.000Z","activated_by":"sandbox"}`, id)
	if string(raw) != want {
		t.Errorf("activation status\n%s\nwant\n%s", raw, want)
	}
	clock.advance(30 * time.Second)
	st, _, raw = c.ca(ws, "GET", one+"/calculation", "")
	expect("calculation", st, raw, http.StatusOK)
	want = fmt.Sprintf(`{"id":%d,"name":"Spend","revision_id":1,"is_calculated":false,"calculation_percent_complete":50,"estimated_completion_time":"2025-12-01T09:01:00.000Z"}`, id)
	if string(raw) != want {
		t.Errorf("calculation\n%s\nwant\n%s", raw, want)
	}
	st, _, raw = c.ca(ws, "PUT", one, `{"name": "Spent"}`)
	expect("rename after activation", st, raw, http.StatusBadRequest)
	if msgs := caErrorMessages(t, raw); len(msgs) != 1 ||
		msgs[0] != "Calculated attribute name cannot be changed once the calculated attribute has been activated." {
		t.Errorf("rename after activation: %q", msgs)
	}
	st, _, raw = c.ca(ws, "POST", one+"/activation", "")
	expect("activate twice", st, raw, http.StatusBadRequest)
	if msgs := caErrorMessages(t, raw); len(msgs) != 1 || msgs[0] != "No draft definition was found to activate." {
		t.Errorf("activate twice: %q", msgs)
	}

	// A method the path does not serve: 405 with Allow.
	st, h, raw = c.ca(ws, "PATCH", one, `{}`)
	expect("PATCH", st, raw, http.StatusMethodNotAllowed)
	if a := h.Get("Allow"); a != "GET, HEAD, PUT, DELETE" {
		t.Errorf("Allow %q", a)
	}

	// Draft discard, delete, then 404s.
	st, _, raw = c.ca(ws, "PUT", one, `{"draft_definition": `+caDraftJSON(t)+`}`)
	expect("new draft", st, raw, http.StatusNoContent)
	st, _, raw = c.ca(ws, "DELETE", one+"/draft", "")
	expect("discard", st, raw, http.StatusNoContent)
	st, _, raw = c.ca(ws, "DELETE", one, "")
	expect("delete", st, raw, http.StatusNoContent)
	st, _, raw = c.ca(ws, "GET", one, "")
	expect("get deleted", st, raw, http.StatusNotFound)
	st, _, raw = c.ca(ws, "DELETE", one, "")
	expect("delete twice", st, raw, http.StatusNotFound)
	st, _, raw = c.ca("999999", "GET", "", "")
	expect("unknown workspace", st, raw, http.StatusNotFound)
}

// caValidBody is a create body that passes every rule.
const caValidBody = `{"name": "Lifetime spend", "description": "Sum of purchases",
 "draft_definition": {"recipe_type": "event",
   "datapoint": {"type": "event", "event_name": "Purchase", "attribute_name": "Total Amount", "event_type": "commerce_event",
                 "custom_event_type": "purchase", "attribute_category": "product_attribute", "use_product_quantity": true},
   "conditions": [], "calculation_type": "sum",
   "time_period": {"type": "since", "date": "2025-10-01T00:00:00", "within": null, "within_unit": null},
   "seeding": {"cutoff_date": "2025-10-02T00:00:00"}}}`

func caBodyMap(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(caValidBody), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// caDraftJSON is the draft_definition of caValidBody.
func caDraftJSON(t *testing.T) string {
	m := caBodyMap(t)
	b, err := json.Marshal(m["draft_definition"])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCAOverHTTPLimitAndViewer: the account-wide activation limit and the
// read-only credential.
func TestCAOverHTTPLimitAndViewer(t *testing.T) {
	admin := startCASandbox(t, Options{Now: newCAClock(caHTTPStart).now, ActiveCALimit: 1}, "sandbox", "sandbox-secret")
	ws := admin.caWorkspace()
	st, _, raw := admin.ca(ws, "POST", "", caValidBody)
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, raw)
	}
	one := "/" + string(raw)
	st, _, raw = admin.ca(ws, "POST", one+"/activation", "")
	if msgs := caErrorMessages(t, raw); st != http.StatusBadRequest || len(msgs) != 1 ||
		msgs[0] != "You have reached the account limit on active calculated attributes." {
		t.Errorf("activation over the limit: %d %q", st, msgs)
	}

	viewer := caLogin(t, admin.srv, "viewer", "viewer-secret")
	if st, _, raw = viewer.ca(ws, "GET", one, ""); st != http.StatusOK {
		t.Errorf("viewer read: %d %s", st, raw)
	}
	for _, w := range []struct{ method, rest, body string }{
		{"POST", "", caValidBody}, {"PUT", one, `{"description": "x"}`}, {"DELETE", one, ""},
		{"POST", one + "/activation", ""}, {"DELETE", one + "/draft", ""},
	} {
		if st, _, raw = viewer.ca(ws, w.method, w.rest, w.body); st != http.StatusForbidden {
			t.Errorf("viewer %s %s: %d %s", w.method, w.rest, st, raw)
		}
	}
	if st, _, _ = admin.ca(ws, "GET", one, ""); st != http.StatusOK {
		t.Errorf("the viewer's refused DELETE removed the CA: %d", st)
	}
}

// TestCAOverHTTPPersists: with a data file, CAs and the id counter survive
// a restart.
func TestCAOverHTTPPersists(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sandbox.db")
	opts := Options{DataFile: file, Now: newCAClock(caHTTPStart).now}
	srv, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	c := caLogin(t, srv, "sandbox", "sandbox-secret")
	ws := c.caWorkspace()
	st, _, raw := c.ca(ws, "POST", "", caValidBody)
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, raw)
	}
	first := string(raw)
	st, _, raw = c.ca(ws, "POST", "/"+first+"/activation", "")
	if st != http.StatusNoContent {
		t.Fatalf("activate: %d %s", st, raw)
	}
	m := caBodyMap(t)
	m["name"] = "Second"
	b, _ := json.Marshal(m)
	st, _, second := c.ca(ws, "POST", "", string(b))
	if st != http.StatusCreated {
		t.Fatalf("create second: %d %s", st, second)
	}
	st, _, raw = c.ca(ws, "DELETE", "/"+string(second), "")
	if st != http.StatusNoContent {
		t.Fatalf("delete second: %d %s", st, raw)
	}
	_, _, before := c.ca(ws, "GET", "/"+first, "")
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv, err = Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c = caLogin(t, srv, "sandbox", "sandbox-secret")
	st, _, after := c.ca(ws, "GET", "/"+first, "")
	if st != http.StatusOK || !bytes.Equal(before, after) {
		t.Errorf("after restart: %d\n%s\nwant\n%s", st, after, before)
	}
	m["name"] = "Third"
	b, _ = json.Marshal(m)
	st, _, third := c.ca(ws, "POST", "", string(b))
	n2, _ := strconv.ParseInt(string(second), 10, 64)
	n3, err := strconv.ParseInt(string(third), 10, 64)
	if st != http.StatusCreated || err != nil || n3 <= n2 {
		t.Errorf("id after restart %s (status %d), want above the deleted %d", third, st, n2)
	}
}
