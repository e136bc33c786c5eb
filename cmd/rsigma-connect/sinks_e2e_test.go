package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// fileLines waits up to 15 s for path to hold at least n non-empty lines
// and returns them.
func fileLines(t *testing.T, path string, n int) []string {
	t.Helper()
	var lines []string
	poll.Wait(t, 15*time.Second, "lines in "+path, func() bool {
		b, _ := os.ReadFile(path)
		lines = daemontest.Lines(string(b))
		return len(lines) >= n
	})
	return lines
}

// Scenarios 77 and 78: a drop sink delivers under normal load, and the
// per-sink and input queue gauges are exposed.
func TestSinkOnFullDropDeliversAndQueueMetrics(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.ndjson")
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--output", "file://"+out+"?on_full=drop")
	for i := 0; i < 20; i++ {
		opsDo(t, "POST", base+"/api/v1/events", `{"CommandLine":"malware.exe"}`)
	}
	if lines := fileLines(t, out, 20); len(lines) != 20 || !strings.Contains(lines[0], `"rule_title":"Test Rule"`) {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	if _, err := os.Stat(out + "?on_full=drop"); !os.IsNotExist(err) {
		t.Fatal("the option became part of the file name")
	}
	_, metrics := opsDo(t, "GET", base+"/metrics", "")
	for _, want := range []string{`rsigma_sink_queue_depth{sink="file"} 0`, "rsigma_input_queue_depth 0",
		`rsigma_sink_dropped_total{sink="file"} 0`, `rsigma_sink_retries_total{sink="file"} 0`,
		`rsigma_sink_delivery_failures_total{sink="file"} 0`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, grepLines(metrics, "queue"))
		}
	}
	opsStop(t, d)
}

// Scenarios 79 and 80: an OTLP sink nobody listens on, without retries,
// sends its results to the DLQ; over TLS with a CA too.
func TestOTLPSinkUnreachableGoesToDLQ(t *testing.T) {
	p := newPKI(t)
	for _, tc := range []struct{ name, output string }{
		{"79 otlphttp", "otlphttp://127.0.0.1:1"},
		{"80 otlps with ca", "otlps://127.0.0.1:1?ca=" + p.path("ca.pem")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dlq := filepath.Join(t.TempDir(), "dlq.ndjson")
			d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--output", tc.output,
				"--sink-retry-max", "0", "--dlq", "file://"+dlq)
			opsDo(t, "POST", base+"/api/v1/events", `{"CommandLine":"malware.exe"}`)
			entry := fileLines(t, dlq, 1)[0]
			var e struct{ OriginalEvent, Error string }
			if err := json.Unmarshal([]byte(strings.NewReplacer(`"original_event"`, `"OriginalEvent"`, `"error"`, `"Error"`).Replace(entry)), &e); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(e.Error, "sink delivery failure: ") || !strings.Contains(e.OriginalEvent, `"rule_title":"Test Rule"`) {
				t.Fatalf("DLQ entry %s", entry)
			}
			_, metrics := opsDo(t, "GET", base+"/metrics", "")
			if !strings.Contains(metrics, `rsigma_sink_delivery_failures_total{sink="otlp"} 1`) || !strings.Contains(metrics, `rsigma_sink_retries_total{sink="otlp"} 0`) {
				t.Errorf("/metrics:\n%s", grepLines(metrics, "rsigma_sink_"))
			}
			opsStop(t, d)
		})
	}
}

// An OTLP sink delivers to a receiver: a second daemon, whose OTLP input
// turns each record back into an event that one of its rules matches.
func TestOTLPSinkDeliversToAnotherDaemon(t *testing.T) {
	const onRecords = `title: Detection Received
id: 00000000-0000-0000-0000-0000000000ee
level: low
logsource: {product: rsigma}
detection:
    selection:
        rule_title: Test Rule
        severity_text: ERROR
        resource.service.name: rsigma
    condition: selection
`
	for _, scheme := range []string{"otlp", "otlphttp"} {
		t.Run(scheme, func(t *testing.T) {
			receiver, receiverBase := opsStart(t, opsRulesDir(t, onRecords), "--input", "http")
			sender, senderBase := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http",
				"--output", scheme+"://"+strings.TrimPrefix(receiverBase, "http://")+"?compression=gzip")
			opsDo(t, "POST", senderBase+"/api/v1/events", `{"CommandLine":"malware.exe"}`)
			lines := receiver.WaitStdoutLines(1, 15*time.Second)
			if len(lines) != 1 || !strings.Contains(lines[0], `"rule_title":"Detection Received"`) {
				t.Fatalf("the receiving daemon wrote %q", lines)
			}
			opsStop(t, sender)
			opsStop(t, receiver)
		})
	}
}

// Scenario 82: ?format= on sinks.
func TestSinkFormat(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	dir := t.TempDir()
	plain, ndjson, ocsf := filepath.Join(dir, "plain.ndjson"), filepath.Join(dir, "ndjson.ndjson"), filepath.Join(dir, "findings.ocsf")
	d, base := opsStart(t, rules, "--input", "http", "--output", "file://"+plain,
		"--output", "file://"+ndjson+"?format=ndjson", "--output", "file://"+ocsf+"?format=ocsf")
	opsDo(t, "POST", base+"/api/v1/events", `{"CommandLine":"malware.exe"}`)
	a, b, c := fileLines(t, plain, 1), fileLines(t, ndjson, 1), fileLines(t, ocsf, 1)
	if a[0] != b[0] {
		t.Fatalf("format=ndjson differs from the default:\n%s\n%s", a[0], b[0])
	}
	var finding map[string]any
	if err := json.Unmarshal([]byte(c[0]), &finding); err != nil || finding["class_uid"] != 2004.0 ||
		finding["finding_info"].(map[string]any)["title"] != "Test Rule" {
		t.Fatalf("OCSF line %s (%v)", c[0], err)
	}
	opsStop(t, d)

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bogus", []string{"--output", "file://" + plain + "?format=bogus"}, "Unknown sink format"},
		{"bare", []string{"--output", "file://" + plain + "?format"}, "Unknown sink format"},
		{"duplicate", []string{"--output", "file://" + plain + "?format=ndjson&format=ndjson"}, "may be specified only once"},
		{"otlp", []string{"--output", "otlp://127.0.0.1:4317?format=ndjson"}, "not supported on OTLP sinks"},
		{"dlq", []string{"--dlq", "file://" + plain + "?format=ndjson"}, "only supported on findings sinks"},
		{"unknown option", []string{"--output", "file://" + plain + "?colour=blue"}, "unknown sink option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}, tc.args...)
			_, stderr, code := daemontest.Run(t, "", args...)
			if code != 3 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want 3 with %q:\n%s", code, tc.want, stderr)
			}
		})
	}
}
