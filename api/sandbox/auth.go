package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenTable holds the issued tokens by the SHA-256 of their text: neither
// memory nor the store keeps a usable token, and a lookup is a hash away.
type tokenTable struct {
	mu     sync.Mutex
	byHash map[string]tokenRecord
	issued int
}

func newTokenTable(loaded map[string]tokenRecord) *tokenTable {
	t := &tokenTable{byHash: map[string]tokenRecord{}}
	for k, v := range loaded {
		t.byHash[k] = v
	}
	return t
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// add records a new token and returns the store keys of expired ones to
// drop (pruned every 256 issues).
func (t *tokenTable) add(hash string, rec tokenRecord, now time.Time) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byHash[hash] = rec
	t.issued++
	if t.issued%256 != 0 {
		return nil
	}
	var expired []string
	for h, r := range t.byHash {
		if r.ExpiresAt <= now.UnixNano() {
			delete(t.byHash, h)
			expired = append(expired, "token/"+h)
		}
	}
	return expired
}

func (t *tokenTable) lookup(hash string) (tokenRecord, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.byHash[hash]
	return r, ok
}

// revokeAll forgets every token and returns their store keys.
func (t *tokenTable) revokeAll() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]string, 0, len(t.byHash))
	for h := range t.byHash {
		keys = append(keys, "token/"+h)
	}
	t.byHash = map[string]tokenRecord{}
	return keys
}

// oauthError is the token endpoint's failure body, the OAuth 2.0 error
// response (RFC 6749).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

func writeOAuth(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	if status == http.StatusMethodNotAllowed {
		h.Set("Allow", "POST, OPTIONS")
	}
	writeResponse(w, response{status: status, body: b})
}

// maxTokenBody bounds the token endpoint's request body.
const maxTokenBody = 64 << 10

// serveToken is POST /oauth/token: the documented JSON body, or the
// form body (and HTTP Basic client authentication) that
// golang.org/x/oauth2/clientcredentials sends.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	s.tokenHits.Add(1)
	if r.Method != http.MethodPost {
		writeOAuth(w, http.StatusMethodNotAllowed, oauthError{"invalid_request", "The token endpoint accepts POST only."})
		return
	}
	tooLarge := oauthError{"invalid_request", fmt.Sprintf("The request body is larger than %d bytes.", maxTokenBody)}
	if r.ContentLength > maxTokenBody {
		dropUnsentBody(w, r)
		writeOAuth(w, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxTokenBody+1))
	switch {
	case err != nil:
		writeOAuth(w, http.StatusBadRequest, oauthError{"invalid_request", "Could not read the request body."})
		return
	case len(body) > maxTokenBody:
		writeOAuth(w, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	p, err := tokenParams(r, body)
	if err != nil {
		writeOAuth(w, http.StatusBadRequest, oauthError{"invalid_request", err.Error()})
		return
	}
	if id, secret, ok := r.BasicAuth(); ok && p.ClientID == "" && p.ClientSecret == "" {
		// OAuth 2.0 (RFC 6749) form-encodes both before Base64.
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		if u, err := url.QueryUnescape(secret); err == nil {
			secret = u
		}
		p.ClientID, p.ClientSecret = id, secret
	}
	info.client = p.ClientID
	switch {
	case p.GrantType == "":
		writeOAuth(w, http.StatusBadRequest, oauthError{"invalid_request", "grant_type is required; it must be client_credentials."})
		return
	case p.GrantType != "client_credentials":
		writeOAuth(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", "grant_type must be client_credentials."})
		return
	case p.ClientID == "" || p.ClientSecret == "":
		writeOAuth(w, http.StatusBadRequest, oauthError{"invalid_request", "client_id and client_secret are required."})
		return
	}
	// Held until the token is recorded: SetCredential cannot change the
	// secret between this check and the token's entry in the table.
	s.credMu.RLock()
	defer s.credMu.RUnlock()
	cred := s.credential(p.ClientID)
	if cred == nil || subtle.ConstantTimeCompare([]byte(cred.Secret), []byte(p.ClientSecret)) != 1 {
		writeOAuth(w, http.StatusUnauthorized, oauthError{"invalid_client", "Unknown client_id or wrong client_secret."})
		return
	}
	switch {
	case p.Audience == "":
		writeOAuth(w, http.StatusBadRequest, oauthError{"invalid_request", fmt.Sprintf("audience is required; it must be %s.", s.audience)})
		return
	case p.Audience != s.audience:
		writeOAuth(w, http.StatusForbidden, oauthError{"access_denied", fmt.Sprintf("Unknown audience %q; this server issues tokens for %s.", p.Audience, s.audience)})
		return
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		writeOAuth(w, http.StatusInternalServerError, oauthError{"server_error", "Could not generate a token."})
		return
	}
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	rec := tokenRecord{ClientID: cred.ClientID, ExpiresAt: now.Add(s.ttl).UnixNano()}
	h := hashToken(tok)
	expired := s.tokens.add(h, rec, now)
	val, _ := json.Marshal(rec)
	if err := s.store.apply([]record{{"token/" + h, val}}, expired); err != nil {
		s.logf("store token: %v", err) // the token still works until a restart
	}
	writeOAuth(w, http.StatusOK, tokenResponse{AccessToken: tok, ExpiresIn: int64(s.ttl / time.Second), TokenType: "Bearer"})
}

type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Audience     string `json:"audience"`
	GrantType    string `json:"grant_type"`
}

// tokenParams reads the body by its Content-Type: form-encoded, or JSON
// (also when the type is missing or unknown and the body looks like JSON).
func tokenParams(r *http.Request, body []byte) (tokenRequest, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	trimmed := strings.TrimSpace(string(body))
	if mt == "application/x-www-form-urlencoded" || (mt != "application/json" && !strings.HasPrefix(trimmed, "{")) {
		v, err := url.ParseQuery(trimmed)
		if err != nil {
			return tokenRequest{}, fmt.Errorf("the form body could not be parsed")
		}
		return tokenRequest{v.Get("client_id"), v.Get("client_secret"), v.Get("audience"), v.Get("grant_type")}, nil
	}
	var p tokenRequest
	if err := json.Unmarshal(body, &p); err != nil {
		return tokenRequest{}, fmt.Errorf("the body must be a JSON object with string fields client_id, client_secret, audience and grant_type")
	}
	return p, nil
}

// authenticate checks the bearer token of an API request.
func (s *Server) authenticate(r *http.Request) (*Credential, *response) {
	unauthorized := func(msg string) (*Credential, *response) {
		var f response
		if strings.HasPrefix(strings.ToLower(r.URL.Path), "/platform/") {
			f = failV2(http.StatusUnauthorized, codeUnauthorized, msg)
		} else {
			f = failV1(http.StatusUnauthorized, codeUnauthorized, msg, "")
		}
		return nil, &f
	}
	h := r.Header.Get("Authorization")
	scheme, tok, found := strings.Cut(strings.TrimSpace(h), " ")
	if h == "" || !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return unauthorized("An Authorization: Bearer <token> header is required; get a token from /oauth/token.")
	}
	rec, ok := s.tokens.lookup(hashToken(strings.TrimSpace(tok)))
	if !ok {
		return unauthorized("The access token is not valid.")
	}
	if s.now().UnixNano() >= rec.ExpiresAt {
		return unauthorized("The access token has expired.")
	}
	cred := s.credential(rec.ClientID)
	if cred == nil {
		return unauthorized("The access token is not valid.")
	}
	return cred, nil
}
