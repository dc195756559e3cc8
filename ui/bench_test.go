package ui_test

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/ui"
)

// BenchmarkStartToFirstList measures a console start on a running sandbox:
// a fresh Manager (so a token fetch), the model's Init, the apps request,
// and the first frame that shows the list.
func BenchmarkStartToFirstList(b *testing.B) {
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for b.Loop() {
		mgr := accounts.New(accounts.Options{Sandbox: srv})
		m := tea.Model(ui.New(ui.Options{Accounts: mgr, Context: ctx}))
		m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		msgs := make(chan tea.Msg, 64)
		var run func(tea.Cmd)
		run = func(cmd tea.Cmd) {
			if cmd == nil {
				return
			}
			go func() {
				msg := cmd()
				if batch, ok := msg.(tea.BatchMsg); ok {
					for _, c := range batch {
						run(c)
					}
					return
				}
				if msg != nil {
					select {
					case msgs <- msg:
					default: // ticks and token states nobody waits for
					}
				}
			}()
		}
		run(m.Init())
		for !strings.Contains(ansi.Strip(m.View().Content), "Acme Shop") {
			var cmd tea.Cmd
			m, cmd = m.Update(<-msgs)
			run(cmd)
		}
		mgr.Close()
	}
}

// BenchmarkView draws the whole screen of a console showing a list of
// apps, 120 × 40, as Bubble Tea does after every message: a batch of a
// load, a key, a tick.
func BenchmarkView(b *testing.B) {
	d := start(b, fixture{sandbox: sandbox.Options{Seed: "large:2000"}})
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.waitFor("App 000001", "2000 rows")
	d.settle()
	b.ReportAllocs()
	for b.Loop() {
		_ = d.m.View()
	}
}
