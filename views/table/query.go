package table

import (
	"regexp"
	"strings"
	"unicode"
)

// mode is what a filter's text asks of the rows (see readFilter).
type mode uint8

// The filter's modes.
const (
	modeNone      mode = iota // no filter: every row
	modeSubstring             // text: the rows holding it
	modeFuzzy                 // ~text: the rows holding its characters in order
	modeRegex                 // a regular expression
	modeField                 // column=value: the rows whose cell in the column is value
)

// spec is a filter's text read: which rows it selects and what the prompt
// says of it.
type spec struct {
	mode mode
	not  bool // the rows the rest does not select (a leading !, or column!=value)
	// key is what the rows are matched against: the text lower-cased
	// (substring, fuzzy), the pattern as typed (regex), the value
	// lower-cased (field).
	key  string
	col  int    // field: the column; -1 when no column has the name
	name string // field: the column's name as typed
	rx   *rowRegex
	fz   fuzzyQuery
	// lit, when litOK, is the substring the row's span must hold: the
	// substring's key, or a regex that is one (see rowRegex.span).
	lit   string
	litOK bool
	// notRegex: the text has regular expression syntax but is not one,
	// so it is matched as a substring.
	notRegex bool
}

// empty reports whether the spec selects every row: no filter, or only
// its prefix typed (! or ~).
func (sp *spec) empty() bool {
	return sp.mode == modeNone || (sp.key == "" && sp.mode != modeField)
}

// readFilter reads a filter's text:
//
//	text         substring, case-insensitive
//	!text        the rows without text (! goes before any of the forms below)
//	~text        fuzzy: text's characters in order (github.com/sahilm/fuzzy)
//	column=value the rows whose cell in the column (by title, case, spaces,
//	             - and _ ignored) equals value, case-insensitively;
//	             column!=value the others
//	regex        text with regular expression syntax that compiles (Go
//	             syntax, case-insensitive); text with such syntax that
//	             does not compile is a substring
//
// The regex of prev is reused when the pattern has not changed. A plain
// substring is read without allocating.
func (m *Model) readFilter(s string, prev *spec) spec {
	var sp spec
	if strings.HasPrefix(s, "!") {
		sp.not, s = true, s[1:]
	}
	if s == "" {
		sp.mode = modeSubstring
		if !sp.not {
			sp.mode = modeNone
		}
		return sp
	}
	if s[0] == '~' {
		sp.mode, sp.key = modeFuzzy, strings.ToLower(s[1:])
		sp.fz = newFuzzyQuery(sp.key)
		return sp
	}
	if i := strings.IndexByte(s, '='); i > 0 {
		name := s[:i]
		not := strings.HasSuffix(name, "!")
		name = strings.TrimSpace(strings.TrimSuffix(name, "!"))
		if isColumnName(name) {
			sp.mode, sp.name, sp.not = modeField, name, sp.not != not
			sp.key = strings.ToLower(strings.TrimSpace(s[i+1:]))
			sp.col = m.column(name)
			return sp
		}
	}
	sp.mode = modeSubstring
	if regexp.QuoteMeta(s) != s {
		rx := prev.rx
		if prev.mode != modeRegex || rx.src != s {
			rx, _ = compileRowRegex(s)
		}
		if rx != nil {
			sp.mode, sp.key, sp.rx = modeRegex, s, rx
			// (^ alone, which every row matches, costs no search as a regex.)
			if rx.spanOK && !rx.all && (!rx.spanFolds || m.index.mixed == 0) {
				sp.lit, sp.litOK = rx.span, true
			}
			return sp
		}
		sp.notRegex = true
	}
	sp.key = strings.ToLower(s)
	sp.lit, sp.litOK = sp.key, true
	return sp
}

// isColumnName reports whether s may name a column: a letter, then
// letters, digits, spaces, - and _.
func isColumnName(s string) bool {
	for i, r := range s {
		switch {
		case unicode.IsLetter(r):
		case i == 0:
			return false
		case unicode.IsDigit(r), r == ' ', r == '-', r == '_':
		default:
			return false
		}
	}
	return s != ""
}

// column is the column whose title is name, -1 when none is. Case,
// spaces, - and _ do not count: "access key", "ACCESS_KEY" and "accesskey"
// all name ACCESS KEY.
func (m *Model) column(name string) int {
	want := columnKey(name)
	for i, c := range m.cols {
		if columnKey(c.Title) == want {
			return i
		}
	}
	return -1
}

func columnKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// tag is what the prompt says of the filter beside it, and whether it is
// a warning (the text does not do what its form suggests).
func (sp *spec) tag(cols []Column) (string, bool) {
	not := ""
	if sp.not {
		not = "inverse "
	}
	switch sp.mode {
	case modeNone:
		return "text  !not  ~fuzzy  regex  column=value", false
	case modeFuzzy:
		return not + "fuzzy", false
	case modeRegex:
		return not + "regex", false
	case modeField:
		if sp.col < 0 {
			return "no column “" + sp.name + "”", true
		}
		if sp.not {
			return cols[sp.col].Title + " is not (exact)", false
		}
		return cols[sp.col].Title + " equals (exact)", false
	}
	if sp.notRegex {
		return not + "not a regex: substring", true
	}
	if sp.not {
		return "inverse", false
	}
	return "substring", false
}

// fieldScan appends to out the rows of src whose cell col (lower-cased)
// is v, in src's order, and returns it with the position of row sel in it
// (-1: not there). A row without that cell has it empty. The cells are
// read where the index noted them: no key is split.
func (ix *searchIndex) fieldScan(out, src []int, col int, v string, sel int) ([]int, int) {
	selAt := -1
	text, end, cellEnd, cellOf := ix.text, ix.end, ix.cellEnd, ix.cellOf
	for _, r := range src {
		first, next := int(cellOf[r]), int(cellOf[r+1])
		if col >= next-first {
			if v != "" {
				continue
			}
		} else {
			start := 1 // the key's, after the separator before it
			if r > 0 {
				start += end[r-1]
			}
			a, b := start, start+int(cellEnd[first+col])
			if col > 0 {
				a += int(cellEnd[first+col-1]) + 1
			}
			if b-a != len(v) || text[a:b] != v {
				continue
			}
		}
		if r == sel {
			selAt = len(out)
		}
		out = append(out, r)
	}
	return out, selAt
}

// complement appends to out the rows of order that are not in match (a
// subsequence of order), in order, and returns it with the position of
// row sel in it (-1: not there).
func complement(out, order, match []int, sel int) ([]int, int) {
	selAt := -1
	j := 0
	for _, r := range order {
		if j < len(match) && match[j] == r {
			j++
			continue
		}
		if r == sel {
			selAt = len(out)
		}
		out = append(out, r)
	}
	return out, selAt
}
