package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TokenStatus is where a credential's token stands.
type TokenStatus int

const (
	TokenNone     TokenStatus = iota // no token yet and nothing tried
	TokenValid                       // a token is in hand (Err may tell that a renewal failed)
	TokenRenewing                    // a token request is in flight
	TokenFailed                      // no valid token, and the last request failed (Err says why)
)

func (s TokenStatus) String() string {
	switch s {
	case TokenNone:
		return "none"
	case TokenValid:
		return "valid"
	case TokenRenewing:
		return "renewing"
	case TokenFailed:
		return "failed"
	}
	return fmt.Sprintf("TokenStatus(%d)", int(s))
}

// TokenState is what a Refresher publishes for the UI: whether a token is
// in hand and until when, whether one is being fetched, and the last
// failure with the time of the next attempt. It never holds the token.
type TokenState struct {
	Status     TokenStatus
	ValidUntil time.Time // expiry of the token in hand; zero when there is none
	IssuedAt   time.Time // when the token in hand was issued
	Err        error     // the last token request's failure (sanitised); nil after a success
	NextTry    time.Time // when the refresher tries again by itself; zero when it will not
	Fetches    int       // token requests made so far by this refresher

	clock Clock // the refresher's clock, which String reads; nil: the wall clock
}

// String renders the state the way the status bar shows it:
// "valid for 7h59m", "renewing", "failed: reason (next try in 3s)". The
// durations are counted from now on the clock of the refresher that
// published the state.
func (s TokenState) String() string { return s.at(clockOr(s.clock).Now()) }

func (s TokenState) at(now time.Time) string {
	next := ""
	if !s.NextTry.IsZero() {
		next = fmt.Sprintf(" (next try in %s)", roundDur(s.NextTry.Sub(now)))
	}
	switch s.Status {
	case TokenValid:
		v := "valid for " + roundDur(s.ValidUntil.Sub(now))
		if s.Err != nil {
			v += "; renewal failed: " + s.Err.Error() + next
		}
		return v
	case TokenRenewing:
		if !s.ValidUntil.IsZero() && s.ValidUntil.After(now) {
			return "renewing (current token valid for " + roundDur(s.ValidUntil.Sub(now)) + ")"
		}
		return "renewing"
	case TokenFailed:
		if s.Err == nil {
			return "expired" + next
		}
		return "failed: " + s.Err.Error() + next
	}
	return "no token yet"
}

// roundDur prints a duration the way a person reads it: 7h59m, 12m5s, 3s.
func roundDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d >= time.Hour:
		d = d.Truncate(time.Minute)
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		d = d.Truncate(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d >= time.Second:
		return d.Truncate(100 * time.Millisecond).String()
	}
	return d.Truncate(time.Millisecond).String()
}

// ErrClosed is returned by a closed Refresher.
var ErrClosed = errors.New("api: client closed")

// TokenConfig is one credential and where to exchange it.
type TokenConfig struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	Audience     string       // sent as the "audience" endpoint parameter
	HTTPClient   *http.Client // nil: http.DefaultClient
	CacheDir     string       // "": DefaultCacheDir()
	NoCache      bool         // keep tokens in memory only
	Logger       *slog.Logger // nil: no logging
	// FetchTimeout bounds one token request (default 30s), on the wall
	// clock whatever Clock is.
	FetchTimeout time.Duration
	// Clock times issue, renewal, expiry and backoff; nil: the wall clock.
	Clock Clock
}

// token is one access token and its lifetime.
type token struct {
	access string
	typ    string
	issued time.Time
	expiry time.Time
}

func (t token) lifetime() time.Duration { return t.expiry.Sub(t.issued) }

// skew is how long before expiry a token stops being handed out: a tenth
// of its lifetime, at most 30 s.
func (t token) skew() time.Duration { return min(t.lifetime()/10, 30*time.Second) }

func (t token) validAt(now time.Time) bool {
	return t.access != "" && now.Before(t.expiry.Add(-t.skew()))
}

// renewAt is when the background renewal starts: 80% into the lifetime.
func (t token) renewAt() time.Time { return t.issued.Add(t.lifetime() * 8 / 10) }

