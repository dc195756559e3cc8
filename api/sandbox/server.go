package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/api"
)

// The seeded credentials (docs/sandbox.md). They are demo values of a local
// sandbox, printed at start-up; they open nothing else.
const (
	DefaultClientID     = "sandbox"
	DefaultClientSecret = "sandbox-secret" // admin on every account
	ViewerClientID      = "viewer"
	ViewerClientSecret  = "viewer-secret" // read-only, account 1 only (writes → 403)
)

// Defaults of Options.
const (
	DefaultTokenTTL      = 8 * time.Hour // the documented expires_in, 28800 s
	DefaultAppLimit      = 200           // apps per account before `Exceeded app limit.`
	DefaultActiveCALimit = 10            // active calculated attributes per account
	DefaultRetentionDays = 90            // calculated-attribute retention (earliest date, `within`)

	// The HTTP server's timeouts (Options.ReadTimeout etc.): long enough for
	// an 8 MiB body on a slow link, short enough that a client trickling
	// bytes or holding idle connections cannot pin the sandbox.
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = time.Minute
	DefaultWriteTimeout      = time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
)

// Credential is a client id and secret the token endpoint accepts.
type Credential struct {
	ClientID string
	Secret   string
	Accounts []int64 // accounts it may reach; nil means every account
	ReadOnly bool    // every write gets 403
}

// canReach reports whether the credential may see the account.
func (c *Credential) canReach(acct int64) bool {
	return c.Accounts == nil || slices.Contains(c.Accounts, acct)
}

// DefaultCredentials are the two seeded credentials: sandbox (admin, every
// account) and viewer (read-only, account 1).
func DefaultCredentials() []Credential {
	return []Credential{
		{ClientID: DefaultClientID, Secret: DefaultClientSecret},
		{ClientID: ViewerClientID, Secret: ViewerClientSecret, Accounts: []int64{SeedAccountID}, ReadOnly: true},
	}
}

// Options configure a sandbox. The zero value is a memory-only sandbox with
// the default seed, the two default credentials and no faults.
type Options struct {
	Addr      string        // listen address for Start; default "127.0.0.1:0"
	DataFile  string        // "" keeps everything in memory; else a bbolt file (created 0600)
	TokenTTL  time.Duration // token lifetime; default 8h; at least 1s
	Seed      string        // "default" (also ""), "empty" or "large:N"; ignored when DataFile already holds data
	Faults    string        // the --fault spec, e.g. "504=0.3,429=0.1,reset=0.05"
	FaultSeed int64         // seed of the fault dice; 0 picks one at random
	Latency   time.Duration // delay before every answer
	// Trickle, when set, sends every API answer's body in 16 KiB pieces
	// with this pause after each: a slow transfer, for clients that read
	// as the bytes arrive.
	Trickle     time.Duration
	Audience    string       // the audience the token endpoint demands; default api.DefaultAudience
	Credentials []Credential // nil means DefaultCredentials()
	Log         io.Writer    // one line per request; nil discards
	Now         func() time.Time
	AppLimit    int // apps per account; default the seed's (DefaultAppLimit, or N+DefaultAppLimit for large:N)
	// ActiveCALimit is the per-account limit on active calculated
	// attributes; default DefaultActiveCALimit, negative for none.
	ActiveCALimit int
	RetentionDays int // default DefaultRetentionDays

	// Timeouts of the HTTP server Start runs (a server of the caller's,
	// around Handler, keeps its own). Zero picks the default; negative
	// means none.
	ReadHeaderTimeout time.Duration // the request line and headers; default DefaultReadHeaderTimeout, capped by ReadTimeout
	ReadTimeout       time.Duration // the whole request, body included; default DefaultReadTimeout
	WriteTimeout      time.Duration // from the end of the headers to the end of the answer, plus the latency; default DefaultWriteTimeout
	IdleTimeout       time.Duration // a keep-alive connection waiting for its next request; default DefaultIdleTimeout
}

