package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// TestPrintedHTTPConfigRunsUnderRun: the config `--input http
// --print-config` prints lints, and under `rsigma-connect run` it answers
// POST /api/v1/events, /healthz and /readyz and gives the daemon's
// detections for the same events (issue 17).
func TestPrintedHTTPConfigRunsUnderRun(t *testing.T) {
	rules := filepath.Join(samplesDir(), "rules")
	path := printedConfig(t, "-r", rules, "--input", "http", "--api-addr", "127.0.0.1:0")
	if out, stderr, code := daemontest.Run(t, "", "lint", path); code != 0 {
		t.Fatalf("lint exit %d: %s%s", code, out, stderr)
	}

	run := daemontest.Start(t, "run", path)
	addr := standaloneAddr(t, run)
	events := sampleEvents(t)
	resp, err := http.Post("http://"+addr+"/api/v1/events", "application/x-ndjson", strings.NewReader(events))
	if err != nil {
		t.Fatal(err)
	}
	var answer struct{ Accepted int }
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || answer.Accepted != len(daemontest.Lines(events)) {
		t.Fatalf("POST /api/v1/events: %d, accepted %d of %d", resp.StatusCode, answer.Accepted, len(daemontest.Lines(events)))
	}
	for _, probe := range []string{"/healthz", "/readyz"} {
		if code, body := daemontest.Get(t, "http://"+addr+probe); code != http.StatusOK {
			t.Errorf("GET %s = %d %s", probe, code, body)
		}
	}

	fromDaemon, _, _ := daemontest.Run(t, events, "engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0")
	want := sorted(daemontest.Lines(fromDaemon))
	got := sorted(run.WaitStdoutLines(len(want), 60*time.Second))
	if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("run gave\n%s\ndaemon gave\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	run.Signal(syscall.SIGTERM)
	if code := run.Wait(60 * time.Second); code != 0 {
		t.Errorf("run exit %d after SIGTERM", code)
	}
}

// printedConfig writes the config `engine daemon ARGS --print-config`
// prints to a file and returns its path.
func printedConfig(t *testing.T, args ...string) string {
	t.Helper()
	conf, stderr, code := daemontest.Run(t, "", append(append([]string{"engine", "daemon"}, args...), "--print-config")...)
	if code != 0 {
		t.Fatalf("--print-config exit %d\n%s", code, stderr)
	}
	path := filepath.Join(t.TempDir(), "printed.yaml")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// standaloneAddr waits for the standalone sigma_http_events input's
// `listening` log line and returns its address.
func standaloneAddr(t *testing.T, d *daemontest.Daemon) string {
	t.Helper()
	var addr string
	poll.Wait(t, 60*time.Second, "sigma_http_events listening", func() bool {
		sc := bufio.NewScanner(strings.NewReader(d.Stderr()))
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "sigma_http_events listening" {
				addr = line.Addr
				return true
			}
		}
		return false
	})
	return addr
}

// TestPrintedConfigIsReadyUnderRun: under `run`, the framework's /ready of
// a printed stdin config with a DLQ answers 200 from the first ask (the DLQ
// output resource, which the framework builds on first use, is built when
// sigma_stdout connects; the first /ready used to answer 503).
func TestPrintedConfigIsReadyUnderRun(t *testing.T) {
	rules := filepath.Join(samplesDir(), "rules")
	dlq := filepath.Join(t.TempDir(), "dlq.ndjson")
	// The framework logs the configured address, not the bound one, so the
	// test picks a free port; another test may take it before the stream
	// binds it (a foreign server answers 404 there): then try another.
	for attempt := 1; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		path := printedConfig(t, "-r", rules, "--api-addr", addr, "--dlq", "file://"+dlq)
		run := daemontest.Start(t, "run", path)
		// Without asking /ready (which makes the framework build a resource), the
		// DLQ resource must come up with the stream.
		poll.Wait(t, 60*time.Second, "the dlq output resource active", func() bool {
			return strings.Contains(run.Stderr(), `"label":"dlq","level":"info","msg":"Output type sigma_file is now active"`)
		})
		code, body := daemontest.Get(t, "http://"+addr+"/ready")
		if code == http.StatusNotFound && attempt < 3 {
			t.Logf("%s was taken by another server (%d %s): another port", addr, code, body)
			_ = run.Stdin.Close()
			run.Wait(60 * time.Second)
			continue
		}
		if code != http.StatusOK {
			t.Errorf("GET /ready = %d %s", code, body)
		}
		if !strings.Contains(body, `"label":"dlq","path":"output_resources","connected":true`) {
			t.Errorf("/ready = %s", body)
		}
		_ = run.Stdin.Close()
		if code := run.Wait(60 * time.Second); code != 0 {
			t.Errorf("run exit %d at the end of stdin", code)
		}
		return
	}
}

// TestSIGHUPReloadsRulesUnderRun: under `run`, SIGHUP reloads the rules of
// the printed config's sigma processor, as in the daemon, instead of
// ending the process (issue 17).
func TestSIGHUPReloadsRulesUnderRun(t *testing.T) {
	rules := t.TempDir()
	whoami := "title: Whoami\nid: r-whoami\nlevel: medium\nlogsource: {product: windows}\n" +
		"detection:\n    selection: {CommandLine|contains: whoami}\n    condition: selection\n"
	if err := os.WriteFile(filepath.Join(rules, "a.yml"), []byte(whoami), 0o644); err != nil {
		t.Fatal(err)
	}
	path := printedConfig(t, "-r", rules, "--api-addr", "127.0.0.1:0")
	run := daemontest.Start(t, "run", path)
	send := func(line string) {
		if _, err := run.Stdin.Write([]byte(line + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"CommandLine":"whoami"}`)
	if got := run.WaitStdoutLines(1, 60*time.Second); len(got) != 1 {
		t.Fatalf("before the reload: %d results", len(got))
	}
	other := strings.NewReplacer("Whoami", "Ipconfig", "r-whoami", "r-ipconfig", "whoami", "ipconfig").Replace(whoami)
	if err := os.WriteFile(filepath.Join(rules, "b.yml"), []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	run.Signal(syscall.SIGHUP)
	poll.Wait(t, 60*time.Second, "rules reloaded", func() bool { return strings.Contains(run.Stderr(), `"message":"rules reloaded"`) })
	send(`{"CommandLine":"ipconfig /all"}`)
	got := run.WaitStdoutLines(2, 60*time.Second)
	if len(got) != 2 || !strings.Contains(got[1], `"rule_id":"r-ipconfig"`) {
		t.Fatalf("after SIGHUP and a new rule file: %q", got)
	}
	_ = run.Stdin.Close()
	if code := run.Wait(60 * time.Second); code != 0 {
		t.Errorf("run exit %d at the end of stdin", code)
	}
}
