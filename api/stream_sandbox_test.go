package api_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/testutil"
)

// streamAll lists through ListStream, returning the batches as delivered
// and their progress reports.
func streamAll(ctx context.Context, c *api.Client, d *api.Descriptor, ref api.Ref) ([][]api.Entity, []api.Progress, error) {
	var batches [][]api.Entity
	var progress []api.Progress
	err := c.ListStream(ctx, d, ref, func(b []api.Entity, p api.Progress) error {
		batches = append(batches, b)
		progress = append(progress, p)
		return nil
	})
	return batches, progress, err
}

// TestListStreamMatchesOldList: for every kind of the catalogue, on the
// default seed, the stream delivers the entities the whole-body List did
// (ids, names, bytes, parents), and each carries the cells and the search
// key the map-based rows gave.
func TestListStreamMatchesOldList(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	ctx := context.Background()
	refs := walk(t, ctx, c)
	for _, d := range api.DefaultCatalog().Kinds() {
		t.Run(d.Name, func(t *testing.T) {
			ref := refs[d.Name]
			want, err := api.OldList(ctx, c, d, ref)
			if err != nil || len(want) == 0 {
				t.Fatalf("old list: %d entities, %v", len(want), err)
			}
			batches, progress, err := streamAll(ctx, c, d, ref)
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			got := slices.Concat(batches...)
			if len(got) != len(want) {
				t.Fatalf("stream: %d entities, old list %d", len(got), len(want))
			}
			last := progress[len(progress)-1]
			if last.Rows != len(got) || !last.Done() {
				t.Fatalf("last progress %+v for %d entities", last, len(got))
			}
			listed, _ := c.List(ctx, d, ref)
			for i, e := range got {
				w := want[i]
				if e.Kind != d || e.ID != w.ID || e.Name != w.Name || string(e.Raw) != string(w.Raw) || !mapsEqual(e.Parents, w.Parents) {
					t.Fatalf("entity %d: %q %q %s %v; old list %q %q %s %v", i, e.ID, e.Name, e.Raw, e.Parents, w.ID, w.Name, w.Raw, w.Parents)
				}
				if !api.Listed(e) {
					t.Fatalf("entity %d carries no cells", i)
				}
				if row, ref := e.Row(), api.MapRow(w); !slices.Equal(row, ref) {
					t.Fatalf("entity %d cells %q, map-based %q", i, row, ref)
				}
				for j, col := range d.Columns {
					if e.Cell(j) != col.Value(w) || col.Value(e) != col.Value(w) {
						t.Fatalf("entity %d column %s: %q / %q, unlisted %q", i, col.Title, e.Cell(j), col.Value(e), col.Value(w))
					}
				}
				if e.SearchKey() != api.MapSearchKey(w) || w.SearchKey() != e.SearchKey() {
					t.Fatalf("entity %d search key %q, map-based %q", i, e.SearchKey(), api.MapSearchKey(w))
				}
				if listed[i].ID != e.ID {
					t.Fatalf("List and ListStream disagree at %d", i)
				}
			}
		})
	}
}

func mapsEqual(a, b api.Ref) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestListStreamFirstBatchBeforeTheEnd: with an answer trickling in, the
// first batch reaches the caller while most of the answer is still to
// come, and later batches follow until the last, which says it is done.
func TestListStreamFirstBatchBeforeTheEnd(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Seed: "large:3000", Trickle: time.Millisecond})
	c := newClient(t, sandboxConfig(t, srv))
	batches, progress, err := streamAll(context.Background(), c, kind(t, "apps"), nil)
	if err != nil {
		t.Fatal(err)
	}
	first := progress[0]
	if first.Total <= 0 || first.Bytes >= first.Total/2 || first.Done() || len(batches[0]) == 0 {
		t.Fatalf("first batch of %d at %+v: not before the transfer ended", len(batches[0]), first)
	}
	if n := len(slices.Concat(batches...)); n != 3000 || len(batches) < 2 || !progress[len(progress)-1].Done() {
		t.Fatalf("%d entities in %d batches, last progress %+v", n, len(batches), progress[len(progress)-1])
	}
}

// TestListStreamBrokenMidway: an answer that turns malformed, or whose
// connection drops, half-way delivers the batches before the break, then
// an error, and is not retried (the entities shown would be repeated).
func TestListStreamBrokenMidway(t *testing.T) {
	for _, tc := range []struct {
		fault string
		kind  error
	}{{sandbox.FaultCorrupt, api.ErrBadResponse}, {sandbox.FaultCut, api.ErrNetwork}} {
		t.Run(tc.fault, func(t *testing.T) {
			// The break comes half-way, after some 50 pauses: long after the
			// first batch.
			srv := startSandbox(t, sandbox.Options{Seed: "large:3000", Trickle: 2 * time.Millisecond})
			c := newClient(t, sandboxConfig(t, srv))
			d := kind(t, "apps")
			if _, err := c.List(context.Background(), d, nil); err != nil { // the token, and the answer encoded
				t.Fatal(err)
			}
			before := srv.APIRequests()
			srv.InjectNext(tc.fault, 1)
			batches, progress, err := streamAll(context.Background(), c, d, nil)
			var ae *api.Error
			if !errors.As(err, &ae) || !errors.Is(err, tc.kind) || ae.Attempts != 1 {
				t.Fatalf("error %v (%T), want %v after one attempt", err, err, tc.kind)
			}
			n := len(slices.Concat(batches...))
			if n == 0 || n >= 3000 || progress[len(progress)-1].Done() {
				t.Fatalf("%d entities delivered before the break (progress %+v)", n, progress)
			}
			if got := srv.APIRequests() - before; got != 1 {
				t.Fatalf("%d requests: a broken stream was retried", got)
			}
			// A malformed answer says where it broke and how many entities
			// came before: the corrupt byte is the middle one.
			var me *api.MalformedError
			if tc.fault == sandbox.FaultCorrupt {
				total := progress[len(progress)-1].Total
				if !errors.As(err, &me) || me.At != total/2 || me.Entities != n {
					t.Fatalf("cause %v (%#v), want the break at byte %d after %d entities", ae.Err, me, total/2, n)
				}
			}
			// List never returns part of a list: the error, or (when the
			// break came before rows were handed on, so it was retried)
			// every entity.
			srv.InjectNext(tc.fault, 1)
			es, err := c.List(context.Background(), d, nil)
			if (err == nil) != (len(es) == 3000) || (err != nil && !errors.Is(err, tc.kind)) {
				t.Fatalf("List: %d entities, %v; want all of them or no list and %v", len(es), err, tc.kind)
			}
		})
	}
}

