package format

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func splitAll(t *testing.T, input string, max int) []string {
	t.Helper()
	s := NewSplitter(strings.NewReader(input), max)
	var out []string
	for {
		b, err := s.Next()
		if errors.Is(err, io.EOF) {
			return out
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
		{"escaped_quote_in_string", "{\n\"a\":\"x\\\"{\"\n}\n", []string{"{\n\"a\":\"x\\\"{\"\n}"}},
		{"unclosed_at_eof_returns_lines", "{\n\"a\":1\n", []string{"{", `"a":1`}},
		{"stray_closing_bracket_returns_lines", "{ not json\n]]\nnext\n", []string{"{ not json", "]]", "next"}},
		{"no_final_newline", `{"a":1}`, []string{`{"a":1}`}},
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

func TestSplitterReadyOnlyWhenTheNextLineIsBuffered(t *testing.T) {
	// Two lines arrive in the first read, a third (unterminated) in the
	// second: each Read of a MultiReader returns one part.
	s := NewSplitter(io.MultiReader(strings.NewReader("a\nb\n"), strings.NewReader("c")), 1024)
	var got []string
	for {
		b, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b)+"/"+map[bool]string{true: "ready", false: "wait"}[s.Ready()])
	}
	want := []string{"a/ready", "b/wait", "c/wait"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestSplitterReadyForLinesOfAnUnclosedValue(t *testing.T) {
	// The unclosed "{" gives back its lines one by one: they are buffered.
	s := NewSplitter(strings.NewReader("{\nx\n"), 1024)
	if b, err := s.Next(); err != nil || string(b) != "{" {
		t.Fatalf("first = %q, %v", b, err)
	}
	if !s.Ready() {
		t.Fatal("the pending line of an unclosed value is not reported ready")
	}
}
