package api

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// A small scanner that splits a JSON document already known to be valid
// (json.Valid) into its top-level parts without decoding them: the
// elements of an array, the members of an object. encoding/json would scan
// every byte twice per step (check, then decode); a list answer went
// through that four to six times. On invalid input the scanner returns
// something meaningless but never panics or loops (FuzzScan checks both
// that and agreement with encoding/json on valid input).

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// Eight bytes at a time: which bytes of a word are below 0x20, a quote or
// a backslash (the bytes that end a run of plain string content).
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// specials has the high bit of each such byte of v set (v read little
// endian, so the lowest set bit is the first such byte). Bytes after the
// first may be flagged wrongly (a borrow), never bytes before it.
func specials(v uint64) uint64 {
	q, bs := v^(lsb*'"'), v^(lsb*'\\')
	return ((v-lsb*0x20)&^v | (q-lsb)&^q | (bs-lsb)&^bs) & msb
}

// plainRun returns the index of the first quote, backslash or control
// byte at or after i (len(b) when there is none).
func plainRun(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := specials(binary.LittleEndian.Uint64(b[i : i+8 : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(b) {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		i = plainRun(b, i)
		if i >= len(b) {
			break
		}
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	default: // number, true, false, null
		start := i
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
				if i == start {
					return i + 1 // a stray delimiter: step over it
				}
				return i
			}
			i++
		}
		return i
	}
}

// splitArray returns the elements of a valid JSON array, each a sub-slice
// of b (capacity capped, so appending to one cannot overwrite the next).
func splitArray(b []byte) []json.RawMessage {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil
	}
	var out []json.RawMessage
	for i++; ; {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] == ']' {
			return out
		}
		j := skipValue(b, i)
		out = append(out, json.RawMessage(b[i:j:j]))
		i = skipSpace(b, j)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}

// splitObject returns the members of a valid JSON object (the last of
// duplicate keys wins, as with encoding/json), values as sub-slices of b.
func splitObject(b []byte) map[string]json.RawMessage {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil
	}
	out := map[string]json.RawMessage{}
	for i++; ; {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return out
		}
		ke := skipString(b, i)
		key := string(b[i+1 : max(ke-1, i+1)])
		if strings.IndexByte(key, '\\') >= 0 || !utf8.ValidString(key) {
			var s string
			if json.Unmarshal(b[i:ke], &s) == nil {
				key = s
			}
		}
		i = skipSpace(b, ke)
		if i < len(b) && b[i] == ':' {
			i++
		}
		i = skipSpace(b, i)
		j := skipValue(b, i)
		out[key] = json.RawMessage(b[i:j:j])
		i = skipSpace(b, j)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}

// ---- the one-pass splitter ----

// The splitter below validates a response body and finds its entities in
// the same pass, as its bytes arrive: feed it what has been read so far,
// take the entities it completed (spans of the buffer), feed it more. It
// accepts exactly what json.Valid accepts (no UTF-8 check inside strings,
// like encoding/json) and reads the body the way DecodeBody always has:
// the standard and the data_type envelopes, bare arrays, bare objects and
// bare scalars. It never decodes an entity.

// scanner states.
const (
	stValue    uint8 = iota // a value is expected
	stArrFirst              // after '[': a value or ']'
	stObjFirst              // after '{': a key or '}'
	stKey                   // after ',' in an object: a key
	stColon                 // after a key
	stAfter                 // after a value inside a container: ',' or the close
	stEnd                   // after the top-level value: only whitespace
	stStr                   // inside a string
	stStrEsc                // after a backslash
	stStrHex                // inside \uXXXX
	stLit                   // inside true, false or null
	stNum                   // inside a number (num says where)
	stBad                   // not a state: no value starts with the byte
)

// number states.
const (
	nMinus uint8 = iota // after '-': a digit must follow
	nZero               // a leading 0
	nInt                // integer digits
	nDot                // after '.': a digit must follow
	nFrac               // fraction digits
	nE                  // after e/E: sign or digit
	nESign              // after the exponent's sign: a digit
	nExp                // exponent digits
)

// span is an entity's place in the body, [start, end), and, when the
// splitter records members, the range [m0, m1) of its top-level members
// (counted from the body's first recorded member; see take).
type span struct{ start, end, m0, m1 int }

