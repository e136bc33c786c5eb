package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// TestDaemonEVTXRecordsFireSigmaHQRules feeds Windows events in the nested
// EVTX JSON shape of SigmaHQ's regression data (Event.System /
// Event.EventData / Event.UserData, synthetic values) to the daemon with the
// whole SigmaHQ corpus loaded; each must fire the rule it was written for.
func TestDaemonEVTXRecordsFireSigmaHQRules(t *testing.T) {
	corpus := sigmahq.Dir()
	sysmon := `"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,` +
		`"TimeCreated":{"#attributes":{"SystemTime":"2026-01-02T03:04:05Z"}},"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"ws01"}`
	cases := []struct {
		ruleID string
		event  string
	}{
		{"cc9cbe82-7bc0-4ef5-bc23-bbfb83947be7", `{"Event":{"#attributes":{"xmlns":"x"},` + sysmon +
			`,"EventData":{"Image":"C:\\Windows\\System32\\certutil.exe","OriginalFileName":"CertUtil.exe","CommandLine":"certutil  -decode file.base64 out.exe","ParentImage":"C:\\Windows\\System32\\cmd.exe"}}}`},
		{"c248c896-e412-4279-8c15-1c558067b6fa", `{"Event":{` + sysmon +
			`,"EventData":{"Image":"C:\\Windows\\System32\\whoami.exe","OriginalFileName":"whoami.exe","CommandLine":"whoami /all"}}}`},
		{"a62b37e0-45d3-48d9-a517-90c1a1b0186b", `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Eventlog"}},` +
			`"EventID":104,"Channel":"System","Computer":"ws01"},"UserData":{"LogFileCleared":{"SubjectUserName":"bob","Channel":"Application"}}}}`},
	}
	for _, layout := range []string{"one_record_per_line", "pretty_printed_records"} {
		t.Run(layout, func(t *testing.T) {
			var input strings.Builder
			for _, c := range cases {
				if layout == "pretty_printed_records" {
					var buf bytes.Buffer
					if err := json.Indent(&buf, []byte(c.event), "", "  "); err != nil {
						t.Fatal(err)
					}
					input.Write(buf.Bytes())
				} else {
					input.WriteString(c.event)
				}
				input.WriteString("\n")
			}
			out, stderr, code := daemontest.Run(t, input.String(), "engine", "daemon", "-r", corpus,
				"--input-format", "json", "--api-addr", "127.0.0.1:0")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			for _, c := range cases {
				if !strings.Contains(out, `"rule_id":"`+c.ruleID+`"`) {
					t.Errorf("rule %s did not fire on %s", c.ruleID, c.event)
				}
			}
			if strings.Contains(stderr, "parse error") {
				t.Errorf("parse errors on %s input:\n%s", layout, stderr)
			}
		})
	}
}
