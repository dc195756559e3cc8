package sandbox

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/internal/testutil"
)

// Tests that the sandbox holds like a server: timeouts, early 413s, strict
// queries, length limits, a log without credentials, and tokens revoked
// with their secret.

// rawConn dials the sandbox; the connection fails the test if it is still
// waiting after 10 s (the bound of every raw exchange here).
func rawConn(t *testing.T, srv *Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	return conn, bufio.NewReader(conn)
}

// readAnswer reads one answer and its body from a raw connection.
func readAnswer(t *testing.T, br *bufio.Reader, method string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	res.Body.Close()
	return res, body
}

// wantClosed fails unless the server closes the connection (EOF or reset)
// before the connection's own deadline; it returns what came before.
func wantClosed(t *testing.T, br *bufio.Reader, what string) []byte {
	t.Helper()
	b, err := io.ReadAll(br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("%s: the connection stayed open (%v)", what, err)
	}
	return b
}

func TestTimeouts(t *testing.T) {
	srv := startSB(t, Options{ReadTimeout: 200 * time.Millisecond, IdleTimeout: 150 * time.Millisecond, WriteTimeout: 100 * time.Millisecond})
	tok := sbAdmin(t, srv).token

	t.Run("trickled body", func(t *testing.T) {
		conn, br := rawConn(t, srv)
		const length = 200
		fmt.Fprintf(conn, "PUT /v1/apps/1?accountId=1 HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", tok, length)
		sent := make(chan int, 1)
		stop := make(chan struct{})
		go func() {
			n := 0
			tick := time.NewTicker(40 * time.Millisecond)
			defer tick.Stop()
			for ; n < length; n++ {
				select {
				case <-stop:
					sent <- n
					return
				case <-tick.C:
				}
				if _, err := conn.Write([]byte{' '}); err != nil {
					break
				}
			}
			sent <- n
		}()
		res, body := readAnswer(t, br, "PUT")
		close(stop)
		if n := <-sent; n >= length {
			t.Fatalf("the whole trickled body was read (%d bytes)", n)
		}
		var e api.Envelope
		if res.StatusCode != http.StatusRequestTimeout || json.Unmarshal(body, &e) != nil || len(e.Errors) != 1 ||
			e.Errors[0].Code != codeRequestTimeout || e.Errors[0].Message != "The request body did not arrive within the read timeout (200ms)." {
			t.Fatalf("trickled body: %d %s", res.StatusCode, body)
		}
		if rest := wantClosed(t, br, "after a read timeout"); len(rest) > 0 {
			t.Errorf("after the 408: %q", rest)
		}
	})

	t.Run("trickled headers", func(t *testing.T) {
		conn, br := rawConn(t, srv)
		io.WriteString(conn, "GET /v1/apps?accountId=1 HTTP/1.1\r\nHost: sandbox\r\n")
		go func() {
			for range 100 { // 4 s of headers at most, one byte at a time
				time.Sleep(40 * time.Millisecond)
				if _, err := conn.Write([]byte{'X'}); err != nil {
					return
				}
			}
		}()
		if rest := wantClosed(t, br, "trickled headers"); len(rest) > 0 && !strings.HasPrefix(string(rest), "HTTP/1.1 4") {
			t.Errorf("trickled headers: %q", rest)
		}
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		conn, br := rawConn(t, srv)
		fmt.Fprintf(conn, "GET /v1/apps?accountId=1 HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer %s\r\n\r\n", tok)
		if res, body := readAnswer(t, br, "GET"); res.StatusCode != 200 || res.Close {
			t.Fatalf("first request: %d close=%v %s", res.StatusCode, res.Close, body)
		}
		if rest := wantClosed(t, br, "an idle keep-alive connection"); len(rest) > 0 {
			t.Errorf("idle connection: %q", rest)
		}
	})

	t.Run("latency is not eaten by the write timeout", func(t *testing.T) {
		srv.SetLatency(250 * time.Millisecond)
		defer srv.SetLatency(0)
		c := sbAdmin(t, srv)
		c.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
	})
}

