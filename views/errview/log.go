package errview

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// Entry is one error of the session.
type Entry struct {
	Time time.Time
	Err  error
}

// DefaultCapacity is how many errors the log keeps; older ones are dropped.
const DefaultCapacity = 500

// Log is every error of the session, newest first, with the selected one's
// full report under the list.
type Log struct {
	common   views.Common
	entries  []Entry // newest first
	reports  []Report
	cursor   int
	offset   int
	capacity int
}

var _ views.Component = (*Log)(nil)

// NewLog returns an empty log.
func NewLog(c views.Common) *Log {
	return &Log{common: c, capacity: DefaultCapacity}
}

// Add records an error. The cursor stays on the entry it was on.
func (l *Log) Add(e Entry) {
	if e.Err == nil {
		return
	}
	l.entries = append([]Entry{e}, l.entries...)
	l.reports = append([]Report{Describe(e.Err)}, l.reports...)
	if len(l.entries) > l.capacity {
		l.entries, l.reports = l.entries[:l.capacity], l.reports[:l.capacity]
	}
	if len(l.entries) > 1 {
		l.cursor++
	}
	l.clamp()
}

// Entries returns the errors, newest first.
func (l *Log) Entries() []Entry { return l.entries }

// Len is the number of errors kept.
func (l *Log) Len() int { return len(l.entries) }

// Cursor is the selected entry (0: the newest).
func (l *Log) Cursor() int { return l.cursor }

// Top selects the newest error (when the log is opened).
func (l *Log) Top() {
	l.cursor, l.offset = 0, 0
}

// SetSize sets the log's size.
func (l *Log) SetSize(w, h int) {
	l.common.SetSize(w, h)
	l.clamp()
}

// Init does nothing.
func (l *Log) Init() tea.Cmd { return nil }

// Consumes claims no key: the log has no prompt.
func (l *Log) Consumes(tea.KeyPressMsg) bool { return false }

// Update moves the cursor and copies the selected report.
func (l *Log) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return l, nil
	}
	nav := l.common.Keys.Nav
	switch {
	case key.Matches(k, nav.Up):
		l.cursor--
	case key.Matches(k, nav.Down):
		l.cursor++
	case key.Matches(k, nav.PageUp):
		l.cursor -= l.listHeight()
	case key.Matches(k, nav.PageDown):
		l.cursor += l.listHeight()
	case key.Matches(k, nav.Top):
		l.cursor = 0
	case key.Matches(k, nav.Bottom):
		l.cursor = len(l.entries) - 1
	case key.Matches(k, l.common.Keys.ErrorLog.Copy):
		if len(l.entries) == 0 {
			return l, nil
		}
		text := l.Text(l.cursor)
		return l, tea.Batch(tea.SetClipboard(text), views.NoticeCmd("Copied the error to the clipboard (OSC 52)."))
	}
	l.clamp()
	return l, nil
}

// Text is an entry as plain text: time, then the report.
func (l *Log) Text(i int) string {
	if i < 0 || i >= len(l.entries) {
		return ""
	}
	return l.entries[i].Time.Format(time.RFC3339) + "\n" + strings.Join(l.reports[i].Lines(), "\n")
}

func (l *Log) clamp() {
	n := len(l.entries)
	if n == 0 {
		l.cursor, l.offset = 0, 0
		return
	}
	l.cursor = min(max(l.cursor, 0), n-1)
	h := l.listHeight()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	l.offset = min(max(l.offset, 0), max(0, n-h))
}

// listHeight is the number of list lines: about half the view, the rest is
// the selected report.
func (l *Log) listHeight() int {
	return max(1, min(len(l.entries), (l.common.Height-2)/2))
}

// ShortHelp is the one-line help.
func (l *Log) ShortHelp() []key.Binding { return l.common.Keys.ShortHelp(keymap.ErrorLog) }

// FullHelp is movement and copy.
func (l *Log) FullHelp() [][]key.Binding {
	km := *l.common.Keys
	km.Nav.Left.SetEnabled(false)
	km.Nav.Right.SetEnabled(false)
	return km.FullHelp(keymap.Nav, keymap.ErrorLog)
}

// View renders the title, the list and the selected report.
func (l *Log) View() tea.View {
	w, h := l.common.Width, l.common.Height
	if w <= 0 || h <= 0 {
		return tea.NewView("")
	}
	st := l.common.Styles.ErrorLog
	var lines []string
	title := "Error log"
	switch n := len(l.entries); n {
	case 0:
	case 1:
		title += " — 1 error this session"
	default:
		title += fmt.Sprintf(" — %d errors this session, newest first", n)
	}
	lines = append(lines, st.Title.Render(text.Truncate(title, w)))
	if len(l.entries) == 0 {
		lines = append(lines, st.Empty.Render(text.Truncate("No errors so far.", w)))
		return tea.NewView(strings.Join(lines, "\n"))
	}
	lh := l.listHeight()
	for i := l.offset; i < min(len(l.entries), l.offset+lh); i++ {
		lines = append(lines, l.listLine(i, w))
	}
	lines = append(lines, st.Time.Render(strings.Repeat("─", w)))
	pane := NewPane(l.common)
	pane.SetSize(w, max(0, h-len(lines)))
	pane.Set(l.entries[l.cursor].Err)
	for _, b := range pane.body() {
		if len(lines) >= h {
			break
		}
		lines = append(lines, b)
	}
	return tea.NewView(strings.Join(lines, "\n"))
}

func (l *Log) listLine(i, w int) string {
	st := l.common.Styles.ErrorLog
	r := l.reports[i]
	ts := l.entries[i].Time.Format("15:04:05")
	status := text.Fit(r.Title, 24)
	rest := max(0, w-1-len(ts)-2-24-2)
	line := " " + ts + "  " + status + "  " + text.Fit(r.Summary(), rest)
	line = text.Fit(line, w)
	if i == l.cursor {
		return st.Selected.Render(line)
	}
	// Style the parts on a plain line.
	return st.Time.Render(" "+ts) + "  " + st.Status.Render(status) + "  " +
		st.Message.Render(ansi.Truncate(text.Fit(r.Summary(), rest), rest, "…"))
}
