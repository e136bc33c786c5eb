package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// OTLP log records are JSON events whatever --input-format decodes the
// primary lines as (and the event filter does not apply to them).
func TestDaemonOTLPRecordsIgnoreInputFormat(t *testing.T) {
	const export = `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"test-service"}}]},` +
		`"scopeLogs":[{"logRecords":[{"severityText":"INFO","body":{"kvlistValue":{"values":[` +
		`{"key":"CommandLine","value":{"stringValue":"malware.exe --otlp"}}]}}}]}]}]}`
	for _, format := range []string{"syslog", "plain", "cef"} {
		t.Run(format, func(t *testing.T) {
			d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--input-format", format, "--jq", ".never")
			resp, err := http.Post(base+"/v1/logs", "application/json", strings.NewReader(export))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("POST /v1/logs: %d", resp.StatusCode)
			}
			lines := d.WaitStdoutLines(1, 5*time.Second)
			if len(lines) != 1 || !strings.Contains(lines[0], `"value":"malware.exe --otlp"`) {
				t.Fatalf("results %q", lines)
			}
			if v := opsMetric(t, base, "rsigma_events_parse_errors_total"); v != 0 {
				t.Fatalf("parse errors %v", v)
			}
			opsStop(t, d)
		})
	}
}
