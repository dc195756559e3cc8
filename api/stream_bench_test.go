package api_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/benchsandbox"
)

// Benchmarks of listing a big account, each against its anchor measured in
// the same run on the same sandbox: a bare GET + io.ReadAll of the same
// answer (what curl does). docs/performance.md has the numbers. Run with a
// small -benchtime (e.g. -benchtime=5x): each iteration moves megabytes.
//
// The sandbox serves from a child process (internal/benchsandbox), as a
// remote API would.
func TestMain(m *testing.M) {
	benchsandbox.ServeIfChild()
	os.Exit(m.Run())
}

// bareGet fetches the apps list as curl would: one GET, the body read
// whole, nothing decoded. It returns the body's length.
func bareGet(b *testing.B, hc *http.Client, url, token string) int {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("bare GET: %d %v", res.StatusCode, err)
	}
	return len(body)
}

// bigAccount starts a sandbox seeded large:n in a child process and
// returns its apps URL, a client of it and the client's token.
func bigAccount(b *testing.B, n string) (appsURL string, c *api.Client, token string) {
	srv := benchsandbox.Start(b, "large:"+n)
	cfg := api.Config{
		ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, AccountID: 1,
		V1BaseURL: srv.V1URL(), V2BaseURL: srv.V2URL(), TokenURL: srv.TokenURL(), CacheDir: b.TempDir(), Retry: fastRetry,
	}
	cfg.Retry.MaxElapsed = 10 * time.Minute // a busy machine reads 50 MB slowly: no attempt deadline in the way
	c = newClient(b, cfg)
	token, err := c.Tokens().Token(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return srv.V1URL() + "/apps?accountId=1", c, token
}

// BenchmarkListApps50k: List of 50 000 apps against the bare GET (metric
// list/get, goal ≤ 1.3), and the time to ListStream's first batch against
// the bare GET's whole read (first/get, goal ≤ 1.0). A stricter anchor is
// reported too: the client's own read of the answer into one buffer of its
// announced length (Do: what reading costs at the least, no decoding),
// list/read. The three run in a rotating order, so that none always follows
// the other's garbage.
func BenchmarkListApps50k(b *testing.B) {
	url, c, tok := bigAccount(b, "50000")
	d := kind(b, "apps")
	ctx := context.Background()
	hc := &http.Client{}
	if es, err := c.List(ctx, d, nil); err != nil || len(es) != 50000 { // warm: token, connection, encoded answer
		b.Fatalf("%d apps, %v", len(es), err)
	}
	size := bareGet(b, hc, url, tok)
	var gets, reads, lists, firsts []time.Duration
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := range b.N {
		var tGet, tRead, tList time.Duration
		steps := []func(){
			func() { t := time.Now(); bareGet(b, hc, url, tok); tGet = time.Since(t) },
			func() {
				t := time.Now()
				if _, err := c.Do(ctx, api.Request{Method: http.MethodGet, Path: "/apps"}); err != nil {
					b.Fatal(err)
				}
				tRead = time.Since(t)
			},
			func() {
				t := time.Now()
				if _, err := c.List(ctx, d, nil); err != nil {
					b.Fatal(err)
				}
				tList = time.Since(t)
			},
		}
		for j := range steps {
			steps[(i+j)%len(steps)]()
		}
		t2 := time.Now()
		var t3 time.Time
		err := c.ListStream(ctx, d, nil, func([]api.Entity, api.Progress) error {
			if t3.IsZero() {
				t3 = time.Now()
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		gets, reads, lists, firsts = append(gets, tGet), append(reads, tRead), append(lists, tList), append(firsts, t3.Sub(t2))
	}
	b.StopTimer()
	// Medians: the machine is shared, and a burst of someone else's work
	// lands on one measurement, not on the ratio of the typical ones.
	b.ReportMetric(ms(median(gets)), "ms/get")
	b.ReportMetric(ms(median(reads)), "ms/read")
	b.ReportMetric(ms(median(lists)), "ms/list")
	b.ReportMetric(ms(median(firsts)), "ms/first-batch")
	b.ReportMetric(median(ratios(lists, gets)), "list/get")
	b.ReportMetric(median(ratios(lists, reads)), "list/read")
	b.ReportMetric(median(ratios(firsts, gets)), "first/get")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ratios(a, b []time.Duration) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = float64(a[i]) / float64(b[i])
	}
	return out
}

func median[T time.Duration | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkListMemory100k: the heap List's result of 100 000 apps keeps
// (HeapInuse after GC holding the result, less HeapInuse after GC once it
// is dropped) against the answer's size (metric heap/body, goal ≤ 1.5).
func BenchmarkListMemory100k(b *testing.B) {
	url, c, tok := bigAccount(b, "100000")
	d := kind(b, "apps")
	ctx := context.Background()
	if _, err := c.List(ctx, d, nil); err != nil { // warm
		b.Fatal(err)
	}
	size := bareGet(b, &http.Client{}, url, tok)
	var ratio, perEntity, objects float64
	b.ResetTimer()
	for range b.N {
		// What the result holds: the heap in use with it, after a GC,
		// less the heap in use once it is dropped, after another.
		es, err := c.List(ctx, d, nil)
		if err != nil {
			b.Fatal(err)
		}
		var held, dropped runtime.MemStats
		runtime.GC()
		runtime.GC() // the second cycle frees what the first only made collectable (sync.Pool victims, finalized objects)
		runtime.ReadMemStats(&held)
		n := len(es)
		runtime.KeepAlive(es)
		es = nil
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&dropped)
		kept := float64(held.HeapInuse) - float64(dropped.HeapInuse)
		ratio += kept / float64(size)
		perEntity += kept / float64(n)
		objects += (float64(held.HeapAlloc) - float64(dropped.HeapAlloc)) / float64(size)
	}
	b.ReportMetric(objects/float64(b.N), "alloc/body") // the objects alone, without the spans' slack
	b.ReportMetric(float64(size)/100000, "body-B/entity")
	b.ReportMetric(perEntity/float64(b.N), "heap-B/entity")
	b.ReportMetric(ratio/float64(b.N), "heap/body")
}

// BenchmarkSplitApps50k: the client's work on a 50 000-app answer already
// in memory, against copying it (the least a read does): the splitter
// alone (recording the entities' members, as ListStream does), then with
// the listed entities made (List's work), then with every entity's row and
// search key too (the console's).
func BenchmarkSplitApps50k(b *testing.B) {
	url, _, tok := bigAccount(b, "50000")
	d := kind(b, "apps")
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	b.Run("copy", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for range b.N {
			_ = append([]byte(nil), body...)
		}
	})
	for _, bc := range []struct {
		name           string
		entities, rows bool
	}{{"split", false, false}, {"split+entities", true, false}, {"split+entities+rows", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for range b.N {
				if api.SplitBody(d, body, bc.entities, bc.rows) != 50000 {
					b.Fatal("not 50000")
				}
			}
		})
	}
}
