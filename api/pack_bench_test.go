package api_test

import (
	"bytes"
	"compress/flate"
	"context"
	"io"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// BenchmarkPackApps50k: packing the 50 000 apps of a large seed as the
// console packs a list (S2, packs of 256 entities), against the standard
// library's flate at its fastest level over the same packs' bytes, and
// reading every pack back with each. ratio is the answer's entities' bytes
// over the packed bytes; MB/s counts the entities' bytes.
func BenchmarkPackApps50k(b *testing.B) {
	srv := startSandbox(b, sandbox.Options{Seed: "large:50000"})
	c := newClient(b, sandboxConfig(b, srv))
	es, err := c.List(context.Background(), kind(b, "apps"), nil)
	if err != nil {
		b.Fatal(err)
	}
	var raw [][]byte // the packs' bytes, for flate
	size := 0
	for i := 0; i < len(es); i += 256 {
		var p []byte
		for _, e := range es[i:min(i+256, len(es))] {
			p = append(p, e.Raw...)
		}
		raw, size = append(raw, p), size+len(p)
	}
	b.Run("s2", func(b *testing.B) {
		var packs []*api.Pack
		b.SetBytes(int64(size))
		for b.Loop() {
			packs = api.PackEntities(es)
		}
		n := 0
		for _, p := range packs {
			n += p.Bytes()
		}
		b.ReportMetric(float64(size)/float64(n), "ratio")
	})
	b.Run("s2 read back", func(b *testing.B) {
		packs := api.PackEntities(es)
		var buf []byte
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, p := range packs {
				if buf, err = p.Unpack(buf); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	deflate := func(zs [][]byte) [][]byte {
		var w bytes.Buffer
		zw, _ := flate.NewWriter(&w, flate.BestSpeed)
		for _, p := range raw {
			w.Reset()
			zw.Reset(&w)
			zw.Write(p)
			zw.Close()
			zs = append(zs, bytes.Clone(w.Bytes()))
		}
		return zs
	}
	zs := deflate(nil)
	b.Run("flate", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			zs = deflate(zs[:0])
		}
		n := 0
		for _, z := range zs {
			n += len(z)
		}
		b.ReportMetric(float64(size)/float64(n), "ratio")
	})
	b.Run("flate read back", func(b *testing.B) {
		r := flate.NewReader(nil)
		buf := make([]byte, 0, 1<<20)
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, z := range zs {
				r.(flate.Resetter).Reset(bytes.NewReader(z), nil)
				out := bytes.NewBuffer(buf[:0])
				if _, err := io.Copy(out, r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
