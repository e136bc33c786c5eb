package correlate_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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
	if len(want.Lines) == 0 {
		t.Fatal("the reference fired nothing")
	}
	if !slices.Equal(got.Lines, want.Lines) {
		t.Fatalf("the two stages made %d results, one sigma processor %d", len(got.Lines), len(want.Lines))
	}
	if len(got.IDs) != len(got.Lines) || got.Repeats() != 0 {
		t.Fatalf("%d distinct firing ids for %d results", len(got.IDs), len(got.Lines))
	}
	for typ, titles := range fleettest.Types {
		for _, title := range titles {
			if want.ByTitle[title] == 0 {
				t.Errorf("%s (%s) never fired", title, typ)
			}
		}
	}
	if n := len(k.records("sigma-detections")); n == 0 {
		t.Error("stage 1 wrote no detection")
	}
	t.Logf("%d correlation results through the two stages equal one sigma processor's: %v", len(got.Lines), want.ByTitle)
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

// correlationResults are the correlation results among records.
func correlationResults(t *testing.T, records []record) fleettest.Results {
	lines := make([]string, len(records))
	for i, r := range records {
		lines[i] = string(r.value)
	}
	return fleettest.CorrelationResults(t, lines)
}
