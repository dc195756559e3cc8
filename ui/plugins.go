package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/config"
)

// maxPluginOutput is as much of a plugin's output as its pane shows.
const maxPluginOutput = 1 << 20

// pluginDone is a pane plugin's end: its output, for the generation that
// ran it.
type pluginDone struct {
	gen   int
	title string
	out   []byte
	err   error
}

// pluginKey runs the plugin bound to msg on the kind of frame f, if any;
// ok is false when no plugin has that key there.
func (m *Model) pluginKey(f *frame, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if f == nil || f.kind == nil {
		return nil, false
	}
	for _, p := range m.opts.Plugins {
		if p.Kind != f.kind.Name || !key.Matches(msg, key.NewBinding(key.WithKeys(p.Key))) {
			continue
		}
		switch {
		case m.opts.NoPlugins:
			m.setNotice("plugins do not run in this session: its SSH key has no plugins right")
			return nil, true
		case p.Output == "terminal" && m.opts.Remote:
			m.setNotice(fmt.Sprintf("plugin %s runs in a local terminal only", pluginName(p)))
			return nil, true
		}
		r, ok := f.table.Selected()
		e, found := f.ents.get(r.ID)
		if !ok || !found {
			m.setNotice("no row for the plugin")
			return nil, true
		}
		return m.runPlugin(p, e), true
	}
	return nil, false
}

func pluginName(p config.Plugin) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Command
}

// runPlugin runs p on entity e: its args with the row's values, the
// entity's JSON on its standard input. A pane plugin runs in a command,
// bounded by its timeout and the session's context, and its output opens
// in a pane; a terminal plugin is handed the terminal.
func (m *Model) runPlugin(p config.Plugin, e api.Entity) tea.Cmd {
	values := map[string]string{"id": e.ID, "name": e.Name, "kind": p.Kind, "profile": m.profile.Name}
	if m.client != nil {
		values["account"] = itoa(m.client.AccountID())
	}
	args := p.Expand(values)
	title := fmt.Sprintf("%s · %s %s", pluginName(p), p.Kind, e.ID)
	if p.Output == "terminal" {
		cmd := exec.CommandContext(m.genCtx, p.Command, args...)
		cmd.Env = append(os.Environ(), "MPCONSOLE_ENTITY="+string(e.Raw))
		return m.opts.ExecProcess(cmd, func(err error) tea.Msg {
			if err != nil {
				return pluginDone{gen: m.gen, title: title, err: err}
			}
			return nil
		})
	}
	ctx, gen, raw := m.genCtx, m.gen, e.Raw
	m.setNotice("running " + pluginName(p) + "…")
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, p.Wait())
		defer cancel()
		cmd := exec.CommandContext(ctx, p.Command, args...)
		cmd.Stdin = bytes.NewReader(raw)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &limited{&out}, &limited{&out}
		err := cmd.Run()
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("stopped after %s", p.Wait())
		}
		if err != nil {
			err = fmt.Errorf("plugin %s: %w", pluginName(p), err)
		}
		return pluginDone{gen: gen, title: title, out: out.Bytes(), err: err}
	}
}

// onPluginDone shows a pane plugin's output, unless the session left the
// account it ran in.
func (m *Model) onPluginDone(msg pluginDone) tea.Cmd {
	if msg.gen != m.gen {
		return nil
	}
	if msg.err != nil {
		var ee *exec.ExitError
		if !errors.As(msg.err, &ee) || len(msg.out) == 0 {
			m.fail(msg.err)
		}
		if len(msg.out) == 0 {
			return nil
		}
		msg.out = append(msg.out, []byte("\n("+msg.err.Error()+")")...)
	}
	m.inspectRaw(msg.title, msg.out, "plugin")
	return nil
}

// limited writes at most maxPluginOutput bytes to its buffer.
type limited struct{ b *bytes.Buffer }

func (l *limited) Write(p []byte) (int, error) {
	if room := maxPluginOutput - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
