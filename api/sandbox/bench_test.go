package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkGetApps measures GET /v1/apps?accountId=1 over real HTTP
// (keep-alive, parallel clients) on the default seed and reports requests
// per second.
func BenchmarkGetApps(b *testing.B) {
	srv := startSB(b, Options{})
	c := sbAdmin(b, srv)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	url := srv.V1URL() + "/apps?accountId=1"
	b.ReportAllocs()
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		for pb.Next() {
			res, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkServeApps50k: GET /v1/apps of 50 000 apps against a trivial
// handler serving the same bytes with the same headers, driven by the same
// load generator (one keep-alive client, requests one after the other,
// bodies read and discarded), alternating. The metric sandbox/trivial is
// the sandbox's throughput over the trivial handler's (goal ≥ 0.9); each
// is the median of its requests.
func BenchmarkServeApps50k(b *testing.B) {
	srv := startSB(b, Options{Seed: "large:50000"})
	c := sbAdmin(b, srv)
	url := srv.V1URL() + "/apps?accountId=1"
	body := c.do("GET", url[len(srv.URL()):], nil).body
	trivial := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	b.Cleanup(trivial.Close)
	hc := &http.Client{}
	get := func(u string) time.Duration {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		t0 := time.Now()
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || n != int64(len(body)) {
			b.Fatalf("status %d, %d bytes", res.StatusCode, n)
		}
		return time.Since(t0)
	}
	get(url)
	get(trivial.URL)
	var sb, tr []time.Duration
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for range b.N {
		sb = append(sb, get(url))
		tr = append(tr, get(trivial.URL))
	}
	b.StopTimer()
	med := func(xs []time.Duration) time.Duration { slices.Sort(xs); return xs[len(xs)/2] }
	ms, mt := med(sb), med(tr)
	b.ReportMetric(float64(ms.Microseconds())/1000, "ms/sandbox")
	b.ReportMetric(float64(mt.Microseconds())/1000, "ms/trivial")
	b.ReportMetric(float64(mt)/float64(ms), "sandbox/trivial")
}
