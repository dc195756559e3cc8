package chrome

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/theme"
)

var dark = theme.New(theme.Options{Dark: true})

func lines(s string) []string { return strings.Split(s, "\n") }

func TestHeader(t *testing.T) {
	red, _ := theme.ParseColor("#d70000")
	h := Header{
		Profile: "prod", ProfileColor: red, Account: "Acme Travel", AccountID: "1", Host: "127.0.0.1:43125",
		Sandbox: true, ReadOnly: true, Breadcrumbs: []string{"apps", "Mobile App", "platforms"},
	}
	tests := []struct {
		name  string
		width int
		want  []string
	}{
		{"wide", 120, []string{"prod", "Acme Travel (1)", "127.0.0.1:43125", "SANDBOX", "READ-ONLY", "apps › Mobile App › platforms"}},
		{"80 columns", 80, []string{"prod", "Acme Travel (1)", "SANDBOX", "READ-ONLY", "apps › Mobile App › platforms"}},
		{"minimum drops the host, keeps the account", MinWidth, []string{"prod", "Acme Travel (1)", "SANDBOX", "READ-ONLY", "apps › Mobile App › platforms"}},
		{"narrow keeps the badges", 24, []string{"SANDBOX", "READ-ONLY", "apps › Mobi… › platforms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := h.View(dark, tt.width)
			if tt.width == MinWidth && strings.Contains(v, h.Host) {
				t.Errorf("the host is kept at %d columns", tt.width)
			}
			ls := lines(v)
			if len(ls) != HeaderHeight {
				t.Fatalf("%d lines", len(ls))
			}
			if w := ansi.StringWidth(ls[0]); w != tt.width {
				t.Errorf("first line is %d cells, want %d", w, tt.width)
			}
			if w := ansi.StringWidth(ls[1]); w > tt.width {
				t.Errorf("breadcrumbs are %d cells", w)
			}
			plain := ansi.Strip(v)
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("header lacks %q:\n%s", w, plain)
				}
			}
		})
	}
	v := h.View(dark, 120)
	if !strings.Contains(v, dark.Header.Sandbox.Render("SANDBOX")) || !strings.Contains(v, dark.Header.ReadOnly.Render("READ-ONLY")) {
		t.Error("badges not styled by the theme")
	}
	if !strings.Contains(v, "48;2;215;0;0") {
		t.Error("the profile colour is not used")
	}
	// No badges when not on the sandbox and not read-only.
	plain := ansi.Strip(Header{Profile: "prod", AccountID: "77", Breadcrumbs: []string{"apps"}}.View(dark, 80))
	if strings.Contains(plain, "SANDBOX") || strings.Contains(plain, "READ-ONLY") || !strings.Contains(plain, "account 77") {
		t.Errorf("plain header:\n%s", plain)
	}
}

var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// hasColour reports whether s sets a foreground or background colour.
func hasColour(s string) bool {
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				return true
			}
		}
	}
	return false
}

func TestNoColorHeaderAndStatus(t *testing.T) {
	nc := theme.New(theme.Options{NoColor: true})
	red, _ := theme.ParseColor("red")
	out := Header{Profile: "prod", ProfileColor: red, Account: "A", Sandbox: true, ReadOnly: true, Breadcrumbs: []string{"apps", "x"}}.View(nc, 100) +
		Status{Token: api.TokenState{Status: api.TokenFailed}, TokenText: "failed: refused", Busy: true, Spinner: "⠋", ShowRows: true, Rows: 1, Total: 2, Filter: "a"}.View(nc, 100)
	if !hasColour(Header{Profile: "prod", Sandbox: true}.View(dark, 100)) {
		t.Fatal("the colour detector finds nothing in a coloured header")
	}
	if hasColour(out) {
		t.Fatalf("colour under NO_COLOR: %q", out)
	}
	if !strings.Contains(out, nc.Header.Sandbox.Render("SANDBOX")) {
		t.Fatal("badge")
	}
}

