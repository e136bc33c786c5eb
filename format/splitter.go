package format

import (
	"bufio"
	"bytes"
	"io"
)

// Splitter cuts an input stream into event lines: one event per line, except
// that a JSON object or array written over several lines (pretty-printed, as
// `jq .` or evtx_dump print it) is joined into one event. A line counts as
// the start of such a value when, after trimming, it starts with `{` or `[`
// and does not already end with `}` or `]`; following lines are joined while
// the brackets stay open. When they never close (end of input, a stray
// closing bracket, or more than the byte limit), the lines are returned one
// by one, exactly as a plain line splitter would.
type Splitter struct {
	sc      *bufio.Scanner
	max     int
	pending [][]byte
	// lineReady is set by the split function: the scanner's buffer holds
	// another complete line after the one just returned.
	lineReady bool
}

// NewSplitter reads from r; maxBytes bounds one line and one joined value.
func NewSplitter(r io.Reader, maxBytes int) *Splitter {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxBytes)
	s := &Splitter{sc: sc, max: maxBytes}
	sc.Split(s.scanLine)
	return s
}

// scanLine is bufio.ScanLines that also records whether a further complete
// line is already buffered (or is the unterminated tail at end of input).
func (s *Splitter) scanLine(data []byte, atEOF bool) (int, []byte, error) {
	advance, token, err := bufio.ScanLines(data, atEOF)
	if token != nil {
		rest := data[advance:]
		s.lineReady = bytes.IndexByte(rest, '\n') >= 0 || (atEOF && len(rest) > 0)
	}
	return advance, token, err
}

// Ready reports whether Next can return the start of the next event without
// reading from the underlying reader: its first line is already buffered.
// (A pretty-printed value whose first line is buffered may still need reads
// for its remaining lines.)
func (s *Splitter) Ready() bool {
	return len(s.pending) > 0 || s.lineReady
}

// Next returns the next event's bytes (owned by the caller, without the line
// terminator; `\r\n` is tolerated), or io.EOF at the end of the input, or the
// reader's error (bufio.ErrTooLong for a line over the limit).
func (s *Splitter) Next() ([]byte, error) {
	if len(s.pending) > 0 {
		line := s.pending[0]
		s.pending = s.pending[1:]
		return line, nil
	}
	first, err := s.line()
	if err != nil {
		return nil, err
	}
	depth, inString := opensValue(first)
	if depth <= 0 {
		return first, nil
	}
	lines, size := [][]byte{first}, len(first)
	for depth > 0 && size <= s.max {
		next, err := s.line()
		if err != nil {
			break
		}
		lines = append(lines, next)
		size += len(next) + 1
		depth, inString = bracketDepth(next, depth, inString)
	}
	if depth == 0 && size <= s.max {
		return bytes.Join(lines, []byte{'\n'}), nil
	}
	s.pending = lines[1:]
	return lines[0], nil
}

// line returns a copy of the next line without its terminator.
func (s *Splitter) line() ([]byte, error) {
	if !s.sc.Scan() {
		if err := s.sc.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	b := s.sc.Bytes() // ScanLines already drops a trailing \r
	return append([]byte(nil), b...), nil
}

// opensValue reports the bracket depth at the end of line when line starts
// a JSON object or array that it does not close; 0 otherwise.
func opensValue(line []byte) (int, bool) {
	t := bytes.TrimSpace(line)
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return 0, false
	}
	if last := t[len(t)-1]; last == '}' || last == ']' {
		return 0, false
	}
	return bracketDepth(t, 0, false)
}

// bracketDepth continues counting open brackets over line, outside strings.
func bracketDepth(line []byte, depth int, inString bool) (int, bool) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth < 0 {
				return depth, false
			}
		}
	}
	return depth, inString
}
