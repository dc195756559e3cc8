package ui_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/benchsandbox"
	"github.com/mpconsole/mpconsole/ui"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// benchConsole is the root model on a sandbox, run the way Bubble Tea
// would, timing every Update and View it is given.
type benchConsole struct {
	b       *testing.B
	ctx     context.Context
	m       tea.Model
	msgs    chan tea.Msg
	maxUpd  time.Duration
	maxView time.Duration
	updates int
	worst   string // the message of the longest Update
	// hold, when set, keeps the messages it matches from the model (in
	// held).
	hold func(tea.Msg) bool
	held []tea.Msg
}

// The big sandboxes of the benchmarks below serve from a child process
// (internal/benchsandbox), as a remote API would.
func TestMain(m *testing.M) {
	benchsandbox.ServeIfChild()
	os.Exit(m.Run())
}

func newBenchConsole(b *testing.B, ctx context.Context, srv accounts.Sandbox) *benchConsole {
	mgr := accounts.New(accounts.Options{Sandbox: srv, NoCache: true})
	b.Cleanup(mgr.Close)
	c := &benchConsole{b: b, ctx: ctx, msgs: make(chan tea.Msg, 64)}
	c.m = ui.New(ui.Options{Accounts: mgr, Context: ctx, StateDir: b.TempDir(), Getenv: func(string) string { return "" }})
	c.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	c.run(c.m.Init())
	return c
}

func (c *benchConsole) run(cmd tea.Cmd) { runInBackground(c.ctx, c.msgs, cmd) }

// send gives the model msg, timing its Update and the View that follows.
func (c *benchConsole) send(msg tea.Msg) string {
	s, cmd := c.timed(msg)
	c.run(cmd)
	return s
}

// timed gives the model msg, timing its Update and the View that follows;
// the command Update returns is the caller's.
func (c *benchConsole) timed(msg tea.Msg) (string, tea.Cmd) {
	t0 := time.Now()
	var cmd tea.Cmd
	c.m, cmd = c.m.Update(msg)
	t1 := time.Now()
	s := ansi.Strip(c.m.View().Content)
	t2 := time.Now()
	if t1.Sub(t0) > c.maxUpd {
		c.maxUpd, c.worst = t1.Sub(t0), fmt.Sprintf("%T %v", msg, msg)
	}
	c.maxView = max(c.maxView, t2.Sub(t1))
	c.updates++
	return s, cmd
}