// flight is one token request; everyone who needs a token while it runs
// waits for the same one.
type flight struct {
	done chan struct{}
	tok  token
	err  error
}

// Refresher holds the token of one credential (token URL + client id +
// audience) and keeps it fresh: it fetches the first token, renews it in
// the background once 80% of its lifetime has passed, backs off
// exponentially with jitter when a renewal fails while the old token is
// still valid, and makes every concurrent caller share one request. Its
// state is published to watchers. A Refresher is shared by every Client of
// the credential (see Registry and Client.WithAccount).
type Refresher struct {
	cfg   TokenConfig
	cc    clientcredentials.Config
	cache *tokenCache
	log   *slog.Logger
	clock Clock

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}

	// storeMu orders the disk cache's writes and removals: a token is
	// written only while it is still the current one, and one refused
	// meanwhile is removed after it was written.
	storeMu sync.Mutex

	mu       sync.Mutex
	started  bool
	closed   bool
	tok      token
	recent   []string // tokens handed out lately, redacted from errors
	flight   *flight
	failures int
	lastErr  error
	nextTry  time.Time
	fetches  int
	subs     map[chan TokenState]struct{}
}

// NewRefresher prepares a refresher; it does nothing until a token is
// asked for (Token), watched (Watch) or Start is called.
func NewRefresher(cfg TokenConfig) *Refresher {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.FetchTimeout <= 0 {
		cfg.FetchTimeout = 30 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = discardLogger()
	}
	r := &Refresher{
		cfg: cfg,
		cc: clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     cfg.TokenURL,
			AuthStyle:    oauth2.AuthStyleInParams,
		},
		log:   log.With("client_id", cfg.ClientID),
		clock: clockOr(cfg.Clock),
		wake:  make(chan struct{}, 1),
		subs:  map[chan TokenState]struct{}{},
	}
	if cfg.Audience != "" {
		r.cc.EndpointParams = url.Values{"audience": {cfg.Audience}}
	}
	if !cfg.NoCache {
		dir := cfg.CacheDir
		if dir == "" {
			d, err := DefaultCacheDir()
			if err != nil {
				r.log.Warn("token cache disabled", "err", err)
			}
			dir = d
		}
		if dir != "" {
			r.cache = &tokenCache{dir: dir, tokenURL: cfg.TokenURL, clientID: cfg.ClientID, audience: cfg.Audience, secret: cfg.ClientSecret}
		}
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

// Start begins the background work: the first token request (unless the
// disk cache holds a valid token) and the renewals after it.
func (r *Refresher) Start() {
	r.mu.Lock()
	r.startLocked()
	r.mu.Unlock()
}

func (r *Refresher) startLocked() {
	if r.started || r.closed {
		return
	}
	r.started = true
	if r.cache != nil {
		if t, reason := r.cache.load(); reason != "" {
			r.log.Debug("token cache not used", "reason", reason)
		} else if t.validAt(r.clock.Now()) {
			r.tok = t
			r.log.Info("token taken from cache", "valid_until", t.expiry.Format(time.RFC3339))
		} else {
			r.log.Debug("token cache not used", "reason", "cached token expired")
		}
	}
	r.wg.Add(1)
	go r.loop()
	r.publishLocked()
}

// Token returns a valid access token, fetching one if none is in hand.
// It waits only when no valid token exists; while a background renewal is
// running, the current token is returned at once.
func (r *Refresher) Token(ctx context.Context) (string, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return "", ErrClosed
	}
	r.startLocked()
	if r.tok.validAt(r.clock.Now()) {
		a := r.tok.access
		r.mu.Unlock()
		return a, nil
	}
	f := r.startFetchLocked()
	r.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil {
			return "", f.err
		}
		return f.tok.access, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Invalidate drops the token if it is still the current one: the API
// refused it. The next Token call fetches a new one (once, however many
// callers saw the refusal).
func (r *Refresher) Invalidate(access string) {
	r.mu.Lock()
	if access == "" || r.tok.access != access {
		r.mu.Unlock()
		return
	}
	r.log.Info("token refused by the API; renewing")
	r.tok = token{}
	r.publishLocked()
	r.mu.Unlock()
	r.wakeLoop()
	if r.cache != nil {
		r.storeMu.Lock()
		r.cache.remove(access)
		r.storeMu.Unlock()
	}
}

// State is the current state.
func (r *Refresher) State() TokenState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stateLocked(r.clock.Now())
}

