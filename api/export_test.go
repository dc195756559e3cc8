package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// decodeBodyTwoPass is DecodeBody as it was before the one-pass splitter:
// a json.Valid pass, then the splits. The fuzz tests hold the splitter, fed
// whole or in pieces, to it.
func decodeBodyTwoPass(body []byte) (Payload, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return Payload{Shape: ShapeEmpty}, nil
	}
	if !json.Valid(b) {
		return Payload{}, fmt.Errorf("body is not valid JSON")
	}
	b = append([]byte(nil), b...)
	switch b[0] {
	case '[':
		return Payload{Shape: ShapeBareArray, Items: nonNullTwoPass(splitArray(b))}, nil
	case '{':
		keys := splitObject(b)
		_, hasData := keys["data"]
		_, hasErrors := keys["errors"]
		if !hasData && !hasErrors {
			return Payload{Shape: ShapeBareObject, Items: []json.RawMessage{b}}, nil
		}
		p := Payload{Shape: ShapeEnvelope}
		p.DataType = firstString(keys["dataType"], keys["data_type"])
		raw := bytes.TrimSpace(keys["data"])
		switch {
		case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		case raw[0] == '[':
			p.Items = nonNullTwoPass(splitArray(raw))
		case raw[0] == '{':
			p.Items = []json.RawMessage{raw}
		default:
			return Payload{}, fmt.Errorf("envelope data is neither an array nor an object")
		}
		p.Errors = decodeErrors(keys["errors"])
		return p, nil
	default:
		return Payload{Shape: ShapeBareScalar, Scalar: b}, nil
	}
}

func nonNullTwoPass(items []json.RawMessage) []json.RawMessage {
	var out []json.RawMessage
	for _, it := range items {
		if t := bytes.TrimSpace(it); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
			out = append(out, it)
		}
	}
	return out
}

// OldList lists the way List did before streaming: the whole body, the
// two-pass decode, an Entity per item.
func OldList(ctx context.Context, c *Client, d *Descriptor, parent Ref) ([]Entity, error) {
	parent = c.scope(d, parent)
	p, err := d.listPath(parent)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(ctx, Request{Version: d.Version, Method: http.MethodGet, Path: p})
	if err != nil {
		return nil, err
	}
	pl, err := decodeBodyTwoPass(resp.Body)
	if err != nil {
		return nil, err
	}
	items, err := c.within(resp, p, d, pl.Items)
	if err != nil {
		return nil, err
	}
	var out []Entity
	for _, it := range items {
		out = append(out, d.entity(it, parent))
	}
	return out, nil
}

// MapRow renders an entity's cells from its raw JSON decoded by
// encoding/json into maps, as rows were computed before the scanner.
func MapRow(e Entity) []string {
	dec := json.NewDecoder(bytes.NewReader(e.Raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		v = nil
	}
	if _, ok := v.(map[string]any); !ok {
		v = nil
	}
	row := make([]string, len(e.Kind.Columns))
	for i, c := range e.Kind.Columns {
		if !c.note { // a note is the list's, not the entity's
			row[i] = cleanText(c.get(object{dec: true, v: v}))
		}
	}
	return row
}

// MapSearchKey is the search key of MapRow's cells.
func MapSearchKey(e Entity) string { return strings.ToLower(strings.Join(MapRow(e), cellSep)) }

// Listed reports whether the entity carries the cells computed when listed.
func Listed(e Entity) bool { return e.listed }

// SplitBody runs the splitter over a body already read in 64 KiB pieces,
// as ListStream reads it; with entities set it also makes the listed
// entities, and with rows their rows and search keys (as the console
// does). It returns how many entities the body holds.
func SplitBody(d *Descriptor, body []byte, entities, rows bool) int {
	s := splitter{members: true}
	var sc listScratch
	n := 0
	take := func() {
		spans, mems, base := s.takeMembers()
		n += len(spans)
		if !entities {
			return
		}
		for _, sp := range spans {
			var mem []member
			if sp.m0 >= 0 {
				mem = mems[sp.m0-base : sp.m1-base]
			}
			e := d.listEntity(body[sp.start:sp.end:sp.end], mem, nil, &sc)
			if rows {
				e.RowKey()
			}
		}
	}
	for at := 0; at < len(body); {
		at = min(len(body), at+readChunk)
		if s.feed(body[:at]) != nil {
			return -1
		}
		take()
	}
	if s.finish(body) != nil {
		return -1
	}
	take()
	return n
}

// DamagePack flips bytes of a pack's compressed data, as memory corrupted
// or a bug would.
func DamagePack(p *Pack) {
	for i := len(p.z) / 2; i < len(p.z); i += 7 {
		p.z[i] ^= 0x5a
	}
}

// ReadAheadBytes is how far a list's reader reads ahead of a follower that
// does not take what it read before it waits for it.
const ReadAheadBytes = readAhead * readChunk

// AttemptPaused reports whether ctx belongs to an attempt whose deadline
// is paused (see attemptCtx).
func AttemptPaused(ctx context.Context) bool {
	c, ok := ctx.Value(attemptCtxKey{}).(*attemptCtx)
	if !ok {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused > 0
}
