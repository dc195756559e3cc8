package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/internal/testutil"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/mpconsole/mpconsole/api"
)

func TestTokenEndpoint(t *testing.T) {
	srv := startSB(t, Options{TokenTTL: 90 * time.Second})
	c := &sbClient{t: t, srv: srv, hc: http.DefaultClient}
	jsonBody := func(id, secret, aud, grant string) []byte {
		return sbJSON(map[string]string{"client_id": id, "client_secret": secret, "audience": aud, "grant_type": grant})
	}
	form := func(id, secret, aud, grant string) []byte {
		return []byte(url.Values{"client_id": {id}, "client_secret": {secret}, "audience": {aud}, "grant_type": {grant}}.Encode())
	}
	ctJSON := map[string]string{"Content-Type": "application/json"}
	ctForm := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	aud := api.DefaultAudience
	tests := []struct {
		name      string
		method    string
		headers   map[string]string
		body      []byte
		status    int
		oauthCode string
	}{
		{"json", "POST", ctJSON, jsonBody("sandbox", "sandbox-secret", aud, "client_credentials"), 200, ""},
		{"json without content type", "POST", nil, jsonBody("viewer", "viewer-secret", aud, "client_credentials"), 200, ""},
		{"form", "POST", ctForm, form("sandbox", "sandbox-secret", aud, "client_credentials"), 200, ""},
		{"wrong secret", "POST", ctJSON, jsonBody("sandbox", "nope", aud, "client_credentials"), 401, "invalid_client"},
		{"unknown client", "POST", ctForm, form("ghost", "sandbox-secret", aud, "client_credentials"), 401, "invalid_client"},
		{"wrong grant", "POST", ctJSON, jsonBody("sandbox", "sandbox-secret", aud, "password"), 400, "unsupported_grant_type"},
		{"no grant", "POST", ctJSON, jsonBody("sandbox", "sandbox-secret", aud, ""), 400, "invalid_request"},
		{"wrong audience", "POST", ctJSON, jsonBody("sandbox", "sandbox-secret", "https://example.com", "client_credentials"), 403, "access_denied"},
		{"no audience", "POST", ctJSON, jsonBody("sandbox", "sandbox-secret", "", "client_credentials"), 400, "invalid_request"},
		{"no client", "POST", ctJSON, jsonBody("", "", aud, "client_credentials"), 400, "invalid_request"},
		{"malformed json", "POST", ctJSON, []byte(`{"client_id":`), 400, "invalid_request"},
		{"json of wrong types", "POST", ctJSON, []byte(`{"client_id":1}`), 400, "invalid_request"},
		{"GET", "GET", nil, nil, 405, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.raw(tc.method, srv.TokenURL(), tc.headers, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			if r.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("no CORS header on the token endpoint")
			}
			if tc.status == 200 {
				var tok map[string]any
				if err := json.Unmarshal(r.body, &tok); err != nil {
					t.Fatalf("token body: %v", err)
				}
				if tok["token_type"] != "Bearer" || tok["expires_in"] != float64(90) || len(tok["access_token"].(string)) < 32 {
					t.Errorf("token response fields: type %v, expires_in %v", tok["token_type"], tok["expires_in"])
				}
				if r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control = %q", r.header.Get("Cache-Control"))
				}
				return
			}
			var e oauthError
			if err := json.Unmarshal(r.body, &e); err != nil || e.Error != tc.oauthCode || e.Description == "" {
				t.Errorf("oauth error %+v (%v), want %s with a description", e, err, tc.oauthCode)
			}
			if tc.status == 405 && r.header.Get("Allow") != "POST, OPTIONS" {
				t.Errorf("Allow = %q", r.header.Get("Allow"))
			}
		})
	}
	if n := srv.TokenRequests(); n != int64(len(tests)) {
		t.Errorf("TokenRequests = %d, want %d (failed ones count)", n, len(tests))
	}
	if srv.APIRequests() != 0 {
		t.Errorf("token requests counted as API requests")
	}
}

