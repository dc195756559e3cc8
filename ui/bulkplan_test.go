package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// planApps are n apps; those i makes true have "x":1 already.
func planApps(t *testing.T, n int, hasX func(i int) bool) []api.Entity {
	t.Helper()
	d, ok := api.Lookup("apps")
	if !ok {
		t.Fatal("no kind apps")
	}
	es := make([]api.Entity, n)
	for i := range es {
		x := ""
		if hasX(i) {
			x = `,"x":1`
		}
		raw := fmt.Sprintf(`{"id":%d,"name":"App %d","data_type":"application"%s}`, i+1, i+1, x)
		es[i] = api.Entity{ID: fmt.Sprint(i + 1), Name: fmt.Sprintf("App %d", i+1), Raw: []byte(raw), Kind: d}
	}
	return es
}

// titles are the sections' headings.
func titles(ss []diff.Section) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Title)
	}
	return strings.Join(out, "\n")
}

// Up to bulkReviewEach entities the review has a section each, those the
// text does not change too; beyond, the entities with the same changes
// share one, the largest group first, those already with the values last;
// the bodies to send are only those that change.
func TestPlanBulkGroupsALargeSelection(t *testing.T) {
	shared := []byte(`{"data_type":"application"}`)
	text := []byte(`{"data_type":"application","x":1}`)
	ctx := context.Background()

	few := planApps(t, 3, func(i int) bool { return i == 1 })
	p, err := planBulk(ctx, few[0].Kind, shared, few, text)
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(p.sections); got != "app 1 \"App 1\"\napp 2 \"App 2\"\napp 3 \"App 3\"" || len(p.todo) != 2 || len(p.sections[1].Changes) != 0 {
		t.Fatalf("a section each: %q, %d to send", got, len(p.todo))
	}

	many := planApps(t, 1000, func(i int) bool { return i%100 == 0 })
	p, err = planBulk(ctx, many[0].Kind, shared, many, text)
	if err != nil {
		t.Fatal(err)
	}
	want := "990 apps: 2 \"App 2\", 3 \"App 3\", 4 \"App 4\" and 987 more\n" +
		"10 apps: 1 \"App 1\", 101 \"App 101\", 201 \"App 201\" and 7 more already have these values"
	if got := titles(p.sections); got != want || p.sections[0].Count != 990 || len(p.sections[0].Changes) != 1 || len(p.todo) != 990 || len(p.bodies) != 990 {
		t.Fatalf("grouped:\n%s\nwant\n%s\n(%d to send)", got, want, len(p.todo))
	}
	if c := p.sections[0].Changes[0]; c.Path != "x" || c.Kind != diff.Added || c.New != "1" {
		t.Fatalf("the group's change: %+v", c)
	}
}

// A text whose changes differ entity by entity (a name set over different
// names) lists bulkReviewGroups groups and counts the rest field by field,
// saying they are not listed; the summary counts every entity.
func TestPlanBulkCountsWhatItDoesNotList(t *testing.T) {
	es := planApps(t, 500, func(int) bool { return false })
	shared := []byte(`{"data_type":"application"}`)
	p, err := planBulk(context.Background(), es[0].Kind, shared, es, []byte(`{"data_type":"application","name":"Same"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.sections) != bulkReviewGroups+1 || len(p.todo) != 500 {
		t.Fatalf("%d sections, %d to send:\n%s", len(p.sections), len(p.todo), titles(p.sections))
	}
	last := p.sections[bulkReviewGroups]
	if last.Count != 480 || last.Note != "name changed in 480" || !strings.HasPrefix(last.Title, "480 other apps, with changes of their own (480 groups") {
		t.Fatalf("the last section: %+v", last)
	}
	m := diff.New(viewtest.Common())
	m.SetSections("Changes to 500 apps", p.sections)
	m.SetSize(100, 10)
	if v := m.View().Content; !strings.Contains(v, "20 changed; 480 not itemised") {
		t.Fatalf("the summary:\n%s", v)
	}
}

// A text that changes none of them, or makes a body the kind refuses, is
// refused before anything is sent; a cancelled context stops the work.
func TestPlanBulkRefuses(t *testing.T) {
	es := planApps(t, 3, func(int) bool { return false })
	_, err := planBulk(context.Background(), es[0].Kind, []byte(`{"data_type":"application"}`), es, []byte(`{"data_type":"application"}`))
	if err == nil || !strings.Contains(err.Error(), "every one of the 3 apps has these values already") {
		t.Fatalf("nothing changed: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := planBulk(ctx, es[0].Kind, []byte(`{}`), es, []byte(`{"x":1}`)); err == nil {
		t.Fatal("a cancelled review went on")
	}
}
