package errview

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// Pane is the error pane: the last failed request, under the table. It
// never takes focus; the root sets it, clears it, and gives it room. Its
// title line names the keys that act on it where the focus is (Offer):
// the back key (esc) when it dismisses the pane, the error log's key (!)
// when it opens the log.
type Pane struct {
	common    views.Common
	err       error
	report    Report
	maxHeight int
	noDismiss bool // esc goes to the view in front first
	noLog     bool // the error log's key is text where the focus is
}

// NewPane returns an empty pane.
func NewPane(c views.Common) *Pane {
	return &Pane{common: c, maxHeight: 8}
}

// Set shows err (nil clears).
func (p *Pane) Set(err error) {
	p.err = err
	p.report = Describe(err)
}

// Offer says which of the pane's keys act where the focus is: dismiss,
// whether the back key dismisses the pane (not while a view opened over
// it, a dialog say, takes esc first); log, whether the error log's key
// opens the log (a prompt, a dialog or the editor take it as text). The
// pane names only those.
func (p *Pane) Offer(dismiss, log bool) { p.noDismiss, p.noLog = !dismiss, !log }

// Clear hides the pane.
func (p *Pane) Clear() { p.Set(nil) }

// Err is the error shown, or nil.
func (p *Pane) Err() error { return p.err }

// Active reports whether an error is shown.
func (p *Pane) Active() bool { return p.err != nil }

// SetSize sets the pane's width and the most lines it may take (border
// included). Fewer than 3 lines leaves room for nothing: the pane is hidden.
func (p *Pane) SetSize(width, maxHeight int) {
	p.common.SetSize(width, maxHeight)
	p.maxHeight = maxHeight
}

// Height is the number of lines View takes: 0 when there is no error.
func (p *Pane) Height() int {
	if !p.Active() || p.maxHeight < 3 || p.common.Width < 10 {
		return 0
	}
	return len(p.body()) + 2
}

// View renders the pane, or "" when there is no error.
func (p *Pane) View() string {
	if p.Height() == 0 {
		return ""
	}
	st := p.common.Styles.ErrorPane
	return st.Box.Width(p.common.Width).Render(strings.Join(p.body(), "\n"))
}

// innerWidth is the text width inside the border and padding.
func (p *Pane) innerWidth() int {
	return max(1, p.common.Width-p.common.Styles.ErrorPane.Box.GetHorizontalFrameSize())
}

// body returns the styled lines inside the border, clipped to the height.
func (p *Pane) body() []string {
	w := p.innerWidth()
	st := p.common.Styles.ErrorPane
	r := p.report

	// Title line: ✗ title  request …  esc dismiss · ! log
	var keys []string
	if !p.noDismiss {
		keys = append(keys, p.common.Keys.Global.Back.Help().Key+" dismiss")
	}
	if !p.noLog {
		keys = append(keys, p.common.Keys.Global.ErrorLog.Help().Key+" log")
	}
	dismiss := st.Dismiss.Render(strings.Join(keys, " · "))
	title := st.Title.Render("✗ " + r.Title)
	if r.Request != "" {
		title += "  " + st.Request.Render(termtext.Sanitize(r.Request))
	}
	room := w - text.Width(dismiss) - 1
	var head string
	if room >= 10 {
		title = text.Truncate(title, room)
		head = title + strings.Repeat(" ", max(1, w-text.Width(title)-text.Width(dismiss))) + dismiss
	} else {
		head = text.Truncate(title, w)
	}
	lines := []string{head}

	for _, it := range r.Items {
		text := termtext.Sanitize(it.String())
		for i, l := range wrap(text, w) {
			if i == 0 && it.Code != "" && strings.HasPrefix(l, termtext.Sanitize(it.Code)+":") {
				code := termtext.Sanitize(it.Code)
				lines = append(lines, st.Code.Render(code)+st.Message.Render(l[len(code):]))
				continue
			}
			lines = append(lines, st.Message.Render(l))
		}
	}
	add := func(s string, style lipgloss.Style) {
		for _, l := range wrap(s, w) {
			lines = append(lines, style.Render(l))
		}
	}
	if r.Excerpt != "" {
		add("Answer: "+quote(r.Excerpt), st.Request)
	}
	for _, s := range r.Explain {
		add(termtext.Sanitize(s), st.Hint)
	}
	if r.Cause != "" {
		add("Cause: "+termtext.Sanitize(r.Cause), st.Request)
	}
	if r.Retry != "" {
		add(r.Retry, st.Retry)
	}
	if r.Warning != "" {
		add(r.Warning, st.Warning)
	}

	limit := p.maxHeight - 2
	if len(lines) > limit {
		more := len(lines) - limit + 1
		tail := fmt.Sprintf("… %d more lines: %s opens the error log", more, p.common.Keys.Global.ErrorLog.Help().Key)
		if p.noLog {
			tail = fmt.Sprintf("… %d more lines in the error log", more)
		}
		lines = append(lines[:limit-1], st.Dismiss.Render(text.Truncate(tail, w)))
	}
	return lines
}

// wrap word-wraps plain text to width, breaking long words.
func wrap(s string, width int) []string {
	if s == "" {
		return nil
	}
	return strings.Split(ansi.Wrap(s, width, ""), "\n")
}
