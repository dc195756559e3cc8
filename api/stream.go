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
// one-pass splitter (jsonscan.go) validates the bytes, finds the entities
// and records their top-level members, each becomes a listed Entity (its
// raw bytes, its id and its name, read through those members; its row is
// rendered when asked for), and they reach the caller in batches while the
// rest is still on the way. List collects them into one slice.
//
// A list answer is read in chunks and split through a window that slides
// (see follow): splitting holds the entity being split, and each piece's
// entities are copied out once into a buffer of their own; the reader
// holds at most readAhead chunks beyond those handed to the splitter,
// unless the caller holds the list back for longer than readWaitMax. The
// Content-Length, when given, is checked, and sizes List's slice.

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
// since the last one, and at the end; no batch holds more than batchMax.
const (
	batchMax   = 1024
	batchEvery = 100 * time.Millisecond
	readChunk  = 256 << 10 // the reader's chunks
	readAhead  = 4         // full chunks read beyond the follower's before the reader waits for it
	// readWaitMax bounds how long the reader waits for the follower:
	// past it, it reads on into memory, as a connection left unread
	// that long may be cut by the remote or a proxy on the way.
	readWaitMax = 5 * time.Second
	feedChunk   = 256 << 10 // the splitter scans this much at a time (see follow)
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
	return c.listStream(ctx, d, parent, fn, nil)
}