func TestStatus(t *testing.T) {
	valid := api.TokenState{Status: api.TokenValid, ValidUntil: time.Now().Add(8 * time.Hour)}
	tests := []struct {
		name  string
		s     Status
		want  []string
		not   []string
		style string
	}{
		{"valid token and rows", Status{Token: valid, TokenText: "valid for 7h59m", ShowRows: true, Rows: 12, Total: 12, Hint: "? help"},
			[]string{"token valid for 7h59m", "12 rows", "? help"}, []string{"of"}, dark.Status.TokenValid.Render("token valid for 7h59m")},
		{"filtered", Status{Token: valid, TokenText: "valid for 1h", ShowRows: true, Rows: 3, Total: 340, Filter: "mob"},
			[]string{"/mob", "3 of 340 rows"}, nil, ""},
		{"one row", Status{Token: valid, TokenText: "valid for 1h", ShowRows: true, Rows: 1, Total: 1},
			[]string{"1 row"}, []string{"1 rows"}, ""},
		{"marked", Status{Token: valid, TokenText: "valid for 1h", ShowRows: true, Rows: 12, Total: 12, Marked: 3},
			[]string{"3 marked", "12 rows"}, nil, ""},
		{"nothing marked", Status{Token: valid, TokenText: "valid for 1h", ShowRows: true, Rows: 12, Total: 12},
			nil, []string{"marked"}, ""},
		{"renewing", Status{Token: api.TokenState{Status: api.TokenRenewing}, TokenText: "renewing"},
			[]string{"token renewing"}, []string{"rows"}, dark.Status.TokenRenew.Render("token renewing")},
		{"renewal failed but token valid", Status{Token: api.TokenState{Status: api.TokenValid, Err: errors.New("x")}, TokenText: "valid for 1h; renewal failed: x"},
			[]string{"renewal failed"}, nil, dark.Status.TokenRenew.Render("token valid for 1h; renewal failed: x")},
		{"failed", Status{Token: api.TokenState{Status: api.TokenFailed}, TokenText: "failed: connection refused"},
			[]string{"token failed: connection refused"}, nil, dark.Status.TokenFailed.Render("token failed: connection refused")},
		{"busy", Status{Busy: true, Spinner: "⠙", Notice: "Copied 312 bytes"},
			[]string{"⠙", "Copied 312 bytes"}, nil, ""},
		{"idle has no spinner", Status{Spinner: "⠙"}, nil, []string{"⠙"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.s.View(dark, 100)
			if w := ansi.StringWidth(v); w != 100 || strings.Contains(v, "\n") {
				t.Fatalf("status is %d cells: %q", w, ansi.Strip(v))
			}
			plain := ansi.Strip(v)
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("lacks %q: %q", w, plain)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(plain, n) {
					t.Errorf("has %q: %q", n, plain)
				}
			}
			if tt.style != "" && !strings.Contains(v, tt.style) {
				t.Errorf("token not styled for its state: %q", v)
			}
		})
	}
	// A long token text gives way to the row count and filter.
	s := Status{TokenText: "failed: " + strings.Repeat("very long reason ", 20), ShowRows: true, Rows: 5, Total: 99, Filter: "abc"}
	plain := ansi.Strip(s.View(dark, 80))
	if !strings.HasSuffix(plain, "/abc  5 of 99 rows") || ansi.StringWidth(plain) != 80 {
		t.Fatalf("row count lost: %q", plain)
	}
}

