package correlate_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/fleet/correlate"
	"github.com/rsigma-connect/rsigma-connect/internal/fleettest"
	_ "github.com/rsigma-connect/rsigma-connect/processor"
)

const examples = "../../docs/examples/fleet-kafka"

// TestKafkaExample lints the two example streams of fleet correlation over
// Kafka (docs/examples/fleet-kafka) and runs them, stage 1 then stage 2,
// on an in-memory stand-in for the `redpanda` input and output, over a
// generated stream of 20,000 events: the correlation results equal, as a
// multiset, those of one `sigma` processor reading the same events, every
// correlation type fires, and every firing_id is distinct.
func TestKafkaExample(t *testing.T) {
	k := newKafka(map[string]int{"events": 1, "sigma-contributions": 6})
	env := service.GlobalEnvironment().Clone()
	if err := k.register(env); err != nil {
		t.Fatal(err)
	}
	if err := correlate.Register(env); err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(rules, []byte(fleettest.Rules), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIGMA_RULES", rules)
	t.Setenv("KAFKA_BROKERS", "stand-in:9092")
	for _, e := range fleettest.Events(5, 20000) {
		k.produce("events", record{value: []byte(e)})
	}

	runStream(t, env, readFile(t, filepath.Join(examples, "detect.yaml")))
	runStream(t, env, readFile(t, filepath.Join(examples, "correlate.yaml")))
	runStream(t, env, `
input:
  redpanda: {seed_brokers: [x], topics: [events], consumer_group: reference}
pipeline:
  threads: 1
  processors:
    - sigma: {rules: ["`+rules+`"]}
output:
  redpanda: {seed_brokers: [x], topic: reference}
`)

	want := correlationResults(t, k.records("reference"))
	got := correlationResults(t, k.records("sigma-correlations"))
	if len(want.lines) == 0 {
		t.Fatal("the reference fired nothing")
	}
	if !slices.Equal(got.lines, want.lines) {
		t.Fatalf("the two stages made %d results, one sigma processor %d", len(got.lines), len(want.lines))
	}
	if got.ids != len(got.lines) {
		t.Fatalf("%d distinct firing ids for %d results", got.ids, len(got.lines))
	}
	for typ, titles := range fleettest.Types {
		for _, title := range titles {
			if want.byTitle[title] == 0 {
				t.Errorf("%s (%s) never fired", title, typ)
			}
		}
	}
	if n := len(k.records("sigma-detections")); n == 0 {
		t.Error("stage 1 wrote no detection")
	}
	t.Logf("%d correlation results through the two stages equal one sigma processor's: %v", len(got.lines), want.byTitle)
}

func readFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runStream lints and runs a stream config on env until its input ends.
func runStream(t *testing.T, env *service.Environment, yaml string) {
	t.Helper()
	sb := env.NewStreamBuilder()
	sb.SetLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := sb.SetYAML(yaml); err != nil {
		t.Fatalf("config: %v", err)
	}
	strm, err := sb.Build()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := strm.Run(ctx); err != nil {
		t.Fatalf("run: %v", err)
	}
}

var firingID = regexp.MustCompile(`,"firing_id":"([0-9a-f]{32})"`)

type results struct {
	lines   []string
	ids     int
	byTitle map[string]int
}

// correlationResults are the correlation results among records, without
// their firing_id, sorted.
func correlationResults(t *testing.T, records []record) results {
	r := results{byTitle: map[string]int{}}
	ids := map[string]bool{}
	for _, rec := range records {
		line := string(rec.value)
		if !strings.Contains(line, `"correlation_type"`) {
			continue
		}
		if m := firingID.FindStringSubmatch(line); m != nil {
			ids[m[1]] = true
			line = strings.Replace(line, m[0], "", 1)
		}
		var res struct {
			Title string `json:"rule_title"`
		}
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		r.byTitle[res.Title]++
		r.lines = append(r.lines, line)
	}
	slices.Sort(r.lines)
	r.ids = len(ids)
	return r
}