// timeout resolves one of the Options' timeouts: zero is the default,
// negative is none (0 for http.Server).
func timeout(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// Server is a running (or, from New, ready-to-serve) sandbox.
type Server struct {
	opts     Options
	now      func() time.Time
	creds    atomic.Pointer[[]Credential] // replaced whole (copy on write) under credMu
	credMu   sync.RWMutex                 // SetCredential (write) against token issuance (read)
	audience string
	ttl      time.Duration
	routes   *router
	store    store

	mu sync.RWMutex // guards st
	st *state

	tokens *tokenTable
	faults *faultInjector

	readTimeout  time.Duration // resolved Options.ReadTimeout (0: none)
	writeTimeout time.Duration // resolved Options.WriteTimeout (0: none)

	latency   atomic.Int64  // nanoseconds
	trickle   atomic.Int64  // nanoseconds; see Options.Trickle
	gen       atomic.Uint64 // the model's generation: moves on with every write (answers.go)
	answers   answerCache
	tokenHits atomic.Int64
	apiHits   atomic.Int64

	logMu sync.Mutex
	log   io.Writer

	srv       *http.Server
	url       string
	done      chan struct{} // closed by Close
	closeOnce sync.Once
	closeErr  error
}

// New builds a sandbox without listening: serve Handler() yourself (e.g.
// with httptest.NewServer). It opens the data file and seeds it when new.
func New(opts Options) (*Server, error) {
	s := &Server{opts: opts, now: opts.Now, done: make(chan struct{}), log: opts.Log}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = io.Discard
	}
	s.audience = opts.Audience
	if s.audience == "" {
		s.audience = api.DefaultAudience
	}
	s.ttl = opts.TokenTTL
	if s.ttl == 0 {
		s.ttl = DefaultTokenTTL
	}
	if s.ttl < time.Second {
		return nil, fmt.Errorf("token TTL %s is too short: it must be at least 1s", s.ttl)
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("latency %s is negative", opts.Latency)
	}
	s.latency.Store(int64(opts.Latency))
	if opts.Trickle < 0 {
		return nil, fmt.Errorf("trickle %s is negative", opts.Trickle)
	}
	s.trickle.Store(int64(opts.Trickle))
	s.readTimeout = timeout(opts.ReadTimeout, DefaultReadTimeout)
	s.writeTimeout = timeout(opts.WriteTimeout, DefaultWriteTimeout)
	creds, err := checkCredentials(opts.Credentials)
	if err != nil {
		return nil, err
	}
	s.creds.Store(&creds)
	s.faults, err = newFaultInjector(opts.Faults, opts.FaultSeed)
	if err != nil {
		return nil, err
	}
	seed, err := parseSeedSpec(opts.Seed)
	if err != nil {
		return nil, err
	}
	start := s.now()
	var st *state
	if opts.DataFile == "" {
		// Memory only: the store rebuilds the same seed only if it must.
		st, err = s.freshState(seed, start)
		if err != nil {
			return nil, err
		}
		s.store = newMemStore(func() ([]record, error) {
			again, err := s.freshState(seed, start)
			if err != nil {
				return nil, err
			}
			return encodeAll(again)
		})
	} else {
		bs, err := openBolt(opts.DataFile)
		if err != nil {
			return nil, err
		}
		s.store = bs
		var ok bool
		st, ok, err = loadState(s.store)
		if err == nil && !ok { // a new data file: write the seed into it
			st, err = s.freshState(seed, start)
			var recs []record
			if err == nil {
				recs, err = encodeAll(st)
			}
			if err == nil {
				err = s.store.apply(recs, nil)
			}
		}
		if err != nil {
			s.store.close()
			return nil, err
		}
	}
	if opts.DataFile != "" {
		if err := s.bindCredentials(st); err != nil {
			s.store.close()
			return nil, err
		}
	}
	s.st = st
	s.tokens = newTokenTable(st.tokens)
	st.tokens, st.creds = nil, nil
	s.routes = newRouter(routeTable())
	return s, nil
}

// freshState builds the seeded state of a new sandbox.
func (s *Server) freshState(spec seedSpec, now time.Time) (*state, error) {
	st, err := buildSeed(spec, now)
	if err != nil {
		return nil, err
	}
	if err := seedPlansAndRoles(st, spec); err != nil {
		return nil, err
	}
	return st, nil
}

// checkCredentials fills in the defaults and refuses unusable credentials.
func checkCredentials(in []Credential) ([]Credential, error) {
	if in == nil {
		return DefaultCredentials(), nil
	}
	seen := map[string]bool{}
	out := make([]Credential, 0, len(in))
	for i, c := range in {
		switch {
		case c.ClientID == "":
			return nil, fmt.Errorf("credential %d: empty client id", i+1)
		case c.Secret == "":
			return nil, fmt.Errorf("credential %q: empty client secret", c.ClientID)
		case seen[c.ClientID]:
			return nil, fmt.Errorf("credential %q is given twice", c.ClientID)
		}
		seen[c.ClientID] = true
		c.Accounts = slices.Clone(c.Accounts)
		out = append(out, c)
	}
	return out, nil
}

