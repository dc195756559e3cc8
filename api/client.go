package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is everything a Client needs: one credential, the account it
// works in, and where the API lives. Empty URLs mean the documented
// defaults (docs/reference.md, hosts and versions).
type Config struct {
	ClientID     string
	ClientSecret string
	AccountID    int64 // sent as accountId on every v1 call
	V1BaseURL    string
	V2BaseURL    string
	TokenURL     string
	Audience     string
	HTTPClient   *http.Client // nil: a client with sane timeouts
	CacheDir     string       // token cache directory; "": DefaultCacheDir()
	NoCache      bool         // keep tokens in memory only
	Logger       *slog.Logger // nil: no logging. Never receives a token or a secret.
	Retry        RetryPolicy  // zero: the defaults
	// Registry, when set, shares one Refresher among every Client of the
	// same credential (the SSH server's sessions, the account switcher).
	Registry *Registry
	// OnRetry, when set, is called before each retry with what failed and
	// how long the client will wait (the UI shows it as the retry state).
	OnRetry func(RetryEvent)
	// UserAgent is sent on every API request; default "mpconsole".
	UserAgent string
	// Clock times token renewals, retry waits and the retry budget; nil
	// means the wall clock (see Clock).
	Clock Clock
	// OrgID is the organization of the account, for the paths that name
	// one (custom roles and tasks); 0 when unknown: those calls then need
	// an org reference (roles.go).
	OrgID int64
	// Sandbox: the API is mpconsole's sandbox, which also says who holds
	// which custom role (heldroles.go); no request goes to its own paths
	// otherwise.
	Sandbox bool
}

type retryObserverKey struct{}

// WithRetryObserver returns a context whose requests report each retry to
// f before waiting for it. Clients are shared (by accounts and SSH
// sessions), so a session watches its own requests this way rather than
// through Config.OnRetry.
func WithRetryObserver(ctx context.Context, f func(RetryEvent)) context.Context {
	return context.WithValue(ctx, retryObserverKey{}, f)
}

// RetryEvent describes one retry about to happen.
type RetryEvent struct {
	Method  string
	Path    string
	Attempt int           // the attempt that failed (1 = the first)
	Err     *Error        // why
	Wait    time.Duration // how long until the next attempt
}

// Client talks to the Platform API as one credential in one account. It is
// safe for concurrent use. Clients for other accounts of the same
// credential come from WithAccount and share its token refresher.
type Client struct {
	cfg    Config
	http   *http.Client
	tokens *Refresher
	owns   bool // this client made its refresher and closes it
	// ownsHTTP: the client made its HTTP client and closes its idle
	// connections on Close.
	ownsHTTP bool
	log      *slog.Logger
	retry    RetryPolicy
	clock    Clock
	v1, v2   *url.URL
	account  int64
}

// New builds a client. It checks the configuration but makes no request:
// the first token is fetched when the first call needs it (or when the
// refresher is started or watched).
func New(cfg Config) (*Client, error) {
	if cfg.ClientID == "" {
		return nil, errors.New("api: client id is empty")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("api: client secret is empty")
	}
	if cfg.AccountID <= 0 {
		return nil, fmt.Errorf("api: account id %d: every v1 call needs a positive accountId", cfg.AccountID)
	}
	if cfg.V1BaseURL == "" {
		cfg.V1BaseURL = DefaultV1BaseURL
	}
	if cfg.V2BaseURL == "" {
		cfg.V2BaseURL = DefaultV2BaseURL
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	if cfg.Audience == "" {
		cfg.Audience = DefaultAudience
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "mpconsole"
	}
	c := &Client{cfg: cfg, retry: cfg.Retry.withDefaults(), clock: clockOr(cfg.Clock), account: cfg.AccountID}
	var err error
	if c.v1, err = parseBase("v1 base URL", cfg.V1BaseURL); err != nil {
		return nil, err
	}
	if c.v2, err = parseBase("v2 base URL", cfg.V2BaseURL); err != nil {
		return nil, err
	}
	if _, err := parseBase("token URL", cfg.TokenURL); err != nil {
		return nil, err
	}
	c.http = cfg.HTTPClient
	if c.http == nil {
		// An own transport, so that Close can drop this client's idle
		// connections instead of leaving them to the process.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// No client-wide timeout: every attempt carries its own deadline
		// (RetryPolicy.attemptTimeout), and so does every token request.
		c.http = &http.Client{Transport: tr}
		c.ownsHTTP = true
	}
	c.log = cfg.Logger
	if c.log == nil {
		c.log = discardLogger()
	}
	tc := TokenConfig{
		TokenURL: cfg.TokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Audience: cfg.Audience, HTTPClient: c.http, CacheDir: cfg.CacheDir, NoCache: cfg.NoCache,
		Logger: c.log, Clock: cfg.Clock,
		// One token request may take what one attempt may take when the
		// budget is shared evenly, so a token endpoint that never answers
		// costs each attempt its own request rather than one long wait.
		FetchTimeout: c.retry.MaxElapsed / time.Duration(c.retry.MaxAttempts),
	}
	if cfg.Registry != nil {
		c.tokens = cfg.Registry.Refresher(tc)
	} else {
		c.tokens, c.owns = NewRefresher(tc), true
	}
	return c, nil
}

func parseBase(what, s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("api: %s %q is not an http(s) URL", what, s)
	}
	if u.User != nil {
		return nil, fmt.Errorf("api: %s must not carry credentials", what)
	}
	return u, nil
}

