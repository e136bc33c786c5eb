package format

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// TooLongHead is how many bytes of a line over the limit a
// LineTooLongError keeps.
const TooLongHead = 4096

// LineTooLongError reports a line longer than the splitter's limit. The
// splitter has skipped the whole line (up to its terminator); the next call
// to Next returns the line after it, as encoding/csv's Reader does after a
// ParseError.
type LineTooLongError struct {
	Size  int64  // the line's length in bytes, without its terminator
	Limit int    // the splitter's limit
	Head  []byte // the line's first TooLongHead bytes (owned by the caller)
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line of %d bytes exceeds the %d-byte limit (skipped; the event holds its first %d bytes)",
		e.Size, e.Limit, len(e.Head))
}

// IsLineTooLong reports whether err is (or wraps) a *LineTooLongError.
func IsLineTooLong(err error) bool {
	if err == nil {
		return false // before the target: errors.As makes it escape, an allocation per call
	}
	var tooLong *LineTooLongError
	return errors.As(err, &tooLong)
}

// lineReader reads lines of at most max bytes; a longer line is skipped
// whole and reported as a *LineTooLongError, after which reading goes on.
type lineReader struct {
	br  *bufio.Reader
	max int
	// alloc, when set, gives the memory a line that fits the buffer is
	// copied into (Splitter.CopyLinesWith).
	alloc func(n int) []byte
}

func newLineReader(r io.Reader, max int) lineReader {
	return lineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// buffered reports whether a whole line is already buffered, so that read
// returns it without reading from the underlying reader.
func (l *lineReader) buffered() bool {
	n := l.br.Buffered()
	if n == 0 {
		return false
	}
	b, _ := l.br.Peek(n)
	return bytes.IndexByte(b, '\n') >= 0
}

// read returns a copy of the next line without its terminator (`\n` or
// `\r\n`), io.EOF after the last one, a *LineTooLongError for a line over
// the limit, or the reader's error.
func (l *lineReader) read() ([]byte, error) {
	frag, err := l.br.ReadSlice('\n')
	if err == nil { // the common case: the whole line is in the buffer
		if line := dropEOL(frag); len(line) <= l.max {
			return l.copyLine(line), nil
		}
	}
	return l.readLong(frag, err)
}

// copyLine returns a copy of line, in memory from alloc when set.
func (l *lineReader) copyLine(line []byte) []byte {
	if l.alloc == nil {
		return bytes.Clone(line)
	}
	b := l.alloc(len(line))
	copy(b, line)
	return b
}

// readLong finishes a line that did not fit the buffer (or the limit), of
// which frag is the first part: it keeps the line while it is within the
// limit, then only its head, and reads up to the terminator.
func (l *lineReader) readLong(frag []byte, err error) ([]byte, error) {
	var line []byte
	var size int64 // bytes read, terminator included
	for {
		size += int64(len(frag))
		if size <= int64(l.max)+2 { // room for a `\r\n`
			line = append(line, frag...)
		} else if len(line) < TooLongHead {
			line = append(line, frag[:min(len(frag), TooLongHead-len(line))]...)
		}
		if err == nil || (errors.Is(err, io.EOF) && size > 0) {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err // io.EOF with nothing read, or the reader's error
		}
		frag, err = l.br.ReadSlice('\n')
	}
	content := size - int64(len(frag)-len(dropEOL(frag)))
	if content <= int64(l.max) {
		return dropEOL(line), nil
	}
	head := line[:min(int64(len(line)), TooLongHead, content)]
	return nil, &LineTooLongError{Size: content, Limit: l.max, Head: head}
}

// dropEOL removes a trailing `\n` and a `\r` before it (or at the end).
func dropEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}
