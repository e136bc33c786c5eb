package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzSplitter checks the splitter's contract on any input (with a small
// limit, so that joins hit it and lines go over it):
//   - every line holding a whole JSON object or array comes out as an event
//     of its own, unchanged;
//   - the events, split at their line breaks, are the input's lines in
//     order: nothing lost, nothing repeated (a line over the limit stands
//     for itself, with its head);
//   - an event of several lines is valid JSON.
func FuzzSplitter(f *testing.F) {
	seeds := []string{
		"{\"a\":1}\n{\"b\":2}\r\nplain text\n\n",
		"{\n  \"a\": {\n    \"b\": \"}{\"\n  }\n}\n{\"c\":3}\n",
		"{\"a\":\n{\"CommandLine\":\"malware 1\"}\n{\"z\": 1}}\n[\n{\"w\": 3}]\n",
		"{\"EventID\": 1, \"Image\": \"truncated\n{\"n\":1}\n",
		"[\n{\n\"a\": 01\n},\n{\n\"b\": 1\n}\n]\n",
		"{\n  \"a\": [\n    [],\n    {}\n  ]\n}\n",
		"{\"a\":\n{\n  \"x\": 1\n}\n" + strings.Repeat("y", 90) + "\n{\"n\":1}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		const limit = 64
		lines := inputLines(input)
		s := NewSplitter(bytes.NewReader(input), limit)
		next := 0 // index of the input line the next event must start with
		for {
			b, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var tooLong *LineTooLongError
			if errors.As(err, &tooLong) {
				if next >= len(lines) || len(lines[next]) <= limit || !bytes.HasPrefix(lines[next], tooLong.Head) ||
					tooLong.Size != int64(len(lines[next])) {
					t.Fatalf("line %d: %v does not stand for %q", next, err, line(lines, next))
				}
				next++
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			parts := bytes.Split(b, []byte{'\n'})
			for i, p := range parts {
				if next+i >= len(lines) || !bytes.Equal(p, lines[next+i]) {
					t.Fatalf("event %q: part %d is not input line %d %q", b, i, next+i, line(lines, next+i))
				}
				if len(parts) > 1 && completeValue(p) {
					t.Fatalf("event %q absorbed the complete line %q", b, p)
				}
			}
			if len(parts) > 1 && !json.Valid(b) {
				t.Fatalf("joined event %q is not valid JSON", b)
			}
			next += len(parts)
		}
		if next != len(lines) {
			t.Fatalf("%d events' lines for %d input lines", next, len(lines))
		}
	})
}

// inputLines are the lines of input as a line reader sees them: split at
// `\n`, a `\r` before it dropped, no empty line after a final `\n`.
func inputLines(input []byte) [][]byte {
	if len(input) == 0 {
		return nil
	}
	lines := bytes.Split(bytes.TrimSuffix(input, []byte{'\n'}), []byte{'\n'})
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte{'\r'})
	}
	return lines
}

func line(lines [][]byte, i int) []byte {
	if i < len(lines) {
		return lines[i]
	}
	return []byte("(past the end)")
}
