// Package config reads the profiles file: the accounts and credentials the
// console can use, the default profile, and key overrides.
//
// The file is TOML, at os.UserConfigDir()/mpconsole/config.toml unless
// MPCONSOLE_CONFIG or --config names another. A profile never has to hold a
// literal secret: client_secret_env names an environment variable and
// client_secret_command runs a command (a password manager) whose standard
// output is the secret. Secrets are resolved only when a token is needed and
// are never part of any error message or listing.
//
// Validation collects every problem at once; each message names the file, the
// line when it can be found, the profile and the field.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/keymap"
)

// EnvProfile is the name of the profile defined by the MPARTICLE_* variables.
const EnvProfile = "env"

// Names of the embedded sandbox's profiles (the accounts package defines
// them under these names). A profile in the file may not take them: the
// console would not know which of the two a name means.
const (
	SandboxProfile       = "sandbox"
	SandboxViewerProfile = "sandbox-viewer"
)

// ReservedProfiles are the profile names the file may not define.
var ReservedProfiles = []string{SandboxProfile, SandboxViewerProfile}

// Profile is one credential and the account it opens on.
type Profile struct {
	Name                string `toml:"-"`
	ClientID            string `toml:"client_id"`
	ClientSecret        string `toml:"client_secret"`
	ClientSecretEnv     string `toml:"client_secret_env"`
	ClientSecretCommand string `toml:"client_secret_command"`
	AccountID           int64  `toml:"account_id"`
	// OrgID is the account's organization, which the Custom Access Roles
	// paths name (the API has no way to find it); 0 when not given.
	OrgID     int64  `toml:"org_id"`
	BaseURL   string `toml:"base_url"`    // v1 base URL
	V2BaseURL string `toml:"v2_base_url"` // Calculated Attributes base URL
	TokenURL  string `toml:"token_url"`
	Audience  string `toml:"audience"`
	ReadOnly  bool   `toml:"read_only"`
	Color     string `toml:"color"` // header colour, e.g. "#d70000" or "red"
	Skin      string `toml:"skin"`  // skins/NAME.toml beside the file (see SkinPath)
	// Refresh is how often the lists that refresh themselves do, in this
	// profile: "off", or an interval such as "10s" (ParseRefresh); unset
	// leaves each kind's default.
	Refresh string `toml:"refresh"`
}

// File is a parsed, validated profiles file.
type File struct {
	Path           string              `toml:"-"`
	DefaultProfile string              `toml:"default_profile"`
	Profiles       map[string]*Profile `toml:"profiles"`
	Keys           map[string]keyList  `toml:"keys"`
	// Mouse turns the console's mouse support (wheel, clicks) on or off;
	// unset is on.
	Mouse *bool `toml:"mouse"`
	// Plugins bind keys in a kind's table to local commands.
	Plugins []Plugin `toml:"plugins"`
	// SSH holds the rights of the keys allowed in over `mpconsole ssh`.
	SSH SSHConfig `toml:"ssh"`
	// Warnings are problems that do not stop the console (a literal secret in
	// a file others can read).
	Warnings []string `toml:"-"`
	// KeyMap is the default keymap with [keys] applied (validated).
	KeyMap keymap.KeyMap `toml:"-"`
}

// keyList accepts `"x"` or `["x", "y"]` for a key binding.
type keyList []string

func (k *keyList) UnmarshalTOML(v any) error {
	switch t := v.(type) {
	case string:
		*k = []string{t}
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("key list holds %T, want strings", e)
			}
			*k = append(*k, s)
		}
	default:
		return fmt.Errorf("want a key or a list of keys, got %T", v)
	}
	return nil
}

// MouseOn reports whether the console takes the mouse (mouse = false in
// the file turns it off).
func (f *File) MouseOn() bool { return f == nil || f.Mouse == nil || *f.Mouse }

// KeyOverrides returns the [keys] table as action → keys.
func (f *File) KeyOverrides() map[string][]string {
	out := make(map[string][]string, len(f.Keys))
	for a, k := range f.Keys {
		out[a] = []string(k)
	}
	return out
}

// ProfileNames lists the profiles, sorted.
func (f *File) ProfileNames() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FieldError is one problem in the file.
type FieldError struct {
	File    string
	Line    int // 0 when unknown
	Profile string
	Field   string
	Msg     string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Profile != "" {
		fmt.Fprintf(&b, "profile %q: ", e.Profile)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "%s: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file.
type Errors []*FieldError

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// DefaultPath is MPCONSOLE_CONFIG, else os.UserConfigDir()/mpconsole/config.toml.
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv("MPCONSOLE_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config: no user config dir: %w", err)
	}
	return filepath.Join(dir, "mpconsole", "config.toml"), nil
}

// ErrNoFile is returned by Load when the file does not exist.
var ErrNoFile = errors.New("no config file")

