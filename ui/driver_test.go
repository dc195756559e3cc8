package ui_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/config"
	"github.com/mpconsole/mpconsole/ui"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// driver runs the real root model the way Bubble Tea would: commands run in
// goroutines, their messages come back through a channel, and the test
// reads the rendered screen after each one.
type driver struct {
	t      testing.TB
	m      tea.Model
	msgs   chan tea.Msg
	srv    *sandbox.Server
	client *api.Client
	ctx    context.Context
	mgr    *accounts.Manager
	// hold, when set, keeps the messages it matches from the model (in
	// held) until release: a test decides when an answer lands.
	hold func(tea.Msg) bool
	held []tea.Msg
}

type fixture struct {
	sandbox sandbox.Options
	ui      ui.Options
	retry   api.RetryPolicy
	// file, when set, is a profiles file; %s stands for the sandbox's URL.
	file string
}

func start(t testing.TB, fx fixture) *driver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := sandbox.Start(ctx, fx.sandbox)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if fx.retry.MaxAttempts == 0 {
		fx.retry = api.RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}
	}
	ao := accounts.Options{Sandbox: srv, Retry: fx.retry, NoCache: true}
	if fx.file != "" {
		f, err := config.Parse("test.toml", []byte(strings.ReplaceAll(fx.file, "%s", srv.URL())))
		if err != nil {
			t.Fatal(err)
		}
		ao.File = f
	}
	mgr := accounts.New(ao)
	t.Cleanup(mgr.Close)
	// An admin client of the same sandbox, for changes behind the console's back.
	c, err := mgr.Client(ctx, accounts.SandboxProfile, 0)
	if err != nil {
		t.Fatal(err)
	}
	o := fx.ui
	o.Accounts, o.Context = mgr, ctx
	if o.StateDir == "" {
		o.StateDir = t.TempDir()
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" } // no $EDITOR from the machine running the tests
	}
	d := &driver{t: t, m: ui.New(o), msgs: make(chan tea.Msg, 64), srv: srv, client: c, ctx: ctx, mgr: mgr}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	d.run(d.m.Init())
	return d
}

// run executes a command in the background, as the program would.
func (d *driver) run(cmd tea.Cmd) { runInBackground(d.ctx, d.msgs, cmd) }

// runInBackground runs cmd in a goroutine, as the program would: a batch's
// commands each in their own, and what they return sent to msgs until ctx
// ends.
func runInBackground(ctx context.Context, msgs chan<- tea.Msg, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				runInBackground(ctx, msgs, c)
			}
			return
		}
		if msg == nil {
			return
		}
		select {
		case msgs <- msg:
		case <-ctx.Done():
		}
	}()
}

func (d *driver) send(msg tea.Msg) {
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(msg)
	d.run(cmd)
}

func (d *driver) key(k string) { d.send(viewtest.Press(k)) }

func (d *driver) typ(s string) {
	for _, k := range viewtest.Type(s) {
		d.send(k)
	}
}

// setLine replaces line n (1-based) of the open editor's text.
func (d *driver) setLine(n int, text string) {
	d.key("ctrl+home")
	for range n - 1 {
		d.key("down")
	}
	d.key("home")
	d.key("ctrl+k")
	d.typ(text)
}

func (d *driver) screen() string { return ansi.Strip(d.m.View().Content) }

// until processes messages until the screen satisfies cond.
func (d *driver) until(what string, cond func(screen string) bool) string {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		s := d.screen()
		if cond(s) {
			return s
		}
		select {
		case msg := <-d.msgs:
			if d.hold != nil && d.hold(msg) {
				d.held = append(d.held, msg)
				continue
			}
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
	}
}

// holdTypes holds the messages of the named types (e.g. "tea.QuitMsg").
func (d *driver) holdTypes(types ...string) {
	d.hold = func(msg tea.Msg) bool { return slices.Contains(types, fmt.Sprintf("%T", msg)) }
}

// holdReplies holds the replies to the named requests ("delete",
// "connect"): every reply says what was asked ("reply:delete").
func (d *driver) holdReplies(whats ...string) {
	d.hold = func(msg tea.Msg) bool { return slices.Contains(whats, replyOf(msg)) }
}

// replyOf names the request msg answers, "" when it is no reply.
func replyOf(msg tea.Msg) string {
	if s, ok := msg.(fmt.Stringer); ok {
		if what, ok := strings.CutPrefix(s.String(), "reply:"); ok {
			return what
		}
	}
	return ""
}

// release stops holding and gives the held messages to the model, in the
// order they arrived.
func (d *driver) release() {
	held := d.held
	d.hold, d.held = nil, nil
	for _, msg := range held {
		d.send(msg)
	}
}

func (d *driver) waitFor(texts ...string) string {
	d.t.Helper()
	return d.until(strings.Join(texts, " and "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// settle processes messages until the status bar's spinner stops.
func (d *driver) settle() string {
	d.t.Helper()
	return d.until("no request in flight", func(s string) bool { return !strings.ContainsAny(lastLine(s), "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏") })
}

// header is the screen's first line: the profile, the account, the host.
func header(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}

// line returns the screen line containing text, or "".
func line(screen, text string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}
