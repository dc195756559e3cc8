// Package palette is the ':' command palette: a prompt with completion over
// the kinds of the catalogue (names and aliases) and a few commands:
// "use NAME|ACCOUNT_ID", "diff ACCOUNT_ID|PROFILE[/ACCOUNT_ID]", "history",
// "refresh INTERVAL|off|default" and "quit" ("q").
//
// # Design
//
// The palette knows nothing of the catalogue or the profiles: the root gives
// it Entries (a kind's name, aliases and a line of help) and Targets (the
// profiles and accounts "use" can switch to) and receives a SubmitMsg naming
// a command and its argument, or a CancelMsg. It is modal (Consumes every
// key).
//
// Completion ranks an exact name or alias first, then names that start with
// what was typed, then names that contain it, each group in the order given.
// Enter runs an exact match; otherwise the highlighted suggestion; tab
// completes to it (up/down choose). With nothing typed no suggestion is
// highlighted and enter closes the palette; up or down highlights one, and
// enter then runs it. A leading ':' typed out of habit is ignored. An
// unknown command keeps the palette open and says what is valid.
//
// A kind may be followed by one argument, as in k9s: "apps 3" opens the
// apps with app 3 selected and opened (as enter on it would), "apps /shop"
// opens the apps filtered by "shop". The selected suggestion is marked with
// a › as well as its style, so it shows without colour.
package palette

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/keymap"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/text"
)

// Entry is something the palette completes: a kind, or a "use" target.
type Entry struct {
	Name    string   // canonical name, e.g. "apps"
	Aliases []string // e.g. "app", "applications"
	Help    string   // one line, e.g. "apps of the account"
}

// Command is what the user asked for.
type Command int

// The commands.
const (
	Kind    Command = iota + 1 // Arg: the kind's canonical name
	Use                        // Arg: a profile name or an account id, as typed
	History                    // the journal of writes
	Quit
	Diff    // Arg: the account to compare with, as typed (ACCOUNT_ID, PROFILE or PROFILE/ACCOUNT_ID)
	Refresh // Arg: how often the view in front refreshes itself, as typed ("5s", "off", "default"; "": say how often)
)

func (c Command) String() string {
	switch c {
	case Kind:
		return "kind"
	case Use:
		return "use"
	case History:
		return "history"
	case Quit:
		return "quit"
	case Diff:
		return "diff"
	case Refresh:
		return "refresh"
	}
	return fmt.Sprintf("command(%d)", int(c))
}

// SubmitMsg is a command to run.
type SubmitMsg struct {
	Command Command
	Arg     string
	// For Kind: the entity to select and open ("apps 3"), or the filter to
	// apply ("apps /shop"); at most one is set.
	Open   string
	Filter string
}

// CancelMsg closes the palette without a command.
type CancelMsg struct{}

// builtin commands, after the kinds.
var builtins = []struct {
	entry Entry
	cmd   Command
}{
	{Entry{Name: "use", Help: "switch to a profile or an account: use NAME|ACCOUNT_ID"}, Use},
	{Entry{Name: "history", Help: "the journal of writes, to revert one"}, History},
	{Entry{Name: "diff", Help: "compare with another account: diff ACCOUNT_ID|PROFILE[/ACCOUNT_ID]"}, Diff},
	{Entry{Name: "refresh", Help: "how often this view refreshes itself: refresh 5s|off|default"}, Refresh},
	{Entry{Name: "quit", Aliases: []string{"q"}, Help: "leave mpconsole"}, Quit},
}

type candidate struct {
	complete string // the input after completion
	label    string
	aliases  string
	help     string
	cmd      Command
	arg      string
	open     string // Kind: the entity to open
	filter   string // Kind: the filter to apply
	needsArg bool   // "use" alone: complete, do not run
}

// Model is the palette component.
type Model struct {
	common  views.Common
	entries []Entry
	targets []Entry
	input   textinput.Model
	cands   []candidate
	sel     int
	err     string
}

var _ views.Component = (*Model)(nil)

// New returns a palette with no kinds yet.
func New(c views.Common) *Model {
	m := &Model{common: c}
	m.input = textinput.New()
	m.input.Prompt = ":"
	m.input.SetStyles(c.Styles.TextInput())
	m.input.Placeholder = "kind, use NAME, history, q"
	m.refresh()
	return m
}

// SetEntries sets the kinds to complete.
func (m *Model) SetEntries(e []Entry) {
	m.entries = append([]Entry(nil), e...)
	m.refresh()
}

