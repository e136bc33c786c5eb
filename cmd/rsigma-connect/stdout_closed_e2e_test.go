package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// startWithClosingStdout starts the daemon with stdout on a pipe, reads the
// first result from it and closes it, as `… | head -1` does.
func startWithClosingStdout(t *testing.T, args ...string) *daemontest.Daemon {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	d := daemontest.StartWithStdout(t, w, args...)
	_ = w.Close()
	feedStdin(t, d)
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		first <- line
	}()
	select {
	case line := <-first:
		if !strings.Contains(line, `"rule_title"`) {
			t.Fatalf("first result %q", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no result on stdout")
	}
	_ = r.Close()
	return d
}

// loggedOnce checks that the sink logged the closed stdout once and the
// DLQ its delivery failures at most once.
func loggedOnce(t *testing.T, stderr string, results int) {
	t.Helper()
	if n := strings.Count(stderr, "stdout is closed ("); n != 1 {
		t.Fatalf("the closed stdout logged %d times over %d results, want once\n%s", n, results, stderr)
	}
	if n := strings.Count(stderr, "sink delivery failure"); n > 1 {
		t.Fatalf("the DLQ logged %d sink delivery failures over %d results, want at most one", n, results)
	}
}

// Issue 13, item 6: `… | rsigma-connect engine daemon … | head -1` killed
// the daemon by SIGPIPE (exit 141, nothing logged, state not saved). A
// closed stdout is a sink failure: logged once, results to the DLQ.
func TestDaemonClosedStdout(t *testing.T) {
	t.Run("only_sink_drains_saves_the_state_and_exits_0", func(t *testing.T) {
		dir := t.TempDir()
		db, dlq := filepath.Join(dir, "state.db"), filepath.Join(dir, "dlq.ndjson")
		d := startWithClosingStdout(t, "engine", "daemon", "-r", bruteForceDir(t), "--api-addr", "127.0.0.1:0",
			"--state-db", db, "--dlq", "file://"+dlq)
		if code := d.Wait(30 * time.Second); code != 0 {
			t.Fatalf("exit %d with stdin still open\n%s", code, d.Stderr())
		}
		if snap := readSnapshot(t, db); !strings.Contains(snap, `"brute-force"`) {
			t.Fatalf("final snapshot lacks the correlation: %s", snap)
		}
		entries := opsDLQEntries(t, dlq)
		loggedOnce(t, d.Stderr(), len(entries))
		if len(entries) == 0 || entries[0]["error"] != "sink delivery failure: stdout sink: stdout is closed" {
			t.Fatalf("DLQ entries %v", entries)
		}
	})

	t.Run("other_sinks_keep_flowing", func(t *testing.T) {
		dir := t.TempDir()
		results := filepath.Join(dir, "results.ndjson")
		d := startWithClosingStdout(t, "engine", "daemon", "-r", bruteForceDir(t), "--api-addr", "127.0.0.1:0",
			"--output", "stdout", "--output", "file://"+results)
		poll.Wait(t, 20*time.Second, "stdout found closed", func() bool {
			return strings.Contains(d.Stderr(), "stdout is closed")
		})
		after := len(opsFileLines(t, results))
		poll.Wait(t, 20*time.Second, "the file sink keeps receiving results", func() bool {
			return len(opsFileLines(t, results)) > after+1000
		})
		loggedOnce(t, d.Stderr(), len(opsFileLines(t, results))-after)
		d.Signal(syscall.SIGTERM)
		if code := d.Wait(30 * time.Second); code != 0 {
			t.Fatalf("exit %d after SIGTERM", code)
		}
	})
}
