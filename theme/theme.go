// Package theme is the console's one set of styles. Every colour of the UI is
// chosen here; views take a *Styles (through views.Common) and never build a
// colour themselves.
//
// # Design
//
// Three thin layers, as in gh-dash: a small palette of adaptive colours (one
// light and one dark value each, picked with lipgloss.LightDark from the
// background colour the terminal reports), the derived Styles struct grouped
// by part of the screen, and the layout that the views own.
//
// The root model asks for the background colour (tea.RequestBackgroundColor)
// and rebuilds the styles with New(Options{Dark: msg.IsDark()}) when the
// answer arrives; until then it assumes a dark background, the common case.
// Because views hold a pointer to the Styles, assigning the new value to it
// restyles every view at once; each session (local or SSH) owns its own.
//
// NO_COLOR (set and not empty, the common convention) builds styles without a
// single colour: emphasis is carried by bold, underline, faint and reverse
// video (the table cursor, the selected button and the badges are reversed),
// so the console stays readable. Bubble Tea additionally downsamples colours
// to what the terminal supports.
package theme

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// Options select a variant of the theme.
type Options struct {
	// Dark is true on a dark terminal background (tea.BackgroundColorMsg.IsDark).
	Dark bool
	// NoColor builds styles without colours (NO_COLOR).
	NoColor bool
	// Skin overrides colours of the palette (a skin file); NO_COLOR wins.
	Skin Skin
}

// NoColorEnv reports whether NO_COLOR is set to a non-empty value in environ
// (os.Environ() locally, the session's environment over SSH).
func NoColorEnv(environ []string) bool {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}

// Styles is every style of the console.
type Styles struct {
	Dark    bool
	NoColor bool

	Header    HeaderStyles
	Table     TableStyles
	Status    StatusStyles
	ErrorPane ErrorPaneStyles
	ErrorLog  ErrorLogStyles
	JSON      JSONStyles
	Editor    EditorStyles
	Diff      DiffStyles
	Dialog    DialogStyles
	Palette   PaletteStyles
	Help      HelpStyles
	Tree      TreeStyles
	Input     InputStyles
	// TooSmall is the message shown when the terminal is below 80×24.
	TooSmall lipgloss.Style

	accent color.Color
}

// HeaderStyles style the top line(s): profile, account, host, badges and
// breadcrumbs.
type HeaderStyles struct {
	Bar               lipgloss.Style
	Profile           lipgloss.Style // the profile badge when the profile sets no colour
	Account           lipgloss.Style
	AccountID         lipgloss.Style
	Host              lipgloss.Style
	Sandbox           lipgloss.Style // SANDBOX badge
	ReadOnly          lipgloss.Style // READ-ONLY badge
	Breadcrumb        lipgloss.Style
	BreadcrumbSep     lipgloss.Style
	BreadcrumbCurrent lipgloss.Style
}

// TableStyles style the resource table.
type TableStyles struct {
	Header        lipgloss.Style
	HeaderSorted  lipgloss.Style
	Row           lipgloss.Style
	Selected      lipgloss.Style // the cursor row
	Marked        lipgloss.Style // a marked row (its * mark carries it without colour)
	Match         lipgloss.Style // filter match in a row
	SelectedMatch lipgloss.Style // filter match in the cursor row
	Changed       lipgloss.Style // a row a background refresh changed or added, for a moment
	Empty         lipgloss.Style // "no rows" and "loading"
	FilterPrompt  lipgloss.Style
	FilterText    lipgloss.Style
	FilterMode    lipgloss.Style // the filter's mode beside the prompt (regex, fuzzy, …)
	FilterWarn    lipgloss.Style // a filter not read as it looks ("not a regex", "no column")
}

// StatusStyles style the bottom status bar.
type StatusStyles struct {
	Bar          lipgloss.Style
	TokenValid   lipgloss.Style
	TokenRenew   lipgloss.Style
	TokenFailed  lipgloss.Style
	TokenUnknown lipgloss.Style
	Spinner      lipgloss.Style
	Count        lipgloss.Style
	Filter       lipgloss.Style
	Notice       lipgloss.Style
	Hint         lipgloss.Style
	Live         lipgloss.Style // "updated 12s ago" of a view that refreshes itself
	Paused       lipgloss.Style // "refresh paused: 503, retry in 40s"
}

// ErrorPaneStyles style the error pane under the table.
type ErrorPaneStyles struct {
	Box     lipgloss.Style
	Title   lipgloss.Style
	Request lipgloss.Style
	Code    lipgloss.Style
	Message lipgloss.Style
	Hint    lipgloss.Style
	Retry   lipgloss.Style
	Warning lipgloss.Style // "the write may or may not have been applied"
	Dismiss lipgloss.Style
}