func TestTimeoutDefaults(t *testing.T) {
	srv := startSB(t, Options{})
	h := srv.srv
	if h.ReadHeaderTimeout != DefaultReadHeaderTimeout || h.ReadTimeout != DefaultReadTimeout ||
		h.WriteTimeout != DefaultWriteTimeout || h.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("defaults: header %s read %s write %s idle %s", h.ReadHeaderTimeout, h.ReadTimeout, h.WriteTimeout, h.IdleTimeout)
	}
	srv = startSB(t, Options{ReadTimeout: 3 * time.Second, WriteTimeout: -1, IdleTimeout: -1})
	h = srv.srv
	if h.ReadHeaderTimeout != 3*time.Second || h.WriteTimeout != 0 || h.IdleTimeout != 0 {
		t.Errorf("header timeout capped by the read timeout, negative = none: header %s write %s idle %s", h.ReadHeaderTimeout, h.WriteTimeout, h.IdleTimeout)
	}
}

// An upload announced larger than the limit is refused before its body is
// asked for: a client waiting for 100 Continue gets the 413 instead.
func TestTooLargeWithExpectContinue(t *testing.T) {
	srv := startSB(t, Options{})
	tok := sbAdmin(t, srv).token
	for _, tc := range []struct {
		name, method, path string
		length             int
		check              func(body []byte) bool
	}{
		{"v1", "PUT", "/v1/apps/1?accountId=1", maxBody + 1, func(b []byte) bool {
			var e api.Envelope
			return json.Unmarshal(b, &e) == nil && e.DataType == "application" && len(e.Errors) == 1 &&
				e.Errors[0].Code == codeTooLarge && e.Errors[0].Message == "Request body is larger than 8388608 bytes."
		}},
		{"v2", "POST", "/platform/v2/workspaces/4302/calculatedattributes", 1 << 30, func(b []byte) bool {
			return strings.HasPrefix(string(b), `{"errors":[{"code":"PAYLOAD_TOO_LARGE","message":"Request body is larger than 8388608 bytes."`)
		}},
		{"token", "POST", "/oauth/token", maxTokenBody + 1, func(b []byte) bool {
			var e oauthError
			return json.Unmarshal(b, &e) == nil && e.Error == "invalid_request" && e.Description == "The request body is larger than 65536 bytes."
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, br := rawConn(t, srv)
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
				tc.method, tc.path, tok, tc.length)
			res, body := readAnswer(t, br, tc.method) // a 100 Continue here would fail the status check
			if res.StatusCode != http.StatusRequestEntityTooLarge || !tc.check(body) {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			if res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("413 without CORS")
			}
			if rest := wantClosed(t, br, "after a 413 on an announced length"); len(rest) > 0 {
				t.Errorf("after the 413: %q", rest)
			}
		})
	}
}