// member says which top-level member of an object is being read.
const (
	mOther uint8 = iota
	mData
	mDataType
	mDataTypeSnake
	mErrors
)

// errDuplicateData: a second "data" member after entities of the first were
// handed out. DecodeBody, reading the whole body, takes the last one.
var errDuplicateData = errors.New("envelope has two data members")

// splitter is the incremental validating reader of one body. The buffer it
// is fed must keep the bytes already fed (it may move, e.g. grow: only
// offsets are kept), except those before keepFrom once rebase dropped
// them: a stream reads its answer through a window that slides.
type splitter struct {
	// scanner state
	stack    []byte // '{' or '[' per open container
	st       uint8
	num      uint8
	lit      string // the literal being matched
	litI     int
	hex      int
	isKey    bool
	keyStart int
	pos      int // bytes scanned
	base     int // bytes of the body dropped before the buffer's first (see rebase)
	err      error

	// what the body is
	top       byte // first byte of the top-level value; 0 before it
	topStart  int
	topEnd    int
	member    uint8
	memStart  int
	sawData   bool
	sawErrors bool
	dataKind  byte // first byte of the current data member's value
	dataErr   error
	itemStart int
	itemNull  bool
	inItem    bool   // an entity is being read: it starts at itemStart
	spans     []span // completed entities (the first takenSpans were taken)
	handed    int    // entities taken so far

	takenSpans, takenMems int // what was taken and is dropped at the next feed

	// With members set, the top-level members of every entity that is an
	// object are recorded while it is validated (offsets into the entity),
	// so that reading its fields needs no second pass over it.
	members    bool
	entDepth   int      // len(stack) inside the entity being read; 0 outside one
	mems       []member // members of the entities not yet taken (and of the one being read)
	memBase    int      // the count of members taken before mems[0]
	entMem     int      // the count of members before the entity being read
	cur        member   // the member being read
	dataType   []byte   // last "dataType" member, copied
	dataTypeSn []byte   // last "data_type" member, copied
	errorsRaw  []byte   // last "errors" member, copied
}

func (s *splitter) fail(at int) error {
	if s.err == nil {
		s.err = &MalformedError{At: int64(s.base + at)}
	}
	return s.err
}

// take returns the entities completed since the last take. The slice is
// valid until the splitter is fed again.
func (s *splitter) take() []span {
	out := s.spans[s.takenSpans:]
	s.takenSpans = len(s.spans)
	s.handed += len(out)
	return out
}

// takeMembers is take with the members of the entities taken: spans[i]'s
// are mems[spans[i].m0-base : spans[i].m1-base]. Both slices are valid
// until the splitter is fed again.
func (s *splitter) takeMembers() (spans []span, mems []member, base int) {
	spans = s.take()
	end := s.memBase + len(s.mems) // members of completed entities end here
	if s.entDepth != 0 {
		end = s.entMem // the rest belong to the entity being read
	}
	base = s.memBase + s.takenMems
	mems = s.mems[s.takenMems : end-s.memBase]
	s.takenMems = end - s.memBase
	return spans, mems, base
}

// compact forgets what was taken, so that the next entities reuse its room.
func (s *splitter) compact() {
	if s.takenSpans > 0 {
		s.spans = s.spans[:copy(s.spans, s.spans[s.takenSpans:])]
		s.takenSpans = 0
	}
	if s.takenMems > 0 {
		s.mems = s.mems[:copy(s.mems, s.mems[s.takenMems:])]
		s.memBase += s.takenMems
		s.takenMems = 0
	}
}

// keepFrom is the first byte of the buffer the splitter may still read
// (an entity, a top-level key, a member it copies, or a bare value being
// read, and the entities not yet taken); the bytes before it may be
// dropped (see rebase).
func (s *splitter) keepFrom() int {
	k := s.pos
	if s.inItem {
		k = min(k, s.itemStart)
	}
	if s.isKey && len(s.stack) == 1 && (s.st == stStr || s.st == stStrEsc || s.st == stStrHex) {
		k = min(k, s.keyStart)
	}
	switch s.top {
	case 0, '[':
	case '{':
		if !s.sawData && !s.sawErrors { // a bare object, so far
			k = min(k, s.topStart)
		}
		if (s.member == mDataType || s.member == mDataTypeSnake || s.member == mErrors) && s.memStart >= 0 {
			k = min(k, s.memStart)
		}
	default: // a bare scalar
		k = min(k, s.topStart)
	}
	if s.takenSpans < len(s.spans) {
		k = min(k, s.spans[s.takenSpans].start)
	}
	return k
}

