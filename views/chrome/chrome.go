// Package chrome renders the frame around the views: the header (profile,
// account, API host, SANDBOX and READ-ONLY badges, breadcrumbs), the status
// bar (token state, request spinner, notices, row count and filter) and the
// message shown when the terminal is too small.
//
// # Design
//
// These are pure functions of plain values and the theme: the root fills a
// Header or a Status from its state each frame and lays the result out. They
// hold no state, read no clock (the root passes the token state's text, e.g.
// api.TokenState.String()) and never exceed the width they are given, so
// they are trivially testable. Everything shown comes from the caller;
// names from the API are sanitised.
package chrome

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views/text"
)

// The console lays out from MinWidth×MinHeight up. Below that it shows
// TooSmallView and acts on no key but quit.
const (
	MinWidth  = 60
	MinHeight = 16
)

// HeaderHeight and StatusHeight are the lines Header.View and Status.View take.
const (
	HeaderHeight = 2
	StatusHeight = 1
)

// TooSmall reports whether a terminal is below the minimum size.
func TooSmall(width, height int) bool { return width < MinWidth || height < MinHeight }

// TooSmallView fills width×height with a plain message saying the terminal
// is too small and what it needs. hint, when set, is shown under it (the
// root says there that keys are ignored, after one was typed).
func TooSmallView(st *theme.Styles, width, height int, hint string) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	msg := fmt.Sprintf("Terminal too small: %d×%d.\nmpconsole needs at least %d×%d.\nEnlarge the window or use a smaller font.",
		width, height, MinWidth, MinHeight)
	type line struct {
		text  string
		style lipgloss.Style
	}
	var lines []line
	add := func(text string, style lipgloss.Style) {
		for _, l := range strings.Split(ansi.Wrap(text, width, ""), "\n") {
			lines = append(lines, line{l, style})
		}
	}
	add(msg, st.TooSmall)
	if hint != "" {
		n := len(lines)
		add(termtext.Sanitize(hint), st.Status.Notice)
		if len(lines) < height { // a blank line between, when there is room
			lines = slices.Insert(lines, n, line{})
		} else {
			// No room for both: the hint answers the key just typed, so
			// it goes first.
			lines = append(lines[n:], lines[:n]...)
		}
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	out := make([]string, 0, height)
	blank := strings.Repeat(" ", width)
	top := (height - len(lines)) / 2
	for range top {
		out = append(out, blank)
	}
	for _, l := range lines {
		lw := text.Width(l.text)
		left := (width - lw) / 2
		out = append(out, strings.Repeat(" ", left)+l.style.Render(l.text)+strings.Repeat(" ", width-lw-left))
	}
	for len(out) < height {
		out = append(out, blank)
	}
	return strings.Join(out, "\n")
}

// Header is what the header shows.
type Header struct {
	Profile      string
	ProfileColor color.Color // the profile's colour; nil for the theme's
	Account      string      // account name
	AccountID    string
	Host         string // API host, e.g. api.mparticle.com or 127.0.0.1:43125
	Sandbox      bool
	ReadOnly     bool
	Breadcrumbs  []string // e.g. apps, Mobile App, platforms; the last is current
}

// View renders the header's two lines at width.
func (h Header) View(st *theme.Styles, width int) string {
	if width <= 0 {
		return "\n"
	}
	hs := st.Header
	var badges []string
	if h.Sandbox {
		badges = append(badges, hs.Sandbox.Render("SANDBOX"))
	}
	if h.ReadOnly {
		badges = append(badges, hs.ReadOnly.Render("READ-ONLY"))
	}
	right := strings.Join(badges, " ")

	var left []string
	if h.Profile != "" {
		left = append(left, st.ProfileBadge(h.ProfileColor).Render(termtext.Sanitize(h.Profile)))
	}
	acct := ""
	if h.Account != "" {
		acct = hs.Account.Render(termtext.Sanitize(h.Account))
	}
	if h.AccountID != "" {
		id := hs.AccountID.Render("(" + termtext.Sanitize(h.AccountID) + ")")
		if acct == "" {
			id = hs.Account.Render("account " + termtext.Sanitize(h.AccountID))
		}
		acct = strings.TrimSpace(acct + " " + id)
	}
	if acct != "" {
		left = append(left, acct)
	}
	sep := " " + hs.BreadcrumbSep.Render("·") + " "
	l := strings.Join(left, sep)
	if h.Host != "" {
		// The host is the first to go on a narrow terminal: the profile
		// and the account say where the session works.
		if wh := strings.Join(append(left, hs.Host.Render(termtext.Sanitize(h.Host))), sep); 2+text.Width(wh)+text.Width(right) <= width {
			l = wh
		}
	}
	line1 := joinLR(l, right, width)
	return line1 + "\n" + h.crumbs(st, width)
}