func TestStrictQuery(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	const (
		twice   = "The accountId query parameter must be given only once (in any casing of its name); this request has it 2 times."
		semi    = "The query string contains ';', which does not separate parameters; join them with '&'."
		escape  = "The query string has a malformed percent-escape; '%' must be followed by two hex digits (%25 is a literal '%')."
		notUTF8 = "The query string is not valid UTF-8."
		notInt  = "The accountId query parameter must be a positive integer."
	)
	for _, tc := range []struct {
		query  string
		status int
		msg    string
	}{
		{"accountId=1&accountId=2", 400, twice},
		{"accountId=1&accountId=1", 400, twice},
		{"accountId=1&AccountId=1", 400, twice},
		{"accountid=2&ACCOUNTID=1", 400, twice},
		{"accountId=1&accountId=", 400, twice},
		{"accountId=1&accountId=2&accountId=3", 400, strings.Replace(twice, "2 times", "3 times", 1)},
		{"accountId=1;2", 400, semi},
		{"accountId=1;accountId=2", 400, semi},
		{"accountId=%zz", 400, escape},
		{"accountId=1&name=%zz", 400, escape},
		{"accountId=1&%", 400, escape},
		{"accountId=%1", 400, escape},
		{"accountId=%ff", 400, notUTF8},
		{"accountId=1&n%ffx=1", 400, notUTF8},
		{"accountId=1%3B2", 400, notInt},
		{"accountId=1%202", 400, notInt},
		{"accountId=", 401, "The accountId query parameter is required."},
		{"AccountId=1", 200, ""},
		{"accountid=1&other=1&other=2", 200, ""},
	} {
		r := c.do("GET", "/v1/apps?"+tc.query, nil)
		if r.status != tc.status || r.message() != tc.msg {
			t.Errorf("?%s: %d %q, want %d %q", tc.query, r.status, r.message(), tc.status, tc.msg)
		}
		if tc.status == 400 && (r.code() != codeBadRequest || r.env(t).DataType != "application") {
			t.Errorf("?%s: not the envelope of the route: %s", tc.query, r.body)
		}
	}
	// v2 needs no accountId and ignores a repeated one, but a malformed
	// query is malformed there too (in the v2 form).
	c.do("GET", "/platform/v2/workspaces/4302/calculatedattributes?accountId=1&accountId=2", nil).want(t, 200)
	r := c.do("GET", "/platform/v2/workspaces/4302/calculatedattributes?name=%zz", nil)
	if r.status != 400 || r.message() != escape || !strings.HasPrefix(string(r.body), `{"errors":`) {
		t.Errorf("v2 malformed query: %d %s", r.status, r.body)
	}
	// POST /accounts ignores accountId, however often it is given.
	c.do("POST", "/v1/accounts?accountId=1&accountId=2", `{"name":"Twice"}`).want(t, 201)
}

func TestLengthLimitsAndUTF8(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	app := func(name string) string {
		return `{"name":` + string(sbJSON(name)) + `,"platforms":[{"os":"iOS"}]}`
	}
	long := func(n int) string { return strings.Repeat("é", n) } // two bytes each: limits count characters
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		msg                      string
	}{
		{"name at the limit", "POST", "/v1/apps?accountId=1", app(long(maxNameLen)), 201, ""},
		{"name over the limit", "POST", "/v1/apps?accountId=1", app(long(maxNameLen + 1)), 422, "Field 'name' is longer than 255 characters."},
		{"escaped name over the limit", "POST", "/v1/apps?accountId=1", `{"name":"` + strings.Repeat(`\u00e9`, maxNameLen+1) + `","platforms":[{"os":"iOS"}]}`, 422, "Field 'name' is longer than 255 characters."},
		{"account name", "POST", "/v1/accounts", `{"name":"` + long(300) + `"}`, 422, "Field 'name' is longer than 255 characters."},
		{"nested name", "PUT", "/v1/apps/1/datapoints?accountId=1", `[{"type":"Event","event_type":"navigation","name":"` + long(256) + `"}]`, 422, "Field 'name' is longer than 255 characters."},
		{"user first_name", "POST", "/v1/users?accountId=1", `{"first_name":"` + long(256) + `","email":"a@b.co"}`, 422, "Field 'first_name' is longer than 255 characters."},
		{"string over the limit", "POST", "/v1/users?accountId=1", `{"first_name":"A","email":"` + long(maxStringLen+1) + `"}`, 422, "Field 'email' is longer than 4096 characters."},
		{"setting value", "PUT", "/v1/apps/1/platforms/ios/services?accountId=1", `{"name":"Mixpanel","settings":[{"name":"token","value":"` + strings.Repeat("k", maxStringLen+1) + `"}]}`, 422, "Field 'value' is longer than 4096 characters."},
		{"field name", "POST", "/v1/accounts", `{"` + strings.Repeat("k", 256) + `":1,"name":"x"}`, 422, "A field name in the request body is longer than 255 characters."},
		{"invalid UTF-8", "POST", "/v1/accounts", "{\"name\":\"a\xffb\"}", 400, "Request body is not valid UTF-8 (at byte 10)."},
		{"invalid UTF-8 in a key", "PUT", "/v1/apps/1?accountId=1", "{\"n\xc3\":\"x\"}", 400, "Request body is not valid UTF-8 (at byte 3)."},
		{"invalid UTF-8 in the path", "GET", "/v1/apps/%ff?accountId=1", "", 400, "The path is not valid UTF-8."},
		{"v2 name over the limit", "POST", "/platform/v2/workspaces/4302/calculatedattributes", caDraftBodyForTest(long(256)), 400, "Field 'name' is longer than 255 characters."},
		{"v2 invalid UTF-8", "POST", "/platform/v2/workspaces/4302/calculatedattributes", "{\"name\":\"\xff\"}", 400, "Request body is not valid UTF-8 (at byte 9)."},
		{"v2 invalid UTF-8 in the path", "GET", "/platform/v2/workspaces/4302/calculatedattributes/%c3", "", 400, "The path is not valid UTF-8."},
	} {
		var body any
		if tc.body != "" {
			body = tc.body
		}
		r := c.do(tc.method, tc.path, body)
		if r.status != tc.status || r.message() != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.name, r.status, r.message(), tc.status, tc.msg)
			continue
		}
		v2 := strings.HasPrefix(tc.path, "/platform/")
		switch {
		case tc.status == 422 && r.code() != api.CodeValidation,
			tc.status == 400 && v2 && tc.msg[0] == 'F' && r.code() != api.CodeValidation,
			tc.status == 400 && tc.msg[0] != 'F' && r.code() != codeBadRequest:
			t.Errorf("%s: code %s", tc.name, r.code())
		}
		if v2 && tc.status >= 400 && !strings.HasPrefix(string(r.body), `{"errors":`) {
			t.Errorf("%s: not the v2 form: %s", tc.name, r.body)
		}
	}
	// The checks come after scope and read-only: the viewer's write is 403.
	v := sbViewer(t, srv)
	if r := v.do("POST", "/v1/apps?accountId=1", app(long(300))); r.status != 403 {
		t.Errorf("viewer with a long name: %d", r.status)
	}
}