// rebase tells the splitter that the buffer's first d bytes were dropped
// (d at most keepFrom): the next feed's buffer starts with what was its
// d-th byte. Errors still say where in the whole body they are.
func (s *splitter) rebase(d int) {
	s.base += d
	s.pos -= d
	s.keyStart -= d
	s.topStart -= d
	s.topEnd -= d
	s.memStart -= d
	s.itemStart -= d
	for i := s.takenSpans; i < len(s.spans); i++ {
		s.spans[i].start -= d
		s.spans[i].end -= d
	}
}

// feed scans b[s.pos:]: b is everything read so far (since the last
// rebase).
func (s *splitter) feed(b []byte) error {
	if s.err != nil {
		return s.err
	}
	s.compact()
	i := s.pos
	for i < len(b) {
		c := b[i]
		switch s.st {
		case stStr:
			i = plainRun(b, i)
			if i == len(b) {
				continue
			}
			c = b[i]
			switch {
			case c == '"':
				i++
				if s.isKey {
					switch len(s.stack) {
					case 1:
						if err := s.key(b[s.keyStart:i]); err != nil {
							return err
						}
					case s.entDepth:
						s.cur.k0, s.cur.k1 = int32(s.keyStart-s.itemStart), int32(i-s.itemStart)
					}
					if i < len(b) && b[i] == ':' { // compact JSON: the colon follows at once
						s.st = stValue
						i++
					} else {
						s.st = stColon
					}
				} else {
					s.ended(b, i)
				}
			case c == '\\':
				s.st = stStrEsc
				i++
			default:
				return s.fail(i)
			}
		case stStrEsc:
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.st = stStr
			case 'u':
				s.st, s.hex = stStrHex, 4
			default:
				return s.fail(i)
			}
			i++
		case stStrHex:
			if !isHex(c) {
				return s.fail(i)
			}
			if s.hex--; s.hex == 0 {
				s.st = stStr
			}
			i++
		case stLit:
			if rest := s.lit[s.litI:]; i+len(rest) <= len(b) && string(b[i:i+len(rest)]) == rest {
				i += len(rest) // the whole rest of the literal at once
				s.ended(b, i)
				continue
			}
			if c != s.lit[s.litI] {
				return s.fail(i)
			}
			i++
			if s.litI++; s.litI == len(s.lit) {
				s.ended(b, i)
			}
		case stNum:
			if s.num == nInt || s.num == nFrac || s.num == nExp {
				for i < len(b) && '0' <= b[i] && b[i] <= '9' { // a run of digits at once
					i++
				}
				if i == len(b) {
					continue
				}
				c = b[i]
			}
			if ok, done := s.numByte(c); ok {
				i++
			} else if done {
				s.ended(b, i) // c is looked at again after the number
			} else {
				return s.fail(i)
			}
		default:
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				continue
			}
			switch s.st {
			case stValue, stArrFirst:
				if c == ']' && s.st == stArrFirst {
					s.stack = s.stack[:len(s.stack)-1]
					i++
					s.ended(b, i)
					continue
				}
				if err := s.begin(c, i); err != nil {
					return err
				}
				i++
			case stObjFirst, stKey:
				if c == '}' && s.st == stObjFirst {
					s.stack = s.stack[:len(s.stack)-1]
					i++
					s.ended(b, i)
					continue
				}
				if c != '"' {
					return s.fail(i)
				}
				s.st, s.isKey, s.keyStart = stStr, true, i
				i++
			case stColon:
				if c != ':' {
					return s.fail(i)
				}
				s.st = stValue
				i++
			case stAfter:
				open := s.stack[len(s.stack)-1]
				switch {
				case c == ',' && open == '[':
					s.st = stValue
				case c == ',':
					s.st = stKey
				case c == ']' && open == '[', c == '}' && open == '{':
					s.stack = s.stack[:len(s.stack)-1]
					s.ended(b, i+1)
				default:
					return s.fail(i)
				}
				i++
			default: // stEnd
				return s.fail(i)
			}
		}
	}
	s.pos = i
	return nil
}