// DeriveBaseURLs turns one configured base URL into the v1 and v2 bases.
// A bare host (https://api.mparticle.com) gets /v1 and /platform/v2; a URL
// ending in /v1 keeps it and gets /platform/v2 beside it; any other path is
// taken as the v1 base with /platform/v2 on the same host.
func DeriveBaseURLs(base string) (v1, v2 string, err error) {
	u, err := parseBase("base URL", base)
	if err != nil {
		return "", "", err
	}
	host := u.Scheme + "://" + u.Host
	switch p := strings.TrimRight(u.Path, "/"); {
	case p == "":
		return host + "/v1", host + "/platform/v2", nil
	case strings.HasSuffix(p, "/v1"):
		return host + p, host + strings.TrimSuffix(p, "/v1") + "/platform/v2", nil
	default:
		return host + p, host + "/platform/v2", nil
	}
}

// WithAccount returns a client for another account of the same
// credential, sharing this client's token refresher and HTTP client.
// An id that is not positive is kept as given; the API answers 401.
func (c *Client) WithAccount(id int64) *Client {
	cp := *c
	cp.account = id
	cp.owns, cp.ownsHTTP = false, false
	return &cp
}

// AccountID is the account this client works in.
func (c *Client) AccountID() int64 { return c.account }

// Tokens is the refresher this client gets its tokens from.
func (c *Client) Tokens() *Refresher { return c.tokens }

// V1BaseURL and V2BaseURL are the bases in use.
func (c *Client) V1BaseURL() string { return c.v1.String() }
func (c *Client) V2BaseURL() string { return c.v2.String() }

// Close stops the token refresher if this client created it (clients from
// WithAccount and from a Registry leave it to their owner) and closes the
// idle connections of the HTTP client it made.
func (c *Client) Close() {
	if c.owns {
		c.tokens.Close()
	}
	if c.ownsHTTP {
		c.http.CloseIdleConnections()
	}
}

// Version selects the base URL of a request.
type Version int

const (
	V1 Version = iota // /v1, with accountId
	V2                // /platform/v2, no accountId
	// vSandbox: the sandbox's own paths, /sandbox on the v1 host, with
	// accountId (heldroles.go).
	vSandbox
)

// Request is one raw API call. Path is relative to the version's base and
// may carry a query; for v1 the client adds accountId unless the path sets
// it (delete account does).
type Request struct {
	Version Version
	Method  string
	Path    string
	Query   url.Values
	Body    []byte // JSON; nil for none
}

// Response is a successful answer.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Attempts int
}

// Decode decodes the body in whatever shape it came.
func (r *Response) Decode() (Payload, error) { return DecodeBody(r.Body) }

// maxBody bounds how much of an answer is read.
const maxBody = 256 << 20

