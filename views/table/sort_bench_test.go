package table

import (
	"testing"
	"time"
)

// BenchmarkAppendSorted100k: a sorted table receives 100 000 rows in
// batches of 1 024, as a streamed load delivers them. The figure is the
// time AppendRows takes per batch (ms/batch), over the whole load, and the
// longest batch (ms/worst: the last ones, with the most rows already in
// place). By name, descending: every batch lands before the rows already
// there; by platform: each batch spreads over the four groups.
func BenchmarkAppendSorted100k(b *testing.B) {
	const n, batch = 100_000, 1024
	all := appRows(n)
	for _, bc := range []struct {
		name string
		col  int
		desc bool
	}{{"name-desc", 1, true}, {"platform", 2, false}} {
		b.Run(bc.name, func(b *testing.B) {
			var total, worst time.Duration
			batches := 0
			for b.Loop() {
				b.StopTimer()
				m, _ := newTable(b, all[:batch], benchW, benchH)
				m.sortBy(bc.col, bc.desc)
				b.StartTimer()
				for i := batch; i < n; i += batch {
					t := time.Now()
					m.AppendRows(all[i:min(i+batch, n)])
					d := time.Since(t)
					total += d
					worst = max(worst, d)
					batches++
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(batches), "ms/batch")
			b.ReportMetric(float64(worst.Microseconds())/1000, "ms/worst")
		})
	}
}