// Start builds a sandbox and serves it on opts.Addr (default
// 127.0.0.1:0) in the background until ctx ends or Close is called.
func Start(ctx context.Context, opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		s.store.close()
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s,
		ReadTimeout:       s.readTimeout,
		ReadHeaderTimeout: timeout(opts.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		WriteTimeout:      s.writeTimeout,
		IdleTimeout:       timeout(opts.IdleTimeout, DefaultIdleTimeout),
		ErrorLog:          log.New(serverLog{s}, "", 0),
	}
	if s.srv.ReadTimeout > 0 && (s.srv.ReadHeaderTimeout == 0 || s.srv.ReadHeaderTimeout > s.srv.ReadTimeout) {
		s.srv.ReadHeaderTimeout = s.srv.ReadTimeout
	}
	go s.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed after Close
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// Handler is the sandbox's HTTP handler (token endpoint, v1 and v2).
func (s *Server) Handler() http.Handler { return s }

// URL is the root URL ("http://127.0.0.1:PORT"), or "" when the server was
// made with New and is served by the caller.
func (s *Server) URL() string { return s.url }

// V1URL is the v1 base URL.
func (s *Server) V1URL() string { return s.url + "/v1" }

// V2URL is the Calculated Attributes (v2) base URL.
func (s *Server) V2URL() string { return s.url + "/platform/v2" }

// TokenURL is the token endpoint.
func (s *Server) TokenURL() string { return s.url + "/oauth/token" }

// Close stops serving (letting requests in flight finish for up to five
// seconds) and closes the store. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		var errs []error
		if s.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := s.srv.Shutdown(ctx); err != nil {
				s.srv.Close()
			}
			cancel()
		}
		s.mu.Lock()
		if err := s.store.close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
		s.mu.Unlock()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// Audience is the audience the token endpoint demands.
func (s *Server) Audience() string { return s.audience }

// AccountSummary is an account's id and name.
type AccountSummary struct {
	ID   int64
	Name string
}

// Accounts lists the sandbox's accounts by id (all of them, whatever the
// credential).
func (s *Server) Accounts() []AccountSummary {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]AccountSummary, 0, len(s.st.accounts.ids))
	for _, id := range s.st.accounts.ids {
		out = append(out, AccountSummary{id, s.st.accounts.get(id).Name})
	}
	return out
}

// SetFaults replaces the fault mix (the --fault spec) at run time.
func (s *Server) SetFaults(spec string) error {
	mix, err := parseFaults(spec)
	if err != nil {
		return err
	}
	s.faults.setMix(mix)
	return nil
}

// SetLatency changes the delay before every answer.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(max(d, 0))) }

// InjectNext makes the next n API requests (not token requests, not CORS
// preflights) fail with the fault kind (see the Fault* constants). An
// unknown kind is reported on the log and ignored.
func (s *Server) InjectNext(kind string, n int) {
	if !validFault(kind) {
		s.logf("InjectNext: unknown fault kind %q ignored", kind)
		return
	}
	s.faults.inject(kind, n)
}

// TokenRequests counts the token endpoint's requests, successful or not.
func (s *Server) TokenRequests() int64 { return s.tokenHits.Load() }

// APIRequests counts the v1 and v2 requests received (faulted ones too).
func (s *Server) APIRequests() int64 { return s.apiHits.Load() }

// RevokeTokens invalidates every token issued so far: the next API call with
// one gets 401.
func (s *Server) RevokeTokens() {
	keys := s.tokens.revokeAll()
	if len(keys) > 0 {
		if err := s.store.apply(nil, keys); err != nil {
			s.logf("revoke tokens: %v", err)
		}
	}
}

// ---- the request pipeline ----