func TestTooSmall(t *testing.T) {
	tests := []struct {
		w, h  int
		small bool
	}{{MinWidth, MinHeight, false}, {80, 24, false}, {200, 60, false}, {MinWidth - 1, MinHeight, true}, {MinWidth, MinHeight - 1, true}, {20, 5, true}}
	for _, tt := range tests {
		if TooSmall(tt.w, tt.h) != tt.small {
			t.Errorf("TooSmall(%d, %d)", tt.w, tt.h)
		}
	}
	const hint = "window too small: keys are ignored until it is at least 60×16"
	for _, sz := range [][2]int{{59, 20}, {40, 10}, {30, 6}, {10, 2}, {40, 1}} {
		for _, h := range []string{"", hint} {
			v := TooSmallView(dark, sz[0], sz[1], h)
			ls := lines(v)
			if len(ls) != sz[1] {
				t.Fatalf("%v %q: %d lines", sz, h, len(ls))
			}
			for _, l := range ls {
				if ansi.StringWidth(l) != sz[0] {
					t.Fatalf("%v %q: line of %d cells", sz, h, ansi.StringWidth(l))
				}
			}
		}
	}
	plain := ansi.Strip(TooSmallView(dark, 59, 20, ""))
	if !strings.Contains(plain, "Terminal too small: 59×20.") || !strings.Contains(plain, "at least 60×16") || strings.Contains(plain, "ignored") {
		t.Fatalf("message:\n%s", plain)
	}
	// With a hint: under the message when there is room, first when not.
	plain = ansi.Strip(TooSmallView(dark, 40, 10, hint))
	if i, j := strings.Index(plain, "Terminal too small"), strings.Index(plain, "keys are"); i < 0 || j < i {
		t.Fatalf("hint not under the message:\n%s", plain)
	}
	plain = ansi.Strip(TooSmallView(dark, 40, 3, hint))
	if !strings.Contains(plain, "window too small: keys are ignored") {
		t.Fatalf("hint lost when there is no room for both:\n%s", plain)
	}
	if TooSmallView(dark, 0, 0, hint) != "" {
		t.Fatal("zero size")
	}
}

// TestStatusGivesWayByImportance: on a narrow terminal the hint goes
// first, then a plainly valid token; a failed token and the notice stay.
func TestStatusGivesWayByImportance(t *testing.T) {
	valid := api.TokenState{Status: api.TokenValid, ValidUntil: time.Now().Add(8 * time.Hour)}
	failed := api.TokenState{Status: api.TokenFailed}
	tests := []struct {
		name string
		s    Status
		want []string
		not  []string
	}{
		{"hint first", Status{Token: valid, TokenText: "valid for 7h59m", Notice: "nothing deleted, iOS kept", ShowRows: true, Rows: 3, Total: 3, Hint: "? help"},
			[]string{"token valid for 7h59m", "nothing deleted, iOS kept", "3 rows"}, []string{"? help"}},
		{"then a valid token", Status{Token: valid, TokenText: "valid for 7h59m", Notice: "delete platform 12: done", ShowRows: true, Rows: 3, Total: 40, Filter: "ios", Hint: "? help"},
			[]string{"delete platform 12: done", "/ios", "3 of 40 rows"}, []string{"token", "? help"}},
		{"a failed token stays", Status{Token: failed, TokenText: "failed: connection refused", Notice: "Copied 312 bytes", ShowRows: true, Rows: 3, Total: 3, Hint: "? help"},
			[]string{"token failed: connection refused", "Copied 312 bytes", "3 rows"}, []string{"? help"}},
		{"a long filter is shortened", Status{Token: valid, TokenText: "valid for 7h59m", Notice: "create platform roku: saved", ShowRows: true, Rows: 1, Total: 12, Filter: "a very long filter text"},
			[]string{"create platform roku: saved", "1 of 12 rows", "/a very"}, []string{"token", "filter text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.s.View(dark, MinWidth)
			if w := ansi.StringWidth(v); w != MinWidth {
				t.Fatalf("%d cells", w)
			}
			plain := ansi.Strip(v)
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("lacks %q: %q", w, plain)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(plain, n) {
					t.Errorf("has %q: %q", n, plain)
				}
			}
		})
	}
}

// CrumbAt finds the crumb under a column as crumbs draws them, also when
// they are shortened or the oldest gave way to an ellipsis.
func TestCrumbAtFollowsTheDrawnCrumbs(t *testing.T) {
	h := Header{Breadcrumbs: []string{"apps", "Acme Shop", "platforms"}}
	for _, c := range []struct {
		width, x, want int
	}{
		// apps › Acme Shop › platforms
		{80, 0, 0}, {80, 3, 0}, {80, 4, -1}, {80, 7, 1}, {80, 15, 1}, {80, 19, 2}, {80, 28, -1}, {80, -1, -1},
		// apps › Acme… › platforms
		{25, 2, 0}, {25, 7, 1}, {25, 11, 1}, {25, 12, -1}, {25, 15, 2}, {25, 23, 2}, {25, 24, -1},
		// apps › Acm… › platf…
		{20, 0, 0}, {20, 4, -1}, {20, 7, 1}, {20, 10, 1}, {20, 11, -1}, {20, 14, 2}, {20, 19, 2}, {20, 20, -1},
		// … › platfor…
		{12, 0, -1}, {12, 2, -1}, {12, 4, 2}, {12, 11, 2}, {12, 12, -1},
	} {
		if got := h.CrumbAt(c.width, c.x); got != c.want {
			t.Errorf("CrumbAt(%d, %d) = %d, want %d (%q)", c.width, c.x, got, c.want,
				ansi.Strip(h.crumbs(theme.New(theme.Options{}), c.width)))
		}
	}
}

