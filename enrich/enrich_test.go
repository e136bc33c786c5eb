package enrich

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch"
)

// localServer serves on 127.0.0.1 (not the default which may pick ::1).
func localServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

type countingObserver struct {
	mu       sync.Mutex
	statuses map[string]int
	cache    map[string]int
}

func newObserver() *countingObserver {
	return &countingObserver{statuses: map[string]int{}, cache: map[string]int{}}
}

func (o *countingObserver) Enriched(e *Enricher, s Status, _ time.Duration) {
	o.mu.Lock()
	o.statuses[e.ID+"/"+string(s)]++
	o.mu.Unlock()
}

func (o *countingObserver) HTTPCache(id string, ev CacheEvent) {
	o.mu.Lock()
	o.cache[id+"/"+string(ev)]++
	o.mu.Unlock()
}

func detectionTarget() *Target {
	return &Target{Kind: Detection, Title: "Encoded PowerShell", ID: "00000000-0000-0000-0000-0000000000aa",
		Level: "high", Tags: []string{"attack.execution", "attack.t1059.001"},
		Fields: []FieldValue{{"CommandLine", "powershell -enc AAA"}, {"SourceIp", "10.0.0.5"}, {"SHA256", "abc123"}},
		Event:  []byte(`{"CommandLine":"powershell -enc AAA","host":{"name":"ws1"}}`)}
}

