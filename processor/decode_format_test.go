package processor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

const syslogRule = `title: Su Failure
id: r-su
level: low
logsource: {product: linux}
detection:
    selection:
        appname: su
        facility: LOG_AUTH
    condition: selection
`

const keywordRule = `title: Disk Full
level: low
logsource: {product: any}
detection:
    keywords:
        - 'disk full'
    condition: keywords
`

func writeRules(t *testing.T, docs ...string) string {
	t.Helper()
	dir := t.TempDir()
	for i, d := range docs {
		if err := os.WriteFile(filepath.Join(dir, "r"+string(rune('a'+i))+".yml"), []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestProcessorInputFormats(t *testing.T) {
	dir := writeRules(t, testRule, syslogRule, keywordRule)
	for _, tc := range []struct {
		name     string
		settings string
		lines    []string
		want     []string // substrings, one per result, in sorted result order
		wantErrs int
	}{
		{"syslog header fields match and are echoed", "input_format: syslog\n  include_event: true",
			[]string{`<34>Oct 11 22:14:15 mymachine su: 'su root' failed`},
			[]string{`"rule_title":"Su Failure"`}, 0},
		{"auto detects syslog", "input_format: auto",
			[]string{`<34>Oct 11 22:14:15 mymachine su: x`, `{"CommandLine":"whoami"}`},
			[]string{`"rule_title":"Su Failure"`, `"rule_title":"Whoami Execution"`}, 0},
		{"jq explodes records into events", "input_format: json\n  jq: '.records[]'\n  include_event: true",
			[]string{`{"records":[{"CommandLine":"whoami /all"},{"CommandLine":"dir"},{"CommandLine":"whoami"}]}`},
			[]string{`"event":{"CommandLine":"whoami /all"}`, `"event":{"CommandLine":"whoami"}`}, 0},
		{"jsonpath selects the envelope's event", "jsonpath: '$.event'\n  include_event: true",
			[]string{`{"ts":1,"event":{"CommandLine":"whoami","z":1,"a":2}}`},
			[]string{`"event":{"CommandLine":"whoami","z":1,"a":2}}`}, 0},
		{"logfmt pairs are fields", "input_format: logfmt\n  include_event: true",
			[]string{`CommandLine="cmd /c whoami" user=bob`},
			[]string{`"event":{"CommandLine":"cmd /c whoami","user":"bob"}`}, 0},
		{"cef without a header is a parse error", "input_format: cef",
			[]string{`not cef`, `CEF:0|V|P|1|s|n|5|msg=disk full now`},
			[]string{`"rule_title":"Disk Full"`}, 1},
		{"plain lines only match keywords", "input_format: plain\n  include_event: true",
			[]string{`CommandLine whoami but disk full`},
			[]string{`"event":{"_raw":"CommandLine whoami but disk full"}`}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := "sigma:\n  rules: [" + dir + "]\n  " + tc.settings + "\n"
			out, errs := runStream(t, conf, 1, tc.lines)
			if len(out) != len(tc.want) || len(errs) != tc.wantErrs {
				t.Fatalf("got %d results %q and %d errors %q; want %d and %d", len(out), out, len(errs), errs, len(tc.want), tc.wantErrs)
			}
			for i, w := range tc.want {
				if !strings.Contains(out[i], w) {
					t.Errorf("result %d = %s, want it to contain %s", i, out[i], w)
				}
			}
		})
	}
}

func TestProcessorRejectsBadFormatSettings(t *testing.T) {
	dir := writeRules(t, testRule)
	for _, bad := range []string{"jq: '.records['", "jsonpath: 'records'", "syslog_tz: '+0530'", "jq: '.'\n  jsonpath: '$'"} {
		s, err := ParseSettingsYAML("rules: [" + dir + "]\n" + strings.ReplaceAll(bad, "\n  ", "\n"))
		if err != nil {
			t.Fatalf("%s: settings: %v", bad, err)
		}
		if _, err := New(s, service.MockResources(), nil); err == nil {
			t.Errorf("%s: want a decoder error", bad)
		}
	}
}

// Messages marked as JSON records (OTLP) bypass input_format and the event
// filter; unmarked lines of the same batch follow them.
func TestProcessorDecodesMarkedRecordsAsJSON(t *testing.T) {
	dir := writeRules(t, testRule)
	s, err := ParseSettingsYAML("rules: [" + dir + "]\ninput_format: syslog\njq: '.records[]'\n")
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(s, service.MockResources(), nil)
	if err != nil {
		t.Fatal(err)
	}
	record := service.NewMessage([]byte(`{"CommandLine":"whoami","resource.service.name":"svc"}`))
	record.MetaSet(MetaEventJSON, "true")
	line := service.NewMessage([]byte(`{"CommandLine":"whoami"}`)) // as syslog: only _raw, no CommandLine field
	out, err := p.ProcessBatch(context.Background(), service.MessageBatch{record, line})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || len(out[0]) != 1 {
		t.Fatalf("got %v, want exactly the record's detection", out)
	}
	if b, _ := out[0][0].AsBytes(); !strings.Contains(string(b), `"rule_id":"r-whoami"`) {
		t.Fatalf("result %s", b)
	}
}

// TestJSONFormatRejectsEveryMalformedLine: with input_format json the
// decoder leaves validation to the event extractor; every malformed line
// must still come out as a parse error, and valid ones as events.
func TestJSONFormatRejectsEveryMalformedLine(t *testing.T) {
	malformed := []string{
		`{"CommandLine":"whoami"} trailing`,
		`{"CommandLine":"whoami"}{"a":1}`,
		`{"CommandLine":"whoami`,
		`{"CommandLine":"who\ami"}`,
		`{"CommandLine":"whoami",}`,
		`{"CommandLine" "whoami"}`,
		`[1,2`,
		`tru`,
		`{"Event":{"System":{"EventID":1},"EventData":{"CommandLine":"whoami"}}`,
	}
	valid := []string{`{"CommandLine":"whoami"}`, `  {"CommandLine":"whoami"}  `, `[1,"x"]`, `42`}
	out, errs := runStream(t, "sigma:\n  rules: ["+writeRule(t)+"]\n  input_format: json\n", 1, append(append([]string{}, malformed...), valid...))
	if len(errs) != len(malformed) {
		t.Errorf("%d parse errors, want %d: %q", len(errs), len(malformed), errs)
	}
	if len(out) != 2 {
		t.Errorf("%d results from the valid lines, want 2 (the two objects): %q", len(out), out)
	}
}
