package sshd

import (
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// vt is a small terminal emulator for the tests: it applies what the
// session sends (the renderer sends diffs: cursor moves, erases, inserted
// and deleted lines, scroll regions) to a grid of cells, so a test reads
// the screen a person would see. It knows the sequences Bubble Tea's
// renderer uses; colours and modes other than the alternate screen are
// ignored.
type vt struct {
	mu      sync.Mutex
	w, h    int
	cells   [][]rune // 0: the right half of a wide character
	main    [][]rune // the normal screen while the alternate one is shown
	x, y    int
	wrap    bool // the next printable character wraps first (DECAWM)
	top     int  // scroll region, inclusive
	bot     int
	savedX  int
	savedY  int
	p       *ansi.Parser
	changed chan struct{} // signalled after each write
}

func newVT(w, h int) *vt {
	t := &vt{w: w, h: h, changed: make(chan struct{}, 1)}
	t.cells = blank(w, h)
	t.bot = h - 1
	t.p = ansi.NewParser()
	t.p.SetHandler(ansi.Handler{
		Print:     t.print,
		Execute:   t.execute,
		HandleCsi: t.csi,
		HandleEsc: t.esc,
	})
	return t
}

func blank(w, h int) [][]rune {
	g := make([][]rune, h)
	for i := range g {
		g[i] = blankLine(w)
	}
	return g
}

func blankLine(w int) []rune {
	l := make([]rune, w)
	for i := range l {
		l[i] = ' '
	}
	return l
}

// Write feeds output from the session.
func (t *vt) Write(b []byte) (int, error) {
	t.mu.Lock()
	t.p.Parse(b)
	t.mu.Unlock()
	select {
	case t.changed <- struct{}{}:
	default:
	}
	return len(b), nil
}

// Screen is the screen as text, one line per row, trailing spaces trimmed.
func (t *vt) Screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	for i, row := range t.cells {
		if i > 0 {
			b.WriteByte('\n')
		}
		var l strings.Builder
		for _, r := range row {
			if r != 0 {
				l.WriteRune(r)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
	}
	return b.String()
}

// Resize changes the size as a terminal window would: rows and columns are
// cut or added; the application repaints.
func (t *vt) Resize(w, h int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fit := func(g [][]rune) [][]rune {
		if g == nil {
			return nil
		}
		out := blank(w, h)
		for y := 0; y < min(h, len(g)); y++ {
			copy(out[y], g[y][:min(w, len(g[y]))])
		}
		return out
	}
	t.cells, t.main = fit(t.cells), fit(t.main)
	t.w, t.h = w, h
	t.top, t.bot = 0, h-1
	t.x, t.y = min(t.x, w-1), min(t.y, h-1)
	t.wrap = false
}

func (t *vt) print(r rune) {
	wd := ansi.StringWidth(string(r))
	if wd == 0 {
		return
	}
	if t.wrap {
		t.x = 0
		t.lineFeed()
		t.wrap = false
	}
	if t.x+wd > t.w {
		return
	}
	t.cells[t.y][t.x] = r
	for i := 1; i < wd; i++ {
		t.cells[t.y][t.x+i] = 0
	}
	t.x += wd
	if t.x >= t.w {
		t.x = t.w - 1
		t.wrap = true
	}
}

func (t *vt) execute(b byte) {
	switch b {
	case '\r':
		t.x, t.wrap = 0, false
	case '\n', '\v', '\f':
		t.lineFeed()
		t.wrap = false
	case '\b':
		if t.x > 0 {
			t.x--
		}
		t.wrap = false
	case '\t':
		t.x = min(t.w-1, (t.x/8+1)*8)
	}
}

// lineFeed moves down a row, scrolling the region at its bottom.
func (t *vt) lineFeed() {
	if t.y == t.bot {
		t.scrollUp(1)
	} else if t.y < t.h-1 {
		t.y++
	}
}

func (t *vt) scrollUp(n int) {
	for range n {
		copy(t.cells[t.top:t.bot+1], t.cells[t.top+1:t.bot+1])
		t.cells[t.bot] = blankLine(t.w)
	}
}

func (t *vt) scrollDown(n int) {
	for range n {
		copy(t.cells[t.top+1:t.bot+1], t.cells[t.top:t.bot])
		t.cells[t.top] = blankLine(t.w)
	}
}

func (t *vt) clamp() {
	t.x = max(0, min(t.x, t.w-1))
	t.y = max(0, min(t.y, t.h-1))
	t.wrap = false
}

func (t *vt) erase(y, from, to int) {
	for x := max(0, from); x < min(to, t.w); x++ {
		t.cells[y][x] = ' '
	}
}

func (t *vt) csi(cmd ansi.Cmd, params ansi.Params) {
	arg := func(i, def int) int {
		v, _, _ := params.Param(i, def)
		return v
	}
	n := max(1, arg(0, 1))
	if cmd.Prefix() == '?' {
		on := cmd.Final() == 'h'
		if cmd.Final() != 'h' && cmd.Final() != 'l' {
			return
		}
		for i := range params {
			switch arg(i, 0) {
			case 1049, 1047, 47:
				t.altScreen(on)
			}
		}
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case 'A':
		t.y -= n
		if t.y < t.top && t.y+n >= t.top {
			t.y = t.top
		}
		t.clamp()
	case 'B', 'e':
		t.y += n
		if t.y > t.bot && t.y-n <= t.bot {
			t.y = t.bot
		}
		t.clamp()
	case 'C', 'a':
		t.x += n
		t.clamp()
	case 'D':
		t.x -= n
		t.clamp()
	case 'E':
		t.x, t.y = 0, t.y+n
		t.clamp()
	case 'F':
		t.x, t.y = 0, t.y-n
		t.clamp()
	case 'G', '`':
		t.x = n - 1
		t.clamp()
	case 'd':
		t.y = n - 1
		t.clamp()
	case 'H', 'f':
		t.y, t.x = max(1, arg(0, 1))-1, max(1, arg(1, 1))-1
		t.clamp()
	case 'I':
		for range n {
			t.x = min(t.w-1, (t.x/8+1)*8)
		}
		t.wrap = false
	case 'Z':
		for range n {
			t.x = max(0, (t.x-1)/8*8)
		}
		t.wrap = false
	case 'J':
		switch arg(0, 0) {
		case 0:
			t.erase(t.y, t.x, t.w)
			for y := t.y + 1; y < t.h; y++ {
				t.cells[y] = blankLine(t.w)
			}
		case 1:
			t.erase(t.y, 0, t.x+1)
			for y := 0; y < t.y; y++ {
				t.cells[y] = blankLine(t.w)
			}
		case 2, 3:
			t.cells = blank(t.w, t.h)
		}
	case 'K':
		switch arg(0, 0) {
		case 0:
			t.erase(t.y, t.x, t.w)
		case 1:
			t.erase(t.y, 0, t.x+1)
		case 2:
			t.erase(t.y, 0, t.w)
		}
	case 'X':
		t.erase(t.y, t.x, t.x+n)
	case '@':
		row := t.cells[t.y]
		n = min(n, t.w-t.x)
		copy(row[t.x+n:], row[t.x:t.w-n])
		t.erase(t.y, t.x, t.x+n)
	case 'P':
		row := t.cells[t.y]
		n = min(n, t.w-t.x)
		copy(row[t.x:], row[t.x+n:])
		t.erase(t.y, t.w-n, t.w)
	case 'L', 'M':
		if t.y < t.top || t.y > t.bot {
			return
		}
		top := t.top
		t.top = t.y
		if cmd.Final() == 'L' {
			t.scrollDown(min(n, t.bot-t.y+1))
		} else {
			t.scrollUp(min(n, t.bot-t.y+1))
		}
		t.top = top
		t.x = 0
	case 'S':
		t.scrollUp(min(n, t.bot-t.top+1))
	case 'T':
		t.scrollDown(min(n, t.bot-t.top+1))
	case 'b':
		if t.x > 0 {
			r := t.cells[t.y][t.x-1]
			for range n {
				t.print(r)
			}
		}
	case 'r':
		top, bot := arg(0, 1), arg(1, t.h)
		if top < 1 {
			top = 1
		}
		if bot < 1 || bot > t.h {
			bot = t.h
		}
		if top < bot {
			t.top, t.bot = top-1, bot-1
			t.x, t.y, t.wrap = 0, 0, false
		}
	case 's':
		t.savedX, t.savedY = t.x, t.y
	case 'u':
		t.x, t.y = t.savedX, t.savedY
		t.clamp()
	}
}

func (t *vt) esc(cmd ansi.Cmd) {
	if cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case '7':
		t.savedX, t.savedY = t.x, t.y
	case '8':
		t.x, t.y = t.savedX, t.savedY
		t.clamp()
	case 'D':
		t.lineFeed()
	case 'E':
		t.x = 0
		t.lineFeed()
	case 'M':
		if t.y == t.top {
			t.scrollDown(1)
		} else if t.y > 0 {
			t.y--
		}
	case 'c':
		t.cells, t.main = blank(t.w, t.h), nil
		t.x, t.y, t.top, t.bot = 0, 0, 0, t.h-1
	}
}

func (t *vt) altScreen(on bool) {
	switch {
	case on && t.main == nil:
		t.main = t.cells
		t.cells = blank(t.w, t.h)
	case !on && t.main != nil:
		t.cells, t.main = t.main, nil
	}
}