// listStream is ListStream; with into set the entities of a streamed
// answer are appended to *into as they are made, instead of being handed to
// fn in batches (fn still gets an answer read whole, see listWithin).
func (c *Client) listStream(ctx context.Context, d *Descriptor, parent Ref, fn func([]Entity, Progress) error, into *[]Entity) error {
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
	ls := &listStream{d: d, parents: parent.Clone(), fn: fn, into: into, clock: c.clock, cancel: cancel}
	if d.HoldsRoles {
		ls.scratch.notes, ls.scratch.unknown = c.heldRoleNotes(ctx)
	}
	resp, err := c.Do(context.WithValue(ctx, bodyReaderKey{}, bodyReader(ls.read)), Request{Version: d.Version, Method: http.MethodGet, Path: p})
	// The transport may hold on to the request's context (and so to ls)
	// until the connection's next request: let go of what ls reaches.
	ls.fn, ls.into, ls.scratch = nil, nil, listScratch{}
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

// List returns every entity of kind d under the parent reference: what
// ListStream delivers, collected (into one slice as the entities are made,
// sized from the answer's length).
func (c *Client) List(ctx context.Context, d *Descriptor, parent Ref) ([]Entity, error) {
	var all []Entity
	err := c.listStream(ctx, d, parent, func(b []Entity, _ Progress) error {
		all = append(all, b...)
		return nil
	}, &all)
	out := all
	all = nil // the callback may outlive this call (see ListStream)
	if err != nil {
		return nil, err
	}
	return slices.Clip(out), nil
}

// listStream is the state of one ListStream call.
type listStream struct {
	d       *Descriptor
	parents Ref // shared by every entity of the list
	fn      func([]Entity, Progress) error
	into    *[]Entity // List's: where the entities go, in place of fn
	clock   Clock
	cancel  context.CancelFunc // ends the request when fn stops the list
	stop    atomic.Bool        // fn returned an error, or reading failed: no more batches

	delivered int
	readErr   error       // why reading failed
	cbErr     error       // what fn returned
	errors    []ErrorItem // the envelope's errors[], at the end
	scalar    []byte      // a bare scalar answer

	scratch listScratch
}

// read consumes one 2xx answer (it runs inside Do, once per attempt, ctx
// being the attempt's). This goroutine only reads, into chunks, so that the
// connection drains as fast as the answer comes; a second one follows the
// chunks: it splits them, makes the entities and calls fn. The follower
// keeps a window of the bytes its splitter may still read and copies each
// piece's entities out of it (see follow), so the answer is never held
// whole: once readAhead chunks wait for the follower, the reader waits
// too, and the attempt's deadline with it (it covers the transfer, never
// the caller's work).
func (ls *listStream) read(ctx context.Context, resp *http.Response) error {
	ls.errors, ls.scalar, ls.readErr = nil, nil, nil
	total := resp.ContentLength
	if total > maxBody {
		total = -1 // read until it is found too large
	}
	// filled carries the chunks read, in order, to the follower; free
	// brings them back for reuse.
	filled := make(chan [][]byte, 1)
	free := make(chan []byte, readAhead) // as many as the reader holds before it waits
	done := make(chan error, 1)
	ls.stop.Store(false)
	go func() { done <- ls.follow(filled, free, total) }()

	err := ls.readAll(ctx, resp, total, filled, free)
	if err != nil {
		ls.readErr = err
		ls.stop.Store(true) // entities not yet handed out are dropped
	}
	close(filled)
	serr := <-done
	var se *streamError
	switch {
	case ls.cbErr != nil:
		return &streamError{kind: ErrBadResponse, err: fmt.Errorf("listing stopped: %w", ls.cbErr)}
	case serr != nil:
		return serr
	case err == nil:
		return nil
	case errors.As(err, &se):
		return se
	case ls.delivered == 0:
		return err // nothing handed out: Do may retry
	}
	return &streamError{kind: ErrNetwork, err: err}
}

// readAll reads the answer in chunks of readChunk bytes. Whenever filled
// is empty it sends what was read since its last send (the full chunks
// and the one being filled); otherwise the chunks wait here and reading
// goes on, until readAhead full chunks wait: then it waits for the
// follower, the deadline of the attempt (ctx's) paused meanwhile, for at
// most readWaitMax on the list's clock; once it waited that long it never
// waits again. It stops early when the list is stopped.
func (ls *listStream) readAll(ctx context.Context, resp *http.Response, total int64, filled chan<- [][]byte, free <-chan []byte) error {
	var ready [][]byte // read, not yet sent: full chunks, then the one being filled
	var n int64        // bytes read
	waits := true      // false once a wait ran out
	lastFull := func() bool { c := ready[len(ready)-1]; return len(c) == cap(c) }
	chunk := func() []byte {
		select {
		case c := <-free:
			return c[:0]
		default: // a short answer gets a chunk its size
			if total >= 0 && total < readChunk {
				return make([]byte, 0, max(total, 512))
			}
			return make([]byte, 0, readChunk)
		}
	}
	for !ls.stop.Load() {
		if total >= 0 && n == total {
			// The announced length is read: the next read must end it.
			var one [1]byte
			m, err := resp.Body.Read(one[:])
			if m > 0 {
				return &streamError{kind: ErrBadResponse, err: fmt.Errorf("the answer is longer than its Content-Length %d", total)}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			continue
		}
		if len(ready) == 0 || lastFull() {
			ready = append(ready, chunk())
		}
		c := ready[len(ready)-1]
		want := cap(c) - len(c)
		if total >= 0 {
			want = int(min(int64(want), total-n))
		}
		m, err := resp.Body.Read(c[len(c) : len(c)+want])
		ready[len(ready)-1], n = c[:len(c)+m], n+int64(m)
		if n > maxBody {
			return &streamError{kind: ErrBadResponse, err: fmt.Errorf("answer larger than %d MiB", maxBody>>20)}
		}
		if m > 0 {
			select {
			case filled <- ready:
				ready = nil
			default: // the follower is busy: what was read waits for it
				if waits && len(ready) >= readAhead && lastFull() {
					taken, err := ls.handOn(ctx, filled, ready)
					if err != nil {
						return err
					}
					if taken {
						ready = nil
					} else { // the caller holds the list back: read on into memory
						waits = false
					}
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if len(ready) > 0 && len(ready[len(ready)-1]) == 0 {
		ready = ready[:len(ready)-1]
	}
	if len(ready) > 0 && !ls.stop.Load() {
		filled <- ready // the follower drains filled to its close
	}
	return nil
}

// handOn waits for the follower to take ready, for at most readWaitMax
// on the list's clock, the deadline of the attempt (ctx's) paused
// meanwhile. It reports whether ready was taken; ctx's error when ctx
// ended first.
func (ls *listStream) handOn(ctx context.Context, filled chan<- [][]byte, ready [][]byte) (bool, error) {
	resume := pauseAttempt(ctx)
	defer resume()
	timeout, stop := ls.clock.NewTimer(readWaitMax)
	defer stop()
	select {
	case filled <- ready:
		return true, nil
	case <-timeout:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// follow splits the chunks of the answer it receives, makes the entities
// and hands them to fn in batches (see batchMax); once filled is closed it
// ends the answer, unless reading failed. Its error is the answer's: a
// malformed body. It drains filled to its close; once stopped it only
// discards.
//
// The splitter reads a window: the bytes it may still need (from
// keepFrom: an entity it is in the middle of, and an excerpt's length
// before where it stopped, for the error of a body that breaks there)
// followed by each new chunk, copied in. Each piece's entities are copied
// out of the window into one buffer of their own before it slides: the
// entities keep their bytes (and whoever keeps an entity keeps only its
// piece's), while the window's memory is reused from chunk to chunk.
func (ls *listStream) follow(filled <-chan [][]byte, free chan<- []byte, total int64) error {
	sp := splitter{members: true}
	var pending []Entity
	var win []byte // the answer's bytes from sp.base on
	last := ls.clock.Now()
	flush := func(final bool) {
		if len(pending) == 0 || ls.stop.Load() {
			return
		}
		if !final && ls.delivered > 0 && len(pending) < batchMax && ls.clock.Now().Sub(last) < batchEvery {
			return
		}
		// At most batchMax at a time: when the splitter got far ahead of
		// fn (a console busy drawing), the entities waiting go out in
		// several batches, so that none costs its taker more than
		// batchMax entities' work at once.
		read := int64(sp.base + len(win))
		for len(pending) > 0 && !ls.stop.Load() {
			b := pending[:min(len(pending), batchMax):min(len(pending), batchMax)]
			pending = pending[len(b):]
			ls.delivered += len(b)
			if err := ls.fn(b, Progress{Rows: ls.delivered, Bytes: read, Total: total}); err != nil {
				ls.cbErr = err
				ls.stop.Store(true)
				ls.cancel() // a read waiting for bytes gives up now
			}
		}
		pending, last = nil, ls.clock.Now()
	}
	entities := func() {
		spans, mems, base := sp.takeMembers()
		if len(spans) == 0 {
			return
		}
		from := spans[0].start
		src := slices.Clone(win[from:spans[len(spans)-1].end])
		out := &pending
		switch {
		case ls.into != nil:
			out = ls.into
			if *out == nil && total > 0 {
				// Room for as many entities as the answer holds at the first
				// ones' size, counted as at least 64 bytes each: tiny first
				// entities reserve no more than about the answer's length.
				each := max(64, (spans[len(spans)-1].end-spans[0].start)/len(spans))
				*out = make([]Entity, 0, int(total)/each+int(total)/each/32+16)
			}
			ls.delivered += len(spans) // handed out: nothing is retried after this
		case pending == nil:
			pending = make([]Entity, 0, max(len(spans), 64))
		}
		for _, s := range spans {
			raw := src[s.start-from : s.end-from : s.end-from]
			var mem []member
			if s.m0 >= 0 {
				mem = mems[s.m0-base : s.m1-base : s.m1-base]
			}
			*out = append(*out, ls.d.listEntity(raw, mem, ls.parents, &ls.scratch))
		}
	}
	var bad error
	for cs := range filled {
		for _, c := range cs {
			if ls.stop.Load() || bad != nil {
				break
			}
			if k := min(sp.keepFrom(), sp.pos-excerptLen); k > 0 {
				win = win[:copy(win, win[k:])]
				sp.rebase(k)
			}
			win = append(win, c...)
			select {
			case free <- c:
			default:
			}
			// The new bytes are split feedChunk at a time, each piece's
			// entities made before the next is scanned: however far the
			// reader got ahead, the entities waiting and the splitter's
			// records of them stay few (no array of them grows and is copied).
			for end := sp.pos; end < len(win) && !ls.stop.Load(); {
				end = min(len(win), end+feedChunk)
				if e := sp.feed(win[:end]); e != nil {
					bad = malformed(e, win[:end], sp.base, ls.delivered)
					ls.stop.Store(true)
					ls.cancel() // nothing more is read: a read waiting for bytes gives up now
					break
				}
				entities()
				flush(false)
			}
		}
	}
	switch {
	case bad != nil:
		return bad
	case ls.stop.Load() || ls.readErr != nil:
		return nil // stopped, or the read failed: read says why
	}
	if e := sp.finish(win); e != nil {
		ls.stop.Store(true)
		return malformed(e, win, sp.base, ls.delivered)
	}
	entities()
	flush(true)
	p := sp.payload(win)
	ls.errors = p.Errors
	if p.Shape == ShapeBareScalar {
		ls.scalar = slices.Clone(p.Scalar)
	}
	return nil
}

// malformed is the error for a body found not to be JSON (err, from the
// splitter, says where) after n entities were handed on, with an excerpt
// of what came just before the break; buf holds the body's bytes from
// base on.
func malformed(err error, buf []byte, base, n int) *streamError {
	at := len(buf)
	var me *MalformedError
	if errors.As(err, &me) {
		err = &MalformedError{At: me.At, Entities: n}
		at = int(me.At) - base
	}
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
// reading it whole; ctx is the attempt's.
type bodyReader func(ctx context.Context, resp *http.Response) error

type bodyReaderKey struct{}

// readBody reads an answer: through the context's bodyReader for a 2xx when
// there is one (Body nil), else whole, sized by Content-Length when known.
func (c *Client) readBody(ctx context.Context, resp *http.Response) ([]byte, error) {
	if f, ok := ctx.Value(bodyReaderKey{}).(bodyReader); ok && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil, f(ctx, resp)
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
	e.ID, e.Name = d.idName(o)
	e.ID, e.Name = sc.keep(e.ID), sc.keep(e.Name)
	if d.HoldsRoles {
		for _, c := range d.Columns {
			if c.note {
				e.note = cleanText(sc.noteOf(c.get(o)))
			}
		}
	}
	return e
}

// idName reads an entity's id and display name from its members.
func (d *Descriptor) idName(o object) (id, name string) {
	if d.id != nil {
		id = d.id(o)
	} else {
		id = fstr(o, "id")
	}
	if d.name != nil {
		name = cleanText(d.name(o))
	} else {
		name = cleanText(fstr(o, "name"))
	}
	return id, name
}

// listScratch is what listing reuses from entity to entity.
type listScratch struct {
	mem   []member
	arena []byte // where ids and names are kept (see keep)
	// notes are the cells of the note columns (Column.note), by key;
	// unknown: the notes could not be read, and those cells say "?".
	notes   map[string]string
	unknown bool
}

// noteOf is the cell of a note column for key.
func (sc *listScratch) noteOf(key string) string {
	if sc.unknown {
		return "?"
	}
	return sc.notes[strings.ToLower(key)]
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
