// Package api is the mParticle Platform API client: authentication with a
// background token refresher, the response envelope, typed errors, retries
// and the resource catalogue. The wire types in this file are shared with the
// sandbox (package api/sandbox), which implements the same contract.
//
// A Client is one credential working in one account (Config, New);
// WithAccount gives a client for another account that shares the token.
// Tokens come from a Refresher, one per credential (a Registry shares it
// between clients made separately, e.g. SSH sessions): it exchanges the
// credential through x/oauth2's client-credentials flow, keeps the token in
// a 0600 file under the user cache dir, renews it in the background at 80%
// of its lifetime, and publishes a TokenState (never the token) to
// watchers. Every call goes through Client.Do: bearer token, accountId on
// v1, retries with full-jitter backoff for idempotent methods, a POST
// repeated only when it certainly was not applied, one token renewal on an
// unexpected 401, and every failure an *Error.
//
// The catalogue (catalog.go, kinds.go) describes every kind once; List,
// Get, Create, Update, Delete, Exists, NameExists and Act are generic over
// it. Entities keep the server's bytes (Entity.Raw), so unknown fields
// round-trip. Answers come in every shape the reference shows (DecodeBody).
//
// The token source is called Refresher and its channel comes from Watch;
// calculated attributes' activation and calculation status are both
// actions on the CA and read-only kinds of their own, so the console can
// drill into them. Decisions on the reference's inconsistencies are listed
// on kinds() and in docs/client.md and docs/inconsistencies.md; the facts
// the package relies on are in docs/reference.md.
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Documented defaults (docs/reference.md, hosts and versions).
const (
	DefaultAudience  = "https://api.mparticle.com"
	DefaultV1BaseURL = "https://api.mparticle.com/v1"
	DefaultV2BaseURL = "https://api.mparticle.com/platform/v2"
	DefaultTokenURL  = "https://sso.auth.mparticle.com/oauth/token"
)

// CodeValidation is the only error code the reference documents.
const CodeValidation = "VALIDATION_ERROR"

// Envelope is the common v1 response body. Feed endpoints spell the
// top-level kind `data_type` instead of `dataType`; both are decoded, and
// Kind reports whichever was present.
type Envelope struct {
	Data      []json.RawMessage `json:"data"`
	DataType  string            `json:"dataType,omitempty"`
	DataType2 string            `json:"data_type,omitempty"`
	Errors    []ErrorItem       `json:"errors"`
}

// Kind is the envelope's entity kind, whichever key carried it.
func (e Envelope) Kind() string {
	if e.DataType != "" {
		return e.DataType
	}
	return e.DataType2
}

// ErrorItem is one entry of an envelope's errors array.
type ErrorItem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// String renders the item as "CODE: message" (or just the message).
func (it ErrorItem) String() string {
	if it.Code == "" {
		return it.Message
	}
	return it.Code + ": " + it.Message
}

// ID is an entity id that the API sends either as a JSON number or as a JSON
// string ("4302" in the workspace and feed lists). It is kept as its decimal
// (or verbatim) text and marshals back as a string.
type ID string

// UnmarshalJSON accepts a number, a string or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*id = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("id: %w", err)
		}
		*id = ID(s)
		return nil
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("id: not a number or string: %.20s", b)
		}
		*id = ID(n.String())
		return nil
	}
}

// Int returns the id as an integer, when it is one.
func (id ID) Int() (int64, bool) {
	n, err := strconv.ParseInt(string(id), 10, 64)
	return n, err == nil
}

// timeLayouts are every timestamp form the API is known to send
// (docs/reference.md, timestamps).
var timeLayouts = []string{
	time.RFC3339Nano,                // 2020-02-18T19:24:50.426Z, -04:00 offsets, 7 digits
	"2006-01-02T15:04:05.999999999", // no zone, 0–9 fractional digits
	"2006-01-02",                    // date only
}

// ParseTime parses every timestamp form the Platform API uses. Timestamps
// without a zone are taken as UTC.
func ParseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised timestamp %q", s)
}

// FormatTime renders t the way most v1 examples do: UTC, no zone, three
// fractional digits.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000")
}