// finish ends the body at len(b): a top-level number ends here; anything
// still open is an error.
func (s *splitter) finish(b []byte) error {
	if err := s.feed(b); err != nil {
		return err
	}
	if s.st == stNum && len(s.stack) == 0 {
		if _, done := s.numByte(' '); done {
			s.end(b, len(b))
		}
	}
	if s.err != nil {
		return s.err
	}
	if s.top != 0 && s.st != stEnd {
		return s.fail(len(b))
	}
	if s.sawData && s.dataErr != nil {
		return s.dataErr
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// numByte steps the number grammar: ok when c continues the number, done
// when the number may end before c.
func (s *splitter) numByte(c byte) (ok, done bool) {
	digit := '0' <= c && c <= '9'
	switch s.num {
	case nMinus:
		switch {
		case c == '0':
			s.num = nZero
		case digit:
			s.num = nInt
		default:
			return false, false
		}
		return true, false
	case nZero, nInt:
		switch {
		case digit && s.num == nInt:
		case c == '.':
			s.num = nDot
		case c == 'e' || c == 'E':
			s.num = nE
		default:
			return false, true
		}
		return true, false
	case nDot:
		if !digit {
			return false, false
		}
		s.num = nFrac
		return true, false
	case nFrac:
		switch {
		case digit:
		case c == 'e' || c == 'E':
			s.num = nE
		default:
			return false, true
		}
		return true, false
	case nE:
		switch {
		case c == '+' || c == '-':
			s.num = nESign
		case digit:
			s.num = nExp
		default:
			return false, false
		}
		return true, false
	case nESign:
		if !digit {
			return false, false
		}
		s.num = nExp
		return true, false
	default: // nExp
		if digit {
			return true, false
		}
		return false, true
	}
}

// starts is the state a value's first byte starts (stBad: none).
var starts = func() (t [256]uint8) {
	for i := range t {
		t[i] = stBad
	}
	t['{'], t['['], t['"'] = stObjFirst, stArrFirst, stStr
	t['t'], t['f'], t['n'] = stLit, stLit, stLit
	t['-'] = stNum
	for c := '0'; c <= '9'; c++ {
		t[c] = stNum
	}
	return t
}()

// deep reports whether a value at the current depth needs none of
// begin's and end's bookkeeping: it is below the envelope and its items,
// and inside one of the members of the entity being read, if any.
func (s *splitter) deep() bool { return len(s.stack) > 2 && len(s.stack) > s.entDepth }

// ended closes the value ending at i (exclusive).
func (s *splitter) ended(b []byte, i int) {
	if s.deep() {
		s.st = stAfter
		return
	}
	s.end(b, i)
}

// begin starts the value whose first byte c is at i.
func (s *splitter) begin(c byte, i int) error {
	st := starts[c]
	switch st {
	case stBad:
		return s.fail(i)
	case stStr:
		s.isKey = false
	case stLit:
		s.litI = 1
		switch c {
		case 't':
			s.lit = "true"
		case 'f':
			s.lit = "false"
		default:
			s.lit = "null"
		}
	case stNum:
		switch c {
		case '-':
			s.num = nMinus
		case '0':
			s.num = nZero
		default:
			s.num = nInt
		}
	}
	s.st = st
	if !s.deep() {
		s.top1(c, i)
	}
	if c == '{' || c == '[' {
		s.stack = append(s.stack, c)
	}
	return nil
}

// top1 is begin's bookkeeping near the top: the body's shape, the
// envelope's members, the entities and their members.
func (s *splitter) top1(c byte, i int) {
	depth := len(s.stack)
	switch depth {
	case 0:
		s.top, s.topStart = c, i
	case s.entDepth:
		s.cur.v0 = int32(i - s.itemStart) // a member of the entity being read
	case 1:
		switch s.top {
		case '[':
			s.item(c, i)
		case '{':
			s.memStart = i
			if s.member == mData {
				s.dataKind, s.dataErr = c, nil
				switch c {
				case '[', 'n':
				case '{':
					s.item(c, i)
				default:
					s.dataErr = fmt.Errorf("envelope data is neither an array nor an object")
				}
			}
		}
	case 2:
		if s.top == '{' && s.member == mData && s.dataKind == '[' {
			s.item(c, i)
		}
	}
}

// item starts an entity (an element of the list, or an envelope's data
// object) whose first byte c is at i.
func (s *splitter) item(c byte, i int) {
	s.itemStart, s.itemNull, s.inItem = i, c == 'n', true
	if s.members && c == '{' {
		s.entDepth = len(s.stack) + 1 // its '{' is pushed next
		s.entMem = s.memBase + len(s.mems)
	}
}

// itemEnd appends the entity ending at i to the spans.
func (s *splitter) itemEnd(i int) {
	sp := span{start: s.itemStart, end: i, m0: -1, m1: -1}
	if s.entDepth != 0 {
		sp.m0, sp.m1 = s.entMem, s.memBase+len(s.mems)
		s.entDepth = 0
	}
	s.spans = append(s.spans, sp)
}

// end closes the value ending at i (exclusive) at depth len(s.stack).
func (s *splitter) end(b []byte, i int) {
	depth := len(s.stack)
	if depth == 0 {
		s.st = stEnd
	} else {
		s.st = stAfter
	}
	switch depth {
	case 0:
		s.topEnd = i
		if s.top == '{' && !s.sawData && !s.sawErrors {
			s.spans = append(s.spans, span{start: s.topStart, end: i, m0: -1, m1: -1}) // a bare object
		}
	case s.entDepth:
		s.cur.v1 = int32(i - s.itemStart) // a member of the entity being read
		s.mems = append(s.mems, s.cur)
	case 1:
		switch s.top {
		case '[':
			s.inItem = false
			if !s.itemNull {
				s.itemEnd(i)
			}
		case '{':
			switch s.member {
			case mData:
				s.inItem = false
				if s.dataKind == '{' {
					s.itemEnd(i)
				}
			case mDataType:
				s.dataType = append(s.dataType[:0], b[s.memStart:i]...)
			case mDataTypeSnake:
				s.dataTypeSn = append(s.dataTypeSn[:0], b[s.memStart:i]...)
			case mErrors:
				s.errorsRaw = append(s.errorsRaw[:0], b[s.memStart:i]...)
			}
		}
	case 2:
		if s.top == '{' && s.member == mData && s.dataKind == '[' {
			s.inItem = false
			if !s.itemNull {
				s.itemEnd(i)
			}
		}
	}
}

// key notes a top-level member's name (raw, quoted).
func (s *splitter) key(raw []byte) error {
	k := raw[1 : len(raw)-1]
	if bytes.IndexByte(k, '\\') >= 0 {
		var str string
		if json.Unmarshal(raw, &str) == nil {
			k = []byte(str)
		}
	}
	s.memStart = -1 // set when the member's value starts
	switch string(k) {
	case "data":
		if s.sawData {
			// The last data member wins, as in an object decoded whole;
			// entities already handed out cannot be taken back.
			if s.handed > 0 {
				s.err = errDuplicateData
				return s.err
			}
			s.spans = s.spans[:0]
		}
		s.member, s.sawData = mData, true
	case "dataType":
		s.member = mDataType
	case "data_type":
		s.member = mDataTypeSnake
	case "errors":
		s.member, s.sawErrors = mErrors, true
	default:
		s.member = mOther
	}
	return nil
}

// payload describes the finished body (its Items are the spans of b the
// caller did not take).
func (s *splitter) payload(b []byte) Payload {
	var p Payload
	switch {
	case s.top == 0:
		return Payload{Shape: ShapeEmpty}
	case s.top == '[':
		p.Shape = ShapeBareArray
	case s.top == '{' && !s.sawData && !s.sawErrors:
		p.Shape = ShapeBareObject
	case s.top == '{':
		p.Shape = ShapeEnvelope
		p.DataType = firstString(s.dataType, s.dataTypeSn)
		p.Errors = decodeErrors(s.errorsRaw)
	default:
		return Payload{Shape: ShapeBareScalar, Scalar: b[s.topStart:s.topEnd:s.topEnd]}
	}
	for _, sp := range s.take() {
		p.Items = append(p.Items, json.RawMessage(b[sp.start:sp.end:sp.end]))
	}
	return p
}

// nonNull drops the null (and empty) elements of a split array; nil when
// none is left.
func nonNull(items []json.RawMessage) []json.RawMessage {
	out := items[:0]
	for _, it := range items {
		if t := bytes.TrimSpace(it); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
