package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// BenchmarkBulkEditLongestUpdate10k marks 10 000 apps, opens the bulk
// editor (e), adds a field and asks for the review (ctrl+s), as a user
// does, and reports the longest single Update of each step (the key and
// every message it brings until the editor or the review shows): the time
// the UI does not answer keys, and the longest View while the review
// comes. Goal: at most 16 ms.
func BenchmarkBulkEditLongestUpdate10k(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Seed: "large:10000"})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var open, review, view time.Duration
	for b.Loop() {
		b.StopTimer()
		c := newBenchConsole(b, ctx, srv)
		c.until("the apps", func(s string) bool { return strings.Contains(s, "10000 rows") })
		c.send(viewtest.Press("*"))
		c.until("the marks", func(s string) bool { return strings.Contains(s, "10000 marked") })
		b.StartTimer()

		c.maxUpd = 0
		c.send(viewtest.Press("e"))
		c.until("the bulk editor", func(s string) bool { return strings.Contains(s, "10000 apps · shared fields") })
		if c.maxUpd > open {
			open = c.maxUpd
			b.Logf("opening: longest Update %s: %s", c.maxUpd, c.worst)
		}

		b.StopTimer()
		for _, k := range []string{"ctrl+home", "down", "home"} {
			c.send(viewtest.Press(k))
		}
		for _, k := range viewtest.Type(`"x": 1, `) {
			c.send(k)
		}
		b.StartTimer()
		c.maxUpd, c.maxView = 0, 0
		c.send(viewtest.Press("ctrl+s"))
		c.until("the review", func(s string) bool { return strings.Contains(s, "Changes to 10000 apps") })
		if c.maxUpd > review {
			review = c.maxUpd
			b.Logf("review: longest Update %s: %s", c.maxUpd, c.worst)
		}
		view = max(view, c.maxView)
	}
	b.ReportMetric(ms(open), "open-max-update-ms")
	b.ReportMetric(ms(review), "review-max-update-ms")
	b.ReportMetric(ms(view), "review-max-view-ms")
}
