package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"
)

// Streaming lists. ListStream reads a list answer as it arrives: the
// one-pass splitter (jsonscan.go) validates the bytes and finds the
// entities, each becomes a listed Entity (its raw bytes, its row's cells
// and its search key, computed once), and they reach the caller in
// batches while the rest is still on the way. List collects the batches.
//
// Bodies are read with what is known: an answer with a Content-Length is
// read into one buffer of exactly that size, which the entities then share
// (nothing is copied after the read); one without is read into a pooled
// buffer and each batch's bytes are copied out once into a buffer of the
// batch's own, so the pooled one can serve the next request.

// Progress is how far a streamed list has got.
type Progress struct {
	Rows  int   // entities delivered so far, this batch included
	Bytes int64 // bytes of the answer read so far
	Total int64 // the answer's announced length; -1 when unknown
}

// Done reports whether the whole answer has been read.
func (p Progress) Done() bool { return p.Total >= 0 && p.Bytes >= p.Total }

// Batching: the first batch goes out as soon as one entity is complete;
// later ones when batchMax entities are waiting or batchEvery has passed
// since the last one, and at the end.
const (
	batchMax   = 1024
	batchEvery = 100 * time.Millisecond
	readChunk  = 64 << 10 // at most this much is read before entities are handed on
)

