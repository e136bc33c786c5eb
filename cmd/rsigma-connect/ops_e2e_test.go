package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// The SIMPLE fixture of daemon-acceptance.md §0.
const opsSimpleRule = `title: Test Rule
id: 00000000-0000-0000-0000-000000000001
level: high
logsource: {category: process_creation, product: windows}
detection:
    selection:
        CommandLine|contains: malware
    condition: selection
`

const opsSecondRule = `title: Second Rule
id: 00000000-0000-0000-0000-000000000002
level: low
logsource: {category: process_creation, product: windows}
detection:
    selection:
        CommandLine|contains: beacon
    condition: selection
`

// opsRulesDir writes rules into a fresh directory and returns its path.
func opsRulesDir(t *testing.T, rules ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rules")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, r := range rules {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("rule%d.yml", i)), []byte(r), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// opsStart starts `engine daemon -r rules --api-addr 127.0.0.1:0 args...`
// and returns the daemon and its base URL once it answers /readyz with 200
// (the API answers /healthz a moment before the processor is in place).
func opsStart(t *testing.T, rules string, args ...string) (*daemontest.Daemon, string) {
	t.Helper()
	d := daemontest.Start(t, append([]string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}, args...)...)
	base := "http://" + d.APIAddr(10*time.Second)
	poll.Wait(t, 15*time.Second, "daemon answers /readyz", func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return d, base
}

// opsStop sends SIGINT and expects exit 0.
func opsStop(t *testing.T, d *daemontest.Daemon) {
	t.Helper()
	d.Signal(syscall.SIGINT)
	if code := d.Wait(10 * time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGINT; stderr:\n%s", code, d.Stderr())
	}
}

// opsDo sends a request and returns the status and body.
func opsDo(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func opsJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %q (%v)", body, err)
	}
	return m
}

// opsScrape parses /metrics with the Prometheus text parser.
func opsScrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// opsValue is the value of a counter or gauge family, summed over series.
func opsValue(fams map[string]*dto.MetricFamily, name string) float64 {
	f, ok := fams[name]
	if !ok {
		return -1
	}
	var sum float64
	for _, m := range f.GetMetric() {
		sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return sum
}

func opsMetric(t *testing.T, base, name string) float64 {
	t.Helper()
	return opsValue(opsScrape(t, base), name)
}
