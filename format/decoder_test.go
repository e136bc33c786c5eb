package format

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// decodeAll returns "<kind> <event JSON>" for every event of line.
func decodeAll(t *testing.T, d *Decoder, line string) ([]string, error) {
	t.Helper()
	var got []string
	err := d.Decode([]byte(line), func(ev Decoded) error {
		got = append(got, ev.Kind.String()+" "+string(ev.AppendEventJSON(nil)))
		return nil
	})
	return got, err
}

func mustDecoder(t *testing.T, opts Options) *Decoder {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2026, 6, 2, 8, 0, 0, 0, time.UTC) }
	}
	d, err := New(opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	return d
}

type decodeCase struct {
	name    string
	opts    Options
	line    string
	want    []string
	wantErr bool
}

func runDecodeCases(t *testing.T, cases []decodeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := mustDecoder(t, tc.opts)
			got, err := decodeAll(t, d, tc.line)
			if tc.wantErr {
				if !errors.Is(err, ErrParse) {
					t.Fatalf("want a parse error, got %v (events %q)", err, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("events differ\n got: %q\nwant: %q", got, tc.want)
			}
		})
	}
}

func TestDecodeGeneralLineHandling(t *testing.T) {
	runDecodeCases(t, []decodeCase{
		{name: "blank line yields nothing", opts: Options{Format: JSON}, line: "   \t"},
		{name: "empty line yields nothing", opts: Options{Format: Plain}, line: ""},
		{name: "CRLF is stripped", opts: Options{Format: Plain}, line: "hello\r\n",
			want: []string{`plain {"_raw":"hello"}`}},
		{name: "invalid UTF-8 is replaced", opts: Options{Format: Plain}, line: "a\xffb",
			want: []string{"plain {\"_raw\":\"a\uFFFDb\"}"}},
		{name: "plain line is not trimmed", opts: Options{Format: Plain}, line: "  x  ",
			want: []string{`plain {"_raw":"  x  "}`}},
	})
}

func TestDecodeJSON(t *testing.T) {
	runDecodeCases(t, []decodeCase{
		{name: "object keeps key order and literals", opts: Options{Format: JSON},
			line: `{"b":1.50,"a":{"z":1,"y":2}}`, want: []string{`json {"b":1.50,"a":{"z":1,"y":2}}`}},
		{name: "array root is accepted", opts: Options{Format: JSON}, line: `[1,2]`, want: []string{`json [1,2]`}},
		{name: "scalar root is accepted", opts: Options{Format: JSON}, line: `"x"`, want: []string{`json "x"`}},
		{name: "invalid JSON is a parse error", opts: Options{Format: JSON}, line: `{not json}`, wantErr: true},
		{name: "two values on one line is a parse error", opts: Options{Format: JSON}, line: `{} {}`, wantErr: true},
		{name: "syslog line in json mode is a parse error", opts: Options{Format: JSON},
			line: `<13>host app: not a json line`, wantErr: true},
	})
}

func TestDecodeAuto(t *testing.T) {
	runDecodeCases(t, []decodeCase{
		{name: "JSON object", line: `  {"a":1}`, want: []string{`json {"a":1}`}},
		{name: "JSON array", line: `[{"a":1}]`, want: []string{`json [{"a":1}]`}},
		{name: "broken JSON falls through to plain", line: `{not json}`, want: []string{`plain {"_raw":"{not json}"}`}},
		{name: "syslog", line: `<34>Oct 11 22:14:15 mymachine su: 'su root' failed`,
			want: []string{`fields {"timestamp":"2026-10-11T22:14:15+00:00","hostname":"mymachine","appname":"su","facility":"LOG_AUTH","severity":"SEV_CRIT","_raw":"'su root' failed"}`}},
		{name: "angle bracket text without header is plain", line: `<not syslog`,
			want: []string{`plain {"_raw":"<not syslog"}`}},
		{name: "syslog-tz applies in auto", opts: Options{SyslogTZ: "+05:30"}, line: `<13>Jan  5 01:02:03 h app: x`,
			want: []string{`fields {"timestamp":"2026-01-05T01:02:03+05:30","hostname":"h","appname":"app","facility":"LOG_USER","severity":"SEV_NOTICE","_raw":"x"}`}},
		{name: "logfmt-looking text stays plain", line: `level=error msg=x`,
			want: []string{`plain {"_raw":"level=error msg=x"}`}},
		{name: "CEF text stays plain", line: `CEF:0|a|b|c|d|e|1|src=1`,
			want: []string{`plain {"_raw":"CEF:0|a|b|c|d|e|1|src=1"}`}},
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"unknown format", Options{Format: "xml"}, "--input-format"},
		{"offset without colon", Options{SyslogTZ: "+0530"}, "--syslog-tz"},
		{"zone name", Options{SyslogTZ: "Europe/Paris"}, "--syslog-tz"},
		{"hour out of range", Options{SyslogTZ: "+25:00"}, "--syslog-tz"},
		{"jq and jsonpath together", Options{JQ: ".", JSONPath: "$"}, "mutually exclusive"},
		{"jq syntax error", Options{JQ: ".records[", Format: JSON}, "--jq"},
		{"jsonpath syntax error", Options{JSONPath: "$.records[", Format: JSON}, "--jsonpath"},
		{"jsonpath without root", Options{JSONPath: "records"}, "--jsonpath"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error mentioning %q, got %v", tc.want, err)
			}
		})
	}
	for _, tz := range []string{"", "+00:00", "-08:00", "+05:30", "UTC", "utc", "Z"} {
		if _, err := New(Options{SyslogTZ: tz}); err != nil {
			t.Errorf("--syslog-tz %q rejected: %v", tz, err)
		}
	}
}

func TestStatsCountNotableLines(t *testing.T) {
	d := mustDecoder(t, Options{Format: JSON, JQ: ".records[]"})
	for _, line := range []string{"", `{"records":[]}`, `{"records":[1,{"a":1}]}`, "{\"records\":[\"\xff\"]}"} {
		if _, err := decodeAll(t, d, line); err != nil {
			t.Fatal(err)
		}
	}
	got := d.Stats()
	want := Stats{Blank: 1, InvalidUTF8: 1, NonObject: 2, NoOutput: 1}
	if got != want {
		t.Fatalf("stats = %+v, want %+v", got, want)
	}
}