// ListStream lists every entity of kind d under the parent reference,
// calling fn with each batch of entities as the answer arrives (fn may keep
// the slice). fn is called from one goroutine at a time, not the caller's.
// It returns nil once every entity was delivered.
//
// Returning an error from fn stops the transfer; ListStream returns that
// error. A failure before the first batch is retried like any GET; once a
// batch was delivered nothing is retried, and a failure (a body that turns
// out malformed, a dropped connection, a cancelled ctx) is returned after
// the batches already delivered, which stay valid: the caller keeps them
// and knows the list is incomplete. An envelope carrying errors[] on a 2xx
// is an *Error (ErrValidation) after its entities.
func (c *Client) ListStream(ctx context.Context, d *Descriptor, parent Ref, fn func(batch []Entity, p Progress) error) error {
	if !d.Ops.Has(OpList) {
		return unsupported(d, OpList)
	}
	parent = c.scope(d, parent)
	p, err := d.listPath(parent)
	if err != nil {
		return err
	}
	if d.Within != "" {
		return c.listWithin(ctx, d, parent, p, fn)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ls := &listStream{d: d, parents: parent.Clone(), fn: fn, clock: c.clock, cancel: cancel}
	resp, err := c.Do(context.WithValue(ctx, bodyReaderKey{}, bodyReader(ls.read)), Request{Version: d.Version, Method: http.MethodGet, Path: p})
	// The transport may hold on to the request's context (and so to ls)
	// until the connection's next request: let go of what ls reaches.
	ls.fn, ls.scratch = nil, listScratch{}
	if ls.cbErr != nil {
		return ls.cbErr
	}
	if err != nil {
		return err
	}
	switch {
	case len(ls.errors) > 0:
		return &Error{Status: resp.Status, Method: http.MethodGet, Path: c.fullPath(d, p), Kind: ErrValidation,
			Items: redactItems(ls.errors, c.tokens.redactor()), Attempts: resp.Attempts}
	case ls.scalar != nil:
		return &Error{Status: resp.Status, Method: http.MethodGet, Path: c.fullPath(d, p), Kind: ErrBadResponse,
			Excerpt: Excerpt(ls.scalar, excerptLen), Attempts: resp.Attempts,
			Items: []ErrorItem{{Message: "expected entities, got a bare value"}}}
	}
	return nil
}

// List returns every entity of kind d under the parent reference: the
// batches of ListStream, collected.
func (c *Client) List(ctx context.Context, d *Descriptor, parent Ref) ([]Entity, error) {
	var batches [][]Entity
	n := 0
	err := c.ListStream(ctx, d, parent, func(b []Entity, _ Progress) error {
		batches = append(batches, b)
		n += len(b)
		return nil
	})
	all := batches
	batches = nil // the callback may outlive this call (see ListStream)
	if err != nil {
		return nil, err
	}
	if len(all) == 1 {
		return slices.Clip(all[0]), nil
	}
	out := make([]Entity, 0, n)
	for _, b := range all {
		out = append(out, b...)
	}
	return out, nil
}

// listStream is the state of one ListStream call.
type listStream struct {
	d       *Descriptor
	parents Ref // shared by every entity of the list
	fn      func([]Entity, Progress) error
	clock   Clock
	cancel  context.CancelFunc // ends the request when fn stops the list
	stop    atomic.Bool        // fn returned an error, or reading failed: no more batches

	delivered int
	cbErr     error       // what fn returned
	errors    []ErrorItem // the envelope's errors[], at the end
	scalar    []byte      // a bare scalar answer

	scratch listScratch
}

// read consumes one 2xx answer (it runs inside Do, once per attempt). The
// bytes are read and split on this goroutine while a second one builds the
// entities' rows and calls fn, so that reading goes on meanwhile; a queue
// of a few chunks between them holds the reader back when rows fall behind.
func (ls *listStream) read(resp *http.Response) error {
	ls.errors, ls.scalar = nil, nil
	total := resp.ContentLength
	var buf []byte
	var pooled *[]byte
	if total >= 0 && total <= maxBody {
		buf = make([]byte, 0, total)
	} else {
		total = -1
		pooled = bodyPool.Get().(*[]byte)
		buf = (*pooled)[:0]
		defer func() { putBody(pooled, buf) }()
	}
	q := make(chan chunk, 8)
	done := make(chan struct{})
	ls.stop.Store(false)
	go ls.deliver(q, total, done)

	// end stops the rows' goroutine (at once when err is set: entities not
	// yet handed out are dropped) and says how the attempt ended.
	end := func(err error) error {
		if err != nil {
			ls.stop.Store(true)
		}
		close(q)
		<-done
		var se *streamError
		switch {
		case ls.cbErr != nil:
			return &streamError{kind: ErrBadResponse, err: fmt.Errorf("listing stopped: %w", ls.cbErr)}
		case err == nil:
			return nil
		case errors.As(err, &se):
			return se
		case ls.delivered == 0:
			return err // nothing handed out: Do may retry
		}
		return &streamError{kind: ErrNetwork, err: err}
	}
	sp := splitter{members: true}
	send := func() {
		spans, mems, memBase := sp.takeMembers()
		src, base := buf, 0
		if pooled != nil && len(spans) > 0 { // copy the chunk's entities out of the pooled buffer, once
			base = spans[0].start
			src = slices.Clone(buf[base:spans[len(spans)-1].end])
		}
		q <- chunk{src: src, base: base, spans: spans, mems: mems, memBase: memBase, bytes: int64(len(buf))}
	}
	for !ls.stop.Load() {
		if len(buf) == cap(buf) {
			if pooled == nil {
				// The announced length is read: the next read must end it.
				var one [1]byte
				n, err := resp.Body.Read(one[:])
				if n > 0 {
					return end(&streamError{kind: ErrBadResponse, err: fmt.Errorf("the answer is longer than its Content-Length %d", total)})
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					return end(err)
				}
				continue
			}
			if len(buf) > maxBody {
				return end(&streamError{kind: ErrBadResponse, err: fmt.Errorf("answer larger than %d MiB", maxBody>>20)})
			}
			buf = slices.Grow(buf, max(cap(buf), 32<<10))
		}
		n, err := resp.Body.Read(buf[len(buf):min(cap(buf), len(buf)+readChunk)])
		buf = buf[:len(buf)+n]
		if n > 0 {
			if e := sp.feed(buf); e != nil {
				return end(malformed(e, buf, sp.pos))
			}
			send()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return end(err)
		}
	}
	if ls.stop.Load() {
		return end(nil) // fn stopped it
	}
	if e := sp.finish(buf); e != nil {
		return end(malformed(e, buf, len(buf)))
	}
	send()
	p := sp.payload(buf)
	ls.errors = p.Errors
	if p.Shape == ShapeBareScalar {
		ls.scalar = slices.Clone(p.Scalar)
	}
	return end(nil)
}

// chunk is the entities one read completed: spans of src, offset by base,
// and their members (a span's m0 and m1 are offset by memBase).
type chunk struct {
	src     []byte
	base    int
	spans   []span
	mems    []member
	memBase int
	bytes   int64 // read so far
}

// deliver builds the entities of every chunk and hands them to fn in batches
// (see batchMax). It drains q to its close; once stopped it only discards.
func (ls *listStream) deliver(q <-chan chunk, total int64, done chan<- struct{}) {
	defer close(done)
	var pending []Entity
	var read int64
	last := ls.clock.Now()
	flush := func(final bool) {
		if len(pending) == 0 || ls.stop.Load() {
			return
		}
		if !final && ls.delivered > 0 && len(pending) < batchMax && ls.clock.Now().Sub(last) < batchEvery {
			return
		}
		ls.delivered += len(pending)
		err := ls.fn(pending, Progress{Rows: ls.delivered, Bytes: read, Total: total})
		pending, last = nil, ls.clock.Now()
		if err != nil {
			ls.cbErr = err
			ls.stop.Store(true)
			ls.cancel() // a read waiting for bytes gives up now
		}
	}
	for c := range q {
		if ls.stop.Load() {
			continue
		}
		if pending == nil && len(c.spans) > 0 {
			pending = make([]Entity, 0, min(batchMax, max(len(c.spans), 64)))
		}
		for _, s := range c.spans {
			raw := c.src[s.start-c.base : s.end-c.base : s.end-c.base]
			var mem []member
			if s.m0 >= 0 {
				mem = c.mems[s.m0-c.memBase : s.m1-c.memBase : s.m1-c.memBase]
			}
			pending = append(pending, ls.d.listEntity(raw, mem, ls.parents, &ls.scratch))
		}
		read = c.bytes
		flush(false)
	}
	flush(true)
}

// malformed is the error for a body found not to be JSON at byte at,
// with an excerpt of what came just before.
func malformed(err error, buf []byte, at int) *streamError {
	from := max(0, min(at, len(buf))-excerptLen)
	return &streamError{kind: ErrBadResponse, err: err, excerpt: slices.Clone(buf[from:min(len(buf), at+1)])}
}

// streamError is a failure while an answer was being streamed that must
// not be retried: a malformed body, or any failure once entities were
// handed out. once turns it into an *Error carrying the answer's status.
type streamError struct {
	kind    error // ErrBadResponse or ErrNetwork
	err     error
	excerpt []byte
}

func (e *streamError) Error() string { return e.err.Error() }
func (e *streamError) Unwrap() error { return e.err }

// apiError is the *Error of a streamed answer that failed.
func (e *streamError) apiError(method, path string, status, attempt int, red redactor) *Error {
	out := &Error{Status: status, Method: method, Path: path, Kind: e.kind, Attempts: attempt, Err: sanitize(e.err, red)}
	if e.excerpt != nil {
		out.Excerpt = red.text(Excerpt(e.excerpt, excerptLen))
	}
	return out
}

// bodyReader consumes a 2xx answer's body as it arrives, in place of
// reading it whole.
type bodyReader func(*http.Response) error

type bodyReaderKey struct{}

// readBody reads an answer: through the context's bodyReader for a 2xx when
// there is one (Body nil), else whole, sized by Content-Length when known.
func (c *Client) readBody(ctx context.Context, resp *http.Response) ([]byte, error) {
	if f, ok := ctx.Value(bodyReaderKey{}).(bodyReader); ok && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil, f(resp)
	}
	return readAll(resp.Body, resp.ContentLength)
}

