package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// routingRules are the rules of the engine's routing tests: a zeek rule
// with `not selection`, a linux rule, a linux keyword rule, a Windows
// process_creation rule and a Windows image_load rule.
func routingRules() string {
	return filepath.Join(daemontest.ModuleRoot(), "engine", "testdata", "routing")
}

// firedTitles returns the sorted rule titles of the results in out.
func firedTitles(t *testing.T, out string) []string {
	t.Helper()
	var titles []string
	for _, l := range daemontest.Lines(out) {
		var r struct {
			RuleTitle string `json:"rule_title"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		titles = append(titles, r.RuleTitle)
	}
	slices.Sort(titles)
	return titles
}

// TestDaemonLogsourceRouting: on a Sysmon image-load event in the flat and
// the nested EVTX shape, the zeek `not selection` rule, the linux rules and
// the process_creation rule fire without --logsource-routing (rsigma's
// results) and do not with it; the image_load rule fires either way.
func TestDaemonLogsourceRouting(t *testing.T) {
	events, err := os.ReadFile(filepath.Join(daemontest.ModuleRoot(), "engine", "testdata", "routing_events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"off", nil, []string{"Linux Any Image", "Linux Keyword Kernel", "Windows Image Load From System32",
			"Windows Process Creation Of A DLL Path", "Zeek RDP Public Listener"}},
		{"on", []string{"--logsource-routing"}, []string{"Windows Image Load From System32"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for i, ev := range daemontest.Lines(string(events)) {
				args := append([]string{"engine", "daemon", "-r", routingRules(), "--input-format", "json", "--api-addr", "127.0.0.1:0"}, c.args...)
				out, stderr, code := daemontest.Run(t, ev+"\n", args...)
				if code != 0 {
					t.Fatalf("exit %d\n%s", code, stderr)
				}
				if got := firedTitles(t, out); !slices.Equal(got, c.want) {
					t.Errorf("event %d (%s): fired %q, want %q", i+1, []string{"flat", "nested EVTX"}[i], got, c.want)
				}
				if !strings.Contains(stderr, "the detection rules form 5 logsource groups; logsource routing "+c.name) {
					t.Errorf("startup log does not give the logsource groups:\n%s", stderr)
				}
				warned := strings.Contains(stderr, "--logsource-routing (processor field")
				if warned != (c.name == "off") {
					t.Errorf("contradiction WARN logged: %v, want %v\n%s", warned, c.name == "off", stderr)
				}
			}
		})
	}
}

// TestDaemonLogsourceRoutingKeepsReadmeSamples: the README's sample rules
// and events give the same output with routing on and off.
func TestDaemonLogsourceRoutingKeepsReadmeSamples(t *testing.T) {
	root := daemontest.ModuleRoot()
	events, err := os.ReadFile(filepath.Join(root, "resources", "samples", "events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(extra ...string) string {
		out, stderr, code := daemontest.Run(t, string(events), append([]string{"engine", "daemon",
			"-r", filepath.Join(root, "resources", "samples", "rules"), "--api-addr", "127.0.0.1:0"}, extra...)...)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		return out
	}
	off, on := run(), run("--logsource-routing")
	if len(daemontest.Lines(off)) == 0 || off != on {
		t.Errorf("README samples: routing off gave %d results, on %d; want the same non-empty output\noff:\n%s\non:\n%s",
			len(daemontest.Lines(off)), len(daemontest.Lines(on)), off, on)
	}
}

// TestDaemonLogsourceRoutingObservable: --help shows the flag,
// --print-config writes logsource_routing either way, and /metrics counts
// routed events by recognized product.
func TestDaemonLogsourceRoutingObservable(t *testing.T) {
	help, _, _ := daemontest.Run(t, "", "engine", "daemon", "--help")
	if !strings.Contains(help, "--logsource-routing") {
		t.Errorf("--help does not show --logsource-routing:\n%s", help)
	}
	for flag, want := range map[string]string{"": "logsource_routing: false", "--logsource-routing": "logsource_routing: true"} {
		args := []string{"engine", "daemon", "-r", routingRules(), "--api-addr", "127.0.0.1:0", "--print-config"}
		if flag != "" {
			args = append(args, flag)
		}
		cfg, stderr, code := daemontest.Run(t, "", args...)
		if code != 0 || !strings.Contains(cfg, want) {
			t.Errorf("--print-config %s: exit %d, want %q in\n%s%s", flag, code, want, cfg, stderr)
		}
	}

	d, base := opsStart(t, routingRules(), "--input", "http", "--logsource-routing")
	events, err := os.ReadFile(filepath.Join(daemontest.ModuleRoot(), "engine", "testdata", "routing_events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	body := string(events) + `{"message":"an application's own line"}` + "\n"
	if status, resp := opsDo(t, "POST", base+"/api/v1/events", body); status != 200 {
		t.Fatalf("POST /api/v1/events: %d %s", status, resp)
	}
	var metrics string
	poll.Wait(t, 30*time.Second, "/metrics counts the routed events by product", func() bool {
		_, metrics = opsDo(t, "GET", base+"/metrics", "")
		return strings.Contains(metrics, `rsigma_events_by_product_total{product="windows"} 2`) &&
			strings.Contains(metrics, `rsigma_events_by_product_total{product="unknown"} 1`)
	})
	opsStop(t, d)
}
