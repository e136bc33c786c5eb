package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// malwareEvents are n events the SIMPLE rule detects, "malware 0" … .
func malwareEvents(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf(`{"CommandLine":"malware %d"}`, i))
	}
	return out
}

// Issue 13, item 1: a truncated line followed, any number of lines later,
// by a stray closing bracket made one invalid value of every line in
// between (20 of 40 good events detected). Each malformed line costs only
// itself: all 40 are detected and the DLQ holds exactly the 8 bad lines.
func TestDaemonMalformedStdinLinesCostOnlyThemselves(t *testing.T) {
	bad := []string{`{"a":`, `{"z": 1}}`, `[`, `{"w": 3}]`, `{"b": [1,`, `x}`, `{"c":`, `] ]`}
	var input []string
	for i, e := range malwareEvents(40) {
		input = append(input, e)
		if i%5 == 2 {
			input = append(input, bad[i/5])
		}
	}
	dlq := filepath.Join(t.TempDir(), "dlq.ndjson")
	stdout, stderr, code := daemontest.Run(t, strings.Join(input, "\n")+"\n", "engine", "daemon",
		"-r", opsRulesDir(t, opsSimpleRule), "--api-addr", "127.0.0.1:0", "--input-format", "json", "--dlq", "file://"+dlq)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	results := daemontest.Lines(stdout)
	for i := 0; i < 40; i++ {
		if want := fmt.Sprintf(`malware %d"`, i); i >= len(results) || !strings.Contains(results[i], want) {
			t.Fatalf("%d results, result %d is not for %q:\n%s", len(results), i, want, stdout)
		}
	}
	if len(results) != 40 {
		t.Fatalf("%d results, want 40", len(results))
	}
	var dead []string
	for _, e := range opsDLQEntries(t, dlq) {
		if e["error"] != "parse error" {
			t.Fatalf("DLQ entry %v", e)
		}
		dead = append(dead, e["original_event"])
	}
	if strings.Join(dead, "\n") != strings.Join(bad, "\n") {
		t.Fatalf("DLQ holds %q, want the bad lines %q", dead, bad)
	}
}

// Issue 13, item 1: on a stdin that stays open, one truncated line held
// back every later event until stdin closed (1 result after 15 s). A line
// that cannot be continued is evaluated at once.
func TestDaemonTruncatedStdinLineDoesNotStall(t *testing.T) {
	d, _ := opsStart(t, opsRulesDir(t, opsSimpleRule))
	events := malwareEvents(5)
	input := events[0] + "\n" + `{"EventID": 1, "Image": "truncated` + "\n" + strings.Join(events[1:], "\n") + "\n"
	if _, err := io.WriteString(d.Stdin, input); err != nil {
		t.Fatal(err)
	}
	if got := d.WaitStdoutLines(5, 20*time.Second); len(got) != 5 {
		t.Fatalf("%d of 5 results while stdin stays open:\n%s", len(got), d.Stdout())
	}
	_ = d.Stdin.Close()
	if code := d.Wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d after EOF", code)
	}
}

// Issue 13, item 1: a stdin line over 16 MiB wedged the reader for good
// ("token too long" every second, later events never evaluated, EOF never
// ending the daemon). It costs only itself: counted as a parse error, in
// the DLQ with its size and its head, and the next lines are evaluated.
func TestDaemonStdinLineOverTheLimitCostsOnlyItself(t *testing.T) {
	dlq := filepath.Join(t.TempDir(), "dlq.ndjson")
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input-format", "json", "--dlq", "file://"+dlq)
	const size = 17 << 20
	long := `{"CommandLine":"` + strings.Repeat("x", size-len(`{"CommandLine":""}`)) + `"}`
	events := malwareEvents(2)
	go func() { _, _ = io.WriteString(d.Stdin, events[0]+"\n"+long+"\n"+events[1]+"\n") }()
	if got := d.WaitStdoutLines(2, 30*time.Second); len(got) != 2 || !strings.Contains(got[1], "malware 1") {
		t.Fatalf("results after the long line: %q", got)
	}
	var entries []map[string]string
	poll.Wait(t, 10*time.Second, "the long line in the DLQ", func() bool {
		entries = opsDLQEntries(t, dlq)
		return len(entries) == 1
	})
	if e := entries[0]; !strings.Contains(e["error"], fmt.Sprintf("line of %d bytes exceeds the %d-byte limit", size, 16<<20)) ||
		!strings.HasPrefix(long, e["original_event"]) || len(e["original_event"]) != 4096 {
		t.Fatalf("DLQ entry: error %q, original_event of %d bytes", e["error"], len(e["original_event"]))
	}
	if n := opsMetric(t, base, "rsigma_events_parse_errors_total"); n != 1 {
		t.Fatalf("rsigma_events_parse_errors_total = %v, want 1", n)
	}
	_ = d.Stdin.Close()
	if code := d.Wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d after EOF", code)
	}
}