// ErrorLogStyles style the error log.
type ErrorLogStyles struct {
	Title    lipgloss.Style
	Time     lipgloss.Style
	Status   lipgloss.Style
	Request  lipgloss.Style
	Message  lipgloss.Style
	Selected lipgloss.Style
	Empty    lipgloss.Style
}

// JSONStyles colour JSON tokens in the inspector.
type JSONStyles struct {
	Title        lipgloss.Style
	Key          lipgloss.Style
	String       lipgloss.Style
	Number       lipgloss.Style
	Literal      lipgloss.Style // true, false, null
	Punct        lipgloss.Style
	Plain        lipgloss.Style
	LineNo       lipgloss.Style
	Match        lipgloss.Style
	CurrentMatch lipgloss.Style
	Info         lipgloss.Style
}

// EditorStyles style the JSON editor (its text uses JSONStyles).
type EditorStyles struct {
	Title         lipgloss.Style
	Modified      lipgloss.Style // "modified" beside the title
	Position      lipgloss.Style // "Ln 12, Col 5"
	LineNo        lipgloss.Style
	LineNoCurrent lipgloss.Style // the cursor's line
	LineNoError   lipgloss.Style // the line of the first syntax error
	Immutable     lipgloss.Style // gutter mark of a field the API will not change
	Cursor        lipgloss.Style
	Valid         lipgloss.Style // "valid JSON"
	Invalid       lipgloss.Style // "line 3, column 7: …"
	Refusal       lipgloss.Style // "id cannot be changed"
	Message       lipgloss.Style
	Hint          lipgloss.Style // enum values beside a field
	Saving        lipgloss.Style
}

// DiffStyles style a structural JSON diff.
type DiffStyles struct {
	Title   lipgloss.Style
	Summary lipgloss.Style
	Path    lipgloss.Style
	Added   lipgloss.Style // the "+" mark
	Removed lipgloss.Style // the "-" mark
	Changed lipgloss.Style // the "~" mark
	Old     lipgloss.Style
	New     lipgloss.Style
	Arrow   lipgloss.Style
}

// DialogStyles style confirmation dialogs.
type DialogStyles struct {
	Box          lipgloss.Style
	DangerBox    lipgloss.Style
	Title        lipgloss.Style
	Body         lipgloss.Style
	Button       lipgloss.Style
	ButtonActive lipgloss.Style
	DangerActive lipgloss.Style // the focused "Yes" of a destructive dialog
	Hint         lipgloss.Style
	Error        lipgloss.Style
}

// PaletteStyles style the command palette.
type PaletteStyles struct {
	Box          lipgloss.Style
	Item         lipgloss.Style
	ItemSelected lipgloss.Style
	ItemDesc     lipgloss.Style
	Error        lipgloss.Style
}

// HelpStyles style the help screen.
type HelpStyles struct {
	Title   lipgloss.Style
	Section lipgloss.Style
	Key     lipgloss.Style
	Desc    lipgloss.Style
	Sep     lipgloss.Style
}

// InputStyles style text prompts (filter, search, palette, dialogs).
type InputStyles struct {
	Prompt      lipgloss.Style
	Text        lipgloss.Style
	Placeholder lipgloss.Style
}

// palette is the theme's colours for one background.
type palette struct {
	fg, muted, accent, selBg, selFg, errc, warn, ok color.Color
	matchBg, curMatchBg, onBright, onDark           color.Color
	jsonKey, jsonString, jsonNumber, jsonLiteral    color.Color
	buttonBg                                        color.Color
}