// Breadcrumbs too long for the width shorten the longest middle crumb
// first, keeping the first and the last whole; the ends shorten only when
// every middle crumb is at its least.
func TestBreadcrumbsShortenTheMiddleFirst(t *testing.T) {
	deep := []string{"workspaces", "mP Traveller Production Workspace", "audiences", "High value travellers in Europe", "audience members"}
	tests := []struct {
		name   string
		crumbs []string
		width  int
		want   string
	}{
		{"fits", deep, 120, "workspaces › mP Traveller Production Workspace › audiences › High value travellers in Europe › audience members"},
		{"the longest middle crumb first", deep, 110, "workspaces › mP Traveller Production Workspa… › audiences › High value travellers in Europe › audience members"},
		{"the long middle crumbs to one level", deep, 80, "workspaces › mP Traveller Pr… › audiences › High value trave… › audience members"},
		{"every middle crumb to one level", deep, 60, "workspaces › mP Tra… › audien… › High va… › audience members"},
		{"the middle at its least, the ends whole", deep, 50, "workspaces › mP… › aud… › Hig… › audience members"},
		{"then the first", deep, 46, "works… › mP… › aud… › Hig… › audience members"},
		{"then the last", deep, 40, "wor… › mP… › aud… › Hig… › audience me…"},
		{"then the oldest give way", deep, 30, "wor… › … › aud… › Hig… › audi…"},
		{"two crumbs: the first before the last", []string{"a very long first crumb", "the current one"}, 30, "a very long… › the current one"},
		{"one crumb", []string{"a single very long crumb"}, 10, "a single…"},
		{"a wide character is not split", []string{"apps", "日本語のアプリ", "platforms"}, 24, "apps › 日本… › platforms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ansi.Strip(Header{Breadcrumbs: tt.crumbs}.crumbs(dark, tt.width))
			if got != tt.want {
				t.Fatalf("at %d:\n got %q\nwant %q", tt.width, got, tt.want)
			}
			if w := ansi.StringWidth(got); w > tt.width {
				t.Fatalf("%d cells at %d", w, tt.width)
			}
		})
	}
}

// At every width the crumbs fit, and a click lands on the crumb drawn
// under it.
func TestCrumbsFitAndClicksFollowThem(t *testing.T) {
	crumbs := []string{"apps", "Acme Shop with a long name", "data points", "a \x1bdata point\x07 name", "x"}
	h := Header{Breadcrumbs: crumbs}
	for width := 1; width <= 100; width++ {
		line := ansi.Strip(h.crumbs(dark, width))
		if w := ansi.StringWidth(line); w > width {
			t.Fatalf("%d cells at %d: %q", w, width, line)
		}
		if width >= 12 && !strings.HasSuffix(line, " › x") {
			t.Errorf("at %d the current crumb is lost: %q", width, line)
		}
		if width < 12 {
			continue // the line may be cut
		}
		// What each cell of the line is: the crumbs after an ellipsis are
		// the last ones.
		want := make([]int, width)
		for x := range want {
			want[x] = -1
		}
		segs := strings.Split(line, " › ")
		at, next := 0, 0
		for j, s := range segs {
			if s == "…" {
				next = len(crumbs) - (len(segs) - j - 1)
			} else {
				for x := at; x < at+len([]rune(s)); x++ {
					want[x] = next
				}
				next++
			}
			at += len([]rune(s)) + 3
		}
		for x := range width {
			if got := h.CrumbAt(width, x); got != want[x] {
				t.Fatalf("at %d, x %d is crumb %d, want %d, in %q", width, x, got, want[x], line)
			}
		}
	}
}
