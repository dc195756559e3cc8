package confirm

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/views/viewtest"
)

// answer sends keys and returns the results the dialog produced.
func answer(m *Model, keys ...tea.Msg) []ResultMsg {
	var out []ResultMsg
	for _, k := range keys {
		_, cmd := m.Update(k)
		for _, msg := range viewtest.Run(cmd) {
			if r, ok := msg.(ResultMsg); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

func TestYesNo(t *testing.T) {
	c := viewtest.Common()
	d := c.Keys.Dialog
	no := []ResultMsg{{ID: "del-1", Confirmed: false}}
	yes := []ResultMsg{{ID: "del-1", Confirmed: true}}
	dismissed := []ResultMsg{{ID: "del-1", Dismissed: true}}
	tests := []struct {
		name     string
		focusYes bool
		keys     []tea.Msg
		want     []ResultMsg
	}{
		{"enter answers No by default", false, []tea.Msg{viewtest.Key(d.Accept)}, no},
		{"y answers Yes", false, []tea.Msg{viewtest.Key(d.Yes)}, yes},
		{"n answers No", false, []tea.Msg{viewtest.Key(d.No)}, no},
		{"cancel answers No, as a dismissal", false, []tea.Msg{viewtest.Key(d.Cancel)}, dismissed},
		{"focus on Yes: enter answers Yes", true, []tea.Msg{viewtest.Key(d.Accept)}, yes},
		{"focus on Yes: toggle then enter answers No", true, []tea.Msg{viewtest.Key(d.Toggle), viewtest.Key(d.Accept)}, no},
		{"focus on Yes: cancel is a dismissal", true, []tea.Msg{viewtest.Key(d.Cancel)}, dismissed},
		{"toggle then enter answers Yes", false, []tea.Msg{viewtest.Key(d.Toggle), viewtest.Key(d.Accept)}, yes},
		{"toggle twice then enter answers No", false, []tea.Msg{viewtest.Key(d.Toggle), viewtest.Press(d.Toggle.Keys()[1]), viewtest.Key(d.Accept)}, no},
		{"other keys do nothing", false, []tea.Msg{viewtest.Press("x"), viewtest.Press("q"), viewtest.Press("ctrl+d")}, nil},
		{"answers once", false, []tea.Msg{viewtest.Key(d.Yes), viewtest.Key(d.Yes), viewtest.Key(d.No)}, yes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(c, Options{ID: "del-1", Title: "Delete audience", Message: "Delete audience 77 “Lapsed users”?", Danger: true, FocusYes: tt.focusYes})
			m.SetSize(100, 30)
			if got := answer(m, tt.keys...); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestView(t *testing.T) {
	c := viewtest.Common()
	m := New(c, Options{ID: "x", Title: "Delete audience", Message: "Delete audience 77 “Lapsed users”? This cannot be undone.", Yes: "Delete", Danger: true})
	m.SetSize(100, 30)
	v := m.View().Content
	plain := ansi.Strip(v)
	for _, want := range []string{"Delete audience", "“Lapsed users”", "No", "Delete"} {
		if !strings.Contains(plain, want) {
			t.Errorf("dialog lacks %q:\n%s", want, plain)
		}
	}
	st := c.Styles.Dialog
	if !strings.Contains(v, st.ButtonActive.Render("No")) || !strings.Contains(v, st.Button.Render("Delete")) {
		t.Fatal("No is not the focused button")
	}
	m.Update(viewtest.Key(c.Keys.Dialog.Toggle))
	if v := m.View().Content; !strings.Contains(v, st.DangerActive.Render("Delete")) || !m.YesFocused() {
		t.Fatal("a focused destructive button is not styled as such")
	}
	for _, l := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(l); w > 64 {
			t.Fatalf("dialog wider than 64: %d", w)
		}
	}
	if !m.Consumes(viewtest.Press("q")) {
		t.Fatal("a dialog is modal")
	}
	if len(m.ShortHelp()) != 5 || len(m.FullHelp()[0]) != 5 {
		t.Fatal("help")
	}
}

func TestTypeTheName(t *testing.T) {
	c := viewtest.Common()
	d := c.Keys.Dialog
	newDialog := func() *Model {
		m := New(c, Options{ID: "app-9", Title: "Delete app", Message: "Delete app 9 “Mobile App” and everything in it?", RequireName: "Mobile App", Danger: true})
		m.SetSize(80, 24)
		return m
	}
	m := newDialog()
	// y and n are letters here: typing them answers nothing.
	if got := answer(m, viewtest.Key(d.Yes), viewtest.Key(d.No)); got != nil {
		t.Fatalf("y/n answered: %v", got)
	}
	// A wrong name does not confirm and says so.
	if got := answer(m, viewtest.Key(d.Accept)); got != nil {
		t.Fatalf("wrong name confirmed: %v", got)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "That is not the name") {
		t.Fatalf("no message:\n%s", ansi.Strip(m.View().Content))
	}
	// Clearing and typing the exact name confirms.
	m = newDialog()
	for _, k := range viewtest.Type("Mobile Ap") {
		m.Update(k)
	}
	if got := answer(m, viewtest.Key(d.Accept)); got != nil {
		t.Fatal("a prefix of the name confirmed")
	}
	got := answer(m, viewtest.Press("p"), viewtest.Key(d.Accept))
	if !reflect.DeepEqual(got, []ResultMsg{{ID: "app-9", Confirmed: true}}) {
		t.Fatalf("exact name: %v", got)
	}
	// Pasting the name works; esc cancels.
	m = newDialog()
	m.Update(tea.PasteMsg{Content: "Mobile App"})
	if got := answer(m, viewtest.Key(d.Accept)); len(got) != 1 || !got[0].Confirmed {
		t.Fatalf("paste: %v", got)
	}
	m = newDialog()
	if got := answer(m, viewtest.Key(d.Cancel)); !reflect.DeepEqual(got, []ResultMsg{{ID: "app-9", Dismissed: true}}) {
		t.Fatalf("cancel: %v", got)
	}
	plain := ansi.Strip(newDialog().View().Content)
	if !strings.Contains(plain, "Type “Mobile App” to confirm:") || !strings.Contains(plain, "enter confirm · esc cancel") {
		t.Fatalf("prompt:\n%s", plain)
	}
	if len(newDialog().ShortHelp()) != 2 {
		t.Fatal("type-the-name help")
	}
}

// TestFitsASmallBody: at the console's minimum size, with the error pane
// open (a body of 60×8), the dialog stays within the body and keeps its
// title and its answer part; the message gives way.
func TestFitsASmallBody(t *testing.T) {
	long := "Delete platform 12 “iOS” from Acme Production (1)? This cannot be undone. The platform's access keys stop working at once."
	tests := []struct {
		name string
		o    Options
		w, h int
		want []string
	}{
		{"buttons", Options{Title: "Delete platform", Message: long, Danger: true}, 60, 8, []string{"Delete platform", "No", "Delete"}},
		{"buttons, tiny", Options{Title: "Delete platform", Message: long, Danger: true}, 60, 5, []string{"Delete platform", "No", "Delete"}},
		{"type the name", Options{Title: "Delete app", Message: long, RequireName: "Acme Shop"}, 60, 8, []string{"Delete app", "to confirm", "cancel"}},
		{"room for all", Options{Title: "Delete platform", Message: "Delete platform 12?"}, 60, 13, []string{"Delete platform", "Delete platform 12?", "No"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(viewtest.Common(), tt.o)
			m.SetSize(tt.w, tt.h)
			v := ansi.Strip(m.View().Content)
			ls := strings.Split(v, "\n")
			if len(ls) > tt.h {
				t.Fatalf("%d lines in a body of %d:\n%s", len(ls), tt.h, v)
			}
			for _, l := range ls {
				if ansi.StringWidth(l) > tt.w {
					t.Fatalf("line of %d cells:\n%s", ansi.StringWidth(l), v)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("lacks %q:\n%s", w, v)
				}
			}
		})
	}
}

// TestTypedNameIsNotShownAsIfTyped: the name to type is in the question,
// not pre-drawn in the empty input, where it looked typed already.
func TestTypedNameIsNotShownAsIfTyped(t *testing.T) {
	m := New(viewtest.Common(), Options{ID: "x", Title: "Delete app", Message: "Delete app 1?", RequireName: "Zebra Unique"})
	m.SetSize(80, 20)
	view := ansi.Strip(m.View().Content)
	if n := strings.Count(view, "Zebra Unique"); n != 1 {
		t.Fatalf("the name shows %d times (want once, in the question):\n%s", n, view)
	}
}

// Items are listed under the message: all of them when they fit, else the
// first ones and how many more, within the dialog's height.
func TestItemsAreListedAndCounted(t *testing.T) {
	c := viewtest.Common()
	items := []string{"7622 “Abandoned Cart”", "7623 “Frequent Travellers”", "7624 “Lapsed Web Users”"}
	for _, tt := range []struct {
		name  string
		items int
		h     int
		shown int // items listed
		more  int // 0: no "and N more" line
	}{
		{"three fit", 3, 30, 3, 0},
		{"more than maxItems", 25, 40, maxItems - 1, 25 - (maxItems - 1)},
		{"a short dialog lists fewer", 25, 14, 6, 19},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var list []string
			for i := range tt.items {
				list = append(list, items[i%len(items)])
			}
			m := New(c, Options{Title: "Delete 25 audiences", Message: "Delete them? This cannot be undone.", Items: list, Danger: true})
			m.SetSize(80, tt.h)
			v := viewtest.Plain(m.View())
			if n := strings.Count(v, "•"); n != tt.shown {
				t.Fatalf("%d items listed, want %d:\n%s", n, tt.shown, v)
			}
			more := fmt.Sprintf("… and %d more", tt.more)
			if (tt.more > 0) != strings.Contains(v, more) || (tt.more == 0 && strings.Contains(v, "more")) {
				t.Fatalf("want %q (more %d):\n%s", more, tt.more, v)
			}
			if lines := strings.Count(v, "\n") + 1; lines > tt.h {
				t.Fatalf("%d lines in a dialog of %d:\n%s", lines, tt.h, v)
			}
			if !strings.Contains(v, "Yes") || !strings.Contains(v, "Delete them?") {
				t.Fatalf("the question or its buttons went:\n%s", v)
			}
		})
	}
}

// A typed answer that is not a name says what it is: a wrong count is "not
// the number", and nothing is answered; the right one confirms.
func TestRequireWhatNamesTheAnswer(t *testing.T) {
	c := viewtest.Common()
	m := New(c, Options{Title: "Delete 7 audiences", Message: "Delete them?", RequireName: "7", RequireWhat: "number"})
	m.SetSize(80, 20)
	if got := answer(m, viewtest.Press("6"), viewtest.Key(c.Keys.Dialog.Accept)); got != nil {
		t.Fatalf("a wrong count answered %v", got)
	}
	if v := viewtest.Plain(m.View()); !strings.Contains(v, "That is not the number.") || !strings.Contains(v, "Type “7” to confirm") {
		t.Fatalf("the refusal:\n%s", v)
	}
	got := answer(m, viewtest.Press("backspace"), viewtest.Press("7"), viewtest.Key(c.Keys.Dialog.Accept))
	if !reflect.DeepEqual(got, []ResultMsg{{Confirmed: true}}) {
		t.Fatalf("the right count answered %v", got)
	}
}

// A dialog takes 64 columns; a longer question takes more on a wide
// terminal, up to views.OverlayWidth's, so it wraps into fewer lines. At
// the least terminal (60 columns, a body of 13 lines) it fits.
func TestDialogGrowsWithTheTerminal(t *testing.T) {
	long := "Delete platform 12 “iOS” from Acme Production (1)? This cannot be undone. The platform's access keys stop working at once, and every SDK still sending with them is refused."
	short := "Delete platform 12?"
	for _, o := range []Options{
		{Title: "Delete platform", Danger: true},
		{Title: "Delete platform", RequireName: "iOS"},
	} {
		lines := map[int]int{}
		for _, tt := range []struct {
			msg         string
			width, want int
		}{
			{long, 60, 60}, {long, 80, 64}, {long, 160, 96}, {long, 250, 120},
			{short, 60, 60}, {short, 80, 64}, {short, 250, 64},
		} {
			o.Message = tt.msg
			m := New(viewtest.Common(), o)
			m.SetSize(tt.width, 13)
			v := ansi.Strip(m.View().Content)
			ls := strings.Split(v, "\n")
			got := 0
			for _, l := range ls {
				got = max(got, ansi.StringWidth(l))
			}
			if got != tt.want || len(ls) > 13 {
				t.Errorf("at %d the dialog is %d×%d, want %d wide:\n%s", tt.width, got, len(ls), tt.want, v)
			}
			if !strings.Contains(v, "Delete platform") || !strings.Contains(v, "Delete platform 12") {
				t.Errorf("at %d the dialog lacks its title or question:\n%s", tt.width, v)
			}
			if o.RequireName == "" && !strings.Contains(v, "No") || o.RequireName != "" && !strings.Contains(v, "to confirm") {
				t.Errorf("at %d the dialog lacks its answer:\n%s", tt.width, v)
			}
			if tt.msg == long {
				lines[tt.width] = len(ls)
			}
		}
		if lines[250] >= lines[80] {
			t.Errorf("the long question takes %d lines at 250 columns, %d at 80", lines[250], lines[80])
		}
	}
}
