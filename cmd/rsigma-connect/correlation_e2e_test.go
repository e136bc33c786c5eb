package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

const bruteForceRules = `title: Failed Logon
id: failed-logon
name: failed_logon
level: low
logsource: {product: windows, service: security}
detection:
    selection: {EventID: 4625}
    condition: selection
---
title: Brute Force
id: brute-force
level: high
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [TargetUserName]
    timespan: 10m
    condition: {gte: 5}
`

const bruteForceResult = `{"rule_title":"Brute Force","rule_id":"brute-force","level":"high","tags":[],` +
	`"correlation_type":"event_count","group_key":[["TargetUserName","bob"]],"aggregated_value":5.0,"timespan_secs":600}`

func bruteForceDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "brute.yml"), []byte(bruteForceRules), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// logons renders failed logons n..m of bob, one second apart; untimed
// events carry no timestamp field.
func logons(n, m int, timed bool) string {
	var b strings.Builder
	for i := n; i <= m; i++ {
		if timed {
			fmt.Fprintf(&b, `{"EventID":4625,"TargetUserName":"bob","@timestamp":"2026-03-01T10:00:%02dZ"}`+"\n", i)
		} else {
			b.WriteString(`{"EventID":4625,"TargetUserName":"bob"}` + "\n")
		}
	}
	return b.String()
}