func newPalette(dark bool) palette {
	ld := lipgloss.LightDark(dark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	return palette{
		fg:          c("#1F1F1F", "#DDDDDD"),
		muted:       c("#6B6B6B", "#8A8A8A"),
		accent:      c("#5A56E0", "#8D89FF"),
		selBg:       c("#DCDAFF", "#3B3A6B"),
		selFg:       c("#111111", "#FFFFFF"),
		errc:        c("#C4152C", "#FF6B78"),
		warn:        c("#A15C00", "#FFB454"),
		ok:          c("#1A7F37", "#56D364"),
		matchBg:     c("#FFE58F", "#6E5600"),
		curMatchBg:  c("#FF9E3D", "#FF9E3D"),
		onBright:    lipgloss.Color("#111111"),
		onDark:      lipgloss.Color("#FFFFFF"),
		jsonKey:     c("#0550AE", "#79C0FF"),
		jsonString:  c("#0A7F3F", "#A5D6A7"),
		jsonNumber:  c("#953800", "#FFA657"),
		jsonLiteral: c("#8250DF", "#D2A8FF"),
		buttonBg:    c("#E4E4E4", "#3A3A3A"),
	}
}

// painter applies colours unless NO_COLOR is in force.
type painter struct{ noColor bool }

func (p painter) fg(s lipgloss.Style, c color.Color) lipgloss.Style {
	if p.noColor {
		return s
	}
	return s.Foreground(c)
}

func (p painter) bg(s lipgloss.Style, c color.Color) lipgloss.Style {
	if p.noColor {
		return s
	}
	return s.Background(c)
}

func (p painter) border(s lipgloss.Style, c color.Color) lipgloss.Style {
	if p.noColor {
		return s
	}
	return s.BorderForeground(c)
}

// color-less emphasis, used only under NO_COLOR.
func (p painter) or(s lipgloss.Style, plain func(lipgloss.Style) lipgloss.Style) lipgloss.Style {
	if p.noColor {
		return plain(s)
	}
	return s
}

func reverse(s lipgloss.Style) lipgloss.Style   { return s.Reverse(true) }
func underline(s lipgloss.Style) lipgloss.Style { return s.Underline(true) }
func faint(s lipgloss.Style) lipgloss.Style     { return s.Faint(true) }

// New builds the styles for a background and colour mode.
func New(o Options) *Styles {
	c := newPalette(o.Dark)
	c.apply(o.Skin)
	p := painter{noColor: o.NoColor}
	n := lipgloss.NewStyle
	badge := func(bgc, fgc color.Color) lipgloss.Style {
		return p.or(p.fg(p.bg(n().Bold(true).Padding(0, 1), bgc), fgc), reverse)
	}
	selected := p.or(p.fg(p.bg(n().Bold(true), c.selBg), c.selFg), reverse)
	box := p.border(n().Border(lipgloss.RoundedBorder()).Padding(0, 1), c.accent)

	s := &Styles{Dark: o.Dark, NoColor: o.NoColor, accent: c.accent}
	s.Header = HeaderStyles{
		Bar:               n(),
		Profile:           badge(c.accent, c.onDark),
		Account:           p.fg(n().Bold(true), c.fg),
		AccountID:         p.or(p.fg(n(), c.muted), faint),
		Host:              p.or(p.fg(n(), c.muted), faint),
		Sandbox:           badge(c.warn, c.onBright),
		ReadOnly:          badge(c.errc, c.onDark),
		Breadcrumb:        p.fg(n(), c.muted),
		BreadcrumbSep:     p.or(p.fg(n(), c.muted), faint),
		BreadcrumbCurrent: p.fg(n().Bold(true), c.accent),
	}
	s.Table = TableStyles{
		Header:        p.or(p.fg(n().Bold(true), c.muted), underline),
		HeaderSorted:  p.or(p.fg(n().Bold(true), c.accent), underline),
		Row:           n(),
		Selected:      selected,
		Marked:        p.fg(n().Bold(true), c.warn),
		Match:         p.or(p.fg(p.bg(n(), c.matchBg), c.onBright), func(s lipgloss.Style) lipgloss.Style { return s.Underline(true).Bold(true) }),
		SelectedMatch: p.or(p.fg(p.bg(n().Bold(true).Underline(true), c.curMatchBg), c.onBright), func(s lipgloss.Style) lipgloss.Style { return s.Reverse(true).Underline(true) }),
		Changed:       p.or(p.fg(n(), c.ok), func(s lipgloss.Style) lipgloss.Style { return s.Bold(true) }),
		Empty:         p.or(p.fg(n().Italic(true), c.muted), faint),
		FilterPrompt:  p.fg(n().Bold(true), c.accent),
		FilterText:    p.fg(n(), c.fg),
		FilterMode:    p.or(p.fg(n().Italic(true), c.muted), faint),
		FilterWarn:    p.fg(n().Bold(true), c.warn),
	}
	s.Status = StatusStyles{
		Bar:          n(),
		TokenValid:   p.fg(n(), c.ok),
		TokenRenew:   p.or(p.fg(n(), c.warn), func(s lipgloss.Style) lipgloss.Style { return s.Italic(true) }),
		TokenFailed:  p.fg(n().Bold(true), c.errc),
		TokenUnknown: p.or(p.fg(n(), c.muted), faint),
		Spinner:      p.fg(n(), c.accent),
		Count:        p.fg(n(), c.muted),
		Filter:       p.fg(n().Bold(true), c.accent),
		Notice:       p.fg(n(), c.ok),
		Hint:         p.or(p.fg(n(), c.muted), faint),
		Live:         p.or(p.fg(n(), c.muted), faint),
		Paused:       p.or(p.fg(n(), c.warn), func(s lipgloss.Style) lipgloss.Style { return s.Italic(true) }),
	}
	s.ErrorPane = ErrorPaneStyles{
		Box:     p.border(n().Border(lipgloss.RoundedBorder()).Padding(0, 1), c.errc),
		Title:   p.fg(n().Bold(true), c.errc),
		Request: p.or(p.fg(n(), c.muted), faint),
		Code:    p.fg(n().Bold(true), c.errc),
		Message: p.fg(n(), c.fg),
		Hint:    p.fg(n(), c.fg),
		Retry:   p.fg(n(), c.warn),
		Warning: p.or(p.fg(n().Bold(true), c.warn), underline),
		Dismiss: p.or(p.fg(n(), c.muted), faint),
	}
	s.ErrorLog = ErrorLogStyles{
		Title:    p.fg(n().Bold(true), c.accent),
		Time:     p.or(p.fg(n(), c.muted), faint),
		Status:   p.fg(n().Bold(true), c.errc),
		Request:  p.fg(n(), c.fg),
		Message:  p.fg(n(), c.fg),
		Selected: selected,
		Empty:    p.or(p.fg(n().Italic(true), c.muted), faint),
	}
	s.JSON = JSONStyles{
		Title:        p.fg(n().Bold(true), c.accent),
		Key:          p.or(p.fg(n(), c.jsonKey), func(s lipgloss.Style) lipgloss.Style { return s.Bold(true) }),
		String:       p.fg(n(), c.jsonString),
		Number:       p.fg(n(), c.jsonNumber),
		Literal:      p.or(p.fg(n(), c.jsonLiteral), func(s lipgloss.Style) lipgloss.Style { return s.Italic(true) }),
		Punct:        p.fg(n(), c.muted),
		Plain:        n(),
		LineNo:       p.or(p.fg(n(), c.muted), faint),
		Match:        p.or(p.fg(p.bg(n(), c.matchBg), c.onBright), underline),
		CurrentMatch: p.or(p.fg(p.bg(n().Bold(true), c.curMatchBg), c.onBright), reverse),
		Info:         p.or(p.fg(n(), c.muted), faint),
	}
	s.Editor = EditorStyles{
		Title:         p.fg(n().Bold(true), c.accent),
		Modified:      p.or(p.fg(n().Bold(true), c.warn), func(s lipgloss.Style) lipgloss.Style { return s.Italic(true) }),
		Position:      p.or(p.fg(n(), c.muted), faint),
		LineNo:        p.or(p.fg(n(), c.muted), faint),
		LineNoCurrent: p.fg(n().Bold(true), c.fg),
		LineNoError:   p.or(p.fg(n().Bold(true), c.errc), reverse),
		Immutable:     p.fg(n().Bold(true), c.warn),
		Cursor:        n().Reverse(true),
		Valid:         p.fg(n(), c.ok),
		Invalid:       p.fg(n().Bold(true), c.errc),
		Refusal:       p.or(p.fg(n().Bold(true), c.errc), underline),
		Message:       p.fg(n(), c.fg),
		Hint:          p.or(p.fg(n().Italic(true), c.muted), faint),
		Saving:        p.fg(n().Bold(true), c.accent),
	}
	s.Diff = DiffStyles{
		Title:   p.fg(n().Bold(true), c.accent),
		Summary: p.or(p.fg(n(), c.muted), faint),
		Path:    p.fg(n().Bold(true), c.fg),
		Added:   p.fg(n().Bold(true), c.ok),
		Removed: p.fg(n().Bold(true), c.errc),
		Changed: p.fg(n().Bold(true), c.warn),
		Old:     p.or(p.fg(n(), c.errc), func(s lipgloss.Style) lipgloss.Style { return s.Strikethrough(true) }),
		New:     p.or(p.fg(n(), c.ok), underline),
		Arrow:   p.or(p.fg(n(), c.muted), faint),
	}
	s.Dialog = DialogStyles{
		Box:          box,
		DangerBox:    p.border(n().Border(lipgloss.RoundedBorder()).Padding(0, 1), c.errc),
		Title:        p.fg(n().Bold(true), c.fg),
		Body:         p.fg(n(), c.fg),
		Button:       p.fg(p.bg(n().Padding(0, 2), c.buttonBg), c.fg),
		ButtonActive: p.or(p.fg(p.bg(n().Padding(0, 2).Bold(true), c.accent), c.onDark), reverse),
		DangerActive: p.or(p.fg(p.bg(n().Padding(0, 2).Bold(true), c.errc), c.onDark), reverse),
		Hint:         p.or(p.fg(n(), c.muted), faint),
		Error:        p.fg(n().Bold(true), c.errc),
	}
	s.Palette = PaletteStyles{
		Box:          box,
		Item:         p.fg(n(), c.fg),
		ItemSelected: selected,
		ItemDesc:     p.or(p.fg(n(), c.muted), faint),
		Error:        p.fg(n().Bold(true), c.errc),
	}
	s.Help = HelpStyles{
		Title:   p.fg(n().Bold(true), c.accent),
		Section: p.or(p.fg(n().Bold(true), c.fg), underline),
		Key:     p.fg(n().Bold(true), c.accent),
		Desc:    p.fg(n(), c.fg),
		Sep:     p.or(p.fg(n(), c.muted), faint),
	}
	s.Input = InputStyles{
		Prompt:      p.fg(n().Bold(true), c.accent),
		Text:        p.fg(n(), c.fg),
		Placeholder: p.or(p.fg(n(), c.muted), faint),
	}
	s.Tree = treeStyles(p, c, selected)
	s.TooSmall = p.fg(n().Bold(true), c.warn)
	if o.NoColor {
		s.accent = nil
	}
	return s
}

// ProfileBadge styles the profile name with the profile's own colour (from
// the profiles file), so that production looks different. A nil colour, or
// NO_COLOR, gives the default badge.
func (s *Styles) ProfileBadge(c color.Color) lipgloss.Style {
	if c == nil || s.NoColor {
		return s.Header.Profile
	}
	return s.Header.Profile.Background(c).Foreground(contrast(c))
}

// contrast picks black or white text for a background colour.
func contrast(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	// Relative luminance, approximately (sRGB weights, 16-bit channels).
	l := 0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)
	if l > 0.5*0xffff {
		return lipgloss.Color("#111111")
	}
	return lipgloss.Color("#FFFFFF")
}

