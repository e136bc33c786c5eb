package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Splitter cuts an input stream into events: one event per line, except
// that a JSON object or array written over several lines (pretty-printed,
// as `jq .` or evtx_dump print it) is joined into one event. A malformed
// line costs only itself:
//
//   - A line holding a whole JSON object or array (with members) is always
//     an event of its own, never part of another value.
//   - A value is joined only while its lines can still be one JSON value: a
//     line that cannot continue it (a whole value, a grammar error, an
//     unterminated string, a stray bracket) ends the join at once, without
//     waiting for more input.
//   - A joined value must be valid JSON. When it is not, or the input ends or
//     the byte limit is reached before it closes, its first line becomes an
//     event of its own and the lines after it are split anew.
//   - A line over the byte limit is skipped: Next returns a
//     *LineTooLongError for it and goes on with the next line.
type Splitter struct {
	lines lineReader
	max   int
	// queue holds lines read but not yet split (after an ended join), the
	// next one last; out holds events already decided, which come before
	// them.
	queue []queuedLine
	out   []queuedLine
	join  joining
	err   error // the reader's end (io.EOF) or failure, sticky
}

// queuedLine is a line, or the *LineTooLongError standing for one.
type queuedLine struct {
	b   []byte
	err error
}

// joining is the value being joined. Besides its lines it tracks, for
// every line after the first that starts with `{` or `[`, whether the value
// that line starts closes cleanly at the end of a later line (closeLine):
// where the join breaks, only such lines can start a value of their own.
type joining struct {
	active    bool
	lines     [][]byte
	size      int
	v         valueScan
	open      []opener // lines starting a value not closed yet, innermost last
	closeLine []int    // per line: the line closing the value it starts, or -1
}

// opener is a line starting with `{` or `[` at nesting depth depth.
type opener struct{ line, depth int }

// NewSplitter reads from r; maxBytes bounds one line and one joined value.
func NewSplitter(r io.Reader, maxBytes int) *Splitter {
	return &Splitter{lines: newLineReader(r, maxBytes), max: maxBytes}
}

// Next returns the next event's bytes (owned by the caller, without the
// line terminator; `\r\n` is tolerated), waiting for input as needed. It
// returns a *LineTooLongError for a line over the limit (the next call goes
// on after it), io.EOF at the end of the input, or the reader's error.
func (s *Splitter) Next() ([]byte, error) {
	b, _, err := s.next(true)
	return b, err
}

// NextBuffered is Next without waiting: ok is false when the next event
// needs input not read yet (its first line, or a further line of a joined
// value that is still open).
func (s *Splitter) NextBuffered() (b []byte, ok bool, err error) {
	return s.next(false)
}

// CopyLinesWith makes the splitter copy each line that fits its 64 KiB read
// buffer into alloc(n), a slice of length n that the splitter then owns,
// instead of a new allocation, so that the caller can recycle the memory of
// events it is done with. Joined values, longer lines and the heads of
// lines over the limit are still allocated on their own.
func (s *Splitter) CopyLinesWith(alloc func(n int) []byte) { s.lines.alloc = alloc }

// Pending reports whether the splitter holds lines it has read but not
// returned yet: queued after an ended join, or the lines of a value being
// joined. When it holds none, every line it has copied was returned.
func (s *Splitter) Pending() bool { return len(s.queue) > 0 || len(s.out) > 0 || s.join.active }

func (s *Splitter) next(wait bool) ([]byte, bool, error) {
	for {
		if len(s.out) > 0 {
			e := s.out[0]
			s.out = s.out[1:]
			return e.b, true, e.err
		}
		l, ok := s.line(wait)
		if !ok {
			return nil, false, nil
		}
		if !s.join.active {
			if l.err != nil || !opensValue(l.b, &s.join.v) {
				return l.b, true, l.err
			}
			s.join.start(l.b)
			continue
		}
		if value, done := s.extend(l.b, l.err); done {
			return value, true, nil
		}
	}
}

// line returns the next line to split: queued first, then read. ok is false
// when wait is false and no whole line is buffered.
func (s *Splitter) line(wait bool) (queuedLine, bool) {
	if n := len(s.queue); n > 0 {
		q := s.queue[n-1]
		s.queue[n-1] = queuedLine{}
		s.queue = s.queue[:n-1]
		return q, true
	}
	if s.err != nil {
		return queuedLine{err: s.err}, true
	}
	if !wait && !s.lines.buffered() {
		return queuedLine{}, false
	}
	line, err := s.lines.read()
	if err != nil && !IsLineTooLong(err) {
		s.err = err
	}
	return queuedLine{b: line, err: err}, true
}

