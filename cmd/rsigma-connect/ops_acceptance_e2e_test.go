package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// Scenarios 22-32 of daemon-acceptance.md §2 (HTTP API and ingest) against
// one `--input http` daemon with the SIMPLE rule.
func TestAcceptanceHTTPAPI(t *testing.T) {
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http")
	get := func(t *testing.T, path string) (int, map[string]any) {
		t.Helper()
		status, body := opsDo(t, "GET", base+path, "")
		return status, opsJSON(t, body)
	}
	t.Run("22 healthz", func(t *testing.T) {
		if status, body := get(t, "/healthz"); status != 200 || body["status"] != "ok" {
			t.Fatalf("%d %v", status, body)
		}
	})
	t.Run("23 readyz", func(t *testing.T) {
		if status, body := get(t, "/readyz"); status != 200 || body["status"] != "ready" || body["rules_loaded"] != true {
			t.Fatalf("%d %v", status, body)
		}
	})
	t.Run("24 rules counts", func(t *testing.T) {
		if _, body := get(t, "/api/v1/rules"); body["detection_rules"] != 1.0 || body["correlation_rules"] != 0.0 {
			t.Fatalf("%v", body)
		}
	})
	t.Run("25 status running", func(t *testing.T) {
		_, body := get(t, "/api/v1/status")
		up, isNum := body["uptime_seconds"].(float64)
		if body["status"] != "running" || body["detection_rules"] != 1.0 || !isNum || up < 0 {
			t.Fatalf("%v", body)
		}
	})
	t.Run("26 metrics exposition", func(t *testing.T) {
		status, body := opsDo(t, "GET", base+"/metrics", "")
		if status != 200 || !strings.Contains(body, "rsigma_events_processed_total") {
			t.Fatalf("%d\n%s", status, body)
		}
		for _, phase := range []string{"parse", "decode_merge", "observe", "evaluate", "result_merge", "dispatch"} { // [N]
			if series := `rsigma_batch_phase_duration_seconds_sum{phase="` + phase + `"}`; !strings.Contains(body, series) {
				t.Errorf("no %s in\n%s", series, body)
			}
		}
	})
	t.Run("27 reload triggered", func(t *testing.T) { opsPostReload(t, base) })
	t.Run("28 single event accepted", func(t *testing.T) {
		status, body := opsDo(t, "POST", base+"/api/v1/events", `{"CommandLine":"notepad.exe"}`)
		if status != 200 || body != `{"accepted":1}` {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("29 NDJSON batch", func(t *testing.T) {
		status, body := opsDo(t, "POST", base+"/api/v1/events", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n")
		if status != 200 || body != `{"accepted":3}` {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("30 status counters move", func(t *testing.T) {
		opsDo(t, "POST", base+"/api/v1/events", `{"CommandLine":"malware.exe"}`)
		poll.Wait(t, 15*time.Second, "events_processed >= 1 and detection_matches >= 1", func() bool {
			_, body := get(t, "/api/v1/status")
			return body["events_processed"].(float64) >= 1 && body["detection_matches"].(float64) >= 1
		})
	})
	t.Run("32 per-rule labels", func(t *testing.T) {
		poll.Wait(t, 15*time.Second, "rsigma_detection_matches_by_rule_total{Test Rule, high}", func() bool {
			f, ok := opsScrape(t, base)["rsigma_detection_matches_by_rule_total"]
			if !ok {
				return false
			}
			for _, m := range f.GetMetric() {
				labels := map[string]string{}
				for _, l := range m.GetLabel() {
					labels[l.GetName()] = l.GetValue()
				}
				if labels["rule_title"] == "Test Rule" && labels["level"] == "high" && m.GetCounter().GetValue() >= 1 {
					return true
				}
			}
			return false
		})
	})
	t.Run("88 overlong line is 413", func(t *testing.T) {
		status, body := opsDo(t, "POST", base+"/api/v1/events", `{"x":"`+strings.Repeat("a", 1_100_000)+`"}`)
		if m := opsJSON(t, body); status != 413 || m["error"] != "line exceeds maximum size" || m["max_bytes"] != 1048576.0 {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("body over 2 MiB is 413", func(t *testing.T) {
		line := `{"x":"` + strings.Repeat("a", 1000) + `"}` + "\n"
		if status, _ := opsDo(t, "POST", base+"/api/v1/events", strings.Repeat(line, 2200)); status != 413 {
			t.Fatalf("status %d, want 413", status)
		}
	})
	opsStop(t, d)
}

// Scenario 31: a parse error is counted once and dead-lettered; the good
// line of the same body is processed.
func TestAcceptanceParseErrorToDLQ(t *testing.T) {
	dlq := filepath.Join(t.TempDir(), "dlq.ndjson")
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--input-format", "json", "--dlq", "file://"+dlq)
	status, body := opsDo(t, "POST", base+"/api/v1/events", "not json\n{\"CommandLine\":\"malware.exe\"}")
	if status != 200 || body != `{"accepted":2}` {
		t.Fatalf("%d %s", status, body)
	}
	poll.Wait(t, 15*time.Second, "DLQ entry with the line and 'parse error'", func() bool {
		lines := opsFileLines(t, dlq)
		return len(lines) == 1 && strings.Contains(lines[0], "not json") && strings.Contains(lines[0], `"error":"parse error"`)
	})
	poll.Wait(t, 15*time.Second, "parse errors 1 and processed 1", func() bool {
		fams := opsScrape(t, base)
		return opsValue(fams, "rsigma_events_parse_errors_total") == 1 && opsValue(fams, "rsigma_events_processed_total") == 1
	})
	var entry map[string]string
	if err := json.Unmarshal([]byte(opsFileLines(t, dlq)[0]), &entry); err != nil || entry["original_event"] != "not json" {
		t.Fatalf("DLQ entry %v (%v)", entry, err)
	}
	opsStop(t, d)
}

// http-api.md §3.7: without --input http the ingest endpoint is 404.
func TestAcceptanceIngestDisabledWithoutHTTPInput(t *testing.T) {
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule))
	status, body := opsDo(t, "POST", base+"/api/v1/events", `{"a":1}`)
	if status != 404 || body != `{"error":"event ingestion not enabled (start with --input http)"}` {
		t.Fatalf("%d %s", status, body)
	}
	_ = d.Stdin.Close()
	if code := d.Wait(10 * time.Second); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// Scenario 76 and 90: two file outputs both receive the detection; --pretty
// changes stdout only.
func TestAcceptanceFanOutAndPretty(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")
	stdout, stderr, code := daemontest.Run(t, "{\"CommandLine\":\"malware.exe\"}\n",
		"engine", "daemon", "-r", opsRulesDir(t, opsSimpleRule), "--api-addr", "127.0.0.1:0", "--pretty",
		"--output", "stdout", "--output", "file://"+a, "--output", "file://"+b)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	la, lb := opsFileLines(t, a), opsFileLines(t, b)
	if len(la) != 1 || len(lb) != 1 || la[0] != lb[0] {
		t.Fatalf("file sinks differ or miss the result:\n%q\n%q", la, lb)
	}
	if !strings.Contains(stdout, "\n  \"rule_title\": \"Test Rule\"") || strings.Contains(la[0], "\n") {
		t.Fatalf("pretty stdout %q / compact file %q", stdout, la[0])
	}
}

// Scenario 87 (the parts owned here): exit codes of configuration errors.
func TestAcceptanceStartupExitCodes(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"host name api-addr", []string{"-r", rules, "--api-addr", "localhost:9090"}, 3},
		{"missing rules path", []string{"-r", filepath.Join(rules, "missing"), "--api-addr", "127.0.0.1:0"}, 2},
		{"unsupported input", []string{"-r", rules, "--api-addr", "127.0.0.1:0", "--input", "kafka://x"}, 3},
		{"unknown input format", []string{"-r", rules, "--api-addr", "127.0.0.1:0", "--input-format", "xml"}, 3},
		{"bad syslog-tz", []string{"-r", rules, "--api-addr", "127.0.0.1:0", "--syslog-tz", "+0530"}, 3},
		{"jq syntax error", []string{"-r", rules, "--api-addr", "127.0.0.1:0", "--jq", ".records["}, 3},
		{"jq with jsonpath", []string{"-r", rules, "--api-addr", "127.0.0.1:0", "--jq", ".", "--jsonpath", "$"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := daemontest.Run(t, "", append([]string{"engine", "daemon"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
		})
	}
}
