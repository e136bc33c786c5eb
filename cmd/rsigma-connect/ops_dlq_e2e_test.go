package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// opsFileLines returns the complete lines of a file (none when it does not
// exist yet); a last line still being written is left for the next poll.
func opsFileLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	pieces := strings.Split(string(b), "\n")
	var out []string
	for _, l := range pieces[:len(pieces)-1] {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// A file sink that becomes unwritable mid-run dead-letters its results
// (output.md §7 shape) while stdout keeps receiving every result.
func TestDaemonFailingFileSinkGoesToDLQ(t *testing.T) {
	dir := t.TempDir()
	results, dlq := filepath.Join(dir, "results.ndjson"), filepath.Join(dir, "dlq.ndjson")
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--input-format", "json",
		"--output", "stdout", "--output", "file://"+results, "--dlq", "file://"+dlq)

	opsDetects(t, d, base, `{"CommandLine":"malware.exe 1"}`, 1)
	poll.Wait(t, 15*time.Second, "the file sink got the first result", func() bool {
		return len(opsFileLines(t, results)) == 1
	})

	// Make the sink unwritable: its path becomes a directory.
	if err := os.Remove(results); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(results, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, cmd := range []string{"malware.exe 2", "malware.exe 3", "malware.exe 4"} {
		opsDetects(t, d, base, `{"CommandLine":"`+cmd+`"}`, 2+i)
	}
	// A parse error goes to the same DLQ.
	if status, _ := opsDo(t, "POST", base+"/api/v1/events", "not json"); status != 200 {
		t.Fatalf("POST: %d", status)
	}
	var entries []map[string]string
	poll.Wait(t, 15*time.Second, "three sink failures and one parse error in the DLQ", func() bool {
		entries = opsDLQEntries(t, dlq)
		return len(entries) == 4
	})
	sinkFailures, parseErrors := 0, 0
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e["error"], "sink delivery failure: "):
			sinkFailures++
			var unit []map[string]any
			if err := json.Unmarshal([]byte(e["original_event"]), &unit); err != nil || len(unit) != 1 || unit[0]["rule_title"] != "Test Rule" {
				t.Errorf("sink failure original_event is not the result array: %q", e["original_event"])
			}
		case e["error"] == "parse error":
			parseErrors++
			if e["original_event"] != "not json" {
				t.Errorf("parse error original_event = %q", e["original_event"])
			}
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000000-07:00", e["timestamp"]); err != nil || !strings.HasSuffix(e["timestamp"], "+00:00") {
			t.Errorf("timestamp %q is not RFC 3339 with +00:00", e["timestamp"])
		}
	}
	if sinkFailures != 3 || parseErrors != 1 {
		t.Fatalf("DLQ holds %d sink failures and %d parse errors, want 3 and 1: %v", sinkFailures, parseErrors, entries)
	}
	if got := d.WaitStdoutLines(4, time.Second); len(got) != 4 {
		t.Fatalf("stdout has %d results, want all 4", len(got))
	}
	fams := opsScrape(t, base)
	if v := opsValue(fams, "rsigma_dlq_events_total"); v != 4 {
		t.Errorf("rsigma_dlq_events_total = %v, want 4", v)
	}
	if v := opsValue(fams, "rsigma_events_parse_errors_total"); v != 1 {
		t.Errorf("rsigma_events_parse_errors_total = %v, want 1", v)
	}
	opsStop(t, d)
}

// With a single sink, a result the sink cannot take (after its retries) and
// an undecodable event both reach the DLQ, and the daemon keeps running.
func TestDaemonSingleFailingSinkGoesToDLQ(t *testing.T) {
	dir := t.TempDir()
	results, dlq := filepath.Join(dir, "results.ndjson"), filepath.Join(dir, "dlq.ndjson")
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--input-format", "json",
		"--output", "file://"+results, "--dlq", "file://"+dlq)
	// Once started, the sink's path becomes a directory: every write fails.
	if err := os.Remove(results); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := os.Mkdir(results, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{"CommandLine":"malware.exe"}`, "not json"} {
		if status, _ := opsDo(t, "POST", base+"/api/v1/events", body); status != 200 {
			t.Fatalf("POST %s: %d", body, status)
		}
	}
	var entries []map[string]string
	poll.Wait(t, 15*time.Second, "one sink failure and one parse error in the DLQ", func() bool {
		entries = opsDLQEntries(t, dlq)
		return len(entries) == 2
	})
	var reasons []string
	for _, e := range entries {
		reasons = append(reasons, strings.SplitN(e["error"], ":", 2)[0])
	}
	sort.Strings(reasons)
	if strings.Join(reasons, ",") != "parse error,sink delivery failure" {
		t.Fatalf("DLQ reasons %v, entries %v", reasons, entries)
	}
	opsStop(t, d)
}

// opsDLQEntries reads a DLQ file's entries (JSON objects of strings).
func opsDLQEntries(t *testing.T, path string) []map[string]string {
	t.Helper()
	var entries []map[string]string
	for _, l := range opsFileLines(t, path) {
		var e map[string]string
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("DLQ line is not a JSON object of strings: %s", l)
		}
		entries = append(entries, e)
	}
	return entries
}