// SetTargets sets what "use" completes: profiles and accounts.
func (m *Model) SetTargets(t []Entry) {
	m.targets = append([]Entry(nil), t...)
	m.refresh()
}

// Open clears the prompt and focuses it.
func (m *Model) Open() tea.Cmd {
	m.input.SetValue("")
	m.err = ""
	m.refresh()
	return m.input.Focus()
}

// Value is the text typed.
func (m *Model) Value() string { return m.input.Value() }

// Suggestions returns the completions shown, best first.
func (m *Model) Suggestions() []string {
	out := make([]string, len(m.cands))
	for i, c := range m.cands {
		out[i] = c.complete
	}
	return out
}

// Selected is the index of the highlighted suggestion; -1 when none is
// (nothing typed, no arrow pressed).
func (m *Model) Selected() int { return m.sel }

// Err is the message shown after an unknown command.
func (m *Model) Err() string { return m.err }

// SetSize sets the room the palette may use: 72 columns, more on a wide
// terminal (views.OverlayWidth).
func (m *Model) SetSize(w, h int) {
	m.common.SetSize(w, h)
	m.input.SetWidth(max(1, m.boxWidth()-6))
}

// boxWidth is the palette's width, its border included.
func (m *Model) boxWidth() int { return max(24, views.OverlayWidth(m.common.Width, boxBase)) }

// boxBase is the palette's width on a terminal of 80 to 120 columns.
const boxBase = 72

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Consumes every key: the palette is modal.
func (m *Model) Consumes(tea.KeyPressMsg) bool { return true }

// Update handles typing, completion and submission.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := m.common.Keys.Palette
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, k.Cancel):
			return m, func() tea.Msg { return CancelMsg{} }
		case key.Matches(kp, k.Accept):
			return m, m.submit()
		case key.Matches(kp, k.Complete):
			if c, ok := m.current(); ok {
				m.input.SetValue(c.complete)
				m.input.CursorEnd()
				m.refresh()
			}
			return m, nil
		case key.Matches(kp, k.Next):
			if len(m.cands) > 0 {
				m.sel = (m.sel + 1) % len(m.cands)
			}
			return m, nil
		case key.Matches(kp, k.Prev):
			if len(m.cands) > 0 {
				if m.sel < 0 {
					m.sel = 0
				}
				m.sel = (m.sel - 1 + len(m.cands)) % len(m.cands)
			}
			return m, nil
		}
	}
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		before := m.input.Value()
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		if m.input.Value() != before {
			m.err = ""
			m.refresh()
		}
		return m, cmd
	}
	return m, nil
}

func (m *Model) current() (candidate, bool) {
	if m.sel < 0 || m.sel >= len(m.cands) {
		return candidate{}, false
	}
	return m.cands[m.sel], true
}

// text is the typed command without a leading ':' and outer spaces.
func (m *Model) text() string { return strings.TrimSpace(m.typed()) }

// typed is the input without leading spaces and ':'; a trailing space is
// kept ("use " lists the targets).
func (m *Model) typed() string {
	return strings.TrimLeft(strings.TrimLeft(m.input.Value(), " "), ":")
}