// TextInput returns bubbles textinput styles in the theme. The cursor does
// not blink: a blinking cursor redraws twice a second, for nothing over SSH.
func (s *Styles) TextInput() textinput.Styles {
	st := textinput.StyleState{
		Text:        s.Input.Text,
		Placeholder: s.Input.Placeholder,
		Suggestion:  s.Input.Placeholder,
		Prompt:      s.Input.Prompt,
	}
	return textinput.Styles{
		Focused: st,
		Blurred: st,
		Cursor:  textinput.CursorStyle{Color: s.accent, Shape: tea.CursorBlock, Blink: false, BlinkSpeed: 500 * time.Millisecond},
	}
}

// HelpModel returns bubbles help styles in the theme.
func (s *Styles) HelpModel() help.Styles {
	return help.Styles{
		Ellipsis:       s.Help.Sep,
		ShortKey:       s.Help.Key,
		ShortDesc:      s.Help.Desc,
		ShortSeparator: s.Help.Sep,
		FullKey:        s.Help.Key,
		FullDesc:       s.Help.Desc,
		FullSeparator:  s.Help.Sep,
	}
}

var namedColors = map[string]int{
	"black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
	"gray": 8, "grey": 8,
	"bright-black": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
	"bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
}

// ParseColor reads a colour as the profiles file writes it: "#d70000",
// "#d00", an ANSI 256-colour index "160", or a basic name ("red",
// "bright-blue"). Anything else is an error that names the value.
func ParseColor(v string) (color.Color, error) {
	t := strings.ToLower(strings.TrimSpace(v))
	switch {
	case t == "":
		return nil, fmt.Errorf("colour is empty")
	case strings.HasPrefix(t, "#"):
		if len(t) != 4 && len(t) != 7 {
			return nil, fmt.Errorf("colour %q: want #rgb or #rrggbb", v)
		}
		for _, r := range t[1:] {
			if !strings.ContainsRune("0123456789abcdef", r) {
				return nil, fmt.Errorf("colour %q: %q is not a hex digit", v, r)
			}
		}
		return lipgloss.Color(t), nil
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n < 0 || n > 255 {
			return nil, fmt.Errorf("colour %q: an ANSI colour index is 0 to 255", v)
		}
		return lipgloss.Color(t), nil
	}
	if i, ok := namedColors[strings.ReplaceAll(t, "_", "-")]; ok {
		return lipgloss.Color(strconv.Itoa(i)), nil
	}
	return nil, fmt.Errorf("colour %q: want #rrggbb, an ANSI index 0-255 or a name (red, green, yellow, blue, magenta, cyan, white, black, gray, bright-…)", v)
}
