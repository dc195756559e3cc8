package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views/chrome"
	"github.com/mpconsole/mpconsole/views/text"
)

// bodySize is the space left for the focused view.
func (m *Model) bodySize() (int, int) {
	h := m.height - chrome.HeaderHeight - chrome.StatusHeight - m.errs.pane.Height()
	return max(1, m.width), max(1, h)
}

// View renders the whole screen.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "mpconsole"
	v.MouseMode = m.mouseMode()
	if chrome.TooSmall(m.width, m.height) {
		hint := ""
		if m.smallHintShowing() {
			hint = m.smallHint
		}
		v.Content = chrome.TooSmallView(m.styles, m.width, m.height, hint)
		return v
	}
	parts := []string{m.headerInfo().View(m.styles, m.width)}
	body := ""
	if c := m.focused(); c != nil {
		body = c.View().Content
	}
	if m.overlay != nil && m.overlay.overTable {
		if f := m.top(); f != nil { // the palette opens over the table
			body += "\n" + f.table.View().Content
		}
	}
	_, bh := m.bodySize()
	body = text.Lines(body, m.width, bh)
	if n := strings.Count(body, "\n") + 1; n < bh {
		body += strings.Repeat("\n", bh-n)
	}
	parts = append(parts, body)
	if m.errs.active() {
		m.errs.pane.Offer(m.escDismissesPane(), m.reaches(m.keys.Global.ErrorLog))
		parts = append(parts, m.errs.pane.View())
	}
	parts = append(parts, m.statusInfo().View(m.styles, m.width))
	v.Content = text.JoinLeft(parts...)
	return v
}

func (m *Model) headerInfo() chrome.Header {
	h := chrome.Header{
		Profile:  m.profile.Name,
		Account:  m.account,
		Host:     m.profile.Host,
		Sandbox:  m.profile.Sandbox,
		ReadOnly: m.readOnly(),
	}
	if m.client != nil {
		h.AccountID = itoa(m.client.AccountID())
	}
	if m.profile.Color != "" {
		if c, err := theme.ParseColor(m.profile.Color); err == nil {
			h.ProfileColor = c
		}
	}
	for _, f := range m.stack {
		h.Breadcrumbs = append(h.Breadcrumbs, strings.Split(f.crumb, " › ")...)
	}
	if m.overlay != nil {
		h.Breadcrumbs = append(h.Breadcrumbs, m.overlay.crumb)
	}
	return h
}

func (m *Model) statusInfo() chrome.Status {
	s := chrome.Status{
		Token:     m.token,
		TokenText: m.tokenText(),
		Busy:      m.inflight > 0,
		Spinner:   spinnerFrame(m.spin),
		Hint:      m.helpHint(),
	}
	if m.noticeShowing() {
		s.Notice = m.notice
	}
	if m.retrying() {
		s.Notice = retryText(m.retry)
	}
	if b := m.bulk.status(); b != "" {
		s.Notice = b
	}
	if f := m.top(); f != nil && m.overlay == nil && s.Notice == "" {
		switch {
		case f.streaming:
			s.Notice = loadingText(f.shown.progress)
		case f.incomplete != "":
			s.Notice = "incomplete (" + f.incomplete + "): " + text.GroupDigits(int64(f.table.Total())) + " rows"
		}
	}
	s.Live, s.Paused = m.liveText()
	if f := m.top(); f != nil && m.overlay == nil && f.loaded {
		s.ShowRows = true
		s.Rows, s.Total = f.table.Len(), f.table.Total()
		if f.streaming {
			s.Rows, s.Total = f.shown.rows, f.shown.total
		}
		s.Filter = f.table.Filter()
		s.Marked = f.table.MarkCount()
	}
	return s
}

// helpHint names the key that opens help for the view in front: the
// overlay's own (the editor's f1), else global.help unless the focused
// view takes that key as text (a prompt, a dialog), where no key opens
// help and the hint says nothing.
func (m *Model) helpHint() string {
	if o := m.overlay; o != nil && o.help != nil {
		return o.help.Help().Key + " help"
	}
	if !m.reaches(m.keys.Global.Help) {
		return ""
	}
	return m.keys.Global.Help.Help().Key + " help"
}

// reaches reports whether the root's global binding b acts when pressed
// now: the focused view does not take its key first (see handleKey).
func (m *Model) reaches(b key.Binding) bool {
	keys := b.Keys()
	if !b.Enabled() || len(keys) == 0 {
		return false
	}
	c := m.focused()
	// A press named keys[0], as key.Matches reads it (Key.String is the
	// text when there is one): enough to ask Consumes; never delivered.
	return c == nil || !c.Consumes(tea.KeyPressMsg{Text: keys[0]})
}

func (m *Model) tokenText() string {
	if !m.tokenSeen {
		return "…"
	}
	return m.token.String()
}

func spinnerFrame(i int) string {
	frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	return frames[i%len(frames)]
}

// loadingText is the status bar's line while a list streams in:
// "loading… 12 400 rows, 6.1 MB".
func loadingText(p api.Progress) string {
	return fmt.Sprintf("loading… %s rows, %.1f MB", text.GroupDigits(int64(p.Rows)), float64(p.Bytes)/1e6)
}