func correlationLines(out string) []string {
	var lines []string
	for _, l := range daemontest.Lines(out) {
		if strings.Contains(l, `"correlation_type"`) {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestCorrelationDaemon runs the brute-force scenario through the binary.
func TestCorrelationDaemon(t *testing.T) {
	rules := bruteForceDir(t)
	daemon := func(t *testing.T, stdin string, flags ...string) (string, string) {
		t.Helper()
		args := append([]string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}, flags...)
		out, stderr, code := daemontest.Run(t, stdin, args...)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		return out, stderr
	}

	t.Run("fires_exactly_once_at_the_fifth_failed_logon", func(t *testing.T) {
		out, _ := daemon(t, logons(1, 4, true))
		if got := correlationLines(out); len(got) != 0 {
			t.Fatalf("fired before the fifth logon: %q", got)
		}
		out, _ = daemon(t, logons(1, 5, true))
		got := correlationLines(out)
		if len(got) != 1 || got[0] != bruteForceResult {
			t.Fatalf("correlation lines %q, want exactly\n%s", got, bruteForceResult)
		}
		if n := len(daemontest.Lines(out)); n != 6 {
			t.Fatalf("%d lines, want 5 detections and 1 correlation:\n%s", n, out)
		}
	})

	t.Run("no_detections_leaves_only_the_correlation", func(t *testing.T) {
		out, _ := daemon(t, logons(1, 5, true), "--no-detections")
		if lines := daemontest.Lines(out); len(lines) != 1 || lines[0] != bruteForceResult {
			t.Fatalf("stdout %q", lines)
		}
	})

	t.Run("split_over_two_runs_sharing_state_db_fires_at_the_fifth", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "state.db")
		out, _ := daemon(t, logons(1, 3, true), "--no-detections", "--state-db", db)
		if out != "" {
			t.Fatalf("run 1 printed %q", out)
		}
		if _, err := os.Stat(db); err != nil {
			t.Fatalf("state db not created: %v", err)
		}
		out, _ = daemon(t, logons(4, 5, true), "--no-detections", "--state-db", db)
		if lines := daemontest.Lines(out); len(lines) != 1 || lines[0] != bruteForceResult {
			t.Fatalf("run 2 stdout %q, want the fifth logon to fire", lines)
		}
	})

	t.Run("sigint_writes_the_final_snapshot", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "state.db")
		d := daemontest.Start(t, "engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0", "--no-detections", "--state-db", db)
		addr := d.APIAddr(10 * time.Second)
		if _, err := d.Stdin.Write([]byte(logons(1, 3, true))); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if _, body := daemontest.Get(t, "http://"+addr+"/metrics"); strings.Contains(body, "rsigma_correlation_state_entries 1") {
				break
			}
		}
		d.Signal(syscall.SIGINT)
		if code := d.Wait(10 * time.Second); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if snap := readSnapshot(t, db); !strings.Contains(snap, `"brute-force"`) {
			t.Fatalf("final snapshot lacks the correlation: %s", snap)
		}
		out, _ := daemon(t, logons(4, 5, true), "--no-detections", "--state-db", db)
		if lines := daemontest.Lines(out); len(lines) != 1 || lines[0] != bruteForceResult {
			t.Fatalf("after SIGINT restart: %q", lines)
		}
	})

	t.Run("detection_only_rules_create_the_db_but_write_no_row", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "state.db")
		rule := "title: Test Rule\nlogsource: {category: process_creation}\ndetection:\n  sel: {CommandLine|contains: whoami}\n  condition: sel\n"
		if err := os.WriteFile(filepath.Join(dir, "whoami.yml"), []byte(rule), 0o644); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := daemontest.Run(t, `{"CommandLine":"cmd /c whoami"}`+"\n", "engine", "daemon",
			"-r", filepath.Join(dir, "whoami.yml"), "--api-addr", "127.0.0.1:0", "--state-db", db)
		if code != 0 || !strings.Contains(out, `"rule_title":"Test Rule"`) {
			t.Fatalf("exit %d, stdout %q\n%s", code, out, stderr)
		}
		conn, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var rows int
		if err := conn.QueryRow(`SELECT count(*) FROM rsigma_correlation_state`).Scan(&rows); err != nil || rows != 0 {
			t.Fatalf("rows %d, err %v; want the table and no row", rows, err)
		}
	})

	t.Run("clear_state_prevents_restore_keep_state_forces_it", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "state.db")
		daemon(t, logons(1, 3, true), "--no-detections", "--state-db", db)
		if out, _ := daemon(t, logons(4, 5, true), "--no-detections", "--state-db", db, "--clear-state"); out != "" {
			t.Fatalf("--clear-state restored: %q", out)
		}
		// The cleared run saved its own two logons; two more make four, then five.
		daemon(t, logons(6, 7, true), "--no-detections", "--state-db", db, "--keep-state")
		out, _ := daemon(t, logons(8, 8, true), "--no-detections", "--state-db", db, "--keep-state")
		if got := correlationLines(out); len(got) != 1 || !strings.Contains(got[0], `"aggregated_value":5.0`) {
			t.Fatalf("--keep-state: %q", got)
		}
	})

	t.Run("old_schema_is_migrated_and_its_snapshot_restored", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "state.db")
		daemon(t, logons(1, 4, true), "--no-detections", "--state-db", db)
		snapshot := readSnapshot(t, db)
		old := filepath.Join(t.TempDir(), "old.db")
		conn, err := sql.Open("sqlite", old)
		if err != nil {
			t.Fatal(err)
		}
		_, err = conn.Exec(`CREATE TABLE rsigma_correlation_state (id INTEGER PRIMARY KEY CHECK (id = 1),
			snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL)`)
		if err == nil {
			_, err = conn.Exec(`INSERT INTO rsigma_correlation_state VALUES (1, ?, ?)`, snapshot, time.Now().Unix())
		}
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		out, _ := daemon(t, logons(5, 5, true), "--no-detections", "--state-db", old, "--keep-state")
		if lines := daemontest.Lines(out); len(lines) != 1 || lines[0] != bruteForceResult {
			t.Fatalf("stdout %q", lines)
		}
		conn, _ = sql.Open("sqlite", old)
		defer conn.Close()
		var seq, ts sql.NullInt64
		if err := conn.QueryRow(`SELECT source_sequence, source_timestamp FROM rsigma_correlation_state`).Scan(&seq, &ts); err != nil {
			t.Fatalf("position columns after migration: %v", err)
		}
	})

	t.Run("timestamp_fallback_skip_keeps_untimed_events_out", func(t *testing.T) {
		out, _ := daemon(t, logons(1, 6, false), "--no-detections", "--timestamp-fallback", "skip")
		if out != "" {
			t.Fatalf("stdout %q", out)
		}
		out, _ = daemon(t, logons(1, 5, false), "--no-detections")
		if got := correlationLines(out); len(got) != 1 {
			t.Fatalf("wallclock fallback: %q", got)
		}
	})

	t.Run("suppress_swallows_repeated_firings", func(t *testing.T) {
		out, _ := daemon(t, logons(1, 9, true), "--no-detections", "--suppress", "1h")
		if got := correlationLines(out); len(got) != 1 {
			t.Fatalf("%d firings with --suppress, want 1: %q", len(got), got)
		}
		out, _ = daemon(t, logons(1, 9, true), "--no-detections")
		if got := correlationLines(out); len(got) != 5 {
			t.Fatalf("%d firings in alert mode, want 5 (5th..9th)", len(got))
		}
	})

	t.Run("configuration_errors_exit_3", func(t *testing.T) {
		notDB := filepath.Join(t.TempDir(), "notes.txt")
		os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 100)), 0o600)
		for _, flags := range [][]string{
			{"--clear-state", "--keep-state"},
			{"--suppress", "5m30s"},
			{"--action", "page"},
			{"--correlation-event-mode", "everything"},
			{"--state-db", notDB},
		} {
			args := append([]string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}, flags...)
			_, stderr, code := daemontest.Run(t, "", args...)
			if code != 3 {
				t.Errorf("%v: exit %d, want 3\n%s", flags, code, stderr)
			}
		}
	})

	t.Run("metrics_count_correlations", func(t *testing.T) {
		d := daemontest.Start(t, "engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0", "--no-detections")
		addr := d.APIAddr(10 * time.Second)
		if _, err := d.Stdin.Write([]byte(logons(1, 5, true))); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"rsigma_correlation_matches_total 1",
			"rsigma_correlation_rules_loaded 1",
			`rsigma_correlation_matches_by_rule_total{correlation_type="event_count",level="high",rule_title="Brute Force"} 1`,
			"rsigma_correlation_state_entries 1",
		}
		var body string
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			_, body = daemontest.Get(t, "http://"+addr+"/metrics")
			if containsAll(body, want) {
				break
			}
		}
		if !containsAll(body, want) {
			t.Fatalf("metrics lack %q:\n%s", want, body)
		}
		d.Stdin.Close()
		if code := d.Wait(10 * time.Second); code != 0 {
			t.Fatalf("exit %d", code)
		}
	})
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func readSnapshot(t *testing.T, path string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var snap string
	if err := conn.QueryRow(`SELECT snapshot FROM rsigma_correlation_state WHERE id = 1`).Scan(&snap); err != nil {
		t.Fatalf("no snapshot row: %v", err)
	}
	return snap
}