// crumbs renders the breadcrumbs within width (see fitCrumbs).
func (h Header) crumbs(st *theme.Styles, width int) string {
	hs := st.Header
	drawn := fitCrumbs(h.Breadcrumbs, width)
	parts := make([]string, len(drawn))
	for i, d := range drawn {
		if d.crumb == len(h.Breadcrumbs)-1 {
			parts[i] = hs.BreadcrumbCurrent.Render(d.text)
		} else {
			parts[i] = hs.Breadcrumb.Render(d.text)
		}
	}
	return text.Truncate(strings.Join(parts, hs.BreadcrumbSep.Render(crumbSep)), width)
}

// CrumbAt is the breadcrumb drawn at column x of the crumbs line at
// width, as crumbs lays them out (shortened or not); -1 where none is (a
// separator, the ellipsis of dropped crumbs, past the end).
func (h Header) CrumbAt(width, x int) int {
	if x < 0 || x >= width {
		return -1
	}
	at := 0
	for _, d := range fitCrumbs(h.Breadcrumbs, width) {
		w := text.Width(d.text)
		if x >= at && x < at+w {
			return d.crumb
		}
		at += w + crumbSepW
	}
	return -1
}

// crumbSep separates the breadcrumbs.
const crumbSep = " › "

var crumbSepW = text.Width(crumbSep)

// crumbMin is the fewest cells a shortened breadcrumb keeps, its ellipsis
// included.
const crumbMin = 4

// drawnCrumb is a breadcrumb as drawn: its text and which one it is (-1:
// the ellipsis standing for crumbs dropped on the left).
type drawnCrumb struct {
	text  string
	crumb int
}

// fitCrumbs lays the breadcrumbs out within width cells. When they do not
// fit, the middle ones are shortened with an ellipsis, the longest first,
// down to crumbMin cells each; only then the first (where the path starts)
// and last of all the last (where the user is). When even that is too
// wide (a very narrow terminal), the middle crumbs give way to one
// ellipsis, the oldest first, then the first crumb, and the rest is laid
// out again; what is still too wide is cut at the end by crumbs.
func fitCrumbs(crumbs []string, width int) []drawnCrumb {
	n := len(crumbs)
	all := make([]drawnCrumb, n)
	for i, c := range crumbs {
		all[i] = drawnCrumb{termtext.Sanitize(c), i}
	}
	out, ok := shortenCrumbs(all, width)
	if ok || n < 2 {
		return out
	}
	ell := []drawnCrumb{{"…", -1}}
	for drop := 1; drop <= n-2; drop++ {
		if out, ok := shortenCrumbs(slices.Concat(all[:1], ell, all[1+drop:]), width); ok {
			return out
		}
	}
	out, _ = shortenCrumbs(slices.Concat(ell, all[n-1:]), width)
	return out
}

