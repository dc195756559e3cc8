package table

import (
	"slices"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// Rows appended in batches give the table SetRows would build from them
// all: the same visible rows under a filter, a sort or neither, with the
// cursor kept on its row and prebuilt keys used as given.
func TestAppendRowsMatchesSetRows(t *testing.T) {
	all := appRows(3000)
	for i := range all {
		if i%2 == 0 { // half the rows bring their key, as listed entities do
			all[i].Key = strings.ToLower(strings.Join(all[i].Cells, "\x1f"))
		}
	}
	for _, tc := range []struct {
		name   string
		filter string
		sort   int
	}{{"plain", "", -1}, {"filtered", "app-0001", -1}, {"sorted", "", 2}, {"sorted and filtered", "ios", 1},
		{"inverse", "!ios", -1}, {"fuzzy", "~ap01", -1}, {"regex", "^app-00.*1$", -1}, {"field", "os=android", -1},
		{"inverse field, sorted", "os!=ios", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			whole, _ := newTable(t, all, 80, 12)
			parts, _ := newTable(t, all[:1], 80, 12)
			for _, m := range []*Model{whole, parts} {
				if tc.sort >= 0 {
					m.sortBy(tc.sort, false)
				}
				if tc.filter != "" {
					m.SetFilter(tc.filter)
				}
			}
			parts.move(1)
			before := selectedID(parts)
			for i := 1; i < len(all); i += 700 {
				parts.AppendRows(all[i:min(i+700, len(all))])
				if tc.sort < 0 && before != "" && selectedID(parts) != before {
					t.Fatalf("cursor moved from %q to %q", before, selectedID(parts))
				}
			}
			ids := func(m *Model) []string {
				var out []string
				for _, r := range m.visible {
					out = append(out, m.rows[r].ID)
				}
				return out
			}
			if got, want := ids(parts), ids(whole); !slices.Equal(got, want) {
				t.Fatalf("appended: %d visible rows, set whole: %d", len(got), len(want))
			}
			if whole.Len() == 0 {
				t.Fatal("the case shows no rows")
			}
			// Typing more filters the appended rows too.
			typeOn := func(m *Model) int { m.SetFilter(tc.filter + "1"); return m.Len() }
			if a, b := typeOn(parts), typeOn(whole); a != b {
				t.Fatalf("after more typing: %d rows against %d", a, b)
			}
			_ = viewtest.Plain(parts.View())
		})
	}
}
