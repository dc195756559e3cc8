package editor

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/views/diff"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

func newBig(b *testing.B) *Model {
	m := New(viewtest.Common(), Options{Title: "big", Text: bigDoc(5000), Original: []byte(bigDoc(5000)),
		Immutable: []string{"items[*].id"}, Hints: []Hint{{Path: "items[*].enabled", Text: "true | false"}}})
	m.SetSize(120, 50)
	goTo(b, m, `"name": "item 357"`)
	return m
}

// One typed character (then one backspace) in a 5 000-line document,
// including validation and drawing the frame.
func BenchmarkKeystroke5000Lines(b *testing.B) {
	m := newBig(b)
	x, bs := viewtest.Press("x"), viewtest.Press("backspace")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := x
		if i%2 == 1 {
			k = bs
		}
		m.Update(k)
		_ = m.View()
	}
}

// Moving the cursor: no validation, just a frame.
func BenchmarkCursorMove5000Lines(b *testing.B) {
	m := newBig(b)
	keys := []tea.Msg{viewtest.Press("down"), viewtest.Press("up")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(keys[i%2])
		_ = m.View()
	}
}

func BenchmarkCheck5000Lines(b *testing.B) {
	text := bigDoc(5000)
	n := strings.Count(text, "\n") + 1
	protect := diff.MustPatterns("items[*].id")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if c := check(text, protect, nil, n); c.err != nil {
			b.Fatal(c.err)
		}
	}
}

// ctrl+s on a 5 000-line document: parse, protected fields, diff.
func BenchmarkReview5000Lines(b *testing.B) {
	m := newBig(b)
	m.Update(viewtest.Press("x"))
	m.Update(viewtest.Press("backspace"))
	goTo(b, m, `item 357"`)
	m.Update(viewtest.Press("Z"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.mode = editing
		m.save()
		if !m.Reviewing() {
			b.Fatal(m.Message())
		}
	}
}

func BenchmarkOpen5000Lines(b *testing.B) {
	text := bigDoc(5000)
	c := viewtest.Common()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m := New(c, Options{Title: "big", Text: text, Original: []byte(text)})
		m.SetSize(120, 50)
		_ = m.View()
	}
}
