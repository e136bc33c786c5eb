package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/healthprobe"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// peakRSS is the process's peak resident set (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// nonJSONLines are the lines of stderr that are not JSON objects.
func nonJSONLines(stderr string) []string {
	var out []string
	for _, l := range daemontest.Lines(stderr) {
		if !strings.HasPrefix(l, "{") {
			out = append(out, l)
		}
	}
	return out
}

// TestDaemonIngestBudget: sixteen OTLP gzip bombs at once (a 32 KB body
// inflating to one 32 MiB log record each) used to cost ~110 MB each and
// peak at 1.7 GB; within the ingest budget the daemon stays small, answers
// each 200 or 429 with Retry-After, and keeps answering /healthz.
func TestDaemonIngestBudget(t *testing.T) {
	const bombs = 16
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http")
	record := &logspb.LogRecord{Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{
		StringValue: strings.Repeat("A", 32<<20-1024)}}}
	raw, err := proto.Marshal(&collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{
		{ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{record}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	body := gz.Bytes()

	probe := healthprobe.Start(base, 100*time.Millisecond)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		answers = map[string]int{}
	)
	for range bombs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, base+"/v1/logs", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-protobuf")
			req.Header.Set("Content-Encoding", "gzip")
			answer := ""
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				answer = "error " + err.Error()
			} else {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				answer = fmt.Sprintf("%d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			mu.Lock()
			answers[answer]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	poll.Wait(t, 60*time.Second, "the accepted records evaluated", func() bool {
		return opsMetric(t, base, "rsigma_events_processed_total") == float64(answers[`200 Retry-After ""`])
	})
	health := probe.Stop()
	peak := peakRSS(t, d.Cmd.Process.Pid)
	t.Logf("answers %v; peak RSS %d MB; %v", answers, peak>>20, health)

	if ok, busy := answers[`200 Retry-After ""`], answers[`429 Retry-After "1"`]; ok == 0 || ok+busy != bombs {
		t.Errorf("answers %v, want only 200 and 429 with Retry-After 1, at least one 200", answers)
	}
	if got := opsMetric(t, base, "rsigma_ingest_rejected_total"); got != float64(answers[`429 Retry-After "1"`]) {
		t.Errorf("rsigma_ingest_rejected_total %v, want the %d answered 429", got, answers[`429 Retry-After "1"`])
	}
	if peak > 300<<20 {
		t.Errorf("peak RSS %d MB, want under 300 MB", peak>>20)
	}
	if len(health.Latencies) == 0 || len(health.Failures) > 0 {
		t.Errorf("/healthz during the attack: %v", health)
	}
	opsStop(t, d)
}

// TestDaemonSlowClients: at a descriptor limit of 256, 300 clients that
// send request headers and then nothing used to hold every descriptor:
// /healthz stopped answering and Go printed plain "accept4: too many open
// files" lines. Now the connections beyond the limit are closed, probes
// are still answered, the slow ones are cut at the read timeout, and
// stderr stays JSON.
func TestDaemonSlowClients(t *testing.T) {
	const clients = 300
	d := daemontest.StartWithFileLimit(t, 256, "engine", "daemon", "-r", opsRulesDir(t, opsSimpleRule),
		"--input", "http", "--api-addr", "127.0.0.1:0")
	addr := d.APIAddr(10 * time.Second)
	base := "http://" + addr

	var open atomic.Int64
	closed := make(chan struct{}, clients)
	for range clients {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		if _, err := io.WriteString(c, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n{"); err != nil {
			closed <- struct{}{}
			continue
		}
		open.Add(1)
		go func() { // the server closing shows as EOF or an error
			_, _ = io.Copy(io.Discard, bufio.NewReader(c))
			open.Add(-1)
			closed <- struct{}{}
		}()
	}

	poll.Wait(t, 10*time.Second, "/healthz answered while the slow clients hold the limit", func() bool {
		client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	t.Logf("%d slow clients still connected once /healthz answered", open.Load())

	// The read timeout (20 s) cuts the rest.
	for i := 0; i < clients; i++ {
		select {
		case <-closed:
		case <-time.After(60 * time.Second):
			t.Fatalf("%d of %d slow clients still connected after 60 s", open.Load(), clients)
		}
	}
	fams := opsScrape(t, base)
	if got := opsValue(fams, "rsigma_api_connections_rejected_total"); got <= 0 {
		t.Errorf("rsigma_api_connections_rejected_total %v, want the connections over the limit counted", got)
	}
	if lines := nonJSONLines(d.Stderr()); len(lines) > 0 {
		t.Errorf("%d stderr lines are not JSON, e.g. %q", len(lines), lines[0])
	}
	opsStop(t, d)
}
