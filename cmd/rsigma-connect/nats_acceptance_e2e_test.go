package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	_ "modernc.org/sqlite"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// Fixtures of spec/daemon-acceptance.md §0.
const (
	simpleRule = `title: Test Rule
id: 00000000-0000-0000-0000-000000000001
level: high
logsource: {product: test}
detection:
    selection: {CommandLine|contains: malware}
    condition: selection
`
	bruteRules = `title: Failed Login
id: failed-login
name: failed_login
level: low
logsource: {product: test}
detection:
    selection: {EventType: login_failure}
    condition: selection
---
title: Brute Force
id: brute-force
level: high
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [src_ip]
    timespan: 5m
    condition: {gte: 3}
`
	malwareEvent = `{"CommandLine":"run malware.exe","User":"x"}`
	benignEvent  = `{"CommandLine":"notepad.exe","User":"x"}`
	failedLogin  = `{"EventType":"login_failure","src_ip":"10.0.0.1"}`
)

func ruleDir(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startNATSDaemon starts the binary and waits for `API server listening`
// and `Sink started`, as the reference harness does.
func startNATSDaemon(t *testing.T, rules string, args ...string) *daemontest.Daemon {
	t.Helper()
	d := daemontest.Start(t, append([]string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}, args...)...)
	d.APIAddr(15 * time.Second)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(d.Stderr(), "Sink started"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no 'Sink started' line:\n%s", d.Stderr())
		}
	}
	return d
}

func stopDaemon(t *testing.T, d *daemontest.Daemon) {
	t.Helper()
	d.Signal(syscall.SIGINT)
	if code := d.Wait(10 * time.Second); code != 0 {
		t.Fatalf("exit %d after SIGINT\n%s", code, d.Stderr())
	}
}

// subscribe opens a core-NATS subscription (before publishing).
func subscribe(t *testing.T, js jetstream.JetStream, subject string) *natsgo.Subscription {
	t.Helper()
	sub, err := js.Conn().SubscribeSync(subject)
	if err != nil {
		t.Fatal(err)
	}
	if err := js.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	return sub
}

// next returns the next message payload or fails after timeout.
func next(t *testing.T, sub *natsgo.Subscription, timeout time.Duration) string {
	t.Helper()
	m, err := sub.NextMsg(timeout)
	if err != nil {
		t.Fatalf("no message on %s within %v: %v", sub.Subject, timeout, err)
	}
	return string(m.Data)
}

func ruleTitle(t *testing.T, payload string) string {
	t.Helper()
	var r struct {
		RuleTitle string `json:"rule_title"`
	}
	if err := json.Unmarshal([]byte(payload), &r); err != nil {
		t.Fatalf("result is not JSON: %s", payload)
	}
	return r.RuleTitle
}

// nextTitled skips results until one titled title arrives and returns it.
func nextTitled(t *testing.T, sub *natsgo.Subscription, title string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		p := next(t, sub, time.Until(deadline))
		if ruleTitle(t, p) == title {
			return p
		}
	}
}

// storedPosition reads the persisted source position (nulls as -1).
func storedPosition(t *testing.T, db string) (seq, ts int64, snapshot string, ok bool) {
	t.Helper()
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var s, tsn sql.NullInt64
	err = conn.QueryRow("SELECT snapshot, source_sequence, source_timestamp FROM rsigma_correlation_state WHERE id = 1").Scan(&snapshot, &s, &tsn)
	if err != nil || !s.Valid || !tsn.Valid {
		return -1, -1, snapshot, false
	}
	return s.Int64, tsn.Int64, snapshot, true
}