// The client library the console uses must work unchanged: form body,
// HTTP Basic client authentication, audience as an endpoint parameter.
func TestTokenWithOAuth2ClientCredentials(t *testing.T) {
	srv := startSB(t, Options{})
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleAutoDetect, oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := clientcredentials.Config{ClientID: "sandbox", ClientSecret: "sandbox-secret", TokenURL: srv.TokenURL(),
			EndpointParams: url.Values{"audience": {api.DefaultAudience}}, AuthStyle: style}
		tok, err := cc.Token(t.Context())
		if err != nil {
			t.Fatalf("auth style %d: %v", style, err)
		}
		if tok.TokenType != "Bearer" || time.Until(tok.Expiry) < 7*time.Hour {
			t.Errorf("auth style %d: type %q, expiry in %s", style, tok.TokenType, time.Until(tok.Expiry))
		}
		hc := cc.Client(t.Context())
		res, err := hc.Get(srv.V1URL() + "/apps?accountId=1")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("auth style %d: GET apps = %d", style, res.StatusCode)
		}
	}
	bad := clientcredentials.Config{ClientID: "sandbox", ClientSecret: "Wr0ng-S3cret-7x", TokenURL: srv.TokenURL(),
		EndpointParams: url.Values{"audience": {api.DefaultAudience}}}
	_, err := bad.Token(t.Context())
	var re *oauth2.RetrieveError
	if !asRetrieveError(err, &re) || re.Response.StatusCode != 401 || re.ErrorCode != "invalid_client" {
		t.Errorf("wrong secret: %v", err)
	}
	if strings.Contains(err.Error(), "Wr0ng-S3cret-7x") {
		t.Errorf("the error echoes the secret: %v", err)
	}
}

func asRetrieveError(err error, re **oauth2.RetrieveError) bool {
	r, ok := err.(*oauth2.RetrieveError)
	if !ok {
		return false
	}
	*re = r
	return true
}

func TestBearerTokenRules(t *testing.T) {
	clock := &sbClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	log := &testutil.SyncBuffer{}
	srv := startSB(t, Options{TokenTTL: time.Hour, Now: clock.now, Log: log})
	admin := sbAdmin(t, srv)
	noTok := &sbClient{t: t, srv: srv, hc: http.DefaultClient}

	cases := []struct {
		name   string
		header string
		path   string
		msg    string
	}{
		{"no header", "", "/v1/apps?accountId=1", "An Authorization: Bearer <token> header is required; get a token from /oauth/token."},
		{"wrong scheme", "Basic abc", "/v1/apps?accountId=1", "An Authorization: Bearer <token> header is required; get a token from /oauth/token."},
		{"unknown token", "Bearer not-a-token", "/v1/apps?accountId=1", "The access token is not valid."},
		{"v2 unknown token", "Bearer not-a-token", "/platform/v2/workspaces/4302/calculatedattributes", "The access token is not valid."},
		{"unknown path still needs a token", "", "/v1/nothing-here", "An Authorization: Bearer <token> header is required; get a token from /oauth/token."},
	}
	for _, tc := range cases {
		h := map[string]string{}
		if tc.header != "" {
			h["Authorization"] = tc.header
		}
		r := noTok.raw("GET", srv.URL()+tc.path, h, nil)
		if r.status != 401 || r.message() != tc.msg || r.code() != "UNAUTHORIZED" {
			t.Errorf("%s: %d %s %q", tc.name, r.status, r.code(), r.message())
		}
		if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: no WWW-Authenticate", tc.name)
		}
	}
	admin.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
	clock.advance(59 * time.Minute)
	admin.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
	clock.advance(time.Minute)
	if r := admin.do("GET", "/v1/apps?accountId=1", nil); r.status != 401 || r.message() != "The access token has expired." {
		t.Errorf("expired token: %d %q", r.status, r.message())
	}
	// A fresh token works; RevokeTokens kills it.
	admin = sbAdmin(t, srv)
	admin.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
	srv.RevokeTokens()
	if r := admin.do("GET", "/v1/apps?accountId=1", nil); r.status != 401 {
		t.Errorf("revoked token: %d", r.status)
	}
	// The log names the client but never holds a token or a secret.
	logged := log.String()
	if !strings.Contains(logged, `client="sandbox"`) || !strings.Contains(logged, "GET /v1/apps?accountId=1 200") {
		t.Errorf("log lacks the request lines:\n%s", logged)
	}
	for _, secret := range []string{admin.token, DefaultClientSecret, ViewerClientSecret} {
		if strings.Contains(logged, secret) {
			t.Fatalf("the log holds a secret")
		}
	}
}