// TestListStreamBrokenBeforeFirstBatchIsRetried: a connection dropped
// before any entity was handed out is retried like any GET.
func TestListStreamBrokenBeforeFirstBatchIsRetried(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Seed: "large:50"})
	c := newClient(t, sandboxConfig(t, srv))
	srv.InjectNext(sandbox.FaultReset, 1)
	batches, _, err := streamAll(context.Background(), c, kind(t, "apps"), nil)
	if err != nil || len(slices.Concat(batches...)) != 50 {
		t.Fatalf("%d entities, %v", len(slices.Concat(batches...)), err)
	}
}

// TestListStreamStops: cancelling the context in the first batch, or
// returning an error from it, stops the transfer: no further batch, and
// ListStream says why.
func TestListStreamStops(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Seed: "large:3000", Trickle: time.Millisecond})
	c := newClient(t, sandboxConfig(t, srv))
	d := kind(t, "apps")
	stop := errors.New("enough")
	for _, tc := range []struct {
		name string
		want error
	}{{"cancel", context.Canceled}, {"callback error", stop}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			calls := 0
			err := c.ListStream(ctx, d, nil, func(b []api.Entity, p api.Progress) error {
				calls++
				if tc.want == stop {
					return stop
				}
				cancel()
				return nil
			})
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if tc.want == stop && err != stop {
				t.Fatalf("the callback's error came back as %v", err)
			}
			if calls != 1 {
				t.Fatalf("%d batches after the stop", calls)
			}
		})
	}
}

// TestListStreamMissingParent: a kind listed without the parent it needs
// is a usage error before anything is sent.
func TestListStreamMissingParent(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	err := c.ListStream(context.Background(), kind(t, "platforms"), nil, func([]api.Entity, api.Progress) error { return nil })
	var me *api.MissingRefError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "app") {
		t.Fatalf("missing parent: %v", err)
	}
}

// countingBody closes full once its reader has taken want bytes.
type countingBody struct {
	io.ReadCloser
	got, want int64
	full      chan struct{}
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.got += int64(n); b.got >= b.want && b.want > 0 {
		select {
		case <-b.full:
		default:
			close(b.full)
		}
	}
	return n, err
}

type readTracker struct {
	base http.RoundTripper
	want int64 // bytes of the answer read before full is closed; 0: all of it
	full chan struct{}
	ctx  chan context.Context // when set, gets the list request's context
}

func (t readTracker) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "/apps") {
		if t.ctx != nil {
			t.ctx <- r.Context()
		}
		want := t.want
		if want == 0 {
			want = res.ContentLength
		}
		res.Body = &countingBody{ReadCloser: res.Body, want: want, full: t.full}
	}
	return res, err
}

// TestListStreamBatchesStaySmall: when the taker of the first batch holds
// it (a console busy drawing), the reader reads as far ahead as it goes
// and then waits, the deadline of its attempt paused; the thousands of
// entities then waiting come in batches of at most 1 024.
func TestListStreamBatchesStaySmall(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Seed: "large:5000"}) // 2.7 MB: more than the reader reads ahead
	cfg := sandboxConfig(t, srv)
	full, reqCtx := make(chan struct{}), make(chan context.Context, 1)
	cfg.HTTPClient = &http.Client{Transport: readTracker{base: http.DefaultTransport, want: api.ReadAheadBytes, full: full, ctx: reqCtx}}
	c := newClient(t, cfg)
	var sizes []int
	err := c.ListStream(context.Background(), kind(t, "apps"), nil, func(b []api.Entity, _ api.Progress) error {
		if len(sizes) == 0 {
			select {
			case <-full:
			case <-time.After(waitLimit):
				return fmt.Errorf("the reader did not read %d bytes ahead of a held taker", api.ReadAheadBytes)
			}
			ctx := <-reqCtx
			if err := testutil.Poll(waitLimit, func() bool { return api.AttemptPaused(ctx) }); err != nil {
				return fmt.Errorf("the attempt's deadline still runs while the reader waits for the taker: %w", err)
			}
		}
		sizes = append(sizes, len(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range sizes {
		total += n
		if n > 1024 {
			t.Fatalf("a batch of %d entities; batches: %v", n, sizes)
		}
	}
	if total != 5000 || len(sizes) < 5 {
		t.Fatalf("%d entities in batches %v", total, sizes)
	}
}