// submit resolves the typed text to a command.
func (m *Model) submit() tea.Cmd {
	t := m.text()
	send := func(c Command, arg string) tea.Cmd {
		return func() tea.Msg { return SubmitMsg{Command: c, Arg: arg} }
	}
	if t == "" {
		c, ok := m.current() // chosen with the arrows, if at all
		switch {
		case !ok:
			return func() tea.Msg { return CancelMsg{} }
		case c.needsArg:
			m.input.SetValue(c.complete)
			m.input.CursorEnd()
			m.refresh()
			return nil
		}
		return send(c.cmd, c.arg)
	}
	word, rest, _ := strings.Cut(t, " ")
	rest = strings.TrimSpace(rest)
	lw := strings.ToLower(word)
	if lw == "refresh" { // the root reads the interval; alone, it says how often
		if c, ok := m.current(); ok && rest == "" && c.cmd == Refresh && c.arg != "" && strings.HasSuffix(m.typed(), " ") {
			return send(Refresh, c.arg) // a suggestion is showing: enter runs it
		}
		return send(Refresh, rest)
	}
	if tc, ok := targetCommands[lw]; ok {
		if rest == "" {
			if c, ok := m.current(); ok && c.cmd == tc.cmd && c.arg != "" {
				return send(tc.cmd, c.arg)
			}
			m.input.SetValue(lw + " ")
			m.input.CursorEnd()
			m.refresh()
			if len(m.cands) == 0 {
				m.err = tc.needs
			}
			return nil
		}
		// An exact target (any case) gives its canonical name; anything
		// else is passed as typed, for the root to resolve (an account id).
		for _, e := range m.targets {
			if matchesExactly(e, rest) {
				return send(tc.cmd, e.Name)
			}
		}
		return send(tc.cmd, rest)
	}
	if rest != "" {
		for _, e := range m.entries {
			if matchesExactly(e, lw) {
				c := kindWithArg(e, rest)
				return func() tea.Msg { return SubmitMsg{Command: Kind, Arg: c.arg, Open: c.open, Filter: c.filter} }
			}
		}
	}
	if rest == "" {
		for _, e := range m.entries {
			if matchesExactly(e, lw) {
				return send(Kind, e.Name)
			}
		}
		for _, b := range builtins {
			if matchesExactly(b.entry, lw) {
				return send(b.cmd, "")
			}
		}
	}
	if c, ok := m.current(); ok {
		if c.needsArg {
			m.input.SetValue(c.complete)
			m.input.CursorEnd()
			m.refresh()
			return nil
		}
		return func() tea.Msg { return SubmitMsg{Command: c.cmd, Arg: c.arg, Open: c.open, Filter: c.filter} }
	}
	names := make([]string, 0, 4)
	for i, e := range m.entries {
		if i == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, e.Name)
	}
	m.err = fmt.Sprintf("Unknown command “%s”. Type a kind (%s), use NAME, history or q.", termtext.Sanitize(t), strings.Join(names, ", "))
	return nil
}

// refreshChoices are what "refresh " suggests; any interval is accepted.
var refreshChoices = []Entry{
	{Name: "off", Help: "stop refreshing this view"},
	{Name: "default", Help: "refresh as the profile or the kind says"},
	{Name: "5s", Help: "refresh this view every 5 seconds"},
	{Name: "15s", Help: "refresh this view every 15 seconds"},
	{Name: "1m", Help: "refresh this view every minute"},
}

// targetCommands take a profile or an account as their argument: "use"
// switches to it, "diff" compares with it.
var targetCommands = map[string]struct {
	cmd   Command
	needs string // said when the argument is missing and nothing completes
}{
	"use":  {Use, "use needs a profile name or an account id: use NAME|ACCOUNT_ID"},
	"diff": {Diff, "diff needs an account id or a profile: diff ACCOUNT_ID|PROFILE[/ACCOUNT_ID]"},
}

// kindWithArg is the candidate for a kind followed by an argument: "/text"
// filters, anything else is the id of the entity to open.
func kindWithArg(e Entry, arg string) candidate {
	c := candidate{complete: e.Name + " " + arg, label: e.Name + " " + arg, cmd: Kind, arg: e.Name}
	if f, ok := strings.CutPrefix(arg, "/"); ok {
		c.filter = f
		c.help = "open " + e.Name + " filtered by “" + f + "”"
		if f == "" {
			c.help = "open " + e.Name + " (type the filter after /)"
		}
		return c
	}
	c.open = arg
	c.help = "open " + e.Name + " with " + arg + " selected, and open it"
	return c
}

func matchesExactly(e Entry, s string) bool {
	if strings.EqualFold(e.Name, s) {
		return true
	}
	for _, a := range e.Aliases {
		if strings.EqualFold(a, s) {
			return true
		}
	}
	return false
}

// rank scores how e matches q: 0 exact, 1 prefix, 2 substring, -1 none.
func rank(e Entry, q string) int {
	best := -1
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		ln := strings.ToLower(n)
		r := -1
		switch {
		case ln == q:
			r = 0
		case strings.HasPrefix(ln, q):
			r = 1
		case strings.Contains(ln, q):
			r = 2
		}
		if r >= 0 && (best < 0 || r < best) {
			best = r
		}
	}
	return best
}