// url builds the request URL.
func (c *Client) url(req Request) (*url.URL, error) {
	base := c.v1
	switch req.Version {
	case V2:
		base = c.v2
	case vSandbox:
		sb := *c.v1
		sb.Path, sb.RawPath = "/sandbox", ""
		base = &sb
	}
	rel, err := url.Parse(req.Path)
	if err != nil {
		return nil, fmt.Errorf("api: bad path %q: %w", req.Path, err)
	}
	u := *base
	u.Path = base.Path + rel.Path
	u.RawPath = ""
	if rel.RawPath != "" {
		u.RawPath = base.EscapedPath() + rel.RawPath
	}
	q := rel.Query()
	for k, vs := range req.Query {
		q[k] = append(q[k], vs...)
	}
	if req.Version != V2 && q.Get("accountId") == "" {
		q.Set("accountId", strconv.FormatInt(c.account, 10))
	}
	u.RawQuery = q.Encode()
	return &u, nil
}

// Do sends a request with authentication and retries and returns the
// answer when its status is 2xx, or an *Error.
//
// Idempotent methods are retried on 429, 502, 503, 504 and transport
// failures (an attempt that outlives its deadline included), with
// exponential backoff and full jitter, honouring Retry-After, within the
// policy's attempt and time bounds: each attempt has a deadline of its own,
// a share of what is left of the policy's MaxElapsed, so the whole call
// ends within MaxElapsed however the server behaves. A POST is retried only
// when it certainly was not applied (429, 503, or a connection that was
// never made); after another 5xx, a dropped connection or a timeout the
// error has MaybeApplied set instead. An unexpected 401 drops the token,
// renews it and repeats the call once.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	u, err := c.url(req)
	if err != nil {
		return nil, err
	}
	path := u.RequestURI()
	start := c.clock.Now()
	since := func() time.Duration { return c.clock.Now().Sub(start) }
	renewed := false
	hadAmbiguous := false // an earlier attempt may have been applied
	for attempt := 1; ; attempt++ {
		resp, e := c.attempt(ctx, req, u, path, &renewed, attempt, since())
		if e == nil {
			return resp, nil
		}
		e.Elapsed = since()
		if e.Status == http.StatusNotFound && req.Method == http.MethodDelete && hadAmbiguous {
			// The earlier DELETE went through before its answer was lost.
			c.log.Info("delete already applied by an earlier attempt", "path", logPath(path, c.tokens.redactor()), "attempt", attempt)
			return &Response{Status: http.StatusNoContent, Header: http.Header{}, Attempts: attempt}, nil
		}
		retry := c.retryable(req.Method, e)
		if !e.TokenEndpoint && (e.Status >= 500 || (e.Status == 0 && errors.Is(e, ErrNetwork) && !e.notSent)) {
			hadAmbiguous = true
		}
		if !retry || ctx.Err() != nil {
			return nil, e
		}
		reason := e.Error()
		e.gaveUp = true // from here on, every return is a retryable failure left unretried
		if attempt >= c.retry.MaxAttempts || e.RetryAfter > c.retry.MaxRetryAfter {
			return nil, e
		}
		wait := c.retry.backoff(attempt, e.RetryAfter, jitter())
		if since()+wait >= c.retry.MaxElapsed {
			return nil, e
		}
		c.log.Info("retrying", "method", req.Method, "path", logPath(path, c.tokens.redactor()), "status", e.Status,
			"kind", kindName(e.Kind), "reason", reason, "attempt", attempt, "wait", wait.String())
		ev := RetryEvent{Method: req.Method, Path: path, Attempt: attempt, Err: e, Wait: wait}
		if c.cfg.OnRetry != nil {
			c.cfg.OnRetry(ev)
		}
		if f, ok := ctx.Value(retryObserverKey{}).(func(RetryEvent)); ok {
			f(ev)
		}
		if err := sleep(ctx, c.clock, wait); err != nil {
			e.gaveUp = false
			if e.Err == nil {
				e.Err = err
			} else {
				e.Err = fmt.Errorf("%w; retry abandoned: %w", e.Err, err)
			}
			e.Elapsed = since()
			return nil, e
		}
	}
}

