package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// The SYSLOG-KW and PLAIN-KW fixtures of daemon-acceptance.md §0.
const (
	opsSudoRule = `title: Sudo Usage
id: 11111111-2222-3333-4444-555555555555
level: low
logsource: {product: linux}
detection:
    keywords:
        - sudo
    condition: keywords
`
	opsErrorRule = `title: Error Detected
id: 66666666-7777-8888-9999-000000000000
level: high
logsource: {product: any}
detection:
    keywords:
        - 'CRITICAL ERROR'
    condition: keywords
`
)

// Scenarios 6-14 of daemon-acceptance.md §1 (stdin pipeline and formats),
// plus the event filters and key/value formats, through the real binary.
func TestAcceptanceStdinFormats(t *testing.T) {
	simple := opsRulesDir(t, opsSimpleRule)
	sudo := opsRulesDir(t, opsSudoRule)
	plain := opsRulesDir(t, opsErrorRule)
	const sudoLine = "<38>Apr 25 14:30:00 web01 sudo: admin : TTY=pts/0 ; COMMAND=/bin/bash\n"
	const sudoResult = `{"rule_title":"Sudo Usage","rule_id":"11111111-2222-3333-4444-555555555555","level":"low","tags":[],"matched_selections":["keywords"],"matched_fields":[]}` + "\n"
	for _, tc := range []struct {
		name   string
		rules  string
		args   []string
		stdin  string
		exact  string   // whole stdout, when set
		want   []string // substrings, one stdout line each, in order
		absent string
	}{
		{name: "6 stdin to stdout", rules: simple, stdin: `{"CommandLine":"malware.exe"}` + "\n",
			want: []string{`"rule_title":"Test Rule"`}},
		{name: "9 no match no output", rules: simple, stdin: `{"CommandLine":"benign.exe"}` + "\n", exact: ""},
		{name: "10 batching keeps every result", rules: simple, args: []string{"--batch-size", "4"},
			stdin: strings.Repeat(`{"CommandLine":"malware.exe"}`+"\n", 5),
			want:  []string{"Test Rule", "Test Rule", "Test Rule", "Test Rule", "Test Rule"}},
		{name: "11 small buffer", rules: simple, args: []string{"--buffer-size", "16"},
			stdin: `{"CommandLine":"malware.exe"}` + "\n", want: []string{"Test Rule"}},
		{name: "12 syslog format", rules: sudo, args: []string{"--input-format", "syslog"}, stdin: sudoLine, exact: sudoResult},
		{name: "13 auto detects syslog", rules: sudo, args: []string{"--input-format", "auto"}, stdin: sudoLine, exact: sudoResult},
		{name: "14 plain format", rules: plain, args: []string{"--input-format", "plain"}, stdin: "CRITICAL ERROR in module X\n",
			exact: `{"rule_title":"Error Detected","rule_id":"66666666-7777-8888-9999-000000000000","level":"high","tags":[],"matched_selections":["keywords"],"matched_fields":[]}` + "\n"},
		{name: "jq explodes records", rules: simple, args: []string{"--jq", ".records[]", "--include-event"},
			stdin: `{"records":[{"CommandLine":"malware.exe 1"},{"CommandLine":"ok"},{"CommandLine":"malware.exe 2"}]}` + "\n",
			want:  []string{`"event":{"CommandLine":"malware.exe 1"}}`, `"event":{"CommandLine":"malware.exe 2"}}`}},
		{name: "jsonpath selects the envelope event", rules: simple, args: []string{"--jsonpath", "$.event", "--include-event"},
			stdin: `{"ts":1,"event":{"CommandLine":"malware.exe","b":2,"a":1}}` + "\n",
			want:  []string{`"event":{"CommandLine":"malware.exe","b":2,"a":1}}`}},
		{name: "syslog header fields with --syslog-tz", rules: sudo,
			args:  []string{"--input-format", "syslog", "--syslog-tz", "+05:30", "--include-event"},
			stdin: sudoLine, want: []string{`"appname":"sudo","facility":"LOG_AUTH","severity":"SEV_INFO","_raw":"admin : TTY=pts/0 ; COMMAND=/bin/bash"}`}},
		{name: "logfmt fields", rules: simple, args: []string{"--input-format", "logfmt"},
			stdin: `level=info CommandLine="malware.exe -x" user=bob` + "\n",
			want:  []string{`"matched_fields":[{"field":"CommandLine","value":"malware.exe -x"}]`}},
		{name: "cef extension fields", rules: simple, args: []string{"--input-format", "cef"},
			stdin: `CEF:0|V|P|1|100|Proc|5|CommandLine=malware.exe --run now suser=bob` + "\n",
			want:  []string{`"matched_fields":[{"field":"CommandLine","value":"malware.exe --run now"}]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"engine", "daemon", "-r", tc.rules, "--api-addr", "127.0.0.1:0"}, tc.args...)
			out, stderr, code := daemontest.Run(t, tc.stdin, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if tc.want == nil {
				if out != tc.exact {
					t.Fatalf("stdout\n got %q\nwant %q", out, tc.exact)
				}
				return
			}
			lines := daemontest.Lines(out)
			if len(lines) != len(tc.want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(tc.want), out)
			}
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d = %s\nwant it to contain %s", i, lines[i], w)
				}
			}
		})
	}
}

// Scenario 7: a file sink given alone replaces stdout.
func TestAcceptanceFileSinkReplacesStdout(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.ndjson")
	stdout, stderr, code := daemontest.Run(t, `{"CommandLine":"malware.exe"}`+"\n", "engine", "daemon",
		"-r", opsRulesDir(t, opsSimpleRule), "--api-addr", "127.0.0.1:0", "--output", "file://"+out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	if lines := opsFileLines(t, out); len(lines) != 1 || !strings.Contains(lines[0], `"rule_title":"Test Rule"`) {
		t.Fatalf("file sink: %q", lines)
	}
}
