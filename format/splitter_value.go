package format

import "bytes"

// maxJoinDepth bounds the nesting of a joined value: deeper is not an
// event (SigmaHQ's deepest is under 10) and would make re-splitting slow.
const maxJoinDepth = 512

// expect is what the JSON grammar allows next inside a value.
type expect uint8

const (
	expectValue        expect = iota // the start, or after `:`, or after `,` in an array
	expectValueOrClose               // after `[`
	expectKeyOrClose                 // after `{`
	expectKey                        // after `,` in an object
	expectColon                      // after a key
	expectCommaOrClose               // after a value inside a container
	expectEnd                        // the value is complete
)

// valueScan follows the JSON grammar of a value written over several lines,
// one line at a time, far enough to tell whether the lines so far can still
// be the start of one value. Tokens never span lines (a JSON string cannot
// hold a raw newline), so each line is scanned once, where it ends. Numbers
// and literals are only roughly checked: the joined value is validated in
// full once it closes.
type valueScan struct {
	stack  []byte // the open containers, `{` or `[`
	expect expect
	// closed lists, for the line scanned last, the nesting depth after each
	// closing bracket and the bracket's index on the line.
	closed []closing
}

type closing struct{ depth, at int }

// lineStatus is what a line did to a valueScan.
type lineStatus uint8

const (
	lineContinues lineStatus = iota // the value is still open
	lineCloses                      // the value closed at the end of the line
	lineBreaks                      // the line cannot continue the value
)

// scan advances over line.
func (v *valueScan) scan(line []byte) lineStatus {
	v.closed = v.closed[:0]
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			if (v.expect != expectValue && v.expect != expectValueOrClose) || len(v.stack) >= maxJoinDepth {
				return lineBreaks
			}
			v.stack = append(v.stack, c)
			if c == '{' {
				v.expect = expectKeyOrClose
			} else {
				v.expect = expectValueOrClose
			}
		case '}', ']':
			if !v.closes(c) {
				return lineBreaks
			}
			v.closed = append(v.closed, closing{depth: len(v.stack), at: i})
		case ':':
			if v.expect != expectColon {
				return lineBreaks
			}
			v.expect = expectValue
		case ',':
			if v.expect != expectCommaOrClose {
				return lineBreaks
			}
			v.expect = expectValue
			if v.stack[len(v.stack)-1] == '{' {
				v.expect = expectKey
			}
		case '"':
			end := stringEnd(line, i)
			if end < 0 || !v.string() {
				return lineBreaks // strings never span lines
			}
			i = end
		default:
			end := scalarEnd(line, i)
			if !isScalarStart(c) || !v.value() {
				return lineBreaks
			}
			i = end - 1
		}
	}
	if v.expect == expectEnd {
		return lineCloses
	}
	return lineContinues
}

// closes pops the innermost container when c closes it here.
func (v *valueScan) closes(c byte) bool {
	n := len(v.stack)
	if n == 0 {
		return false
	}
	switch v.stack[n-1] {
	case '{':
		if c != '}' || (v.expect != expectKeyOrClose && v.expect != expectCommaOrClose) {
			return false
		}
	default:
		if c != ']' || (v.expect != expectValueOrClose && v.expect != expectCommaOrClose) {
			return false
		}
	}
	v.stack = v.stack[:n-1]
	v.afterValue()
	return true
}

// string takes a string token: a key or a value.
func (v *valueScan) string() bool {
	if v.expect == expectKey || v.expect == expectKeyOrClose {
		v.expect = expectColon
		return true
	}
	return v.value()
}

// value takes a string, number or literal value.
func (v *valueScan) value() bool {
	if v.expect != expectValue && v.expect != expectValueOrClose {
		return false
	}
	v.afterValue()
	return true
}

func (v *valueScan) afterValue() {
	if len(v.stack) == 0 {
		v.expect = expectEnd
	} else {
		v.expect = expectCommaOrClose
	}
}

// stringEnd returns the index of the quote closing the string that opens at
// line[open], or -1 when the line ends first.
func stringEnd(line []byte, open int) int {
	for i := open + 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// scalarEnd returns the index after the number or literal at line[start].
func scalarEnd(line []byte, start int) int {
	i := start
	for i < len(line) {
		switch line[i] {
		case ' ', '\t', '\r', '\n', ',', ':', '{', '}', '[', ']', '"':
			return i
		}
		i++
	}
	return i
}

func isScalarStart(c byte) bool {
	return c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n'
}

// opensValue reports whether line starts a JSON object or array that it
// leaves open in a way later lines could complete. v is then the grammar
// state at the end of the line.
func opensValue(line []byte, v *valueScan) bool {
	t := bytes.TrimSpace(line)
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	if last := t[len(t)-1]; last == '}' || last == ']' {
		return false // complete, or broken: either way an event of its own
	}
	*v = valueScan{stack: v.stack[:0]}
	return v.scan(t) == lineContinues
}

// completeValue reports whether line holds a whole JSON object or array with
// at least one member: an event of its own, never part of another value.
// Empty `{}` and `[]` are excluded because pretty-printers write them on a
// line of their own as the last element of an array.
func completeValue(line []byte) bool {
	t := bytes.TrimSpace(line)
	if len(t) < 2 {
		return false
	}
	first, last := t[0], t[len(t)-1]
	if !(first == '{' && last == '}') && !(first == '[' && last == ']') {
		return false
	}
	if len(bytes.TrimSpace(t[1:len(t)-1])) == 0 {
		return false
	}
	return isJSON(t)
}