func render(vals []Value) string {
	var parts []string
	for _, v := range vals {
		parts = append(parts, fmt.Sprintf("%q:%s", v.Key, v.JSON))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// The four primitives end to end: a local HTTP server, a lookup over a
// file source, a command without a shell, and a template.
func TestFourPrimitivesEndToEnd(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int32
	srv := localServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/files/abc123" || r.Header.Get("X-Rule") != "00000000-0000-0000-0000-0000000000aa" {
			http.Error(w, "unexpected "+r.URL.Path, http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, `{"score":12}`)
	}))
	dirFile := filepath.Join(dir, "employees.json")
	os.WriteFile(dirFile, []byte(`{"10.0.0.5":{"user":"alice","team":"Platform"}}`), 0o644)
	probe := filepath.Join(dir, "probe.json")
	os.WriteFile(probe, []byte(`{"who":"daemon"}`), 0o644)
	srcs, err := source.Parse("sources.yml", []byte(fmt.Sprintf("sources: [{id: employee_directory, type: file, path: %s}]", dirFile)))
	if err != nil {
		t.Fatal(err)
	}
	res := source.NewResolver(srcs, source.Options{Transports: fetch.Transports()})
	if err := res.ResolveAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`max_concurrent_enrichments: 4
enrichers:
  - id: runbook_det
    kind: detection
    type: template
    inject_field: runbook_url
    template: "https://wiki/runbooks/${detection.rule.id}"
  - id: employee
    kind: detection
    type: lookup
    inject_field: employee
    source: employee_directory
    extract: '."${detection.fields.SourceIp}"'
    default: unknown
  - id: reputation
    kind: detection
    type: http
    inject_field: file_reputation
    url: "%s/files/${detection.fields.SHA256}"
    headers: {X-Rule: "${detection.rule.id}"}
    cache_ttl: 1h
  - id: probe
    kind: detection
    type: command
    inject_field: probe_output
    command: [cat, %s]
    output: json
  - id: corr_only
    kind: correlation
    type: template
    inject_field: never
    template: "${correlation.type}"
`, srv.URL, probe)
	obs := newObserver()
	set, err := Parse("enrichers.yml", []byte(cfg), Options{Sources: res, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"runbook_url":"https://wiki/runbooks/00000000-0000-0000-0000-0000000000aa","employee":{"team":"Platform","user":"alice"},"file_reputation":{"score":12},"probe_output":{"who":"daemon"}}`
	for i := 0; i < 2; i++ {
		vals, drop := set.Enrich(context.Background(), detectionTarget())
		if got := render(vals); got != want || drop {
			t.Fatalf("call %d: enrichments %s (drop %v), want %s", i, got, drop, want)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("HTTP server called %d times, want 1 (cache_ttl)", calls.Load())
	}
	if obs.cache["reputation/hit"] != 1 || obs.cache["reputation/miss"] != 1 || obs.statuses["probe/success"] != 2 {
		t.Fatalf("observer: %v %v", obs.cache, obs.statuses)
	}
	// Lookup without a match falls back to the default.
	tg := detectionTarget()
	tg.Fields[1].Text = "10.9.9.9"
	vals, _ := set.Enrich(context.Background(), tg)
	if !strings.Contains(render(vals), `"employee":"unknown"`) {
		t.Fatalf("lookup default not used: %s", render(vals))
	}
}

func TestTemplateVariables(t *testing.T) {
	corr := &Target{Kind: Correlation, Title: "Brute Force", ID: "c1", Level: "high", Tags: []string{"a", "b"},
		CorrelationType: "event_count", AggregatedValue: 3, TimespanSecs: 300,
		GroupKey: [][2]string{{"src_ip", "10.0.0.1"}, {"User", "bob"}}}
	t.Setenv("WIKI", "https://wiki")
	tests := []struct {
		kind     Kind
		tpl, out string
		target   *Target
	}{
		{Detection, "${WIKI}/${detection.rule.title}/${detection.rule.level}", "https://wiki/Encoded PowerShell/high", detectionTarget()},
		{Detection, "${detection.tags}", "attack.execution,attack.t1059.001", detectionTarget()},
		{Detection, "${detection.fields.CommandLine}|${detection.fields.Missing}", "powershell -enc AAA|", detectionTarget()},
		{Detection, "${detection.event.host.name}", "ws1", detectionTarget()},
		{Correlation, "${correlation.type} ${correlation.aggregated_value} ${correlation.timespan_secs}", "event_count 3 300", corr},
		{Correlation, "${correlation.group_key}|${correlation.group_key.User}", "src_ip=10.0.0.1,User=bob|bob", corr},
	}
	for _, tc := range tests {
		t.Run(tc.tpl, func(t *testing.T) {
			tpl, err := parseTemplate(tc.tpl, tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if got := tpl.render(tc.target, nil); got != tc.out {
				t.Fatalf("rendered %q, want %q", got, tc.out)
			}
		})
	}
}

func TestValidationErrors(t *testing.T) {
	srcs, _ := source.Parse("s.yml", []byte("sources: [{id: dir, type: file, path: /nonexistent}]"))
	res := source.NewResolver(srcs, source.Options{Transports: fetch.Transports()})
	entry := func(body string) string {
		return "enrichers:\n  - {id: e1, inject_field: f, " + body + "}\n"
	}
	tests := []struct {
		name, src, want string
		noSources       bool
	}{
		{"cross_namespace_template", entry("kind: detection, type: template, template: '${correlation.rule.id}'"), "e1: template: ${correlation.rule.id}: wrong namespace", false},
		{"cross_namespace_in_http_url", entry("kind: correlation, type: http, url: 'http://x/${detection.rule.id}'"), "url: ${detection.rule.id}: wrong namespace", false},
		{"unknown_variable", entry("kind: detection, type: template, template: '${detection.rule.author}'"), "unknown template variable", false},
		{"malformed_variable", entry("kind: detection, type: template, template: '${foo.bar}'"), "malformed template variable", false},
		{"unknown_type", entry("kind: detection, type: webhook"), `type: expected template, lookup, http or command, got "webhook"`, false},
		{"bad_kind", entry("kind: both, type: template, template: x"), "kind: expected detection or correlation", false},
		{"bad_on_error", entry("kind: detection, type: template, template: x, on_error: retry"), "on_error: expected skip, null or drop", false},
		{"bad_scope_level", entry("kind: detection, type: template, template: x, scope: {levels: [urgent]}"), `scope: levels: unknown level "urgent"`, false},
		{"malformed_scope", entry("kind: detection, type: template, template: x, scope: {rulez: [a]}"), "field rulez not found", false},
		{"lookup_without_sources", entry("kind: detection, type: lookup, source: dir"), "need at least one --source", true},
		{"lookup_unknown_source", entry("kind: detection, type: lookup, source: nope"), `unknown dynamic source "nope"`, false},
		{"bad_static_jq", entry("kind: detection, type: lookup, source: dir, extract: '.['"), "extract: invalid jq expression", false},
		{"command_without_argv", entry("kind: detection, type: command"), "command: required argv list", false},
		{"duplicate_ids", "enrichers:\n  - {id: a, kind: detection, type: template, inject_field: f, template: x}\n  - {id: a, kind: detection, type: template, inject_field: g, template: y}\n", "a: duplicate enricher id", false},
		{"missing_inject_field", "enrichers:\n  - {id: a, kind: detection, type: template, template: x}\n", "inject_field: required", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Sources: res}
			if tc.noSources {
				opts.Sources = nil
			}
			_, err := Parse("enrichers.yml", []byte(tc.src), opts)
			if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrConfig containing %q", err, tc.want)
			}
		})
	}
}

func TestErrorPoliciesAndScope(t *testing.T) {
	srv := localServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-r.Context().Done() // answers only once the client gave up
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	tests := []struct {
		name, entry, want string
		drop              bool
		status            string
	}{
		{"skip_leaves_no_key", "type: http, url: '" + srv.URL + "/x'", "{}", false, "skip"},
		{"null_injects_null", "type: http, url: '" + srv.URL + "/x', on_error: 'null'", `{"f":null}`, false, "error"},
		{"drop_suppresses_result", "type: http, url: '" + srv.URL + "/x', on_error: drop", "{}", true, "drop"},
		{"timeout_is_reported", "type: http, url: '" + srv.URL + "/slow', timeout: 50ms", "{}", false, "timeout"},
		{"command_timeout", "type: command, command: [sleep, '5'], timeout: 50ms", "{}", false, "timeout"},
		{"command_timeout_with_a_background_child_holding_stdout", `type: command, command: [sh, -c, "sleep 30 & echo '{\"x\":1}'"], timeout: 300ms`, "{}", false, "timeout"},
		{"command_no_shell", "type: command, command: [echo, '$(id) ${detection.rule.title}'], output: raw", `{"f":"$(id) Encoded PowerShell"}`, false, "success"},
		{"scope_title_glob_and_tag_prefix", "type: template, template: ok, scope: {rules: ['Encoded *'], tags: ['attack.t1059*'], levels: [high]}", `{"f":"ok"}`, false, "success"},
		{"scope_rule_id", "type: template, template: ok, scope: {rules: ['00000000-0000-0000-0000-0000000000aa']}", `{"f":"ok"}`, false, "success"},
		{"out_of_scope_counts_nothing", "type: template, template: ok, scope: {levels: [low]}", "{}", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obs := newObserver()
			set, err := Parse("e.yml", []byte("enrichers:\n  - {id: e, kind: detection, inject_field: f, "+tc.entry+"}\n"), Options{Observer: obs})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			vals, drop := set.Enrich(context.Background(), detectionTarget())
			if render(vals) != tc.want || drop != tc.drop {
				t.Fatalf("got %s drop=%v, want %s drop=%v", render(vals), drop, tc.want, tc.drop)
			}
			if tc.status != "" && obs.statuses["e/"+tc.status] != 1 {
				t.Fatalf("statuses = %v, want %s", obs.statuses, tc.status)
			}
			if tc.status == "" && len(obs.statuses) != 0 {
				t.Fatalf("statuses = %v, want none", obs.statuses)
			}
			if time.Since(start) > 10*time.Second { // timeouts are 50-300ms; the commands would run 5-30 s
				t.Fatalf("took %s", time.Since(start))
			}
		})
	}
}

func TestReloadKeepsPreviousEnrichersOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enrichers.yml")
	good := "enrichers:\n  - {id: a, kind: detection, type: template, inject_field: v, template: one}\n"
	os.WriteFile(path, []byte(good), 0o644)
	st, err := NewStage(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	enriched := func() string {
		vals, _ := st.Enrich(context.Background(), detectionTarget())
		return render(vals)
	}
	if got := enriched(); got != `{"v":"one"}` {
		t.Fatalf("initial: %s", got)
	}
	os.WriteFile(path, []byte("enrichers:\n  - {id: a, kind: detection, type: template, inject_field: v, template: '${correlation.type}'}\n"), 0o644)
	if err := st.Reload(); err == nil || !strings.Contains(err.Error(), "wrong namespace") {
		t.Fatalf("reload err = %v", err)
	}
	if got := enriched(); got != `{"v":"one"}` {
		t.Fatalf("after failed reload: %s", got)
	}
	os.WriteFile(path, []byte(strings.Replace(good, "one", "two", 1)), 0o644)
	if err := st.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := enriched(); got != `{"v":"two"}` {
		t.Fatalf("after good reload: %s", got)
	}
}

// A blocking command enricher holds a chain slot; EnrichAll must never run
// more chains at once than max_concurrent_enrichments.
func TestEnrichAllBoundsConcurrentChains(t *testing.T) {
	var cur, peak atomic.Int32
	srv := localServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		cur.Add(-1)
		fmt.Fprintf(w, "%q", r.URL.Query().Get("i"))
	}))
	set, err := Parse("e.yml", []byte("max_concurrent_enrichments: 2\nenrichers:\n  - {id: e, kind: detection, type: http, inject_field: i, url: '"+srv.URL+"/?i=${detection.rule.title}'}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var targets []*Target
	for i := 0; i < 8; i++ {
		targets = append(targets, &Target{Kind: Detection, Title: fmt.Sprint("r&", i)})
	}
	vals, _ := set.EnrichAll(context.Background(), targets)
	for i, v := range vals {
		if got := render(v); got != fmt.Sprintf(`{"i":"r&%d"}`, i) {
			t.Fatalf("result %d: %s", i, got)
		}
	}
	if peak.Load() > 2 {
		t.Fatalf("peak concurrency %d > 2", peak.Load())
	}
}

// Results enriched concurrently with the same request share one fetch.
func TestHTTPCacheSharesConcurrentFetches(t *testing.T) {
	var calls atomic.Int32
	srv := localServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		time.Sleep(50 * time.Millisecond)
		fmt.Fprint(w, `{"score":1}`)
	}))
	set, err := Parse("e.yml", []byte("enrichers:\n  - {id: e, kind: detection, type: http, inject_field: r, cache_ttl: 1m, url: '"+srv.URL+"/${detection.rule.id}'}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	targets := []*Target{detectionTarget(), detectionTarget(), detectionTarget(), detectionTarget()}
	vals, _ := set.EnrichAll(context.Background(), targets)
	for _, v := range vals {
		if render(v) != `{"r":{"score":1}}` {
			t.Fatalf("value %s", render(v))
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("server called %d times, want 1", calls.Load())
	}
}

// Credentials in an http enricher's URL never reach the logged failure.
func TestHTTPFailuresHideURLCredentials(t *testing.T) {
	srv := localServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	for name, u := range map[string]string{"status": strings.Replace(srv.URL, "http://", "http://t0ken@", 1) + "/x", "dial": "http://t0ken@127.0.0.1:1/x"} {
		t.Run(name, func(t *testing.T) {
			var logged strings.Builder
			opts := Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))}
			set, err := Parse("e.yml", []byte("enrichers:\n  - {id: e, kind: detection, type: http, inject_field: f, url: '"+u+"'}\n"), opts)
			if err != nil {
				t.Fatal(err)
			}
			set.Enrich(context.Background(), detectionTarget())
			if strings.Contains(logged.String(), "t0ken") || !strings.Contains(logged.String(), "://***@127.0.0.1:") {
				t.Fatalf("logged %q, want the URL with its credentials masked", logged.String())
			}
		})
	}
}