// ServeHTTP: CORS on every answer; the token endpoint; preflights; then
// latency, faults and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if lat := time.Duration(s.latency.Load()); lat > 0 && s.srv != nil && s.writeTimeout > 0 {
		// The write timeout runs from the end of the headers; the latency
		// is the sandbox's own delay and must not eat into it.
		http.NewResponseController(w).SetWriteDeadline(start.Add(s.writeTimeout + lat)) //nolint:errcheck // best effort
	}
	sw := &statusWriter{ResponseWriter: w}
	info := &reqInfo{}
	setCORS(sw.Header())
	path := r.URL.Path
	switch {
	case r.Method == http.MethodOptions:
		preflight(sw, r)
	case strings.EqualFold(strings.TrimSuffix(path, "/"), "/oauth/token"):
		s.sleep(r.Context())
		s.serveToken(sw, r, info)
	case isAPIPath(path):
		s.serveAPI(sw, r, info)
	case path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.serveIndex(sw)
	default:
		writeResponse(sw, failV1(http.StatusNotFound, codeNotFound, "No such endpoint: "+path+". The API lives under /v1/ and /platform/v2/; tokens at /oauth/token.", ""))
	}
	s.logRequest(r, sw.status, time.Since(start), info)
}

// reqInfo is what the log line says about a request beyond method and path.
type reqInfo struct {
	client string
	fault  string
}

// isAPIPath reports whether a path goes through the API pipeline: the
// Platform API's /v1 and /platform/v2, and the sandbox's own paths under
// sandboxPrefix.
func isAPIPath(p string) bool {
	lp := strings.ToLower(p)
	return strings.HasPrefix(lp, "/v1/") || lp == "/v1" || strings.HasPrefix(lp, "/platform/v2/") || strings.HasPrefix(lp, "/sandbox/")
}

// serveAPI answers a v1 or v2 request, possibly replacing the answer with
// an injected fault. 504 and reset model a gateway that lost the backend's
// answer: the request is carried out, then the answer is lost. Every other
// fault stops the request before it reaches the backend.
func (s *Server) serveAPI(w *statusWriter, r *http.Request, info *reqInfo) {
	s.apiHits.Add(1)
	s.sleep(r.Context())
	v2 := strings.HasPrefix(strings.ToLower(r.URL.Path), "/platform/")
	if kind := s.faults.next(); kind != "" {
		info.fault = kind
		switch kind {
		case Fault504, FaultReset:
			s.handle(r, info)
		case FaultCorrupt, FaultCut:
			writeBroken(s.trickled(w, r), s.handle(r, info), kind)
			return
		}
		if kind == Fault429 && isRolesPath(r.URL.Path) {
			w.Header().Set("Retry-After", "1")
			writeResponse(w, failMessages(http.StatusTooManyRequests, msgTooMany))
			return
		}
		writeFault(w, kind, v2)
		return
	}
	resp := s.handle(r, info)
	if resp.status == http.StatusRequestEntityTooLarge {
		dropUnsentBody(w, r)
	}
	if resp.status == http.StatusRequestTimeout && s.writeTimeout > 0 {
		// The body came too slowly; the write deadline, counted from the
		// end of the headers, has likely passed too. Give the 408 time to
		// be written.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(min(s.writeTimeout, 5*time.Second))) //nolint:errcheck // best effort
	}
	if r.Method == http.MethodHead {
		resp.body = nil // whatever the status
	}
	writeResponse(s.trickled(w, r), resp)
}

// dropUnsentBody makes the server close the connection after a 413 to a
// client that waits for 100 Continue, instead of waiting (up to the read
// timeout) for a body it was told not to send: net/http drains an unread
// body below 256 KiB before reusing the connection.
func dropUnsentBody(w http.ResponseWriter, r *http.Request) {
	if strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		http.NewResponseController(w).SetReadDeadline(time.Now()) //nolint:errcheck // best effort
	}
}

// maxBody bounds request bodies.
const maxBody = 8 << 20

