package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/text"
)

// bulkPlan is what a bulk edit's text does to the entities it edits: the
// bodies to send and the review that lists them.
type bulkPlan struct {
	text     []byte       // the text it was made from
	todo     []api.Entity // the entities the text changes
	bodies   [][]byte     // the body to send for each
	sections []diff.Section
}

// The review lists each entity in a section of its own up to
// bulkReviewEach of them. Beyond, entities with the same changes share a
// section ("48 000 apps: x added"), at most bulkReviewGroups of them, the
// largest first; the entities of the other groups (changes of their own,
// such as a field added over different values) are counted field by field
// in a last section, not listed one by one, and those the text does not
// change in another. A review of 50 000 entities is then a few dozen
// lines, not 100 000.
const (
	bulkReviewEach   = 100
	bulkReviewGroups = 20
	bulkReviewFields = 12 // the fields the last section counts
	bulkReviewNames  = 3  // the entities a group's heading names
)

// planBulk applies edited (the bulk editor's, edited from shared) to each
// entity of es and makes the review of it. It refuses a text that makes a
// body the kind's check fails, or that changes none of them. It decodes
// every entity: it runs in a command, off the UI thread.
func planBulk(ctx context.Context, d *api.Descriptor, shared []byte, es []api.Entity, edited []byte) (*bulkPlan, error) {
	p := &bulkPlan{text: edited}
	type group struct {
		changes []diff.Change
		members []api.Entity
	}
	var groups []*group
	byKey := map[string]*group{}
	var same []api.Entity
	each := len(es) <= bulkReviewEach
	for i, e := range es {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		body, err := applyFields(e.Raw, shared, edited)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", d.Singular, entityLabel(e), err)
		}
		if s, err := api.SameJSON(e.Raw, body); err == nil && s {
			same = append(same, e) // it has these values already
			if each {
				p.sections = append(p.sections, diff.Section{Title: d.Singular + " " + entityLabel(e)})
			}
			continue
		}
		if err := d.CheckBody(body); err != nil {
			return nil, fmt.Errorf("%s: %w", entityLabel(e), err)
		}
		cs, err := diff.Fields(e.Raw, body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", d.Singular, entityLabel(e), err)
		}
		p.todo, p.bodies = append(p.todo, e), append(p.bodies, body)
		if each {
			p.sections = append(p.sections, diff.Section{Title: d.Singular + " " + entityLabel(e), Changes: cs})
			continue
		}
		k := changesKey(cs)
		g := byKey[k]
		if g == nil {
			g = &group{changes: cs}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, e)
	}
	if len(p.todo) == 0 {
		return nil, fmt.Errorf("every one of the %s has these values already", countOf(len(es), d))
	}
	if each {
		return p, nil
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(len(b.members), len(a.members)) })
	for _, g := range groups[:min(len(groups), bulkReviewGroups)] {
		p.sections = append(p.sections, diff.Section{Title: groupTitle(d, g.members), Changes: g.changes, Count: len(g.members)})
	}
	if rest := groups[min(len(groups), bulkReviewGroups):]; len(rest) > 0 {
		tally := map[string]int{}
		var keys []string
		n := 0
		for _, g := range rest {
			n += len(g.members)
			for _, c := range g.changes {
				k := changeName(c)
				if tally[k] == 0 {
					keys = append(keys, k)
				}
				tally[k] += len(g.members)
			}
		}
		slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(tally[b], tally[a]) })
		var lines []string
		for _, k := range keys[:min(len(keys), bulkReviewFields)] {
			lines = append(lines, fmt.Sprintf("%s in %s", k, text.GroupDigits(int64(tally[k]))))
		}
		if more := len(keys) - bulkReviewFields; more > 0 {
			lines = append(lines, fmt.Sprintf("and %d more fields", more))
		}
		p.sections = append(p.sections, diff.Section{
			Title: fmt.Sprintf("%s, with changes of their own (%d groups, not listed one by one):", others(n, d), len(rest)),
			Count: n, Note: strings.Join(lines, "\n"),
		})
	}
	if len(same) > 0 {
		p.sections = append(p.sections, diff.Section{Title: groupTitle(d, same) + " already have these values", Count: len(same)})
	}
	return p, nil
}

// changesKey identifies a list of changes: entities with the same key
// change in the same way.
func changesKey(cs []diff.Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%d\x00%s\x00%s\x00%s\x01", c.Kind, c.Path, c.Old, c.New)
	}
	return b.String()
}

// changeName names a change without its values: "name changed".
func changeName(c diff.Change) string {
	path := c.Path
	if path == "" {
		path = diff.WholeDocument
	}
	return path + " " + c.Kind.String()
}

// howMany says n entities of kind d, the digits grouped: "50 000 apps".
func howMany(n int, d *api.Descriptor) string {
	if n == 1 {
		return "1 " + d.Singular
	}
	return text.GroupDigits(int64(n)) + " " + strings.ToLower(d.Title)
}

// others says "1 other app", "480 other apps".
func others(n int, d *api.Descriptor) string {
	if n == 1 {
		return "1 other " + d.Singular
	}
	return text.GroupDigits(int64(n)) + " other " + strings.ToLower(d.Title)
}

// groupTitle is the heading of entities es: `app 7 "Seven"` for one,
// `48 000 apps: 1 "One", 2 "Two", 3 "Three" and 47 997 more`.
func groupTitle(d *api.Descriptor, es []api.Entity) string {
	if len(es) == 1 {
		return d.Singular + " " + entityLabel(es[0])
	}
	names := make([]string, 0, bulkReviewNames)
	for _, e := range es[:min(len(es), bulkReviewNames)] {
		names = append(names, entityLabel(e))
	}
	s := howMany(len(es), d) + ": " + strings.Join(names, ", ")
	if more := len(es) - len(names); more > 0 {
		s += fmt.Sprintf(" and %s more", text.GroupDigits(int64(more)))
	}
	return s
}
