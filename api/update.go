package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mpconsole/mpconsole/internal/jsonnum"
)

// The update protocol. The Platform API has no conditional update (no
// ETag, no If-Match, no version field), so an edit made against one
// version of an entity could silently undo another writer's change. The
// client narrows that window: it re-reads the entity just before the PUT
// and sends nothing when the server's version is no longer the one the
// edit started from. What is left is the time between that read and the
// PUT, which the API gives no way to close.

// UpdateResult is what an update read and wrote.
type UpdateResult struct {
	// Before is the server's version read just before the update: the one
	// compared with the base, and what a revert writes back. It is set
	// whenever the re-read succeeded, also on a conflict.
	Before []byte
	// After is the server's version after the update (see Client.Update).
	After Entity
}

// ConflictError says the entity changed on the server since the version
// an edit started from: nothing was sent. Current is the server's version
// now; overwriting means editing against it and updating again with it as
// the base.
type ConflictError struct {
	Kind    string // the kind's name ("apps")
	ID      string
	Current []byte
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %q changed on the server since it was read; the update was not sent", e.Kind, e.ID)
}

// UpdateIfUnchanged updates an entity only if the server still has the
// version the edit started from. It re-reads the entity and compares it
// with base by value (SameJSON: key order, spacing and the spelling of
// numbers do not count); when they differ it returns a *ConflictError
// holding the server's current version and sends nothing. Otherwise it
// sends the kind's update body made from edited (Descriptor.UpdateBody).
//
// A body that cannot be made is refused before any request; a failed
// re-read (a deleted entity is ErrNotFound) is returned wrapped.
func (c *Client) UpdateIfUnchanged(ctx context.Context, d *Descriptor, parent Ref, id string, base, edited []byte) (UpdateResult, error) {
	if len(bytes.TrimSpace(base)) == 0 {
		return UpdateResult{}, fmt.Errorf("%s %q: no base version to compare the server's with", d.Name, id)
	}
	return c.update(ctx, d, parent, id, base, edited)
}

// Overwrite updates an entity whatever the server has now: the last
// writer wins. It still re-reads the entity first, so the result's Before
// is what the update replaced and a deleted entity is reported before
// anything is sent. The editor's "overwrite" does not need it (it reviews
// the user's text against the server's newer version and calls
// UpdateIfUnchanged with that version as the base, so a third writer is
// still caught); it is for callers that mean to replace blindly.
func (c *Client) Overwrite(ctx context.Context, d *Descriptor, parent Ref, id string, edited []byte) (UpdateResult, error) {
	return c.update(ctx, d, parent, id, nil, edited)
}

// update re-reads the entity, compares it with base unless base is nil,
// and sends the update body made from edited.
func (c *Client) update(ctx context.Context, d *Descriptor, parent Ref, id string, base, edited []byte) (UpdateResult, error) {
	if !d.Ops.Has(OpUpdate) {
		return UpdateResult{}, unsupported(d, OpUpdate)
	}
	if !d.Ops.Has(OpGet) {
		return UpdateResult{}, unsupported(d, OpGet)
	}
	body, err := d.UpdateBody(edited)
	if err != nil {
		return UpdateResult{}, err
	}
	cur, err := c.Get(ctx, d, parent, id)
	if err != nil {
		return UpdateResult{}, fmt.Errorf("re-reading %s %q before the update: %w", d.Name, id, err)
	}
	res := UpdateResult{Before: cur.Raw}
	if base != nil {
		same, err := SameJSON(cur.Raw, base)
		if err != nil {
			return res, fmt.Errorf("comparing %s %q with the version the edit started from: %w", d.Name, id, err)
		}
		if !same {
			return res, &ConflictError{Kind: d.Name, ID: id, Current: cur.Raw}
		}
	}
	res.After, err = c.Update(ctx, d, parent, id, d.dropUnchangedNulls(body, cur.Raw))
	return res, err
}

// SameJSON reports whether two JSON documents hold the same value: objects
// equal whatever their key order, arrays element by element, strings after
// unescaping, numbers by their exact value read from their text ("1.0" is
// "1", "1e3" is "1000", and two integers too long for a float64 still
// differ). A key given twice counts once, the last value winning, as in
// encoding/json. Invalid JSON on either side is an error.
func SameJSON(a, b []byte) (bool, error) {
	x, err := decodeValue(a)
	if err != nil {
		return false, fmt.Errorf("first document: %w", err)
	}
	y, err := decodeValue(b)
	if err != nil {
		return false, fmt.Errorf("second document: %w", err)
	}
	return sameValue(x, y), nil
}

func decodeValue(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("invalid JSON: empty document")
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("invalid JSON: text after the document")
	}
	return v, nil
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		return ok && jsonnum.Equal(string(x), string(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !sameValue(xv, yv) {
				return false
			}
		}
		return true
	}
	return false
}