// Watch returns a channel that receives the current state at once and
// then every change, until ctx is done or the refresher is closed (then it
// is closed). A slow reader only ever misses intermediate states: the
// channel holds the latest one. Watching starts the refresher.
func (r *Refresher) Watch(ctx context.Context) <-chan TokenState {
	ch := make(chan TokenState, 1)
	r.mu.Lock()
	if r.closed {
		close(ch)
		r.mu.Unlock()
		return ch
	}
	r.subs[ch] = struct{}{}
	ch <- r.stateLocked(r.clock.Now())
	r.startLocked()
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		select {
		case <-ctx.Done():
		case <-r.ctx.Done():
		}
		r.mu.Lock()
		if _, ok := r.subs[ch]; ok {
			delete(r.subs, ch)
			close(ch)
		}
		r.mu.Unlock()
	}()
	return ch
}

// Fetches is the number of token requests this refresher has made.
func (r *Refresher) Fetches() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fetches
}

// Close stops the background work and closes every watcher's channel.
func (r *Refresher) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
	r.mu.Lock()
	for ch := range r.subs {
		delete(r.subs, ch)
		close(ch)
	}
	r.mu.Unlock()
}

// secrets are the values no error or log line may carry.
func (r *Refresher) redactor() redactor {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.redactorLocked()
}

func (r *Refresher) redactorLocked() redactor {
	s := make([]string, 0, len(r.recent)+2)
	s = append(s, r.cfg.ClientSecret)
	if r.tok.access != "" {
		s = append(s, r.tok.access)
	}
	return redactor{secrets: append(s, r.recent...)}
}

func (r *Refresher) stateLocked(now time.Time) TokenState {
	s := TokenState{Err: r.lastErr, NextTry: r.nextTry, Fetches: r.fetches, clock: r.clock}
	if r.tok.access != "" {
		s.ValidUntil, s.IssuedAt = r.tok.expiry, r.tok.issued
	}
	switch {
	case r.flight != nil:
		s.Status = TokenRenewing
	case r.tok.validAt(now):
		s.Status = TokenValid
	case r.lastErr != nil || r.tok.access != "":
		s.Status = TokenFailed
	default:
		s.Status = TokenNone
	}
	return s
}

func (r *Refresher) publishLocked() {
	s := r.stateLocked(r.clock.Now())
	for ch := range r.subs {
		select { // keep only the latest state in the buffer
		case <-ch:
		default:
		}
		ch <- s
	}
}

func (r *Refresher) wakeLoop() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// dueLocked is when the next token request should start by itself.
func (r *Refresher) dueLocked(now time.Time) (time.Time, bool) {
	switch {
	case r.closed || r.flight != nil:
		return time.Time{}, false
	case r.lastErr != nil:
		return r.nextTry, !r.nextTry.IsZero()
	case r.tok.access != "":
		return r.tok.renewAt(), true
	default:
		return now, true
	}
}

// loop sleeps until the next renewal (or retry) is due and starts it.
func (r *Refresher) loop() {
	defer r.wg.Done()
	seen := "" // the token that was valid when the loop last looked
	for {
		now := r.clock.Now()
		r.mu.Lock()
		// Tell watchers when that token has run out, whichever event woke
		// the loop (the expiry timer, or a wake-up at the same moment).
		valid := r.tok.validAt(now)
		if !valid && seen != "" && r.tok.access == seen {
			r.publishLocked()
		}
		seen = ""
		if valid {
			seen = r.tok.access
		}
		due, ok := r.dueLocked(now)
		if ok && !due.After(now) {
			r.startFetchLocked()
			ok = false
		}
		// Wake at expiry too, so watchers see a token run out.
		if exp := r.tok.expiry.Add(-r.tok.skew()); r.tok.access != "" && exp.After(now) && (!ok || exp.Before(due)) {
			due, ok = exp, true
		}
		r.mu.Unlock()
		var fire <-chan time.Time
		stop := func() bool { return false }
		if ok {
			fire, stop = r.clock.NewTimer(due.Sub(now))
		}
		select {
		case <-r.ctx.Done():
			stop()
			return
		case <-r.wake:
			stop()
		case <-fire:
		}
	}
}

