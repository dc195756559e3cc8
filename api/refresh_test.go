package api

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// The kinds that refresh themselves are those whose entities change
// without anyone editing them; each of them can be listed and read
// again, and none refreshes more often than every few seconds.
// docs/console.md ("Live views") lists the same.
func TestKindsThatRefreshThemselves(t *testing.T) {
	want := map[string]time.Duration{
		"audiences":            15 * time.Second,
		"calculatedattributes": 15 * time.Second,
		"activation":           15 * time.Second,
		"calculation":          10 * time.Second,
		"datapoints":           time.Minute,
	}
	got := map[string]time.Duration{}
	for _, d := range DefaultCatalog().Kinds() {
		if d.Refresh == 0 {
			continue
		}
		got[d.Name] = d.Refresh
		if !d.Ops.Has(OpList | OpGet) {
			t.Errorf("%s refreshes but cannot be listed and read (ops %v)", d.Name, d.Ops)
		}
		if d.Refresh < 2*time.Second {
			t.Errorf("%s refreshes every %s", d.Name, d.Refresh)
		}
	}
	if !maps.Equal(got, want) {
		t.Fatalf("kinds that refresh: %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
}