// The request log never holds the value of a query parameter named like a
// credential, whatever its case, the route, or the query's shape.
func TestLogRedactsCredentialParams(t *testing.T) {
	log := &testutil.SyncBuffer{}
	srv := startSB(t, Options{Log: log})
	c := sbAdmin(t, srv)
	queries := []string{
		"accountId=1&Authorization=Bearer%20S3cretA",
		"accountId=1&access_token=S3cretB",
		"accountId=1&ACCESS_TOKEN=S3cretC&Access_Token=S3cretD",
		"accountId=1&client_secret=S3cretE",
		"accountId=1&Client_Secret=S3cretF",
		"accountId=1&token=S3cretG&token=S3cretH",
		"accountId=1&TOKEN=S3cretI",
		"accountId=1&authorization=S3cretJ",
		"accountId=1&api_key=S3cretK",
		"accountId=1&x=%zz&access_token=S3cretL",
		"accountId=1;access_token=S3cretM",
		"accountId=1&acc%65ss_token=S3cretN",
	}
	for _, q := range queries {
		c.do("GET", "/v1/apps?"+q, nil)
	}
	c.do("GET", "/platform/v2/workspaces/4302/calculatedattributes?client_secret=S3cretO", nil)
	c.do("POST", "/oauth/token?client_secret=S3cretP", "{}")
	c.do("GET", "/nowhere?token=S3cretQ", nil)
	c.do("OPTIONS", "/v1/apps?Authorization=S3cretR", nil)
	logged := log.String()
	for _, want := range []string{"Authorization=REDACTED", "access_token=REDACTED", "client_secret=REDACTED", "token=REDACTED", "TOKEN=REDACTED", "<unparsable query>"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	if strings.Contains(logged, "S3cret") {
		t.Fatalf("the log holds a credential's value")
	}
	if n := strings.Count(logged, "\n"); n < len(queries)+4 {
		t.Errorf("%d log lines for %d requests", n, len(queries)+4)
	}
}

// Changing a credential's secret revokes the tokens issued under the old
// one; other credentials' tokens, and a change that keeps the secret, keep
// theirs.
func TestSecretChangeRevokesTokens(t *testing.T) {
	srv := startSB(t, Options{Credentials: []Credential{{ClientID: "ci", Secret: "old-secret"}, {ClientID: "other", Secret: "other-secret"}}})
	ci := sbLogin(t, srv, "ci", "old-secret")
	other := sbLogin(t, srv, "other", "other-secret")
	ci.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)

	if err := srv.SetCredential(Credential{ClientID: "ci", Secret: "old-secret", Accounts: []int64{1}}); err != nil {
		t.Fatal(err)
	}
	ci.do("GET", "/v1/apps?accountId=1", nil).want(t, 200) // same secret: kept, new scope
	ci.do("GET", "/v1/apps?accountId=2", nil).want(t, 404)

	if err := srv.SetCredential(Credential{ClientID: "ci", Secret: "new-secret"}); err != nil {
		t.Fatal(err)
	}
	if r := ci.do("GET", "/v1/apps?accountId=1", nil); r.status != 401 || r.message() != "The access token is not valid." {
		t.Errorf("token of the old secret: %d %q", r.status, r.message())
	}
	other.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
	r := ci.raw("POST", srv.TokenURL(), map[string]string{"Content-Type": "application/json"},
		sbJSON(map[string]string{"client_id": "ci", "client_secret": "old-secret", "audience": api.DefaultAudience, "grant_type": "client_credentials"}))
	if r.status != 401 {
		t.Errorf("the old secret still gets a token: %d", r.status)
	}
	sbLogin(t, srv, "ci", "new-secret").do("GET", "/v1/apps?accountId=2", nil).want(t, 200)

	if err := srv.SetCredential(Credential{ClientID: "added", Secret: "added-secret", ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	sbLogin(t, srv, "added", "added-secret").do("POST", "/v1/accounts", `{"name":"x"}`).want(t, 403)
	for _, bad := range []Credential{{Secret: "s"}, {ClientID: "x"}} {
		if err := srv.SetCredential(bad); err == nil {
			t.Errorf("SetCredential(%+v) accepted", bad.ClientID)
		}
	}
}

// With a data file, a restart with another secret for a client id revokes
// the tokens issued under the old one; the file keeps neither secret.
func TestSecretChangeAcrossRestart(t *testing.T) {
	file := t.TempDir() + "/sandbox.db"
	creds := func(secret string) []Credential {
		return append(DefaultCredentials(), Credential{ClientID: "ci", Secret: secret})
	}
	srv := startSB(t, Options{DataFile: file, Credentials: creds("first-S3cret")})
	ci := sbLogin(t, srv, "ci", "first-S3cret")
	admin := sbAdmin(t, srv)
	srv.Close()

	// Same secret: the token survives.
	srv = startSB(t, Options{DataFile: file, Credentials: creds("first-S3cret")})
	ci.srv, admin.srv = srv, srv
	ci.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
	srv.Close()

	// Another secret: revoked; the unchanged credential keeps its token.
	srv = startSB(t, Options{DataFile: file, Credentials: creds("second-S3cret")})
	ci.srv, admin.srv = srv, srv
	if r := ci.do("GET", "/v1/apps?accountId=1", nil); r.status != 401 {
		t.Errorf("token of the old secret after a restart: %d", r.status)
	}
	admin.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)

	// A rotation through SetCredential is durable: going back to the
	// second secret on restart revokes the third's tokens.
	ci = sbLogin(t, srv, "ci", "second-S3cret")
	if err := srv.SetCredential(Credential{ClientID: "ci", Secret: "third-S3cret"}); err != nil {
		t.Fatal(err)
	}
	ci.do("GET", "/v1/apps?accountId=1", nil).want(t, 401)
	third := sbLogin(t, srv, "ci", "third-S3cret")
	srv.Close()
	srv = startSB(t, Options{DataFile: file, Credentials: creds("second-S3cret")})
	third.srv = srv
	third.do("GET", "/v1/apps?accountId=1", nil).want(t, 401)
	srv.Close()

	raw := readStoreKeys(t, file)
	if strings.Contains(raw, "S3cret") || !strings.Contains(raw, "cred/ci=") {
		t.Fatalf("the data file holds a secret, or no record of the credential")
	}
}
