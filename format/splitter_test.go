package format

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// splitAll splits input and returns the events; a line over the limit
// appears as "TOO LONG <size>: <head>".
func splitAll(t *testing.T, input string, max int) []string {
	t.Helper()
	s := NewSplitter(strings.NewReader(input), max)
	var out []string
	for {
		b, err := s.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var tooLong *LineTooLongError
		if errors.As(err, &tooLong) {
			out = append(out, fmt.Sprintf("TOO LONG %d: %s", tooLong.Size, tooLong.Head))
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
}

func TestSplitter(t *testing.T) {
	cases := []struct {
		name  string
		input string
		want  []string
	}{
		{"ndjson_lines_unchanged", "{\"a\":1}\n{\"b\":2}\r\nplain text\n\n", []string{`{"a":1}`, `{"b":2}`, "plain text", ""}},
		{"pretty_object_joined", "{\n  \"a\": {\n    \"b\": \"}{\"\n  }\n}\n{\"c\":3}\n",
			[]string{"{\n  \"a\": {\n    \"b\": \"}{\"\n  }\n}", `{"c":3}`}},
		{"pretty_array_joined", "[\n 1,\n 2\n]\n", []string{"[\n 1,\n 2\n]"}},
		{"pretty_empty_members_joined", "{\n  \"a\": [\n    [],\n    {}\n  ],\n  \"b\": {}\n}\n",
			[]string{"{\n  \"a\": [\n    [],\n    {}\n  ],\n  \"b\": {}\n}"}},
		{"escaped_quote_in_string", "{\n\"a\":\"x\\\"{\"\n}\n", []string{"{\n\"a\":\"x\\\"{\"\n}"}},
		{"unclosed_at_eof_returns_lines", "{\n\"a\":1\n", []string{"{", `"a":1`}},
		{"stray_closing_bracket_returns_lines", "{ not json\n]]\nnext\n", []string{"{ not json", "]]", "next"}},
		{"no_final_newline", `{"a":1}`, []string{`{"a":1}`}},
		// Issue 13: a truncated line followed, lines later, by a stray
		// closing bracket swallowed every complete line in between.
		{"truncated_line_never_absorbs_complete_lines", "{\"a\":\n{\"n\":1}\n{\"n\":2}\n{\"z\": 1}}\n{\"n\":3}\n",
			[]string{`{"a":`, `{"n":1}`, `{"n":2}`, `{"z": 1}}`, `{"n":3}`}},
		{"open_array_never_absorbs_complete_lines", "[\n{\"n\":1}\n{\"w\": 3}]\n",
			[]string{"[", `{"n":1}`, `{"w": 3}]`}},
		{"unterminated_string_is_its_own_event", "{\"EventID\": 1, \"Image\": \"truncated\n\"x\": 1\n}\n{\"n\":1}\n",
			[]string{`{"EventID": 1, "Image": "truncated`, `"x": 1`, "}", `{"n":1}`}},
		{"joined_value_that_does_not_parse_is_resplit", "{\n\"a\": 01\n}\n{\"n\":1}\n",
			[]string{"{", `"a": 01`, "}", `{"n":1}`}},
		{"truncated_line_before_a_pretty_value", "{\"a\":\n{\n  \"x\": 1\n}\n{\"n\":1}\n",
			[]string{`{"a":`, "{\n  \"x\": 1\n}", `{"n":1}`}},
		{"truncated_pretty_value_before_the_next", "{\n  \"a\": 1,\n  \"b\":\n{\n  \"c\": 2\n}\n",
			[]string{"{", `  "a": 1,`, `  "b":`, "{\n  \"c\": 2\n}"}},
		{"invalid_member_then_valid_sibling", "[\n{\n\"a\": 01\n},\n{\n\"b\": 1\n}\n]\n",
			[]string{"[", "{", `"a": 01`, "},", "{\n\"b\": 1\n}", "]"}},
		{"grammar_break_ends_the_join", "{\n\"a\": 1\n\"b\": 2\n}\n",
			[]string{"{", `"a": 1`, `"b": 2`, "}"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := splitAll(t, c.input, 1<<20)
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestSplitterLimitFallsBackToLines(t *testing.T) {
	input := "{\n" + strings.Repeat("\"k\":1,\n", 20) + "\"z\":0\n}\n"
	got := splitAll(t, input, 64)
	if len(got) != 23 {
		t.Fatalf("got %d events, want the 23 lines one by one", len(got))
	}
}

// Issue 13: a line over the limit wedged the reader for good (the scanner
// stopped with "token too long"). It costs only itself now.
func TestSplitterLineOverTheLimitCostsOnlyItself(t *testing.T) {
	long := `{"CommandLine":"` + strings.Repeat("x", 200) + `"}`
	input := "{\"n\":1}\n" + long + "\r\n{\"n\":2}\n" + strings.Repeat("y", 100) + "\n{\"n\":3}"
	got := splitAll(t, input, 64)
	want := []string{`{"n":1}`, fmt.Sprintf("TOO LONG %d: %s", len(long), long), `{"n":2}`,
		"TOO LONG 100: " + strings.Repeat("y", 100), `{"n":3}`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestSplitterLineOverTheLimitKeepsItsHead(t *testing.T) {
	long := strings.Repeat("z", 3*TooLongHead+17)
	s := NewSplitter(strings.NewReader(long+"\nnext\n"), 2*TooLongHead)
	_, err := s.Next()
	var tooLong *LineTooLongError
	if !errors.As(err, &tooLong) {
		t.Fatalf("err = %v, want *LineTooLongError", err)
	}
	if tooLong.Size != int64(len(long)) || tooLong.Limit != 2*TooLongHead || string(tooLong.Head) != long[:TooLongHead] {
		t.Fatalf("size %d limit %d head %d bytes", tooLong.Size, tooLong.Limit, len(tooLong.Head))
	}
	if b, err := s.Next(); err != nil || string(b) != "next" {
		t.Fatalf("after the long line: %q, %v", b, err)
	}
}

// A line over the limit inside a pretty-printed value ends the join.
func TestSplitterLineOverTheLimitEndsAJoin(t *testing.T) {
	got := splitAll(t, "{\n\"a\": \""+strings.Repeat("x", 80)+"\"\n}\n", 64)
	want := []string{"{", "TOO LONG 87: \"a\": \"" + strings.Repeat("x", 80) + "\"", "}"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// bufferedEvents takes the events NextBuffered returns without waiting, and
// "WAIT" where it would wait.
func bufferedEvents(t *testing.T, s *Splitter) string {
	t.Helper()
	var got []string
	for {
		b, ok, err := s.NextBuffered()
		if err != nil {
			got = append(got, err.Error())
			break
		}
		if !ok {
			got = append(got, "WAIT")
			break
		}
		got = append(got, string(b))
	}
	return strings.Join(got, " ")
}

func TestSplitterNextBufferedOnlyReturnsWhatIsRead(t *testing.T) {
	// Two lines arrive in the first read, a third (unterminated) in the
	// second: each Read of a MultiReader returns one part.
	s := NewSplitter(io.MultiReader(strings.NewReader("a\nb\n"), strings.NewReader("c")), 1024)
	if got := bufferedEvents(t, s); got != "WAIT" {
		t.Fatalf("before any read: %s", got)
	}
	if b, err := s.Next(); err != nil || string(b) != "a" {
		t.Fatalf("first = %q, %v", b, err)
	}
	if got := bufferedEvents(t, s); got != "b WAIT" {
		t.Fatalf("buffered after the first: %s", got)
	}
}

// pipeSplitter returns a splitter reading what the test writes with feed;
// the reader waits for more until the test ends.
func pipeSplitter(t *testing.T) (*Splitter, func(string)) {
	r, w := io.Pipe()
	// One writer goroutine keeps the feeds in order: a goroutine per feed
	// let a later feed reach the pipe first.
	feeds := make(chan string, 16)
	go func() {
		for s := range feeds {
			if _, err := io.WriteString(w, s); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { close(feeds); _ = w.Close() })
	feed := func(s string) { feeds <- s }
	return NewSplitter(r, 1<<20), feed
}

// nextWithin returns the next event, failing the test when Next waits
// longer than timeout (it is still waiting for input).
func nextWithin(t *testing.T, s *Splitter, timeout time.Duration) string {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	c := make(chan result, 1)
	go func() { b, err := s.Next(); c <- result{b, err} }()
	select {
	case r := <-c:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return string(r.b)
	case <-time.After(timeout):
		t.Fatalf("Next still waiting after %v", timeout)
		return ""
	}
}

// Issue 13: on a stdin that stays open, one truncated line held back every
// later event until EOF.
func TestSplitterTruncatedLineDoesNotStallALiveStream(t *testing.T) {
	s, feed := pipeSplitter(t)
	feed("{\"n\":1}\n{\"EventID\": 1, \"Image\": \"truncated\n{\"n\":2}\n")
	for _, want := range []string{`{"n":1}`, `{"EventID": 1, "Image": "truncated`, `{"n":2}`} {
		if got := nextWithin(t, s, 10*time.Second); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

// A line that could still be continued waits for the next line, and a
// complete value ends that wait at once.
func TestSplitterCompleteLineEndsTheWait(t *testing.T) {
	s, feed := pipeSplitter(t)
	feed("{\"a\":\n")
	if got := bufferedEvents(t, s); got != "WAIT" {
		t.Fatalf("an open value was returned before its next line: %s", got)
	}
	feed("{\"n\":1}\n")
	if got := nextWithin(t, s, 10*time.Second); got != `{"a":` {
		t.Fatalf("got %q", got)
	}
	if got := bufferedEvents(t, s); got != `{"n":1} WAIT` {
		t.Fatalf("after the open value: %s", got)
	}
}

// IsLineTooLong runs on every message (processor, engine): no error, no
// allocation (its errors.As target escaped before the nil check).
func TestIsLineTooLongOfNoErrorAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = IsLineTooLong(nil) }); n != 0 {
		t.Fatalf("%.0f allocations, want 0", n)
	}
}
