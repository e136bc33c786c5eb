package format

import (
	"strings"
	"testing"
)

// The table of input-formats.md §9.3 plus order/number preservation.
func TestFilters(t *testing.T) {
	runDecodeCases(t, []decodeCase{
		{name: "jq selects a sub-object", opts: Options{JQ: ".event"},
			line: `{"ts":1,"event":{"CommandLine":"whoami"}}`, want: []string{`json {"CommandLine":"whoami"}`}},
		{name: "jsonpath selects a sub-object", opts: Options{JSONPath: "$.event"},
			line: `{"ts":1,"event":{"CommandLine":"whoami"}}`, want: []string{`json {"CommandLine":"whoami"}`}},
		{name: "jq iterates records", opts: Options{JQ: ".records[]"},
			line: `{"records":[{"a":1},{"a":2}]}`, want: []string{`json {"a":1}`, `json {"a":2}`}},
		{name: "jsonpath wildcard iterates records", opts: Options{JSONPath: "$.records[*]"},
			line: `{"records":[{"a":1},{"a":2}]}`, want: []string{`json {"a":1}`, `json {"a":2}`}},
		{name: "jq over empty array yields nothing", opts: Options{JQ: ".records[]"}, line: `{"records":[]}`},
		{name: "jq missing key yields null", opts: Options{JQ: ".event"}, line: `{"x":1}`, want: []string{`json null`}},
		{name: "jsonpath missing key yields nothing", opts: Options{JSONPath: "$.event"}, line: `{"x":1}`},
		{name: "jq without iteration yields the array", opts: Options{JQ: ".records"},
			line: `{"records":[{"a":1}]}`, want: []string{`json [{"a":1}]`}},
		{name: "jsonpath without wildcard yields the array", opts: Options{JSONPath: "$.records"},
			line: `{"records":[{"a":1}]}`, want: []string{`json [{"a":1}]`}},
		{name: "jq path output keeps key order and number literals", opts: Options{JQ: ".e"},
			line: `{"e":{"z":1.0,"a":12345678901234567890}}`, want: []string{`json {"z":1.0,"a":12345678901234567890}`}},
		{name: "jq select keeps the whole input", opts: Options{JQ: `select(.kind == "x")`},
			line: `{"kind":"x","b":2}`, want: []string{`json {"kind":"x","b":2}`}},
		{name: "jq select rejecting yields nothing", opts: Options{JQ: `select(.kind == "x")`}, line: `{"kind":"y"}`},
		{name: "jq construction is re-encoded exactly", opts: Options{JQ: `{n: .n, s: .s}`},
			line: `{"n":12345678901234567890,"s":"<&>"}`, want: []string{`json {"n":12345678901234567890,"s":"<&>"}`}},
		{name: "jq negative index", opts: Options{JQ: ".r[-1]"}, line: `{"r":[{"a":1},{"a":2}]}`, want: []string{`json {"a":2}`}},
		{name: "jq escaped key", opts: Options{JQ: `.["a\"b"]`}, line: `{"a\"b":{"x":1}}`, want: []string{`json {"x":1}`}},
		{name: "jsonpath descendant in document order", opts: Options{JSONPath: "$..CommandLine"},
			line: `{"z":{"CommandLine":"first"},"a":{"CommandLine":"second"},"m":{"CommandLine":"third"}}`,
			want: []string{`json "first"`, `json "second"`, `json "third"`}},
		{name: "jsonpath filter expression", opts: Options{JSONPath: `$.records[?@.a > 1]`},
			line: `{"records":[{"a":1},{"a":2},{"a":3}]}`, want: []string{`json {"a":2}`, `json {"a":3}`}},
		{name: "filter runs on syslog JSON body", opts: Options{Format: Syslog, JQ: ".inner"},
			line: `<13>1 2024-01-15T10:30:00Z h app - - - {"inner":{"x":1}}`, want: []string{`json {"x":1}`}},
		{name: "filter bypasses key/value events", opts: Options{Format: Logfmt, JQ: ".inner"},
			line: `a=1`, want: []string{`fields {"a":"1"}`}},
		{name: "filter bypasses plain events in auto", opts: Options{JQ: ".inner"},
			line: `hello`, want: []string{`plain {"_raw":"hello"}`}},
	})
}

func TestJQRuntimeErrorSkipsOnlyThatOutput(t *testing.T) {
	var errs []string
	d := mustDecoder(t, Options{JQ: `.records[] | if .bad then error("boom") else . end`,
		OnFilterError: func(err error) { errs = append(errs, err.Error()) }})
	got, err := decodeAll(t, d, `{"records":[{"a":1},{"bad":true},{"a":3}]}`)
	if err != nil {
		t.Fatal(err)
	}
	want := `json {"a":1}|json {"a":3}`
	if strings.Join(got, "|") != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "boom") {
		t.Fatalf("errors = %q, want one mentioning boom", errs)
	}
	if d.Stats().FilterErrors != 1 {
		t.Fatalf("FilterErrors = %d, want 1", d.Stats().FilterErrors)
	}
}

func TestJQEndlessErrorsAreBounded(t *testing.T) {
	d := mustDecoder(t, Options{JQ: `repeat(error("x"))`})
	if _, err := decodeAll(t, d, `{}`); err != nil {
		t.Fatal(err)
	}
	if n := d.Stats().FilterErrors; n != maxJQErrors {
		t.Fatalf("FilterErrors = %d, want %d", n, maxJQErrors)
	}
}