// refresh recomputes the suggestions for the typed text.
func (m *Model) refresh() {
	raw := strings.ToLower(strings.TrimLeft(m.typed(), " "))
	type ranked struct {
		c candidate
		r int
	}
	var rs []ranked
	word, q, _ := strings.Cut(raw, " ")
	if tc, isTarget := targetCommands[word]; isTarget && strings.Contains(raw, " ") {
		q = strings.TrimSpace(q)
		for _, e := range m.targets {
			r := 1
			if q != "" {
				r = rank(e, q)
			}
			if r >= 0 {
				rs = append(rs, ranked{candidate{complete: word + " " + e.Name, label: word + " " + e.Name, aliases: strings.Join(e.Aliases, ", "),
					help: e.Help, cmd: tc.cmd, arg: e.Name}, r})
			}
		}
	} else if word == "refresh" && strings.Contains(raw, " ") {
		q = strings.TrimSpace(q)
		for _, c := range refreshChoices {
			if strings.HasPrefix(c.Name, q) {
				rs = append(rs, ranked{candidate{complete: "refresh " + c.Name, label: "refresh " + c.Name, help: c.Help, cmd: Refresh, arg: c.Name}, 1})
			}
		}
		if len(rs) == 0 && q != "" {
			rs = append(rs, ranked{candidate{complete: "refresh " + q, label: "refresh " + q, help: "refresh this view every " + q, cmd: Refresh, arg: q}, 1})
		}
	} else if word, arg, ok := strings.Cut(strings.TrimSpace(m.typed()), " "); ok && strings.TrimSpace(arg) != "" {
		// A kind and its argument: the one suggestion says what will happen.
		for _, e := range m.entries {
			if matchesExactly(e, strings.ToLower(word)) {
				rs = append(rs, ranked{kindWithArg(e, strings.TrimSpace(arg)), 0})
				break
			}
		}
	} else if lt := strings.TrimSpace(raw); !strings.Contains(lt, " ") {
		for _, e := range m.entries {
			if r := rankOrAll(e, lt); r >= 0 {
				rs = append(rs, ranked{candidate{complete: e.Name, label: e.Name, aliases: strings.Join(e.Aliases, ", "),
					help: e.Help, cmd: Kind, arg: e.Name}, r})
			}
		}
		for _, b := range builtins {
			if r := rankOrAll(b.entry, lt); r >= 0 {
				c := candidate{complete: b.entry.Name, label: b.entry.Name, aliases: strings.Join(b.entry.Aliases, ", "), help: b.entry.Help, cmd: b.cmd}
				if _, ok := targetCommands[b.entry.Name]; ok || b.cmd == Refresh {
					c.complete, c.needsArg = b.entry.Name+" ", true
				}
				rs = append(rs, ranked{c, r})
			}
		}
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].r < rs[j].r })
	m.cands = m.cands[:0]
	for _, r := range rs {
		m.cands = append(m.cands, r.c)
	}
	m.sel = 0
	if m.text() == "" {
		m.sel = -1 // nothing typed: nothing chosen until an arrow says so
	}
}

func rankOrAll(e Entry, q string) int {
	if q == "" {
		return 1
	}
	return rank(e, q)
}

// ShortHelp is the palette's keys.
func (m *Model) ShortHelp() []key.Binding { return m.common.Keys.ShortHelp(keymap.Palette) }

// FullHelp is the palette's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.common.Keys.FullHelp(keymap.Palette) }

// View renders the prompt, the suggestions and any error.
func (m *Model) View() tea.View {
	st := m.common.Styles.Palette
	bw := m.boxWidth()
	inner := max(1, bw-st.Box.GetHorizontalFrameSize())
	lines := []string{text.Truncate(m.input.View(), inner)}
	if m.err != "" {
		for _, l := range strings.Split(ansi.Wrap(m.err, inner, ""), "\n") {
			lines = append(lines, st.Error.Render(l))
		}
	}
	room := 8
	if m.common.Height > 0 {
		room = max(1, min(room, m.common.Height-2-len(lines)))
	}
	first := 0
	if m.sel >= room && m.sel >= 0 {
		first = m.sel - room + 1
	}
	nameW := 0
	for _, c := range m.cands {
		nameW = max(nameW, text.Width(c.label))
	}
	nameW = min(nameW, inner/2)
	for i := first; i < min(len(m.cands), first+room); i++ {
		c := m.cands[i]
		desc := c.help
		if c.aliases != "" {
			desc = "(" + c.aliases + ") " + desc
		}
		name := text.Fit(termtext.Sanitize(c.label), nameW)
		rest := text.Fit(termtext.Sanitize(desc), max(0, inner-nameW-3))
		if i == m.sel {
			lines = append(lines, st.ItemSelected.Render(text.Fit("›"+name+"  "+rest, inner)))
			continue
		}
		lines = append(lines, st.Item.Render(" "+name)+"  "+st.ItemDesc.Render(rest))
	}
	if len(m.cands) == 0 && m.err == "" && m.text() != "" {
		lines = append(lines, st.ItemDesc.Render(text.Truncate("no match", inner)))
	}
	return tea.NewView(st.Box.Width(bw).Render(strings.Join(lines, "\n")))
}
