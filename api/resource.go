package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// ErrNotSupported is returned (wrapped) for an operation a kind does not
// have, before anything is sent.
var ErrNotSupported = errors.New("operation not supported")

// MissingRefError says which parent references a call needs and lacks
// (`mpconsole get platforms` without --parent app=ID). It is a usage
// error: nothing was sent.
type MissingRefError struct {
	Kind    string   // the kind asked for
	Missing []string // placeholder names: app, workspace, …
}

func (e *MissingRefError) Error() string {
	flags := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		flags[i] = "--parent " + m + "=ID"
	}
	return fmt.Sprintf("%s need %s (%s)", e.Kind, strings.Join(e.Missing, " and "), strings.Join(flags, " "))
}

// placeholders lists a template's {names}; with id false, {id} is left out.
func placeholders(tmpl string, id bool) []string {
	var out []string
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return out
		}
		name := tmpl[i+1 : i+j]
		if (id || name != "id") && !slices.Contains(out, name) {
			out = append(out, name)
		}
		tmpl = tmpl[i+j+1:]
	}
}

// expand fills a template's placeholders: {id} with id, the others from
// ref. Values are escaped for where they stand (path or query).
func expand(kind, tmpl string, ref Ref, id string) (string, error) {
	var missing []string
	for _, p := range placeholders(tmpl, true) {
		v := ref[p]
		if p == "id" {
			v = id
		}
		if v == "" {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return "", &MissingRefError{Kind: kind, Missing: missing}
	}
	pathPart, query, hasQuery := strings.Cut(tmpl, "?")
	fill := func(s string, esc func(string) string) string {
		var b strings.Builder
		for {
			i := strings.IndexByte(s, '{')
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			j := strings.IndexByte(s[i:], '}')
			b.WriteString(s[:i])
			name := s[i+1 : i+j]
			v := ref[name]
			if name == "id" {
				v = id
			}
			b.WriteString(esc(v))
			s = s[i+j+1:]
		}
	}
	out := fill(pathPart, url.PathEscape)
	if hasQuery {
		out += "?" + fill(query, url.QueryEscape)
	}
	return out, nil
}

// RefKeys lists the parent references (placeholders other than {id}) any
// of the kind's paths use, in first-use order.
func RefKeys(d *Descriptor) []string {
	var out []string
	tmpls := append(slices.Clone(d.Paths.List), d.Paths.Get, d.Paths.Create.Path, d.Paths.Update.Path, d.Paths.Delete, d.Paths.Exists)
	for _, a := range d.Actions {
		tmpls = append(tmpls, a.Path)
	}
	for _, t := range tmpls {
		for _, p := range placeholders(t, false) {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// CheckRef reports (as a *MissingRefError) what a List of the kind, or
// with one set a Get, would lack in ref; nil when ref suffices.
func CheckRef(d *Descriptor, ref Ref, one bool) error {
	ref = clientFilled(d, ref)
	if one && d.Paths.Get != "" {
		_, err := expand(d.Name, d.Paths.Get, ref, "x")
		return err
	}
	_, err := d.listPath(ref)
	return err
}

// listPath picks the first list template the reference fills.
func (d *Descriptor) listPath(ref Ref) (string, error) {
	tmpls := d.Paths.List
	if len(tmpls) == 0 && d.Single {
		tmpls = []string{d.Paths.Get}
	}
	var last error
	for _, t := range tmpls {
		p, err := expand(d.Name, t, ref, "")
		if err == nil {
			return p, nil
		}
		last = err
	}
	if last == nil {
		last = fmt.Errorf("%s: list: %w", d.Name, ErrNotSupported)
	}
	return "", last
}

func unsupported(d *Descriptor, op Op) error {
	return fmt.Errorf("%s: %s: %w", d.Name, op, ErrNotSupported)
}

// listWithin lists a kind whose entities sit inside one member of a small
// answer (Descriptor.Within: the role manifest's roles, a plan's
// versions): the answer is read whole and its entities, rows computed as
// ListStream's are, handed on as one batch.
func (c *Client) listWithin(ctx context.Context, d *Descriptor, parent Ref, p string, fn func([]Entity, Progress) error) error {
	resp, err := c.Do(ctx, Request{Version: d.Version, Method: http.MethodGet, Path: p})
	if err != nil {
		return err
	}
	items, err := c.items(resp, http.MethodGet, p, d)
	if err == nil {
		items, err = c.within(resp, p, d, items)
	}
	if err != nil {
		return err
	}
	parents := parent.Clone()
	var sc listScratch
	out := make([]Entity, 0, len(items))
	for _, it := range items {
		out = append(out, d.listEntity(it, nil, parents, &sc))
	}
	n := int64(len(resp.Body))
	return fn(out, Progress{Rows: len(out), Bytes: n, Total: n})
}

// items decodes a successful answer's entities, turning a body that is not
// JSON into an *Error (ErrBadResponse) and envelope errors on a 2xx into
// one as well.
func (c *Client) items(resp *Response, method, path string, d *Descriptor) ([]json.RawMessage, error) {
	p, err := decodeOwned(bytes.TrimSpace(resp.Body)) // resp is the caller's own: entities may alias its body
	if err != nil {
		return nil, c.badResponse(resp, method, path, d, err)
	}
	if len(p.Errors) > 0 {
		return nil, &Error{Status: resp.Status, Method: method, Path: c.fullPath(d, path), Kind: ErrValidation,
			Items: redactItems(p.Errors, c.tokens.redactor()), Attempts: resp.Attempts}
	}
	if p.Shape == ShapeBareScalar {
		return nil, &Error{Status: resp.Status, Method: method, Path: c.fullPath(d, path), Kind: ErrBadResponse,
			Excerpt: Excerpt(p.Scalar, excerptLen), Attempts: resp.Attempts,
			Items: []ErrorItem{{Message: "expected entities, got a bare value"}}}
	}
	return p.Items, nil
}

// badResponse is the error for a 2xx answer whose body is not JSON. After
// a POST the write may well have been applied: the error says so.
func (c *Client) badResponse(resp *Response, method, path string, d *Descriptor, err error) *Error {
	red := c.tokens.redactor()
	return &Error{Status: resp.Status, Method: method, Path: c.fullPath(d, path), Kind: ErrBadResponse,
		Excerpt: red.text(Excerpt(resp.Body, excerptLen)), Err: err, Attempts: resp.Attempts,
		MaybeApplied: method == http.MethodPost}
}

// fullPath is the request path as an *Error shows it.
func (c *Client) fullPath(d *Descriptor, p string) string {
	u, err := c.url(Request{Version: d.Version, Path: p})
	if err != nil {
		return p
	}
	return u.RequestURI()
}

// notFound is the error for an id missing from a list (kinds with no
// single GET): the server was not asked about the id itself.
func (c *Client) notFound(d *Descriptor, path, id string) *Error {
	return &Error{Method: http.MethodGet, Path: c.fullPath(d, path), Kind: ErrNotFound, Attempts: 1,
		Items: []ErrorItem{{Message: fmt.Sprintf("no %s %q", d.Singular, id)}}}
}

// Get returns one entity. Kinds without a single GET are found in their
// list: by id, then by id ignoring case, then by a unique display name.
// Single kinds (one object per parent) accept an empty id.
func (c *Client) Get(ctx context.Context, d *Descriptor, parent Ref, id string) (Entity, error) {
	if !d.Ops.Has(OpGet) {
		return Entity{}, unsupported(d, OpGet)
	}
	parent = c.scope(d, parent)
	if d.Paths.Get != "" {
		if id == "" && !d.Single {
			return Entity{}, fmt.Errorf("%s: get needs an id", d.Name)
		}
		p, err := expand(d.Name, d.Paths.Get, parent, id)
		if err != nil {
			return Entity{}, err
		}
		resp, err := c.Do(ctx, Request{Version: d.Version, Method: http.MethodGet, Path: p})
		if err != nil {
			return Entity{}, err
		}
		items, err := c.items(resp, http.MethodGet, p, d)
		if err != nil {
			return Entity{}, err
		}
		if len(items) == 0 {
			return Entity{}, c.notFound(d, p, id)
		}
		e := d.entity(items[0], parent)
		if d.Single && id != "" && !strings.EqualFold(e.ID, id) {
			return Entity{}, c.notFound(d, p, id)
		}
		return e, nil
	}
	list, err := c.List(ctx, d, parent)
	if err != nil {
		return Entity{}, err
	}
	if e, ok := find(list, id); ok {
		return e, nil
	}
	p, _ := d.listPath(parent)
	return Entity{}, c.notFound(d, p, id)
}

func find(list []Entity, id string) (Entity, bool) {
	for _, e := range list {
		if e.ID == id {
			return e, true
		}
	}
	for _, e := range list {
		if strings.EqualFold(e.ID, id) {
			return e, true
		}
	}
	var hit []Entity
	for _, e := range list {
		if e.Name != "" && e.Name == id {
			hit = append(hit, e)
		}
	}
	if len(hit) == 1 {
		return hit[0], true
	}
	return Entity{}, false
}

// Exists reports whether the entity exists (a Get that answers not found
// is false, not an error).
func (c *Client) Exists(ctx context.Context, d *Descriptor, parent Ref, id string) (bool, error) {
	_, err := c.Get(ctx, d, parent, id)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// NameExists reports whether an entity with this exact name exists: with
// HEAD ?name= where the API has it (calculated attributes: 204 or 404),
// otherwise by listing.
func (c *Client) NameExists(ctx context.Context, d *Descriptor, parent Ref, name string) (bool, error) {
	if d.Paths.Exists != "" {
		p, err := expand(d.Name, d.Paths.Exists, parent, "")
		if err != nil {
			return false, err
		}
		_, err = c.Do(ctx, Request{Version: d.Version, Method: http.MethodHead, Path: p, Query: url.Values{"name": {name}}})
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, ErrNotFound):
			return false, nil
		}
		return false, err
	}
	list, err := c.List(ctx, d, parent)
	if err != nil {
		return false, err
	}
	for _, e := range list {
		if e.Name == name {
			return true, nil
		}
	}
	return false, nil
}

// body prepares a create/update body: it must be JSON, and kinds whose
// API takes arrays get an object wrapped.
func (d *Descriptor) body(b []byte) ([]byte, error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return nil, fmt.Errorf("%s: empty body", d.Name)
	}
	if !json.Valid(t) {
		return nil, fmt.Errorf("%s: body is not valid JSON", d.Name)
	}
	if d.BodyArray && t[0] == '{' {
		return append(append([]byte("["), t...), ']'), nil
	}
	return t, nil
}

// Create creates an entity and returns what the server answered, which is
// the only time some fields are shown (platform access-key secrets). The
// answer's shape varies: the full entity (apps, platforms), a stub of
// {data_type, id, created_on} (feeds, subscriptions), a bare integer id
// (calculated attributes: the entity is then {"id": N}), or nothing (data
// points, service configurations: the entity is then the body sent).
func (c *Client) Create(ctx context.Context, d *Descriptor, parent Ref, body []byte) (Entity, error) {
	if !d.Ops.Has(OpCreate) {
		return Entity{}, unsupported(d, OpCreate)
	}
	if d.manifest != nil {
		return c.manifestCreate(ctx, d, c.scope(d, parent), body)
	}
	b, err := d.body(body)
	if err != nil {
		return Entity{}, err
	}
	p, err := expand(d.Name, d.Paths.Create.Path, parent, "")
	if err != nil {
		return Entity{}, err
	}
	resp, err := c.Do(ctx, Request{Version: d.Version, Method: d.Paths.Create.Method, Path: p, Body: b})
	if err != nil {
		return Entity{}, err
	}
	pl, err := resp.Decode()
	if err != nil {
		return Entity{}, c.badResponse(resp, d.Paths.Create.Method, p, d, err)
	}
	if len(pl.Errors) > 0 {
		return Entity{}, &Error{Status: resp.Status, Method: d.Paths.Create.Method, Path: c.fullPath(d, p),
			Kind: ErrValidation, Items: redactItems(pl.Errors, c.tokens.redactor()), Attempts: resp.Attempts}
	}
	switch {
	case pl.Shape == ShapeBareScalar:
		raw, _ := json.Marshal(map[string]json.RawMessage{"id": pl.Scalar})
		return d.entity(raw, parent), nil
	case len(pl.Items) > 0:
		return d.entity(pl.Items[0], parent), nil
	default:
		sent := bytes.TrimSpace(body)
		if d.BodyArray && len(b) > 0 && sent[0] == '[' {
			var arr []json.RawMessage
			if json.Unmarshal(sent, &arr) == nil && len(arr) > 0 {
				sent = arr[0]
			}
		}
		return d.entity(json.RawMessage(sent), parent), nil
	}
}

// Update sends the kind's update body and returns the server's version of
// the entity afterwards: re-read with Get where the kind has one, since
// most update answers are undocumented, partial (feeds) or empty (v2).
func (c *Client) Update(ctx context.Context, d *Descriptor, parent Ref, id string, body []byte) (Entity, error) {
	if !d.Ops.Has(OpUpdate) {
		return Entity{}, unsupported(d, OpUpdate)
	}
	if d.manifest != nil {
		return c.manifestUpdate(ctx, d, c.scope(d, parent), id, body)
	}
	b, err := d.body(body)
	if err != nil {
		return Entity{}, err
	}
	p, err := expand(d.Name, d.Paths.Update.Path, parent, id)
	if err != nil {
		return Entity{}, err
	}
	resp, err := c.Do(ctx, Request{Version: d.Version, Method: d.Paths.Update.Method, Path: p, Body: b})
	if err != nil {
		return Entity{}, err
	}
	if pl, err := resp.Decode(); err == nil && len(pl.Errors) > 0 {
		return Entity{}, &Error{Status: resp.Status, Method: d.Paths.Update.Method, Path: c.fullPath(d, p),
			Kind: ErrValidation, Items: redactItems(pl.Errors, c.tokens.redactor()), Attempts: resp.Attempts}
	}
	newID := id
	if bid := d.IDOf(firstElem(b)); bid != "" && d.id != nil && d.Paths.Get == "" {
		newID = bid // a natural key the body changed (service configurations, filters)
	}
	if d.Ops.Has(OpGet) {
		return c.Get(ctx, d, parent, newID)
	}
	return d.entity(firstElem(b), parent), nil
}

func firstElem(b []byte) []byte {
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '[' {
		var arr []json.RawMessage
		if json.Unmarshal(t, &arr) == nil && len(arr) > 0 {
			return arr[0]
		}
	}
	return t
}

// Delete deletes an entity.
func (c *Client) Delete(ctx context.Context, d *Descriptor, parent Ref, id string) error {
	if !d.Ops.Has(OpDelete) {
		return unsupported(d, OpDelete)
	}
	if d.manifest != nil {
		return c.manifestDelete(ctx, d, c.scope(d, parent), id)
	}
	p, err := expand(d.Name, d.Paths.Delete, parent, id)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, Request{Version: d.Version, Method: http.MethodDelete, Path: p})
	return err
}

// Act runs one of the kind's actions on an entity and returns the answer's
// body (the status objects for the read actions, nothing for the writes).
func (c *Client) Act(ctx context.Context, d *Descriptor, parent Ref, id, action string) (json.RawMessage, error) {
	a, ok := d.Action(action)
	if !ok {
		return nil, fmt.Errorf("%s: action %q: %w", d.Name, action, ErrNotSupported)
	}
	p, err := expand(d.Name, a.Path, parent, id)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(ctx, Request{Version: d.Version, Method: a.Method, Path: p})
	if err != nil {
		return nil, err
	}
	pl, err := resp.Decode()
	if err != nil {
		return nil, c.badResponse(resp, a.Method, p, d, err)
	}
	switch {
	case len(pl.Items) > 0:
		return pl.Items[0], nil
	case pl.Shape == ShapeBareScalar:
		return pl.Scalar, nil
	}
	return nil, nil
}