// extend adds line (or err in its place) to the value being joined, and
// returns the value once it is complete and valid.
func (s *Splitter) extend(line []byte, err error) ([]byte, bool) {
	j := &s.join
	switch {
	case err != nil && !IsLineTooLong(err): // end of input or a read error
		s.resplit(len(j.lines), len(j.lines), nil)
		return nil, false
	case err != nil || completeValue(line) || j.size+1+len(line) > s.max:
		s.resplit(len(j.lines), len(j.lines), []queuedLine{{b: line, err: err}})
		return nil, false
	}
	depth := len(j.v.stack)
	st := j.v.scan(line)
	if st == lineBreaks {
		s.resplit(len(j.lines), len(j.lines), []queuedLine{{b: line}})
		return nil, false
	}
	j.add(line, depth)
	if st == lineContinues {
		return nil, false
	}
	value := bytes.Join(j.lines, []byte{'\n'})
	var syntax *json.SyntaxError
	if !isJSON(value) && errors.As(json.Unmarshal(value, new(json.RawMessage)), &syntax) {
		// Split again up to the line holding the error: a value of its
		// own must close before it. The lines after it start afresh.
		bad := bytes.Count(value[:max(0, min(int(syntax.Offset)-1, len(value)))], []byte{'\n'})
		rest := make([]queuedLine, 0, len(j.lines)-bad-1)
		for _, l := range j.lines[bad+1:] {
			rest = append(rest, queuedLine{b: l})
		}
		s.resplit(bad+1, bad, rest)
		return nil, false
	}
	j.reset()
	return value, true
}

// resplit ends the join without a value. Its first n lines are split
// again: the first becomes an event, and so does each next line up to the
// first that starts a value closing cleanly before line closeBefore; from
// that line on, the lines go back to the queue, followed by after, to be
// split anew. A line whose value would have run into the break is not
// retried, which keeps re-splitting linear.
func (s *Splitter) resplit(n, closeBefore int, after []queuedLine) {
	j := &s.join
	s.out = append(s.out, queuedLine{b: j.lines[0]})
	restart := n
	for i := 1; i < n; i++ {
		if c := j.closeLine[i]; c >= 0 && c < closeBefore {
			restart = i
			break
		}
		s.out = append(s.out, queuedLine{b: j.lines[i]})
	}
	for i := len(after) - 1; i >= 0; i-- {
		s.queue = append(s.queue, after[i])
	}
	for i := n - 1; i >= restart; i-- {
		s.queue = append(s.queue, queuedLine{b: j.lines[i]})
	}
	j.reset()
}

func (j *joining) start(line []byte) {
	j.active = true
	j.size = len(line)
	j.lines = append(j.lines[:0], line)
	j.open = j.open[:0]
	j.closeLine = append(j.closeLine[:0], -1)
}

// add appends line, which began at nesting depth depth and was just
// scanned, and records which values of earlier lines it closes.
func (j *joining) add(line []byte, depth int) {
	i := len(j.lines)
	j.lines = append(j.lines, line)
	j.closeLine = append(j.closeLine, -1)
	j.size += 1 + len(line)
	if startsValue(line) {
		j.open = append(j.open, opener{line: i, depth: depth})
	}
	end := len(line) - 1 // the last byte that is not a space
	for end >= 0 && isSpace(line[end]) {
		end--
	}
	for _, c := range j.v.closed {
		for len(j.open) > 0 && j.open[len(j.open)-1].depth >= c.depth {
			o := j.open[len(j.open)-1]
			j.open = j.open[:len(j.open)-1]
			if o.depth == c.depth && c.at == end {
				j.closeLine[o.line] = i
			}
		}
	}
}

func (j *joining) reset() {
	clear(j.lines)
	j.lines = j.lines[:0]
	j.active = false
}

// startsValue reports whether line, trimmed, starts with `{` or `[`.
func startsValue(line []byte) bool {
	for _, c := range line {
		if !isSpace(c) {
			return c == '{' || c == '['
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
