package ui

import (
	"context"
	"fmt"
	"testing"

	"github.com/mpconsole/mpconsole/api"
)

// bulkApps are n apps as the large seed lists them: one platform each.
func bulkApps(b testing.TB, n int) []api.Entity {
	b.Helper()
	d, ok := api.Lookup("apps")
	if !ok {
		b.Fatal("no kind apps")
	}
	es := make([]api.Entity, n)
	for i := range es {
		raw := fmt.Sprintf(`{"id":%d,"name":"App %06d","platforms":[{"application_id":%d,"os":"tvOS","access_keys":[{"key":"%032d","secret":null,"data_type":"token"}],"crash_handling":"AppDefined","network_performance":"AppDefined","social_mode":"AppDefined","profile_merging":false,"push_attribution_timer":30,"created_on":"2020-01-01T00:00:01.000","last_modified_on":"2020-01-01T00:00:01.000","data_type":"app_platform"}],"created_on":"2020-01-01T00:00:01.000","last_modified_on":"2020-01-01T00:00:01.000","data_type":"application"}`, i+1, i+1, i+1, i+1)
		es[i] = api.Entity{ID: fmt.Sprint(i + 1), Name: fmt.Sprintf("App %06d", i+1), Raw: []byte(raw), Kind: d}
	}
	return es
}

// BenchmarkBulkEditOpen10k is what e does, in a command, with 10 000 apps
// marked: the protected fields and the fields they share.
func BenchmarkBulkEditOpen10k(b *testing.B) {
	es := bulkApps(b, 10000)
	d := es[0].Kind
	b.ResetTimer()
	for range b.N {
		if _, err := readFields(context.Background(), d, es); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBulkEditReview10k is the review (ctrl+s) of a field added to
// 10 000 apps, made in a command: the bodies and the grouped sections.
func BenchmarkBulkEditReview10k(b *testing.B) {
	es := bulkApps(b, 10000)
	raws := make([][]byte, len(es))
	for i, e := range es {
		raws[i] = e.Raw
	}
	shared, err := sharedFields(raws)
	if err != nil {
		b.Fatal(err)
	}
	text := []byte(`{"data_type":"application","x":1}`)
	b.ResetTimer()
	for range b.N {
		if _, err := planBulk(context.Background(), es[0].Kind, shared, es, text); err != nil {
			b.Fatal(err)
		}
	}
}
