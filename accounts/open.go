package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/config"
)

// OpenOptions say which profiles a session has and which it starts on.
type OpenOptions struct {
	// UseSandbox opens the embedded sandbox whatever is configured.
	UseSandbox bool
	// Profile is the profile to start on; "" is the Manager's Default.
	Profile string
	// Config is the profiles file; "" is $MPCONSOLE_CONFIG or the user
	// config directory's (config.DefaultPath), which may be missing.
	Config string
	// Explicit: with nothing configured, fail instead of starting the
	// embedded sandbox (mpconsole get: a script must not read demo data by
	// accident). A --config file that does not exist is then "nothing
	// configured" rather than a mistake of its own.
	Explicit bool
	// RequestTimeout is every API call's budget, attempts and waits
	// included (RetryPolicy); 0 is the documented 45 s.
	RequestTimeout time.Duration
	// StartSandbox starts the embedded sandbox, returning it and how to
	// stop it. nil: there is none, and a session that needs it fails.
	StartSandbox func(context.Context) (Sandbox, func() error, error)
	Getenv       func(string) string // nil: os.Getenv
	// Logger receives the clients' debug log: requests, retries, token
	// requests (api.Config.Logger); nil: none.
	Logger *slog.Logger
}

// Session is an opened set of profiles and where to start: what a console
// (local or over SSH) or `mpconsole get` works with. Close releases it.
type Session struct {
	Accounts *Manager
	Profile  string       // the profile to start on
	File     *config.File // the profiles file, nil when none was read
	// StateDir, when set, is where drafts and the journal go instead of
	// the user's state directory: the embedded sandbox's own, removed
	// with it (StateTemporary), since its data lives in memory and the
	// next one reuses its ids.
	StateDir       string
	StateTemporary bool

	close func()
}

// Close stops every client, then the embedded sandbox if the session
// started one, and removes its state directory.
func (s *Session) Close() { s.close() }

// SetupError is a problem with what was configured or asked for — a
// variable, the profiles file, a profile name, no credentials at all — as
// opposed to a failure while opening: a command line reports it as bad
// usage.
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

func setupf(format string, args ...any) error { return &SetupError{fmt.Errorf(format, args...)} }

// Open resolves the options into a session: the embedded sandbox when
// asked for, else the MPARTICLE_* profile and the profiles file; with
// nothing configured (no variables, and no file or one that defines no
// profile, as `config init` writes it) the embedded sandbox, unless
// Explicit. It makes no API request and resolves no secret.
func Open(ctx context.Context, o OpenOptions) (*Session, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.RequestTimeout < 0 {
		return nil, setupf("request timeout %s: want a positive duration", o.RequestTimeout)
	}
	mo := Options{Getenv: o.Getenv, Retry: RetryWithin(o.RequestTimeout), Logger: o.Logger}
	s := &Session{close: func() {}}
	useSandbox := o.UseSandbox
	if !useSandbox {
		env, _, err := config.FromEnv(o.Getenv)
		if err != nil {
			return nil, &SetupError{err}
		}
		mo.Env = env
		path := o.Config
		if path == "" {
			if path, err = config.DefaultPath(o.Getenv); err != nil {
				return nil, err
			}
		}
		f, err := config.Load(path)
		switch {
		case errors.Is(err, config.ErrNoFile) && o.Config != "" && !o.Explicit:
			return nil, &SetupError{err}
		case errors.Is(err, config.ErrNoFile):
		case err != nil:
			return nil, &SetupError{err}
		default:
			mo.File, s.File = f, f
		}
		if mo.Env == nil && (mo.File == nil || len(mo.File.Profiles) == 0) {
			if o.Profile != "" || o.Explicit {
				why := fmt.Sprintf("%s: %v", path, config.ErrNoFile)
				if mo.File != nil {
					why = path + " defines no profile"
				}
				return nil, setupf("no credentials: set MPARTICLE_CLIENT_ID, MPARTICLE_CLIENT_SECRET and MPARTICLE_ACCOUNT_ID, "+
					"add a profile to the profiles file (mpconsole config init writes an example), or use --sandbox (%s)", why)
			}
			useSandbox = true
		}
	}
	if useSandbox {
		if o.StartSandbox == nil {
			return nil, errors.New("the embedded sandbox is not available here")
		}
		dir, err := os.MkdirTemp("", "mpconsole-sandbox-*")
		if err != nil {
			return nil, fmt.Errorf("the sandbox's state directory: %w", err)
		}
		srv, stop, err := o.StartSandbox(ctx)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("starting the sandbox: %w", err)
		}
		mo.Sandbox = srv
		s.StateDir, s.StateTemporary = dir, true
		s.close = func() { stop(); os.RemoveAll(dir) }
	}
	s.Accounts = New(mo)
	stopSandbox := s.close
	s.close = func() { s.Accounts.Close(); stopSandbox() }
	if o.Profile != "" {
		if _, ok := s.Accounts.Profile(o.Profile); !ok {
			s.Close()
			var names []string
			for _, p := range s.Accounts.Profiles() {
				names = append(names, p.Name)
			}
			return nil, setupf("no profile %q (profiles: %s)", o.Profile, strings.Join(names, ", "))
		}
		s.Profile = o.Profile
		return s, nil
	}
	p, err := s.Accounts.Default()
	if err != nil {
		s.Close()
		return nil, &SetupError{err}
	}
	s.Profile = p.Name
	return s, nil
}

// RetryWithin is the retry policy of a call whose whole budget, attempts
// and waits included, is d (0: the documented default). A budget shorter
// than the default scales the backoff delays down in proportion, so the
// same number of attempts fits in it; a longer one keeps them.
func RetryWithin(d time.Duration) api.RetryPolicy {
	if d <= 0 || d == api.DefaultMaxElapsed {
		return api.RetryPolicy{}
	}
	p := api.RetryPolicy{MaxElapsed: d}
	if d < api.DefaultMaxElapsed {
		scale := func(x time.Duration) time.Duration {
			return max(time.Duration(float64(x)*float64(d)/float64(api.DefaultMaxElapsed)), time.Nanosecond)
		}
		p.BaseDelay, p.MaxDelay = scale(api.DefaultBaseDelay), scale(api.DefaultMaxDelay)
	}
	return p
}
