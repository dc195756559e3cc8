package editor

import (
	"charm.land/lipgloss/v2"

	"github.com/mpconsole/mpconsole/theme"
	"github.com/mpconsole/mpconsole/views/jsonlex"
)

// The editor highlights with jsonlex, the lexer it shares with the
// inspector.
type class = jsonlex.Class

// punctTok is the last class: the frame's paints are indexed by class.
const punctTok = jsonlex.Punct

// segment is a run of one line with one class; start and end are byte
// offsets in the line.
type segment struct {
	start, end int
	class      class
}

// lexLine classes one line of JSON for highlighting (see jsonlex: only the
// lines on screen are lexed, whatever the document's size), appending to
// out[:0].
func lexLine(s string, out []segment) []segment {
	out = out[:0]
	for i := 0; i < len(s); {
		end, c := jsonlex.Next(s, i)
		out = append(out, segment{i, end, c})
		i = end
	}
	return out
}

func classStyle(st *theme.Styles, c class) lipgloss.Style { return jsonlex.Style(st.JSON, c) }
