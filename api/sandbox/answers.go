package sandbox

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Encoded answers of reads, kept until the next write: a list of 50 000
// apps is encoded once, and every later GET of it costs a copy to the
// connection. The latency, the faults, the scope checks and the request
// log still apply to every request; only the operation's encoding is
// skipped.

// answerCache maps a read to its encoded answer for one generation of the
// model. The server's generation moves on with every write that changed
// something (writeOp) and every reload, under the exclusive lock; reads run
// under the shared lock, so a generation seen by a read cannot change
// before its answer is cached.
type answerCache struct {
	mu    sync.Mutex
	gen   uint64
	m     map[answerKey]response
	bytes int
}

// answerKey is a read: who asks (the credential's entry, replaced whole
// when the credential changes, so its reach is part of the key) and the
// escaped path with the raw query.
type answerKey struct {
	cred *Credential
	path string
}

// maxAnswerBytes bounds the cache; past it, it starts afresh.
const maxAnswerBytes = 256 << 20

func (c *answerCache) get(gen uint64, k answerKey) (response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return response{}, false
	}
	r, ok := c.m[k]
	return r, ok
}

func (c *answerCache) put(gen uint64, k answerKey, r response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.m == nil || c.bytes+len(r.body) > maxAnswerBytes {
		c.gen, c.m, c.bytes = gen, map[answerKey]response{}, 0
	}
	if len(r.body) > maxAnswerBytes {
		return
	}
	c.m[k] = r
	c.bytes += len(r.body)
}

// cachedRead answers a read from the cache, or runs fn and caches a 200.
// It runs under the shared lock.
func (s *Server) cachedRead(k answerKey, fn func() response) response {
	gen := s.gen.Load()
	if r, ok := s.answers.get(gen, k); ok {
		return r
	}
	r := fn()
	if r.status == http.StatusOK {
		s.answers.put(gen, k, r)
	}
	return r
}

// trickleChunk is how much of an answer goes out between two pauses when
// Options.Trickle is set.
const trickleChunk = 16 << 10

// SetTrickle changes the pause between chunks of every API answer's body
// (Options.Trickle); 0 sends answers at once.
func (s *Server) SetTrickle(d time.Duration) { s.trickle.Store(int64(max(d, 0))) }

// trickled is w, trickling when Options.Trickle is set.
func (s *Server) trickled(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if d := time.Duration(s.trickle.Load()); d > 0 {
		return &trickleWriter{ResponseWriter: w, ctx: r.Context(), done: s.done, pause: d}
	}
	return w
}

// trickleWriter sends a body in trickleChunk pieces, flushed, with a pause
// after each but the last: an answer that arrives slowly, byte ranges at a
// time, as from a far or congested API.
type trickleWriter struct {
	http.ResponseWriter
	ctx   context.Context
	done  <-chan struct{}
	pause time.Duration
}

func (w *trickleWriter) Write(b []byte) (int, error) {
	n := 0
	rc := http.NewResponseController(w.ResponseWriter)
	for len(b) > 0 {
		k := min(len(b), trickleChunk)
		m, err := w.ResponseWriter.Write(b[:k])
		n += m
		if err != nil {
			return n, err
		}
		b = b[k:]
		if len(b) == 0 {
			break
		}
		rc.Flush() //nolint:errcheck // best effort
		t := time.NewTimer(w.pause)
		select {
		case <-t.C:
		case <-w.ctx.Done():
			t.Stop()
			return n, w.ctx.Err()
		case <-w.done:
			t.Stop()
			return n, http.ErrServerClosed
		}
	}
	return n, nil
}

func (w *trickleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