// startFetchLocked starts a token request, or returns the one running.
func (r *Refresher) startFetchLocked() *flight {
	if r.flight != nil {
		return r.flight
	}
	f := &flight{done: make(chan struct{})}
	if r.closed {
		f.err = ErrClosed
		close(f.done)
		return f
	}
	r.flight = f
	r.fetches++
	red := r.redactorLocked()
	r.publishLocked()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		tok, err := r.fetch(red)
		r.finish(f, tok, err)
	}()
	return f
}

// finish records a token request's outcome and wakes its waiters, then
// writes a new token to the disk cache (the requests waiting for it do
// not wait for the disk), unless it was refused meanwhile.
func (r *Refresher) finish(f *flight, tok token, err error) {
	r.mu.Lock()
	now := r.clock.Now()
	if err == nil {
		if r.tok.access != "" {
			r.recent = append(r.recent, r.tok.access)
			if len(r.recent) > 4 {
				r.recent = r.recent[1:]
			}
		}
		r.tok, r.failures, r.lastErr, r.nextTry = tok, 0, nil, time.Time{}
		r.log.Info("token issued", "valid_until", tok.expiry.Format(time.RFC3339Nano), "lifetime", tok.lifetime().String())
	} else {
		r.failures++
		r.lastErr = err
		r.nextTry = time.Time{}
		if retryableTokenError(err) && !r.closed {
			r.nextTry = now.Add(r.retryDelay(r.failures))
		}
		r.log.Warn("token request failed", "err", err.Error(), "failures", r.failures,
			"have_valid_token", r.tok.validAt(now))
	}
	f.tok, f.err = tok, err
	r.flight = nil
	close(f.done)
	r.publishLocked()
	r.mu.Unlock()
	r.wakeLoop()
	if err == nil && r.cache != nil {
		r.storeMu.Lock()
		defer r.storeMu.Unlock()
		r.mu.Lock()
		current := r.tok.access == tok.access
		r.mu.Unlock()
		if !current {
			return
		}
		if cerr := r.cache.store(tok); cerr != nil {
			r.log.Warn("token cache not written", "err", cerr)
		}
	}
}

// retryDelay is the background backoff after n consecutive failures:
// exponential from a base of a twentieth of the token's lifetime (1 s when
// none is known; never below 50 ms), capped at 2 minutes, with equal
// jitter so retries from many processes spread out.
func (r *Refresher) retryDelay(n int) time.Duration {
	base := time.Second
	if lt := r.tok.lifetime(); r.tok.access != "" && lt > 0 {
		base = min(max(lt/20, 50*time.Millisecond), time.Second)
	}
	d := base
	for i := 1; i < n && d < 2*time.Minute; i++ {
		d *= 2
	}
	d = min(d, 2*time.Minute)
	return d/2 + time.Duration(rand.Float64()*float64(d/2))
}

// retryableTokenError: the network, a 5xx or a 429 may heal by themselves;
// refused credentials do not.
func retryableTokenError(err error) bool {
	return errors.Is(err, ErrNetwork) || errors.Is(err, ErrServer) || errors.Is(err, ErrRateLimited)
}

// errRecorder keeps the transport's own error: x/oauth2 flattens it to
// text, losing what errors.Is needs (and we must tell a refused connection
// from a timeout).
type errRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	err  error
}

func (e *errRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := e.base.RoundTrip(req)
	if err != nil {
		e.mu.Lock()
		e.err = err
		e.mu.Unlock()
	}
	return resp, err
}

