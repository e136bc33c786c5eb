package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// logonOf is a failed logon of user i: each user is one correlation group.
func logonOf(i int) string {
	return fmt.Sprintf(`{"EventID":4625,"TargetUserName":"user%d"}`, i%500)
}

// feedStdin writes failed logons to the daemon's stdin until the daemon
// exits (the write fails) or the test ends.
func feedStdin(t *testing.T, d *daemontest.Daemon) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		var b strings.Builder
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			b.Reset()
			for j := 0; j < 100; j++ {
				b.WriteString(logonOf(i*100+j) + "\n")
			}
			if _, err := io.WriteString(d.Stdin, b.String()); err != nil {
				return
			}
		}
	}()
}

// waitStateEntries waits until the correlation holds state, so that the
// final snapshot has something to save.
func waitStateEntries(t *testing.T, base string) {
	t.Helper()
	poll.Wait(t, 20*time.Second, "correlation state entries", func() bool {
		return opsMetric(t, base, "rsigma_correlation_state_entries") > 0
	})
}

// stopWithin sends sig and expects exit 0 within drain + 1 s (daemon.md
// §11), then the final snapshot in db.
func stopWithin(t *testing.T, d *daemontest.Daemon, sig syscall.Signal, drain time.Duration, db string) {
	t.Helper()
	start := time.Now()
	d.Signal(sig)
	code := d.Wait(drain + 30*time.Second)
	elapsed := time.Since(start)
	if code != 0 || elapsed > drain+time.Second {
		t.Fatalf("%v: exit %d after %v, want 0 within %v\n%s", sig, code, elapsed.Round(time.Millisecond), drain+time.Second, d.Stderr())
	}
	t.Logf("%v: exit 0 after %v", sig, elapsed.Round(time.Millisecond))
	if snap := readSnapshot(t, db); !strings.Contains(snap, `"brute-force"`) {
		t.Fatalf("final snapshot lacks the correlation: %s", snap)
	}
}

// After SIGTERM/SIGINT the daemon stops reading, drains what it has within
// --drain-timeout, writes the final state snapshot and exits 0 within
// --drain-timeout + 1 s, whatever the input is doing (issue 13, item 2).
func TestDaemonShutdown(t *testing.T) {
	// daemon-acceptance.md scenario 91. Issue 13: with stdin fed
	// continuously the process was still alive 10 s after SIGTERM.
	t.Run("sigterm_with_stdin_busy", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "state.db")
		d, base := opsStart(t, bruteForceDir(t), "--no-detections", "--drain-timeout", "1", "--state-db", db)
		feedStdin(t, d)
		waitStateEntries(t, base)
		stopWithin(t, d, syscall.SIGTERM, time.Second, db)
	})

	// daemon-acceptance.md scenario 21 (default --drain-timeout).
	t.Run("sigint_with_stdin_idle", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "state.db")
		d, base := opsStart(t, bruteForceDir(t), "--no-detections", "--state-db", db)
		if _, err := io.WriteString(d.Stdin, logons(1, 3, true)); err != nil {
			t.Fatal(err)
		}
		waitStateEntries(t, base)
		stopWithin(t, d, syscall.SIGINT, 5*time.Second, db)
	})

	t.Run("sigterm_with_nats_input_busy", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		db := filepath.Join(t.TempDir(), "state.db")
		d, base := opsStart(t, bruteForceDir(t), "--input", url+"/events.>", "--no-detections",
			"--drain-timeout", "1", "--state-db", db)
		stop := make(chan struct{})
		t.Cleanup(func() { close(stop) })
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := js.PublishAsync("events.security", []byte(logonOf(i))); err != nil {
					return
				}
				if i%500 == 499 {
					select {
					case <-js.PublishAsyncComplete():
					case <-stop:
						return
					}
				}
			}
		}()
		waitStateEntries(t, base)
		stopWithin(t, d, syscall.SIGTERM, time.Second, db)
	})

	t.Run("sigterm_with_http_request_in_flight", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "state.db")
		d, base := opsStart(t, bruteForceDir(t), "--input", "http", "--no-detections",
			"--drain-timeout", "1", "--state-db", db)
		if status, body := opsDo(t, "POST", base+"/api/v1/events", logons(1, 3, true)); status != 200 {
			t.Fatalf("POST: %d %s", status, body)
		}
		waitStateEntries(t, base)
		// A request whose body never finishes arriving. The server answers
		// `100 Continue` once the handler reads the body: it is in flight.
		conn, err := (&net.Dialer{}).DialContext(context.Background(), "tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprint(conn, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		status, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.Contains(status, "100 Continue") {
			t.Fatalf("no 100 Continue: %q, %v", status, err)
		}
		fmt.Fprintf(conn, "%s\n", logonOf(7))
		stopWithin(t, d, syscall.SIGTERM, time.Second, db)
	})
}