// attempt makes attempt number n under its own deadline, its share of the
// retry budget left after elapsed (paused while a list's reader waits for
// its caller: see attemptCtx). An attempt that runs out of it while ctx is
// still live is marked timedOut, its cause saying how long it had.
func (c *Client) attempt(ctx context.Context, req Request, u *url.URL, path string, renewed *bool, n int, elapsed time.Duration) (*Response, *Error) {
	limit := c.retry.attemptTimeout(n, elapsed)
	if limit <= 0 {
		// Only reachable with a budget spent before the first attempt.
		return nil, &Error{Method: req.Method, Path: path, Kind: ErrNetwork, Attempts: n, timedOut: true,
			Err: &attemptTimeoutError{limit: 0, err: context.DeadlineExceeded}, notSent: true}
	}
	actx, cancel := withAttemptDeadline(ctx, limit, c.retry.MaxElapsed-elapsed)
	defer cancel()
	resp, e := c.once(actx, req, u, path, renewed, n)
	if e == nil || actx.Err() == nil || ctx.Err() != nil {
		return resp, e
	}
	e.timedOut = true
	te := &attemptTimeoutError{limit: limit, budget: c.retry.MaxElapsed, err: e.Err}
	te.stalled, te.overrun = actx.ran()
	e.Err = te
	if e.tokenWait {
		// The attempt never got past the token request.
		e.TokenEndpoint = true
		e.Method, e.Path = http.MethodPost, c.tokens.tokenPath()
		e.MaybeApplied = false
	}
	return resp, e
}

// retryable decides whether a failed attempt may be repeated.
func (c *Client) retryable(method string, e *Error) bool {
	switch {
	case e.TokenEndpoint:
		// Nothing reached the API: any method may be repeated, but only for
		// failures that may heal.
		return retryableTokenError(e)
	case e.Status != 0:
		return retryableStatus(method, e.Status)
	case e.timedOut:
		// The attempt's own deadline, not the caller's: like a dropped
		// connection, it may be repeated when nothing can be applied twice.
		return idempotent(method) || e.notSent
	case errors.Is(e, context.Canceled) || errors.Is(e, context.DeadlineExceeded):
		return false
	case errors.Is(e, ErrNetwork):
		return idempotent(method) || e.notSent
	}
	return false
}

// once makes one attempt (plus the single renew-and-repeat after a 401).
func (c *Client) once(ctx context.Context, req Request, u *url.URL, path string, renewed *bool, attempt int) (*Response, *Error) {
	for {
		red := c.tokens.redactor()
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			var te *Error
			if errors.As(err, &te) {
				cp := *te
				cp.Attempts = attempt
				cp.TokenEndpoint = true
				return nil, &cp
			}
			return nil, &Error{Method: req.Method, Path: path, Kind: ErrNetwork, Err: err, Attempts: attempt, tokenWait: true}
		}
		red.secrets = append(red.secrets, tok)
		var body io.Reader
		if req.Body != nil {
			body = bytes.NewReader(req.Body)
		}
		hreq, err := http.NewRequestWithContext(ctx, req.Method, u.String(), body)
		if err != nil {
			return nil, &Error{Method: req.Method, Path: path, Kind: ErrNetwork, Err: sanitize(err, red), Attempts: attempt}
		}
		hreq.Header.Set("Authorization", "Bearer "+tok)
		hreq.Header.Set("Accept", "application/json")
		hreq.Header.Set("User-Agent", c.cfg.UserAgent)
		if req.Body != nil {
			hreq.Header.Set("Content-Type", "application/json")
		}
		sent := c.clock.Now()
		hresp, err := c.http.Do(hreq)
		if err != nil {
			e := &Error{Method: req.Method, Path: path, Kind: ErrNetwork, Err: sanitize(err, red), Attempts: attempt}
			c.logRequest(req.Method, path, 0, c.clock.Now().Sub(sent), attempt, e.Err, red)
			e.notSent = notSent(err)
			if req.Method == http.MethodPost && !e.notSent {
				e.MaybeApplied = true
			}
			return nil, e
		}
		if a, ok := ctx.Value(attemptCtxKey{}).(*attemptCtx); ok && hresp.StatusCode >= 200 && hresp.StatusCode < 300 {
			// Only an answer's bytes move its deadline on: an error page (a
			// 401 renewed and repeated within the attempt, a slow 5xx page)
			// keeps the share it had.
			hresp.Body = arrivingBody{hresp.Body, a}
		}
		b, rerr := c.readBody(ctx, hresp)
		hresp.Body.Close()
		c.logRequest(req.Method, path, hresp.StatusCode, c.clock.Now().Sub(sent), attempt, sanitize(rerr, red), red)
		if se := (*streamError)(nil); errors.As(rerr, &se) {
			return nil, se.apiError(req.Method, path, hresp.StatusCode, attempt, red)
		}
		if rerr != nil {
			e := &Error{Status: 0, Method: req.Method, Path: path, Kind: ErrNetwork,
				Err: sanitize(fmt.Errorf("reading the answer to a %d: %w", hresp.StatusCode, rerr), red), Attempts: attempt}
			if req.Method == http.MethodPost {
				e.MaybeApplied = hresp.StatusCode >= 500 || hresp.StatusCode < 300
			}
			return nil, e
		}
		if len(b) > maxBody {
			return nil, &Error{Status: hresp.StatusCode, Method: req.Method, Path: path, Kind: ErrBadResponse,
				Items: []ErrorItem{{Message: fmt.Sprintf("answer larger than %d MiB", maxBody>>20)}}, Attempts: attempt}
		}
		if hresp.StatusCode == http.StatusUnauthorized && !*renewed {
			*renewed = true
			c.log.Info("API answered 401; renewing the token and repeating once", "method", req.Method, "path", logPath(path, red))
			c.tokens.Invalidate(tok)
			continue
		}
		if hresp.StatusCode >= 200 && hresp.StatusCode < 300 {
			return &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: b, Attempts: attempt}, nil
		}
		return nil, c.errorFrom(req.Method, path, hresp, b, attempt, red)
	}
}

