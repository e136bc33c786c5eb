package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

func pipeWrite(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pipeRun runs the daemon over stdin and returns its results and exit code.
func pipeRun(t *testing.T, stdin string, args ...string) ([]string, string, int) {
	t.Helper()
	out, errOut, code := daemontest.Run(t, stdin, append([]string{"engine", "daemon", "--api-addr", "127.0.0.1:0"}, args...)...)
	return daemontest.Lines(out), errOut, code
}

func TestDaemonBuiltinPipelines(t *testing.T) {
	rule := sigmahq.Rule("windows/process_creation/proc_creation_win_whoami_all_execution.yml")
	ecs := `{"process":{"executable":"C:\\Windows\\System32\\whoami.exe","command_line":"whoami -all"}}` + "\n"
	sysmon := func(id int) string {
		return fmt.Sprintf(`{"EventID":%d,"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami -all"}`+"\n", id)
	}
	tests := []struct {
		name, event string
		args        []string
		results     int
	}{
		{"ecs_windows_fires_on_ecs_event", ecs, []string{"-p", "ecs_windows"}, 1},
		{"no_pipeline_misses_ecs_event", ecs, nil, 0},
		{"sysmon_fires_on_event_id_1", sysmon(1), []string{"-p", "sysmon"}, 1},
		{"sysmon_ignores_event_id_4688", sysmon(4688), []string{"-p", "sysmon"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, errOut, code := pipeRun(t, tc.event, append([]string{"-r", rule}, tc.args...)...)
			if code != 0 || len(lines) != tc.results {
				t.Fatalf("exit %d, %d results, want %d\n%s", code, len(lines), tc.results, errOut)
			}
		})
	}
}

const dynVarRule = `title: Dynamic Var Rule
id: 00000000-0000-0000-0000-000000000099
status: test
level: high
logsource: {category: test, product: test}
detection:
    selection:
        CommandLine|contains|expand: "%malicious_commands%"
    condition: selection
`

const dynVarPipeline = `name: dynamic-test
priority: 10
vars:
  malicious_commands: ["${source.cmd_list}"]
transformations:
  - type: value_placeholders
`

func TestDaemonDynamicSources(t *testing.T) {
	dir := t.TempDir()
	rules := pipeWrite(t, dir, "rules/r.yml", dynVarRule)
	list := pipeWrite(t, dir, "list.json", `["malware.exe","evil.bat"]`)
	pipeWrite(t, dir, "transforms.json", `[{"type":"field_name_mapping","mapping":{"CommandLine":"cmd"}}]`)
	sources := pipeWrite(t, dir, "sources.yml", fmt.Sprintf(`sources:
  - {id: cmd_list, type: file, path: %s, format: json, refresh: watch, on_error: use_cached}
  - {id: transforms, type: file, path: %s, format: json}
`, list, filepath.Join(dir, "transforms.json")))
	dynPipe := pipeWrite(t, dir, "dyn.yml", dynVarPipeline)
	incPipe := pipeWrite(t, dir, "inc.yml", dynVarPipeline+"  - include: \"${source.transforms}\"\n")
	events := "{\"CommandLine\":\"malware.exe --payload\"}\n{\"CommandLine\":\"notepad.exe\"}\n{\"cmd\":\"evil.bat\"}\n"

	t.Run("var_expansion_detects_listed_commands_only", func(t *testing.T) {
		lines, errOut, code := pipeRun(t, events, "-r", filepath.Dir(rules), "-p", dynPipe, "--source", sources)
		if code != 0 || len(lines) != 1 || !strings.Contains(lines[0], "malware.exe --payload") {
			t.Fatalf("exit %d, results %v\n%s", code, lines, errOut)
		}
	})
	t.Run("include_expansion_maps_fields", func(t *testing.T) {
		lines, errOut, code := pipeRun(t, events, "-r", filepath.Dir(rules), "-p", incPipe, "--source", sources, "--allow-remote-include")
		if code != 0 || len(lines) != 1 || !strings.Contains(lines[0], `"field":"cmd"`) {
			t.Fatalf("exit %d, results %v\n%s", code, lines, errOut)
		}
	})
	t.Run("required_source_failing_exits_3", func(t *testing.T) {
		bad := pipeWrite(t, dir, "bad.yml", "sources:\n  - {id: cmd_list, type: file, path: /definitely/missing, required: true, on_error: fail, refresh: once}\n")
		_, errOut, code := pipeRun(t, "", "-r", filepath.Dir(rules), "-p", dynPipe, "--source", bad)
		if code != 3 || !strings.Contains(errOut, "cmd_list") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("duplicate_source_id_exits_3", func(t *testing.T) {
		_, errOut, code := pipeRun(t, "", "-r", filepath.Dir(rules), "--source", sources, "--source", sources)
		if code != 3 || !strings.Contains(errOut, `source id "cmd_list" declared in both`) {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("unknown_pipeline_exits_3", func(t *testing.T) {
		_, errOut, code := pipeRun(t, "", "-r", filepath.Dir(rules), "-p", "ecs_linux")
		if code != 3 || !strings.Contains(errOut, "neither a builtin pipeline") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
}

// Acceptance §7: the four primitives on one result, the HTTP enricher
// cached, and a cross-namespace template refused at startup.
func TestDaemonEnrichers(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int32
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/files/abc123" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"score":12}`)
	})}}
	srv.Start()
	defer srv.Close()
	rules := pipeWrite(t, dir, "rules/r.yml", `title: Encoded PowerShell
id: 00000000-0000-0000-0000-0000000000aa
level: high
logsource: {product: windows}
detection:
    cmd: {CommandLine|contains: 'powershell -enc'}
    ip: {SourceIp|startswith: '10.'}
    hash: {SHA256: abc123}
    condition: all of them
`)
	employees := pipeWrite(t, dir, "employees.json", `{"10.0.0.5":{"user":"alice","team":"Platform"}}`)
	probe := pipeWrite(t, dir, "probe.json", `{"who":"daemon"}`)
	sources := pipeWrite(t, dir, "sources.yml", "sources:\n  - {id: employee_directory, type: file, path: "+employees+"}\n")
	enrichers := pipeWrite(t, dir, "enrichers.yml", fmt.Sprintf(`enrichers:
  - {id: runbook_det, kind: detection, type: template, inject_field: runbook_url, template: "https://wiki/runbooks/${detection.rule.id}"}
  - {id: employee, kind: detection, type: lookup, inject_field: employee, source: employee_directory, extract: '."${detection.fields.SourceIp}"', default: unknown}
  - {id: file_reputation, kind: detection, type: http, inject_field: file_reputation, url: "%s/files/${detection.fields.SHA256}", cache_ttl: 1h}
  - {id: probe, kind: detection, type: command, inject_field: probe_output, command: [cat, %s], output: json}
`, srv.URL, probe))
	event := `{"CommandLine":"powershell -enc AAAA","SourceIp":"10.0.0.5","SHA256":"abc123"}` + "\n"
	lines, errOut, code := pipeRun(t, event+event, "-r", filepath.Dir(rules), "--source", sources, "--enrichers", enrichers)
	want := `"enrichments":{"runbook_url":"https://wiki/runbooks/00000000-0000-0000-0000-0000000000aa","employee":{"team":"Platform","user":"alice"},"file_reputation":{"score":12},"probe_output":{"who":"daemon"}}`
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, results %v\n%s", code, lines, errOut)
	}
	for _, l := range lines {
		if !strings.Contains(l, `"tags":[],`+want+`,"matched_selections"`) {
			t.Fatalf("result %s\nlacks %s", l, want)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("reputation server called %d times, want 1 (cache_ttl)", calls.Load())
	}

	bad := pipeWrite(t, dir, "bad.yml", "enrichers:\n  - {id: x, kind: detection, type: template, inject_field: f, template: '${correlation.rule.id}'}\n")
	_, errOut, code = pipeRun(t, "", "-r", filepath.Dir(rules), "--enrichers", bad)
	if code != 3 || !strings.Contains(errOut, "wrong namespace") {
		t.Fatalf("cross-namespace: exit %d\n%s", code, errOut)
	}
}

// Source and enrichment metrics are visible after startup, and a reload
// with a broken enrichers file keeps the previous enrichers serving.
func TestDaemonDynamicMetricsAndEnricherReload(t *testing.T) {
	dir := t.TempDir()
	rules := pipeWrite(t, dir, "rules/r.yml", dynVarRule)
	list := pipeWrite(t, dir, "list.json", `["malware.exe"]`)
	sources := pipeWrite(t, dir, "sources.yml", "sources:\n  - {id: cmd_list, type: file, path: "+list+", refresh: watch, on_error: use_cached}\n")
	dynPipe := pipeWrite(t, dir, "dyn.yml", dynVarPipeline)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `"clean"`)
	})}}
	srv.Start()
	defer srv.Close()
	good := fmt.Sprintf("enrichers:\n  - {id: rep, kind: detection, type: http, inject_field: verdict, url: '%s/v', cache_ttl: 1h}\n", srv.URL)
	enrichers := pipeWrite(t, dir, "enrichers.yml", good)
	d, base := opsStart(t, filepath.Dir(rules), "--input", "http", "-p", dynPipe, "--source", sources, "--enrichers", enrichers)

	fams := opsScrape(t, base)
	for _, name := range []string{"rsigma_source_resolves_total", "rsigma_source_resolve_seconds", "rsigma_enrichment_total",
		"rsigma_enrichment_http_cache_hits_total", "rsigma_enrichment_http_cache_evictions_total"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if _, body := opsDo(t, "GET", base+"/metrics", ""); !strings.Contains(body, `source_id="cmd_list"`) {
		t.Errorf("/metrics lacks the cmd_list label")
	}
	opsDetects(t, d, base, `{"CommandLine":"malware.exe --payload"}`, 1)
	if out := d.Stdout(); !strings.Contains(out, `"enrichments":{"verdict":"clean"}`) {
		t.Fatalf("result not enriched: %s", out)
	}
	if _, ok := opsScrape(t, base)["rsigma_enrichment_duration_seconds"]; !ok {
		t.Errorf("/metrics lacks rsigma_enrichment_duration_seconds after an enrichment")
	}

	pipeWrite(t, dir, "enrichers.yml", "enrichers:\n  - {id: rep, kind: detection, type: telepathy, inject_field: verdict}\n")
	failed := opsMetric(t, base, "rsigma_reloads_failed_total")
	opsPostReload(t, base)
	poll.Wait(t, 15*time.Second, "failed enrichers reload counted", func() bool {
		return opsMetric(t, base, "rsigma_reloads_failed_total") > failed
	})
	opsDetects(t, d, base, `{"CommandLine":"malware.exe again"}`, 2)
	if lines := daemontest.Lines(d.Stdout()); !strings.Contains(lines[1], `"enrichments":{"verdict":"clean"}`) {
		t.Fatalf("previous enrichers not kept: %s", lines[1])
	}
	opsStop(t, d)
}