// shortenCrumbs shortens crumbs to fit width as fitCrumbs says, and
// reports whether they fit.
func shortenCrumbs(crumbs []drawnCrumb, width int) ([]drawnCrumb, bool) {
	over := crumbsWidth(crumbs) - width
	if over <= 0 {
		return crumbs, true
	}
	n := len(crumbs)
	ws := make([]int, n)
	for i, c := range crumbs {
		ws[i] = text.Width(c.text)
	}
	cut := slices.Clone(ws)
	least := func(i int) int { return min(ws[i], crumbMin) }
	if n > 2 {
		// The middle crumbs are cut to a level, as a water line: the
		// highest level that saves enough.
		saving := func(level int) int {
			s := 0
			for i := 1; i < n-1; i++ {
				s += ws[i] - max(least(i), min(ws[i], level))
			}
			return s
		}
		lo, hi := 0, slices.Max(ws[1:n-1]) // saving(hi) is 0 < over
		for lo < hi {
			if mid := (lo + hi + 1) / 2; saving(mid) >= over {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		saved := saving(lo)
		for i := 1; i < n-1; i++ {
			cut[i] = max(least(i), min(ws[i], lo))
		}
		// Cells saved beyond need go back to crumbs at the level, the
		// nearest to the current one first.
		for i := n - 2; i >= 1 && saved > over; i-- {
			if cut[i] == lo && lo < ws[i] {
				cut[i]++
				saved--
			}
		}
		over -= saved
	}
	for _, i := range []int{0, n - 1} {
		if d := min(over, cut[i]-least(i)); d > 0 {
			cut[i] -= d
			over -= d
		}
	}
	out := slices.Clone(crumbs)
	for i := range out {
		if cut[i] < ws[i] {
			out[i].text = shorten(out[i].text, cut[i])
		}
	}
	return out, over <= 0
}

// crumbsWidth is the width of crumbs drawn with their separators.
func crumbsWidth(crumbs []drawnCrumb) int {
	w := crumbSepW * max(0, len(crumbs)-1)
	for _, c := range crumbs {
		w += text.Width(c.text)
	}
	return w
}

// shorten cuts s to at most w cells, ending in an ellipsis.
func shorten(s string, w int) string {
	t := ansi.Truncate(s, w, "…")
	if body, ok := strings.CutSuffix(t, "…"); ok {
		t = strings.TrimRight(body, " ") + "…"
	}
	return t
}

// Status is what the status bar shows.
type Status struct {
	Token     api.TokenState // the refresher's state: decides the colour
	TokenText string         // its text, e.g. Token.String(); "" hides the token part
	Busy      bool           // a request is in flight
	Spinner   string         // the spinner's current frame, shown while Busy
	Notice    string         // a transient message ("Copied 312 bytes…")
	Rows      int            // rows shown (after the filter)
	Total     int            // rows loaded
	ShowRows  bool           // the focused view is a table
	Filter    string         // the table's filter
	Marked    int            // rows marked in the table (shown when any)
	Hint      string         // e.g. "? help"
	// Live is the state of a view that refreshes itself ("updated 12s
	// ago"); Paused says its refreshes are failing ("refresh paused: 503,
	// retry in 40s"), which is shown in the warning style and kept longer
	// on a narrow terminal.
	Live   string
	Paused bool
}

// View renders the status bar's line at width. On a narrow terminal the
// less important parts give way first: the help hint, then the token's
// state while it is plainly valid (a renewing or failed token stays), then
// the filter is shortened, then a live view's "updated …" (not a pause);
// what is left is truncated, the left part (token, notice) before the row
// count.
func (s Status) View(st *theme.Styles, width int) string {
	if width <= 0 {
		return ""
	}
	steps := []Status{s}
	t := s
	t.Hint = ""
	steps = append(steps, t)
	if t.Token.Status == api.TokenValid && t.Token.Err == nil {
		t.TokenText = ""
		steps = append(steps, t)
	}
	t.Filter = text.Truncate(t.Filter, 8)
	steps = append(steps, t)
	if !t.Paused && t.Live != "" {
		t.Live = ""
		steps = append(steps, t)
	}
	for _, c := range steps {
		l, r := c.parts(st)
		gap := 0
		if l != "" && r != "" {
			gap = 1
		}
		if 1+text.Width(l)+gap+text.Width(r) <= width {
			return joinLR(l, r, width)
		}
	}
	l, r := t.parts(st)
	return joinLR(l, r, width)
}

// parts renders the left (token, spinner, notice) and right (filter, row
// count, hint) parts of the line.
func (s Status) parts(st *theme.Styles) (string, string) {
	ss := st.Status
	var right []string
	if s.Live != "" {
		style := ss.Live
		if s.Paused {
			style = ss.Paused
		}
		right = append(right, style.Render(termtext.Sanitize(s.Live)))
	}
	if s.Filter != "" {
		right = append(right, ss.Filter.Render("/"+text.Truncate(termtext.Sanitize(s.Filter), 24)))
	}
	if s.ShowRows && s.Marked > 0 {
		right = append(right, ss.Count.Render(fmt.Sprintf("%d marked", s.Marked)))
	}
	if s.ShowRows {
		unit := "rows"
		if s.Total == 1 {
			unit = "row"
		}
		n := fmt.Sprintf("%d %s", s.Total, unit)
		if s.Filter != "" || s.Rows != s.Total {
			n = fmt.Sprintf("%d of %d %s", s.Rows, s.Total, unit)
		}
		right = append(right, ss.Count.Render(n))
	}
	if s.Hint != "" {
		right = append(right, ss.Hint.Render(s.Hint))
	}
	var left []string
	if s.TokenText != "" {
		left = append(left, tokenStyle(st, s.Token).Render("token "+termtext.Sanitize(s.TokenText)))
	}
	if s.Busy {
		sp := s.Spinner
		if sp == "" {
			sp = "…"
		}
		left = append(left, ss.Spinner.Render(sp))
	}
	if s.Notice != "" {
		left = append(left, ss.Notice.Render(termtext.Sanitize(s.Notice)))
	}
	return strings.Join(left, "  "), strings.Join(right, "  ")
}

func tokenStyle(st *theme.Styles, t api.TokenState) lipgloss.Style {
	switch t.Status {
	case api.TokenValid:
		if t.Err != nil {
			return st.Status.TokenRenew
		}
		return st.Status.TokenValid
	case api.TokenRenewing:
		return st.Status.TokenRenew
	case api.TokenFailed:
		return st.Status.TokenFailed
	}
	return st.Status.TokenUnknown
}

// joinLR puts left and right on one line of exactly width cells, right
// aligned right; left is truncated first, then right.
func joinLR(left, right string, width int) string {
	rw := text.Width(right)
	if rw > width {
		right = text.Truncate(right, width)
		rw = text.Width(right)
	}
	room := width - rw
	if right != "" && room > 0 {
		room-- // one space between
	}
	left = " " + left
	left = text.Truncate(left, max(0, room))
	pad := width - text.Width(left) - rw
	return left + strings.Repeat(" ", max(0, pad)) + right
}
