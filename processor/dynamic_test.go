package processor

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

	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStreamAppliesPipelines(t *testing.T) {
	rules := writeRule(t)
	ecs := `{"process":{"command_line":"whoami /all"},"event":{"code":"1"}}`
	tests := []struct {
		name, extra string
		event       string
		fires       bool
	}{
		{"ecs_event_fires_with_ecs_windows", "pipelines: [ecs_windows]", ecs, true},
		{"ecs_event_without_pipeline", "", ecs, false},
		{"sysmon_event_id_1_fires", "pipelines: [sysmon]", `{"EventID":1,"CommandLine":"whoami"}`, true},
		{"sysmon_4688_does_not_fire", "pipelines: [sysmon]", `{"EventID":4688,"CommandLine":"whoami"}`, false},
		{"builtins_and_files_combine", "pipelines: [sysmon, " + writeFile(t, t.TempDir(), "p.yml",
			"name: suffix\npriority: 30\ntransformations:\n- type: field_name_suffix\n  suffix: .text\n") + "]",
			`{"EventID.text":1,"CommandLine.text":"whoami"}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs := runStream(t, fmt.Sprintf("sigma:\n  rules: [%s]\n  %s\n", rules, tc.extra), 1, []string{tc.event})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if got := len(out) == 1; got != tc.fires {
				t.Fatalf("fired = %v (%v), want %v", got, out, tc.fires)
			}
		})
	}
}

// Enrichment end to end through the stream: a local HTTP server (called
// once thanks to cache_ttl), a lookup over a file source and a template.
func TestStreamEnrichesResults(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int32
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	})}}
	srv.Start()
	defer srv.Close()
	users := writeFile(t, dir, "users.json", `{"alice":{"team":"Platform"}}`)
	sources := writeFile(t, dir, "sources.yml", "sources:\n  - {id: users, type: file, path: "+users+"}\n")
	enrichers := writeFile(t, dir, "enrichers.yml", `enrichers:
  - {id: runbook, kind: detection, type: template, inject_field: runbook_url, template: "https://wiki/${detection.rule.id}"}
  - {id: team, kind: detection, type: lookup, inject_field: team, source: users, extract: '."${detection.event.User}".team', default: none}
  - {id: rep, kind: detection, type: http, inject_field: reputation, url: "`+srv.URL+`/cmd/${detection.fields.CommandLine}", cache_ttl: 1h}
  - {id: gone, kind: detection, type: http, inject_field: gone, url: "http://127.0.0.1:1/x", on_error: drop, scope: {rules: [nothing]}}
`)
	conf := fmt.Sprintf("sigma:\n  rules: [%s]\n  include_event: true\n  sources: [%s]\n  enrichers: %s\n", writeRule(t), sources, enrichers)
	ev := `{"CommandLine":"whoami /all","User":"alice"}`
	out, errs := runStream(t, conf, 1, []string{ev, ev})
	if len(out) != 2 || len(errs) != 0 {
		t.Fatalf("out %v errs %v", out, errs)
	}
	want := `{"rule_title":"Whoami Execution","rule_id":"r-whoami","level":"medium","tags":["attack.discovery"],` +
		`"enrichments":{"runbook_url":"https://wiki/r-whoami","team":"Platform","reputation":{"path":"/cmd/whoami /all"}},` +
		`"matched_selections":["selection"]`
	for _, o := range out {
		if !strings.HasPrefix(o, want) {
			t.Fatalf("result\n%s\nwant prefix\n%s", o, want)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("HTTP enricher called %d times, want 1", calls.Load())
	}
}

func TestStreamDropsResultsOnDropPolicy(t *testing.T) {
	enrichers := writeFile(t, t.TempDir(), "enrichers.yml",
		"enrichers:\n  - {id: gone, kind: detection, type: command, inject_field: x, command: ['false'], on_error: drop}\n")
	out, errs := runStream(t, fmt.Sprintf("sigma:\n  rules: [%s]\n  enrichers: %s\n", writeRule(t), enrichers), 1,
		[]string{`{"CommandLine":"whoami"}`})
	if len(out) != 0 || len(errs) != 0 {
		t.Fatalf("out %v errs %v, want the result dropped", out, errs)
	}
}

// Correlation results get kind: correlation enrichers (and detections only
// the detection ones); pipelines rename correlation group-by fields too.
func TestStreamEnrichesCorrelationResults(t *testing.T) {
	dir := bruteDir(t)
	enrichers := writeFile(t, t.TempDir(), "enrichers.yml", `enrichers:
  - {id: c, kind: correlation, type: template, inject_field: summary, template: "${correlation.type} ${correlation.group_key} ${correlation.aggregated_value} ${correlation.timespan_secs}"}
  - {id: d, kind: detection, type: template, inject_field: det, template: "${detection.rule.title}"}
`)
	pipe := writeFile(t, t.TempDir(), "p.yml", "transformations:\n- type: field_name_mapping\n  mapping: {TargetUserName: user.name}\n")
	var events []string
	for _, e := range failedLogons(1, 5, "bob") {
		events = append(events, strings.Replace(e, `"TargetUserName"`, `"user.name"`, 1))
	}
	out := runOrdered(t, fmt.Sprintf("sigma:\n  rules: [%s]\n  pipelines: [%s]\n  enrichers: %s\n", dir, pipe, enrichers), events)
	if len(out) != 6 {
		t.Fatalf("%d outputs:\n%s", len(out), strings.Join(out, "\n"))
	}
	if !strings.Contains(out[0], `"enrichments":{"det":"Failed Logon"},"matched_selections"`) {
		t.Fatalf("detection: %s", out[0])
	}
	want := `"tags":["attack.t1110"],"enrichments":{"summary":"event_count user.name=bob 5 300"},"correlation_type":"event_count","group_key":[["user.name","bob"]]`
	if !strings.Contains(out[5], want) {
		t.Fatalf("correlation: %s\nwant %s", out[5], want)
	}
}

// A reload re-resolves the dynamic sources (daemon.md §8 step 2): a source
// file with refresh: once picks up its new content at the next reload.
func TestHubReloadReResolvesSources(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, dir, "list.json", `["unlikely_string_xyz"]`)
	if err := os.MkdirAll(filepath.Join(dir, "rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	rules := writeFile(t, dir, "rules/r.yml", "title: Dyn\nlogsource: {product: test}\ndetection:\n    sel: {CommandLine|contains|expand: '%cmds%'}\n    condition: sel\n")
	pipe := writeFile(t, dir, "p.yml", "vars: {cmds: ['${source.list}']}\ntransformations:\n- type: value_placeholders\n")
	src := writeFile(t, dir, "s.yml", "sources:\n  - {id: list, type: file, path: "+list+", refresh: once}\n")
	s, err := ParseSettingsYAML(fmt.Sprintf("rules: [%s]\npipelines: [%s]\nsources: [%s]\n", filepath.Dir(rules), pipe, src))
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := engine.OpenDynamic(t.Context(), s.Dynamic, nil)
	if err != nil {
		t.Fatal(err)
	}
	hub := engine.NewHub()
	hub.SetDynamic(dyn)
	matches := func(st *engine.State) int {
		ev := sigma.NewJSONEvent(st.Engine.Fields())
		_ = ev.Reset([]byte(`{"CommandLine":"run malware.exe"}`))
		return len(st.Engine.Evaluate(ev, nil))
	}
	st, err := hub.Load(s)
	if err != nil || matches(st) != 0 {
		t.Fatalf("initial: %v, %d matches", err, matches(st))
	}
	writeFile(t, dir, "list.json", `["malware.exe"]`)
	if st, err = hub.Load(s); err != nil || matches(st) != 1 {
		t.Fatalf("after reload: %v", err)
	}
}