// waitStoredSequence polls the state DB until source_sequence >= min.
func waitStoredSequence(t *testing.T, db string, min int64) (int64, int64, string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		seq, ts, snap, ok := storedPosition(t, db)
		if ok && seq >= min && snap != "" {
			return seq, ts, snap
		}
		if time.Now().After(deadline) {
			t.Fatalf("state DB %s: source_sequence %d (valid %v), want >= %d", db, seq, ok, min)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Scenarios 54–61 of spec/daemon-acceptance.md §5.
func TestDaemonNATSAcceptance(t *testing.T) {
	t.Run("54_single_detection", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		sub := subscribe(t, js, "e2e.cli.output.single")
		d := startNATSDaemon(t, ruleDir(t, simpleRule), "--input", url+"/e2e.cli.input.single", "--output", url+"/e2e.cli.output.single")
		publishLines(t, js, "e2e.cli.input.single", []string{malwareEvent, benignEvent})
		if got := ruleTitle(t, next(t, sub, 5*time.Second)); got != "Test Rule" {
			t.Fatalf("rule_title %q", got)
		}
		if m, err := sub.NextMsg(300 * time.Millisecond); err == nil {
			t.Fatalf("second message: %s", m.Data)
		}
		stopDaemon(t, d)
	})

	t.Run("55_no_match_no_output", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		sub := subscribe(t, js, "out")
		d := startNATSDaemon(t, ruleDir(t, simpleRule), "--input", url+"/in", "--output", url+"/out")
		publishLines(t, js, "in", []string{benignEvent, benignEvent, `{"CommandLine":"malware canary"}`})
		first := next(t, sub, 5*time.Second)
		if !strings.Contains(first, "Test Rule") {
			t.Fatalf("first message %s", first)
		}
		if m, err := sub.NextMsg(200 * time.Millisecond); err == nil {
			t.Fatalf("unexpected message: %s", m.Data)
		}
		stopDaemon(t, d)
	})

	t.Run("56_correlation_over_nats", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		sub := subscribe(t, js, "out")
		d := startNATSDaemon(t, ruleDir(t, bruteRules), "--input", url+"/in", "--output", url+"/out", "--no-detections")
		publishLines(t, js, "in", []string{failedLogin, failedLogin, failedLogin, failedLogin})
		nextTitled(t, sub, "Brute Force", 5*time.Second)
		stopDaemon(t, d)
	})

	t.Run("57_fanout_to_two_subjects_identical_bytes", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		a, b := subscribe(t, js, "out.a"), subscribe(t, js, "out.b")
		d := startNATSDaemon(t, ruleDir(t, simpleRule), "--input", url+"/in", "--output", url+"/out.a", "--output", url+"/out.b")
		publishLines(t, js, "in", []string{malwareEvent})
		pa, pb := next(t, a, 5*time.Second), next(t, b, 5*time.Second)
		if pa != pb {
			t.Fatalf("fan-out payloads differ:\n%s\n%s", pa, pb)
		}
		stopDaemon(t, d)
	})

	t.Run("58_source_position_persisted", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		db := filepath.Join(t.TempDir(), "state.db")
		d := startNATSDaemon(t, ruleDir(t, bruteRules), "--input", url+"/in", "--output", url+"/out", "--state-db", db, "--state-save-interval", "1")
		publishLines(t, js, "in", []string{failedLogin, failedLogin})
		waitStoredSequence(t, db, 2)
		stopDaemon(t, d)
	})

	t.Run("59_forward_replay_restores_state", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		db, rules := filepath.Join(t.TempDir(), "state.db"), ruleDir(t, bruteRules)
		args := []string{"--input", url + "/in", "--output", url + "/out", "--state-db", db, "--state-save-interval", "1", "--no-detections"}
		d := startNATSDaemon(t, rules, args...)
		publishLines(t, js, "in", []string{failedLogin, failedLogin})
		stored, _, _ := waitStoredSequence(t, db, 2)
		stopDaemon(t, d)

		sub := subscribe(t, js, "out")
		d = startNATSDaemon(t, rules, append(args, "--replay-from-sequence", fmt.Sprint(stored+1))...)
		publishLines(t, js, "in", []string{failedLogin})
		p := nextTitled(t, sub, "Brute Force", 5*time.Second)
		if !strings.Contains(p, `"aggregated_value":3`) {
			t.Fatalf("restored count 2 + 1 new should fire with 3: %s", p)
		}
		stopDaemon(t, d)
	})

	t.Run("60_backward_replay_clears_state", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		db, rules := filepath.Join(t.TempDir(), "state.db"), ruleDir(t, bruteRules)
		args := []string{"--input", url + "/in", "--output", url + "/out", "--state-db", db, "--state-save-interval", "1", "--no-detections"}
		d := startNATSDaemon(t, rules, args...)
		publishLines(t, js, "in", []string{failedLogin, failedLogin})
		waitStoredSequence(t, db, 2)
		stopDaemon(t, d)

		sub := subscribe(t, js, "out")
		d = startNATSDaemon(t, rules, append(args, "--replay-from-sequence", "1")...)
		publishLines(t, js, "in", []string{failedLogin, failedLogin, failedLogin})
		p := nextTitled(t, sub, "Brute Force", 5*time.Second)
		if !strings.Contains(p, `"aggregated_value":3.0`) {
			t.Fatalf("first firing after a cleared state should count 3: %s", p)
		}
		// The durable was repositioned to sequence 1: the two old events and
		// the three new ones count, the restored two would have made it 7.
		last := p
		for {
			m, err := sub.NextMsg(500 * time.Millisecond)
			if err != nil {
				break
			}
			last = string(m.Data)
		}
		if !strings.Contains(last, `"aggregated_value":5.0`) {
			t.Fatalf("last firing should count 5 (2 replayed + 3 new, nothing restored): %s", last)
		}
		stopDaemon(t, d)
	})

	t.Run("61_old_schema_migrated_and_position_stored", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		db := filepath.Join(t.TempDir(), "state.db")
		conn, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			`CREATE TABLE rsigma_correlation_state (id INTEGER PRIMARY KEY CHECK (id = 1), snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
			`INSERT INTO rsigma_correlation_state VALUES (1, '{"version":1,"windows":{},"last_alert":{},"event_buffers":{},"event_ref_buffers":{}}', 0)`,
		} {
			if _, err := conn.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
		conn.Close()
		d := startNATSDaemon(t, ruleDir(t, bruteRules), "--input", url+"/in", "--output", url+"/out", "--state-db", db, "--state-save-interval", "1")
		publishLines(t, js, "in", []string{failedLogin})
		_, ts, _ := waitStoredSequence(t, db, 1)
		if ts <= 0 {
			t.Fatalf("source_timestamp %d", ts)
		}
		stopDaemon(t, d)
	})
}