// until hands the model messages until the screen satisfies cond.
func (c *benchConsole) until(what string, cond func(string) bool) string {
	deadline := time.After(2 * time.Minute)
	s := ansi.Strip(c.m.View().Content)
	for !cond(s) {
		select {
		case msg := <-c.msgs:
			if c.hold != nil && c.hold(msg) {
				c.held = append(c.held, msg)
				break
			}
			s = c.send(msg)
		case <-deadline:
			c.b.Fatalf("timed out waiting for %s:\n%s", what, s)
		}
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkStreamFeedLongestUpdate gives the model the batches a real
// streamed load of 100 000 apps produced (collected beforehand, their rows
// made as the load makes them, off the UI thread) and reports the longest
// single Update among them and the longest View after one. The sandbox
// that served them is gone by then: its heap does not slow the collector
// as it does in BenchmarkStreamLoadLongestUpdate. Goal: at most 16 ms.
func BenchmarkStreamFeedLongestUpdate(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type batch struct {
		items []api.Entity
		p     api.Progress
	}
	var batches []batch
	func() {
		large, err := sandbox.Start(ctx, sandbox.Options{Seed: "large:100000"})
		if err != nil {
			b.Fatal(err)
		}
		defer large.Close()
		mgr := accounts.New(accounts.Options{Sandbox: large, NoCache: true})
		defer mgr.Close()
		cl, err := mgr.Client(ctx, accounts.SandboxProfile, 0)
		if err != nil {
			b.Fatal(err)
		}
		apps, _ := api.Lookup("apps")
		err = cl.ListStream(ctx, apps, nil, func(items []api.Entity, p api.Progress) error {
			batches = append(batches, batch{items, p})
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}()
	runtime.GC()
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var maxUpd, maxView time.Duration
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		// A console whose first load has begun: its first batch is held,
		// so the load stays open, and stands for the batches fed instead.
		c := newBenchConsole(b, ctx, srv)
		c.hold = func(msg tea.Msg) bool { return fmt.Sprintf("%T", msg) == "ui.listBatch" }
		c.until("the first batch", func(string) bool { return len(c.held) > 0 })
		msgs := make([]tea.Msg, len(batches))
		n := 0
		for i, bt := range batches {
			msgs[i] = ui.Rebatch(c.held[0], bt.items, n, bt.p)
			n += len(bt.items)
		}
		c.maxUpd, c.maxView = 0, 0
		b.StartTimer()
		var s string
		for _, msg := range msgs {
			s, _ = c.timed(msg) // the watcher of a fed batch has nothing to watch
		}
		b.StopTimer()
		if !strings.Contains(s, "100000 rows") || !strings.Contains(s, "App 000001") {
			b.Fatalf("after the batches:\n%s", s)
		}
		if c.maxUpd > maxUpd {
			maxUpd = c.maxUpd
			b.Logf("longest Update %s: %s", c.maxUpd, c.worst)
		}
		maxView = max(maxView, c.maxView)
		b.StartTimer()
	}
	b.ReportMetric(ms(maxUpd), "max-update-ms")
	b.ReportMetric(ms(maxView), "max-view-ms")
	b.ReportMetric(float64(len(batches)), "batches")
}

// BenchmarkStreamLoadLongestUpdate loads 100 000 apps as the console does
// (the batches of a real streamed load from a sandbox in a child process)
// and reports the longest single Update among them, and the longest View
// after one: the time the UI is not answering keys. Goal: at most 16 ms.
func BenchmarkStreamLoadLongestUpdate(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := benchsandbox.Start(b, "large:100000")
	var maxUpd, maxView time.Duration
	updates := 0
	b.ResetTimer()
	for b.Loop() {
		c := newBenchConsole(b, ctx, srv)
		c.until("100 000 apps", func(s string) bool {
			return strings.Contains(s, "100000 rows") && !strings.Contains(lastLine(s), "loading")
		})
		if c.maxUpd > maxUpd {
			maxUpd = c.maxUpd
			b.Logf("longest Update %s: %s", c.maxUpd, c.worst)
		}
		maxView = max(maxView, c.maxView)
		updates += c.updates
	}
	b.ReportMetric(ms(maxUpd), "max-update-ms")
	b.ReportMetric(ms(maxView), "max-view-ms")
	b.ReportMetric(float64(updates)/float64(b.N), "updates/load")
}

// BenchmarkBackToLargeList: from a child of a 100 000-row list, esc until
// the list is on screen again (the Update of the key and the View after
// it; the background refresh it starts is not waited for). Goal: at most
// 16 ms.
func BenchmarkBackToLargeList(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := benchsandbox.Start(b, "large:100000")
	c := newBenchConsole(b, ctx, srv)
	c.until("100 000 apps", func(s string) bool {
		return strings.Contains(s, "100000 rows") && !strings.Contains(lastLine(s), "loading")
	})
	var worst time.Duration
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		c.send(viewtest.Press("enter")) // App 000001: its child kinds
		c.until("the app's child kinds", func(s string) bool { return strings.Contains(s, "Data points") })
		b.StartTimer()
		t0 := time.Now()
		var cmd tea.Cmd
		c.m, cmd = c.m.Update(viewtest.Press("esc"))
		s := ansi.Strip(c.m.View().Content)
		d := time.Since(t0)
		b.StopTimer()
		if !strings.Contains(s, "App 000001") || !strings.Contains(s, "100000 rows") {
			b.Fatalf("esc did not show the list:\n%s", s)
		}
		_ = cmd // the background refresh is left unrun: the next esc supersedes it
		worst = max(worst, d)
		b.StartTimer()
	}
	b.ReportMetric(ms(worst), "max-ms")
}