// fetch makes one token request through x/oauth2's client-credentials flow.
func (r *Refresher) fetch(red redactor) (token, error) {
	ctx, cancel := context.WithTimeout(r.ctx, r.cfg.FetchTimeout)
	defer cancel()
	base := r.cfg.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	rec := &errRecorder{base: base}
	hc := *r.cfg.HTTPClient
	hc.Transport = rec
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &hc)

	issued := r.clock.Now()
	r.log.Info("token request", "method", http.MethodPost, "path", r.tokenPath())
	t, err := r.cc.Token(ctx)
	r.log.Info("token answer", "path", r.tokenPath(), "ok", err == nil, "duration", r.clock.Now().Sub(issued).Round(time.Microsecond).String())
	if err != nil {
		rec.mu.Lock()
		netErr := rec.err
		rec.mu.Unlock()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && r.ctx.Err() == nil {
			// The request outlived FetchTimeout, possibly while its answer
			// was being read (x/oauth2 then keeps only the text): no
			// answer, a network failure.
			if netErr == nil {
				netErr = context.DeadlineExceeded
			}
			netErr = &attemptTimeoutError{limit: r.cfg.FetchTimeout, err: netErr}
		}
		return token{}, r.tokenError(err, netErr, red)
	}
	if t.AccessToken == "" {
		return token{}, &Error{Method: http.MethodPost, Path: r.tokenPath(), Kind: ErrBadResponse, Attempts: 1, TokenEndpoint: true,
			Items: []ErrorItem{{Message: "the token endpoint answered without an access_token"}}}
	}
	var expiry time.Time
	if !t.Expiry.IsZero() {
		// x/oauth2 dates the expiry on the wall clock when it reads the
		// answer: now + expires_in, in whole seconds. Carry that lifetime
		// over to the refresher's clock (rounding away the moment since).
		expiry = r.clock.Now().Add(time.Until(t.Expiry).Round(time.Second))
	}
	if expiry.IsZero() || !expiry.After(issued) {
		// No expires_in: assume the documented 8 hours.
		expiry = issued.Add(28800 * time.Second)
	}
	return token{access: t.AccessToken, typ: t.TokenType, issued: issued, expiry: expiry}, nil
}

func (r *Refresher) tokenPath() string {
	u, err := url.Parse(r.cfg.TokenURL)
	if err != nil || u.Path == "" {
		return "/oauth/token"
	}
	return u.EscapedPath()
}

// tokenError turns a failed token request into an *Error. Refused
// credentials (400, 401, 403) are ErrUnauthorized.
func (r *Refresher) tokenError(err, netErr error, red redactor) *Error {
	e := &Error{Method: http.MethodPost, Path: r.tokenPath(), Attempts: 1, TokenEndpoint: true}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.Response != nil:
		e.Status = re.Response.StatusCode
		switch e.Status {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
			e.Kind = ErrUnauthorized
		default:
			e.Kind = KindForStatus(e.Status)
		}
		e.RetryAfter = parseRetryAfter(re.Response.Header.Get("Retry-After"), r.clock.Now())
		if re.ErrorCode != "" {
			e.Items = []ErrorItem{{Code: cleanText(red.text(re.ErrorCode)), Message: cleanText(red.text(re.ErrorDescription))}}
		} else if p, derr := DecodeBody(re.Body); derr == nil && len(p.Errors) > 0 {
			e.Items = redactItems(p.Errors, red)
		} else if derr == nil && p.Shape == ShapeBareObject {
			e.Items = redactItems(errorItemsFromObject(p.Items[0]), red)
		} else if len(re.Body) > 0 {
			e.Excerpt = red.text(Excerpt(re.Body, excerptLen))
		}
	case netErr != nil:
		e.Kind = ErrNetwork
		e.Err = sanitize(netErr, red)
	case r.ctx.Err() != nil:
		e.Kind = ErrNetwork
		e.Err = r.ctx.Err()
	default:
		// A 2xx answer that could not be read as a token.
		e.Kind = ErrBadResponse
		e.Err = sanitize(err, red)
	}
	return e
}

func redactItems(items []ErrorItem, red redactor) []ErrorItem {
	out := make([]ErrorItem, len(items))
	for i, it := range items {
		out[i] = ErrorItem{Code: red.text(it.Code), Message: red.text(it.Message)}
	}
	return out
}
