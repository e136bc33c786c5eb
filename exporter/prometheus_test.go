package exporter_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/exporter"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
	_ "github.com/rsigma-connect/rsigma-connect/processor"
)

// env is a fresh environment with the global components (pure, sigma)
// and our `prometheus` exporter.
func env(t *testing.T) *service.Environment {
	t.Helper()
	e := service.GlobalEnvironment().Clone()
	if err := exporter.RegisterPrometheus(e, nil); err != nil {
		t.Fatal(err)
	}
	return e
}

// lint lints a stream config whose metrics section is metricsYAML.
func lint(t *testing.T, metricsYAML string) []string {
	t.Helper()
	conf := "input:\n  generate:\n    mapping: root = {}\noutput:\n  drop: {}\nmetrics:\n" + metricsYAML
	lints, err := env(t).FullConfigSchema("", "").NewStreamConfigLinter().LintYAML([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range lints {
		out = append(out, l.What)
	}
	return out
}

// TestPrometheusFieldsLint: every field of the usual `prometheus` exporter
// is accepted, or refused by lint with the reason; an unknown field is an
// error naming it.
func TestPrometheusFieldsLint(t *testing.T) {
	accepted := `  prometheus:
    use_histogram_timing: true
    histogram_buckets: [0.1, 1, 10]
    add_process_metrics: true
    add_go_metrics: true
    push_url: http://127.0.0.1:9091
    push_interval: 10s
    push_job_name: rsigma
    push_basic_auth: {username: u, password: p}
    file_output_path: /tmp/metrics.txt
`
	if l := lint(t, accepted); len(l) != 0 {
		t.Errorf("lint of the accepted fields: %q", l)
	}
	for yaml, want := range map[string]string{
		"  prometheus:\n    use_histogram_timing: false\n":                     "use_histogram_timing: false (summaries) is not supported: timers are always histograms",
		"  prometheus:\n    summary_quantiles_objectives: [{quantile: 0.5}]\n": "summary_quantiles_objectives is not supported: timers are histograms, never summaries",
		"  prometheus:\n    no_such_field: 1\n":                                "field no_such_field not recognised",
	} {
		if l := lint(t, yaml); len(l) != 1 || !strings.Contains(l[0], want) {
			t.Errorf("lint of %q = %q, want %q", yaml, l, want)
		}
	}
}

// runStream runs conf to its end (a generate input with a count) on env e.
func runStream(t *testing.T, e *service.Environment, conf string) {
	t.Helper()
	sb := e.NewStreamBuilder()
	if err := sb.SetYAML(conf); err != nil {
		t.Fatal(err)
	}
	s, err := sb.Build()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

const whoami = `title: Whoami
id: r-whoami
level: medium
logsource: {product: windows}
detection:
    selection: {CommandLine|contains: whoami}
    condition: selection
`

// TestTwoSigmaProcessorsReportApart: with two labelled `sigma` processors,
// each instance's rsigma_* metrics are its own series (component labels
// kept), and file_output_path holds them after shutdown.
func TestTwoSigmaProcessorsReportApart(t *testing.T) {
	one, two := t.TempDir(), t.TempDir()
	for _, d := range []string{one, two} {
		if err := os.WriteFile(filepath.Join(d, "a.yml"), []byte(whoami), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(two, "b.yml"), []byte(strings.Replace(whoami, "r-whoami", "r-other", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "metrics.txt")
	runStream(t, env(t), `
input:
  generate:
    count: 3
    interval: ""
    mapping: 'root = {"CommandLine": "whoami"}'
pipeline:
  processors:
    - label: first
      branch:
        processors:
          - sigma: {rules: [`+one+`]}
    - label: second
      sigma: {rules: [`+two+`]}
output:
  drop: {}
metrics:
  prometheus:
    file_output_path: `+out+`
`)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		`rsigma_detection_rules_loaded{label="",path="root.pipeline.processors.0.branch.processors.0"} 1`,
		`rsigma_detection_rules_loaded{label="second",path="root.pipeline.processors.1"} 2`,
		`rsigma_events_processed_total{label="",path="root.pipeline.processors.0.branch.processors.0"} 3`,
		`rsigma_events_processed_total{label="second",path="root.pipeline.processors.1"} 3`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics file lacks %s:\n%s", want, grepLines(text, "rsigma_detection_rules_loaded", "rsigma_events_processed_total"))
		}
	}
}

// TestDaemonMetricLabelsExact: component_labels false (engine daemon)
// drops the framework's labels from rsigma_* metrics.
func TestDaemonMetricLabelsExact(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yml"), []byte(whoami), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "metrics.txt")
	runStream(t, env(t), `
input:
  generate: {count: 1, interval: "", mapping: 'root = {}'}
pipeline:
  processors:
    - sigma: {rules: [`+dir+`]}
output:
  drop: {}
metrics:
  prometheus: {component_labels: false, add_go_metrics: true, file_output_path: `+out+`}
`)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{"\nrsigma_detection_rules_loaded 1\n", "\nrsigma_events_processed_total 1\n", "\ngo_goroutines "} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics file lacks %q", want)
		}
	}
	if strings.Contains(text, "process_cpu_seconds_total") {
		t.Error("process collector exported without add_process_metrics")
	}
}

// TestPushURL: push_url pushes the registry to a Pushgateway's API every
// push_interval and once more at shutdown, with basic auth.
func TestPushURL(t *testing.T) {
	var mu sync.Mutex
	var pushes []string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		pushes = append(pushes, r.Method+" "+r.URL.Path+" "+u+":"+p)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer gw.Close()
	e := env(t)
	sb := e.NewStreamBuilder()
	if err := sb.SetYAML(`
input:
  generate: {interval: 10ms, mapping: 'root = {}'}
output:
  drop: {}
metrics:
  prometheus:
    push_url: ` + gw.URL + `
    push_interval: 50ms
    push_job_name: rsigma
    push_basic_auth: {username: u, password: p}
`); err != nil {
		t.Fatal(err)
	}
	s, err := sb.Build()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(pushes) }
	poll.Wait(t, 30*time.Second, "two periodic pushes", func() bool { return count() >= 2 })
	before := count()
	if err := s.StopWithin(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	<-done
	if after := count(); after <= before {
		t.Errorf("no push at shutdown (%d pushes before stop, %d after)", before, after)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "PUT /metrics/job/rsigma u:p"; pushes[0] != want {
		t.Errorf("push = %q, want %q", pushes[0], want)
	}
}

// grepLines are the lines of text starting with any of prefixes.
func grepLines(text string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}