// errorFrom builds the *Error for a non-2xx answer.
func (c *Client) errorFrom(method, path string, resp *http.Response, body []byte, attempt int, red redactor) *Error {
	e := &Error{
		Status: resp.StatusCode, Method: method, Path: path, Attempts: attempt,
		Kind:       KindForStatus(resp.StatusCode),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), c.clock.Now()),
	}
	if p, err := DecodeBody(body); err == nil {
		switch {
		case len(p.Errors) > 0:
			e.Items = redactItems(p.Errors, red)
		case p.Shape == ShapeBareObject:
			e.Items = redactItems(errorItemsFromObject(p.Items[0]), red)
		case p.Shape == ShapeBareScalar:
			e.Excerpt = red.text(Excerpt(p.Scalar, excerptLen))
		}
	} else {
		e.Excerpt = red.text(Excerpt(body, excerptLen))
	}
	if method == http.MethodPost && resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable {
		e.MaybeApplied = true // a 503 declined the request before any work (docs/client.md)
	}
	return e
}

func kindName(k error) string {
	if k == nil {
		return ""
	}
	return k.Error()
}

// Registry shares one Refresher per credential among every Client made
// with it. The credential's key is its token URL, client id and audience
// (as for the disk cache) plus a hash of the secret, so that a changed
// secret gets a fresh refresher rather than the old one.
type Registry struct {
	mu   sync.Mutex
	refs map[string]*Refresher
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{refs: map[string]*Refresher{}} }

// Refresher returns the refresher for cfg's credential, creating it once.
func (g *Registry) Refresher(cfg TokenConfig) *Refresher {
	h := sha256.Sum256([]byte(cfg.TokenURL + "\x00" + cfg.ClientID + "\x00" + cfg.Audience + "\x00" + cfg.ClientSecret))
	key := hex.EncodeToString(h[:])
	g.mu.Lock()
	defer g.mu.Unlock()
	if r, ok := g.refs[key]; ok {
		return r
	}
	r := NewRefresher(cfg)
	g.refs[key] = r
	return r
}

// Close closes every refresher the registry made.
func (g *Registry) Close() {
	g.mu.Lock()
	refs := g.refs
	g.refs = map[string]*Refresher{}
	g.mu.Unlock()
	for _, r := range refs {
		r.Close()
	}
}