// Acceptance §6 scenarios 66 and 68-72: the sources API, status and
// use_cached after the source file disappears.
func TestDaemonSourcesAPI(t *testing.T) {
	dir := t.TempDir()
	rules := pipeWrite(t, dir, "rules/r.yml", dynVarRule)
	list := pipeWrite(t, dir, "list.json", `["malware.exe"]`)
	sources := pipeWrite(t, dir, "sources.yml", "sources:\n  - {id: cmd_list, type: file, path: "+list+", format: json, refresh: watch, on_error: use_cached}\n")
	d, base := opsStart(t, filepath.Dir(rules), "--input", "http", "-p", pipeWrite(t, dir, "dyn.yml", dynVarPipeline), "--source", sources)

	status, body := opsDo(t, "GET", base+"/api/v1/sources", "")
	want := `{"sources":[{"source_id":"cmd_list","origin":"external:` + sources + `","type":"File","refresh":"Watch","required":true}]}`
	if status != 200 || strings.TrimSpace(body) != want {
		t.Fatalf("GET /api/v1/sources: %d %s\nwant %s", status, body, want)
	}
	_, body = opsDo(t, "GET", base+"/api/v1/status", "")
	ds, ok := opsJSON(t, body)["dynamic_sources"].(map[string]any)
	if !ok || ds["resolves_total"].(float64) < 1 {
		t.Fatalf("status dynamic_sources: %s", body)
	}
	opsDetects(t, d, base, `{"CommandLine":"malware.exe --payload"}`, 1)

	os.Remove(list)
	before := ds["resolves_total"].(float64)
	if status, body := opsDo(t, "POST", base+"/api/v1/sources/resolve", ""); status != 200 || !strings.Contains(body, "resolve_triggered") {
		t.Fatalf("POST resolve: %d %s", status, body)
	}
	poll.Wait(t, 15*time.Second, "resolve activity", func() bool {
		_, body := opsDo(t, "GET", base+"/api/v1/status", "")
		return opsJSON(t, body)["dynamic_sources"].(map[string]any)["resolves_total"].(float64) > before
	})
	opsPostReload(t, base)
	poll.Wait(t, 15*time.Second, "reload pass", func() bool { return opsMetric(t, base, "rsigma_reloads_total") >= 1 })
	opsDetects(t, d, base, `{"CommandLine":"malware.exe again"}`, 2) // use_cached kept the list

	if status, body := opsDo(t, "DELETE", base+"/api/v1/sources/cache/cmd_list", ""); status != 200 || !strings.Contains(body, `"invalidated"`) {
		t.Fatalf("DELETE cache: %d %s", status, body)
	}
	if status, body := opsDo(t, "POST", base+"/api/v1/sources/resolve/cmd_list", ""); status != 200 || !strings.Contains(body, `"source_id":"cmd_list"`) {
		t.Fatalf("POST resolve/cmd_list: %d %s", status, body)
	}
	opsStop(t, d)
}