// bodyPool holds read buffers for answers of unknown length.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// maxPooled bounds the buffers kept for reuse.
const maxPooled = 16 << 20

func putBody(p *[]byte, b []byte) {
	if cap(b) <= maxPooled {
		*p = b[:0]
		bodyPool.Put(p)
	}
}

// readAll reads a whole body (at most maxBody+1 bytes): into one buffer of
// the announced length n when known, else into a pooled buffer copied out
// once at its final size.
func readAll(r io.Reader, n int64) ([]byte, error) {
	if n >= 0 && n <= maxBody {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		var one [1]byte
		if m, _ := r.Read(one[:]); m > 0 { // longer than announced: read the rest as unknown
			rest, err := readAll(r, -1)
			return append(append(buf, one[0]), rest...), err
		}
		return buf, nil
	}
	p := bodyPool.Get().(*[]byte)
	buf := (*p)[:0]
	for {
		if len(buf) == cap(buf) {
			if len(buf) > maxBody {
				break
			}
			buf = slices.Grow(buf, max(cap(buf), 32<<10))
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			putBody(p, buf)
			return nil, err
		}
	}
	out := slices.Clone(buf[:min(len(buf), maxBody+1)])
	putBody(p, buf)
	return out, nil
}

// listEntity builds a listed Entity from raw JSON of a validated body: its
// id and name, read through its top-level members mem (as the splitter
// recorded them; nil: indexed here). raw is kept, not copied, and must
// never change; the id and the name are copied into the scratch's arena.
func (d *Descriptor) listEntity(raw []byte, mem []member, parents Ref, sc *listScratch) Entity {
	o := object{raw: raw, mem: mem, alias: true} // strings read from o alias raw: copy what is kept
	if mem == nil {
		o = index(raw, sc.mem, true)
		if o.mem != nil {
			sc.mem = o.mem[:0]
		}
	}
	e := Entity{Kind: d, Parents: parents, Raw: raw, listed: true}
	if d.id != nil {
		e.ID = d.id(o)
	} else {
		e.ID = fstr(o, "id")
	}
	if d.name != nil {
		e.Name = cleanText(d.name(o))
	} else {
		e.Name = cleanText(fstr(o, "name"))
	}
	e.ID, e.Name = sc.keep(e.ID), sc.keep(e.Name)
	return e
}

// listScratch is what listing reuses from entity to entity.
type listScratch struct {
	mem   []member
	arena []byte // where ids and names are kept (see keep)
}

// arenaBlock is the size of the blocks ids and names are copied into:
// one allocation for a few hundred entities' strings, and a string kept
// after its entity (a selected row's id) holds one block, never the answer.
const arenaBlock = 4 << 10

// keep returns a copy of s in the arena. The bytes of a string handed out
// are never written again.
func (sc *listScratch) keep(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > cap(sc.arena)-len(sc.arena) {
		if len(s) > arenaBlock/8 {
			return strings.Clone(s)
		}
		sc.arena = make([]byte, 0, arenaBlock)
	}
	n := len(sc.arena)
	sc.arena = append(sc.arena, s...)
	return unsafe.String(&sc.arena[n], len(s))
}

// appendLower appends s lower-cased (as strings.ToLower) to dst.
func appendLower(dst, s []byte) []byte {
	for i, c := range s {
		if c >= utf8.RuneSelf {
			return append(dst, strings.ToLower(string(s[i:]))...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