// Load reads and validates the file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrNoFile)
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		for _, name := range f.ProfileNames() {
			if f.Profiles[name].ClientSecret != "" {
				f.Warnings = append(f.Warnings, fmt.Sprintf(
					"%s holds a client secret (profile %q) and is readable by others (mode %04o); fix it with: chmod 600 %s",
					path, name, fi.Mode().Perm(), shellQuote(path)))
				break
			}
		}
	}
	return f, nil
}

// Parse decodes and validates file contents; path is only for messages.
func Parse(path string, data []byte) (*File, error) {
	var f File
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, Errors{{File: path, Line: pe.Position.Line, Msg: pe.Message}}
		}
		return nil, Errors{{File: path, Msg: err.Error()}}
	}
	f.Path = path
	lines := newLineIndex(data)
	var errs Errors
	for _, k := range md.Undecoded() {
		fe := &FieldError{File: path, Line: lines.find(k), Msg: "unknown field"}
		if len(k) >= 2 && k[0] == "profiles" {
			fe.Profile = k[1]
			fe.Field = strings.Join(k[2:], ".")
		} else {
			fe.Field = k.String()
		}
		errs = append(errs, fe)
	}
	for _, name := range f.ProfileNames() {
		p := f.Profiles[name]
		p.Name = name
		if slices.Contains(ReservedProfiles, name) {
			errs = append(errs, &FieldError{File: path, Line: lines.find(toml.Key{"profiles", name}), Profile: name,
				Field: "name", Msg: fmt.Sprintf("%q is the name of an embedded sandbox profile; choose another (e.g. \"local-%s\")", name, name)})
		}
		errs = append(errs, p.validate(path, lines)...)
	}
	if f.DefaultProfile != "" {
		if _, ok := f.Profiles[f.DefaultProfile]; !ok {
			errs = append(errs, &FieldError{File: path, Line: lines.find(toml.Key{"default_profile"}),
				Field: "default_profile", Msg: fmt.Sprintf("names profile %q, which is not defined", f.DefaultProfile)})
		}
	}
	errs = append(errs, f.SSH.validate(path, lines, f.Profiles)...)
	km, err := keymap.Apply(f.KeyOverrides())
	if err != nil {
		errs = append(errs, keyErrors(path, lines, err)...)
	}
	f.KeyMap = km
	if err == nil {
		errs = append(errs, validatePlugins(path, lines, f.Plugins, km)...)
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return &f, nil
}

func sortErrors(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
}

