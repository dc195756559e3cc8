package sandbox

import (
	"io"
	"net/http"
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