// Tokens survive a restart with --data (stored as hashes), like the real
// SSO's tokens survive a deploy; the store never holds the token itself.
func TestTokensPersistAsHashes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sandbox.db")
	srv, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	hs := startHandlerServer(t, srv)
	c := sbAdmin(t, hs)
	c.do("GET", "/v1/accounts?accountId=1", nil).want(t, 200)
	srv.Close()
	raw := readStoreKeys(t, file)
	if strings.Contains(raw, c.token) {
		t.Fatalf("the data file holds a usable token")
	}
	srv2, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	hs2 := startHandlerServer(t, srv2)
	c.srv = hs2
	c.do("GET", "/v1/accounts?accountId=1", nil).want(t, 200)
	srv2.Close()
}

// Extra credentials: admins on every account; the viewer is gone when the
// credentials are replaced.
func TestCustomCredentialsAndAudience(t *testing.T) {
	srv := startSB(t, Options{Audience: "https://sandbox.test", Credentials: []Credential{
		{ClientID: "ci", Secret: "ci-secret"},
		{ClientID: "two", Secret: "two-secret", Accounts: []int64{2}},
	}})
	c := &sbClient{t: t, srv: srv, hc: http.DefaultClient}
	r := c.raw("POST", srv.TokenURL(), map[string]string{"Content-Type": "application/json"},
		sbJSON(map[string]string{"client_id": "ci", "client_secret": "ci-secret", "audience": api.DefaultAudience, "grant_type": "client_credentials"}))
	if r.status != 403 {
		t.Fatalf("default audience on a custom-audience sandbox: %d", r.status)
	}
	r = c.raw("POST", srv.TokenURL(), map[string]string{"Content-Type": "application/json"},
		sbJSON(map[string]string{"client_id": "viewer", "client_secret": "viewer-secret", "audience": "https://sandbox.test", "grant_type": "client_credentials"}))
	if r.status != 401 {
		t.Fatalf("viewer on replaced credentials: %d", r.status)
	}
	cc := clientcredentials.Config{ClientID: "two", ClientSecret: "two-secret", TokenURL: srv.TokenURL(),
		EndpointParams: url.Values{"audience": {"https://sandbox.test"}}}
	hc := cc.Client(context.WithValue(t.Context(), oauth2.HTTPClient, http.DefaultClient))
	for acct, want := range map[int]int{1: 404, 2: 200} {
		res, err := hc.Get(fmt.Sprintf("%s/apps?accountId=%d", srv.V1URL(), acct))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("credential of account 2 on account %d: %d, want %d", acct, res.StatusCode, want)
		}
	}
	for _, bad := range [][]Credential{
		{{ClientID: "", Secret: "x"}},
		{{ClientID: "a", Secret: ""}},
		{{ClientID: "a", Secret: "x"}, {ClientID: "a", Secret: "y"}},
	} {
		if _, err := New(Options{Credentials: bad}); err == nil {
			t.Errorf("credentials %v accepted", bad)
		}
	}
}

// Expired tokens are dropped from memory and from the store as new ones
// are issued.
func TestExpiredTokensArePruned(t *testing.T) {
	clock := &sbClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	srv := startSB(t, Options{TokenTTL: time.Minute, Now: clock.now})
	old := sbAdmin(t, srv)
	clock.advance(2 * time.Minute)
	for range 255 {
		sbAdmin(t, srv)
	}
	srv.tokens.mu.Lock()
	n := len(srv.tokens.byHash)
	_, kept := srv.tokens.byHash[hashToken(old.token)]
	srv.tokens.mu.Unlock()
	if kept || n != 255 {
		t.Errorf("after pruning: %d tokens, expired one kept: %v", n, kept)
	}
	stored := 0
	srv.store.load(func(k string, _ []byte) error {
		if strings.HasPrefix(k, "token/") {
			stored++
		}
		return nil
	})
	if stored != 255 {
		t.Errorf("%d tokens in the store, want 255", stored)
	}
}