// handle runs the API pipeline: token, route, method, accountId and scope,
// read-only credentials, body, then the operation under the model's lock.
func (s *Server) handle(r *http.Request, info *reqInfo) response {
	cred, fail := s.authenticate(r)
	if fail != nil {
		return *fail
	}
	info.client = cred.ClientID
	if !utf8.ValidString(r.URL.Path) {
		return failFor(v2Path(r.URL.Path), http.StatusBadRequest, codeBadRequest, "The path is not valid UTF-8.")
	}
	rt, params, ok := s.routes.match(r.URL.EscapedPath())
	if !ok {
		return notFoundEndpoint(r)
	}
	o, ok := rt.lookup(r.Method)
	if !ok {
		resp := failFor(rt, http.StatusMethodNotAllowed, codeMethodNotAllowed,
			fmt.Sprintf("Method %s is not allowed on this path. Allowed: %s.", safeMethod(r.Method), rt.allow()))
		resp.allow = rt.allow()
		return resp
	}
	query, fail := parseQuery(rt, r.URL.RawQuery)
	if fail != nil {
		return *fail
	}
	rq := &request{method: r.Method, route: rt, params: params, query: query, cred: cred, now: s.now()}
	write := isWrite(r.Method)
	needAccount := !rt.v2 && !o.noAccount
	if needAccount {
		acct, fail := parseAccountID(rt, rq.query)
		if fail != nil {
			return *fail
		}
		rq.account = acct
	}
	if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
		tooLarge := failFor(rt, http.StatusRequestEntityTooLarge, codeTooLarge, fmt.Sprintf("Request body is larger than %d bytes.", maxBody))
		if r.ContentLength > maxBody {
			// Refused on its announced length, before a byte is read: a
			// client that sent Expect: 100-continue never uploads it.
			return tooLarge
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			return failFor(rt, http.StatusRequestTimeout, codeRequestTimeout,
				fmt.Sprintf("The request body did not arrive within the read timeout (%s).", s.readTimeout))
		case err != nil:
			return failFor(rt, http.StatusBadRequest, codeBadRequest, "Could not read the request body.")
		case len(body) > maxBody:
			return tooLarge
		}
		rq.body = body
	}
	// Under the lock: the account must exist and be reachable (404), then
	// a read-only credential may not write (403), then the operation.
	run := func(t *tx) response {
		if needAccount {
			if s.st.accounts.get(rq.account) == nil || !cred.canReach(rq.account) {
				return failFor(rt, http.StatusNotFound, codeNotFound,
					fmt.Sprintf("Account %d does not exist or you do not have access.", rq.account))
			}
		}
		if !rt.v2 && write && cred.ReadOnly {
			return forbidden(rt, cred, r.Method)
		}
		if !rt.v2 { // v2: serveCalculatedAttributes, after its scope checks
			if f := rq.checkBody(); f != nil {
				return *f
			}
		}
		if r.Method == http.MethodGet && !rt.v2 && !o.fresh {
			return s.cachedRead(answerKey{cred: cred, path: r.URL.EscapedPath() + "?" + r.URL.RawQuery},
				func() response { return o.fn(s, rq, t) })
		}
		return o.fn(s, rq, t)
	}
	var resp response
	if write || rt.v2 { // calcattr.Serve may update a book on any method
		resp = s.writeOp(run)
	} else {
		s.mu.RLock()
		resp = run(nil)
		s.mu.RUnlock()
	}
	if r.Method == http.MethodHead && resp.status == http.StatusOK && !rt.v2 {
		resp.status = http.StatusNoContent // v1 HEAD: 204 where GET is 200
	}
	return resp
}

// writeOp runs a write under the exclusive lock and makes it durable
// before the answer goes out.
func (s *Server) writeOp(run func(*tx) response) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := newTx()
	resp := run(t)
	if !t.dirty() {
		return resp
	}
	s.gen.Add(1) // whatever happens next, cached answers are stale
	if resp.status >= 400 {
		// A handler changed the model and then refused: never persist a
		// half-done write; put the model back as the store has it.
		s.reloadLocked("a refused write had changed the model")
		return resp
	}
	puts, dels, err := t.encode()
	if err == nil {
		err = s.store.apply(puts, dels)
	}
	if err != nil {
		s.reloadLocked(err.Error())
		return failV1(http.StatusInternalServerError, codeInternal, "The sandbox could not save the change: "+err.Error(), "")
	}
	return resp
}