var colorName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[0-9]{1,3}|[a-z]+)$`)
})

func (p *Profile) validate(path string, lines lineIndex) Errors {
	var errs Errors
	add := func(field, msg string) {
		errs = append(errs, &FieldError{File: path, Line: lines.find(toml.Key{"profiles", p.Name, field}),
			Profile: p.Name, Field: field, Msg: msg})
	}
	if p.ClientID == "" {
		add("client_id", "missing")
	}
	sources := 0
	for _, s := range []string{p.ClientSecret, p.ClientSecretEnv, p.ClientSecretCommand} {
		if s != "" {
			sources++
		}
	}
	switch {
	case sources == 0:
		errs = append(errs, &FieldError{File: path, Line: lines.find(toml.Key{"profiles", p.Name}), Profile: p.Name,
			Field: "client_secret", Msg: "no secret source: set one of client_secret, client_secret_env or client_secret_command"})
	case sources > 1:
		add("client_secret", "more than one secret source: keep only one of client_secret, client_secret_env, client_secret_command")
	}
	if p.AccountID <= 0 {
		add("account_id", "missing or not a positive account id")
	}
	if p.OrgID < 0 {
		add("org_id", "not a positive organization id (leave it out when unknown)")
	}
	for field, u := range map[string]string{"base_url": p.BaseURL, "v2_base_url": p.V2BaseURL, "token_url": p.TokenURL} {
		if u == "" {
			continue
		}
		if err := checkURL(u); err != nil {
			add(field, err.Error())
		}
	}
	if p.Skin != "" && !skinName().MatchString(p.Skin) {
		add("skin", fmt.Sprintf("%q is not a skin name: letters, digits, '.', '_' and '-' (it names skins/NAME.toml)", p.Skin))
	}
	if p.Refresh != "" {
		if _, err := ParseRefresh(p.Refresh); err != nil {
			add("refresh", err.Error())
		}
	}
	if p.Color != "" && !colorName().MatchString(p.Color) {
		add("color", fmt.Sprintf("%q is not a colour: use #rrggbb, an ANSI number or a name", p.Color))
	}
	return errs
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL: %q", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: want an http:// or https:// URL", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q: no host", s)
	}
	return nil
}

// Endpoints fills in the documented defaults for whatever the profile leaves
// out. A base_url implies the v2 URL on the same host (api.DeriveBaseURLs):
// "http://127.0.0.1:8080" and "http://127.0.0.1:8080/v1" both mean a
// sandbox's /v1 and /platform/v2.
func (p *Profile) Endpoints() (v1, v2, token, audience string) {
	v1, v2, token, audience = p.BaseURL, p.V2BaseURL, p.TokenURL, p.Audience
	switch {
	case v1 == "":
		v1 = api.DefaultV1BaseURL
		if v2 == "" {
			v2 = api.DefaultV2BaseURL
		}
	default:
		if dv1, dv2, err := api.DeriveBaseURLs(v1); err == nil {
			v1 = dv1
			if v2 == "" {
				v2 = dv2
			}
		}
	}
	if token == "" {
		token = api.DefaultTokenURL
	}
	if audience == "" {
		audience = api.DefaultAudience
	}
	return strings.TrimRight(v1, "/"), strings.TrimRight(v2, "/"), token, audience
}

// SecretSource says where the secret comes from, without revealing it.
func (p *Profile) SecretSource() string {
	switch {
	case p.ClientSecretEnv != "":
		return "env $" + p.ClientSecretEnv
	case p.ClientSecretCommand != "":
		return "command"
	case p.ClientSecret != "":
		return "file"
	}
	return "none"
}

// Secret resolves the client secret from its source. Errors never contain
// the secret, nor the command's output.
func (p *Profile) Secret(ctx context.Context, getenv func(string) string) (string, error) {
	switch {
	case p.ClientSecret != "":
		return p.ClientSecret, nil
	case p.ClientSecretEnv != "":
		s := getenv(p.ClientSecretEnv)
		if s == "" {
			return "", fmt.Errorf("profile %q: client_secret_env: $%s is empty or unset", p.Name, p.ClientSecretEnv)
		}
		return s, nil
	case p.ClientSecretCommand != "":
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", "-c", p.ClientSecretCommand)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			msg := strings.TrimSpace(stderr.String())
			if len(msg) > 200 {
				msg = msg[:200]
			}
			if msg != "" {
				msg = ": " + msg
			}
			return "", fmt.Errorf("profile %q: client_secret_command failed (%v)%s", p.Name, err, msg)
		}
		s := strings.TrimRight(string(out), "\r\n")
		if s == "" {
			return "", fmt.Errorf("profile %q: client_secret_command printed nothing", p.Name)
		}
		return s, nil
	}
	return "", fmt.Errorf("profile %q: no secret source", p.Name)
}

// FromEnv builds the `env` profile from the MPARTICLE_* variables. ok is
// false when MPARTICLE_CLIENT_ID is unset.
func FromEnv(getenv func(string) string) (p *Profile, ok bool, err error) {
	id := getenv("MPARTICLE_CLIENT_ID")
	if id == "" {
		return nil, false, nil
	}
	p = &Profile{
		Name:            EnvProfile,
		ClientID:        id,
		ClientSecretEnv: "MPARTICLE_CLIENT_SECRET",
		BaseURL:         getenv("MPARTICLE_BASE_URL"),
		TokenURL:        getenv("MPARTICLE_TOKEN_URL"),
		Audience:        getenv("MPARTICLE_AUDIENCE"),
	}
	var errs []string
	if getenv("MPARTICLE_CLIENT_SECRET") == "" {
		errs = append(errs, "MPARTICLE_CLIENT_SECRET is not set")
	}
	acct := getenv("MPARTICLE_ACCOUNT_ID")
	n, perr := strconv.ParseInt(acct, 10, 64)
	switch {
	case acct == "":
		errs = append(errs, "MPARTICLE_ACCOUNT_ID is not set")
	case perr != nil || n <= 0:
		errs = append(errs, fmt.Sprintf("MPARTICLE_ACCOUNT_ID=%q is not an account id", acct))
	default:
		p.AccountID = n
	}
	for _, v := range []string{"MPARTICLE_BASE_URL", "MPARTICLE_TOKEN_URL"} {
		if s := getenv(v); s != "" {
			if err := checkURL(s); err != nil {
				errs = append(errs, v+": "+err.Error())
			}
		}
	}
	if len(errs) > 0 {
		return nil, true, fmt.Errorf("environment profile %q: %s", EnvProfile, strings.Join(errs, "; "))
	}
	return p, true, nil
}

func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// keyErrors turns keymap problems into file errors on the line of the
// [keys] entry that caused them.
func keyErrors(path string, lines lineIndex, err error) Errors {
	var list []error
	if ke, ok := err.(keymap.Errors); ok {
		list = ke
	} else {
		list = []error{err}
	}
	var out Errors
	for _, e := range list {
		action := ""
		var (
			ua *keymap.UnknownActionError
			ik *keymap.InvalidKeyError
			ce *keymap.ConflictError
		)
		switch {
		case errors.As(e, &ua):
			action = ua.Action
		case errors.As(e, &ik):
			action = ik.Action
		case errors.As(e, &ce):
			action = ce.Actions[1]
			if lines.find(toml.Key{"keys", action}) == lines.find(toml.Key{"keys"}) {
				action = ce.Actions[0]
			}
		}
		fe := &FieldError{File: path, Msg: strings.TrimPrefix(e.Error(), "keys: ")}
		if action != "" {
			fe.Field = "keys." + action
			fe.Line = lines.find(toml.Key{"keys", action})
		} else {
			fe.Field = "keys"
			fe.Line = lines.find(toml.Key{"keys"})
		}
		out = append(out, fe)
	}
	return out
}