// reloadLocked rebuilds the model from the store after a failed write.
func (s *Server) reloadLocked(why string) {
	st, ok, err := loadState(s.store)
	if err != nil || !ok {
		s.logf("reload after failed write (%s) failed: %v; keeping the model in memory", why, err)
		return
	}
	st.tokens = nil
	s.st = st
	s.gen.Add(1)
	s.logf("model reloaded from the store: %s", why)
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

func forbidden(rt *route, cred *Credential, method string) response {
	return failFor(rt, http.StatusForbidden, codeForbidden,
		fmt.Sprintf("The credential %q is read-only: it may not %s.", cred.ClientID, safeMethod(method)))
}

// safeMethod keeps a hostile method token out of messages and logs.
func safeMethod(m string) string {
	if len(m) > 16 || strings.IndexFunc(m, func(c rune) bool { return c < 'A' || c > 'Z' }) >= 0 {
		return "use this method"
	}
	return m
}

// v2Path is a stand-in route for failures before routing: it gives them
// the v2 form under /platform/, the v1 envelope elsewhere.
func v2Path(p string) *route {
	if strings.HasPrefix(strings.ToLower(p), "/platform/") {
		return &route{v2: true}
	}
	return nil
}

func notFoundEndpoint(r *http.Request) response {
	msg := "No such endpoint: " + safeMethod(r.Method) + " " + r.URL.Path + "."
	if strings.HasPrefix(strings.ToLower(r.URL.Path), "/platform/") {
		return failV2(http.StatusNotFound, codeNotFound, msg)
	}
	return failV1(http.StatusNotFound, codeNotFound, msg, "")
}

// sleep waits the configured latency, or less when the request is
// cancelled or the server closes.
func (s *Server) sleep(ctx context.Context) {
	d := time.Duration(s.latency.Load())
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-s.done:
	}
}

// serveIndex answers GET / with where things are.
func (s *Server) serveIndex(w http.ResponseWriter) {
	body, _ := json.Marshal(map[string]string{
		"name":      "mpconsole sandbox: a local mParticle Platform API",
		"v1":        "/v1",
		"v2":        "/platform/v2",
		"token_url": "/oauth/token",
		"audience":  s.audience,
		"sandbox":   sandboxPrefix + "/roleassignments",
	})
	writeResponse(w, response{status: http.StatusOK, body: body})
}

// ---- CORS ----

func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "Allow, Retry-After, WWW-Authenticate")
}

// preflight answers every OPTIONS request: any origin, the methods the API
// uses, and the headers the browser asks for (Authorization and
// Content-Type at least). No token is needed.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")
	allowHeaders := "Authorization, Content-Type"
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" && len(req) < 1024 {
		allowHeaders = req
	}
	h.Set("Access-Control-Allow-Headers", allowHeaders)
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Allow", "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")
	h.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	w.WriteHeader(http.StatusNoContent)
}

// ---- logging ----

// statusWriter remembers the status for the log line. Unwrap lets
// http.ResponseController reach the connection (for the reset fault).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequest writes one line: time, method, path (query with anything
// secret-looking redacted; tokens travel in headers and are never logged),
// status, duration, client id, and the fault when one was injected.
func (s *Server) logRequest(r *http.Request, status int, d time.Duration, info *reqInfo) {
	if s.log == io.Discard {
		return
	}
	st := strconv.Itoa(status)
	if status == 0 {
		st = "---" // connection dropped without an answer
	}
	client := info.client
	if client == "" {
		client = "-"
	}
	line := fmt.Sprintf("%s %s %s %s %s client=%s", s.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		safeMethod(r.Method), logPath(r.URL), st, d.Round(time.Microsecond), strconv.Quote(client))
	if info.fault != "" {
		line += " fault=" + info.fault
	}
	s.logMu.Lock()
	fmt.Fprintln(s.log, line)
	s.logMu.Unlock()
}

// serverLog carries the HTTP server's own complaints (a malformed request
// line, a query with semicolons) to the request log.
type serverLog struct{ s *Server }

func (l serverLog) Write(p []byte) (int, error) {
	l.s.logf("%s", strings.TrimSpace(string(p)))
	return len(p), nil
}

func (s *Server) logf(format string, args ...any) {
	if s.log == io.Discard {
		return
	}
	s.logMu.Lock()
	fmt.Fprintf(s.log, "%s sandbox: %s\n", s.now().UTC().Format("2006-01-02T15:04:05.000Z"), fmt.Sprintf(format, args...))
	s.logMu.Unlock()
}

// logPath is the escaped path plus the query, with the values of
// parameters whose name suggests a secret replaced.
func logPath(u *url.URL) string {
	p := u.EscapedPath()
	if u.RawQuery == "" {
		return p
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return p + "?<unparsable query>"
	}
	for k := range q {
		if secretParam(k) {
			q[k] = []string{"REDACTED"}
		}
	}
	return p + "?" + q.Encode()
}

// secretParam reports whether a query parameter's name (any case) suggests
// a credential: Authorization, access_token, client_secret, token, apiKey,
// password, …
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"auth", "token", "secret", "password", "passwd", "key", "credential", "signature", "session"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
