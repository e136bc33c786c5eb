package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// TestParallelDetectionMatchesSequential: a batch detected on several
// goroutines yields exactly the messages, in the same order, as the same
// lines processed one by one, correlation results included.
func TestParallelDetectionMatchesSequential(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(bruteRules+"---\n"+testRule), 0o644); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := 0; i < 300; i++ {
		switch i % 6 {
		case 0:
			lines = append(lines, "not json")
		case 1:
			lines = append(lines, "  ")
		case 2:
			lines = append(lines, fmt.Sprintf(`{"CommandLine":"whoami /%d"}`, i))
		default:
			lines = append(lines, fmt.Sprintf(`{"EventID":4625,"TargetUserName":"u%d","@timestamp":"2026-01-01T00:%02d:%02dZ"}`, i%4, i/60, i%60))
		}
	}
	conf := "rules: [" + dir + "]\ninput_format: json\n"

	batched := newTestProcessor(t, conf+"detect_workers: 4\n")
	if w := detectWorkers(4, len(lines)); w != 4 {
		t.Fatalf("detectWorkers(4, %d) = %d, want the parallel path with 4 workers", len(lines), w)
	}
	got := outputs(t, batched, lines)

	single := newTestProcessor(t, conf)
	var want []string
	for _, l := range lines {
		want = append(want, outputs(t, single, []string{l})...)
	}
	if len(want) < 100 || !strings.Contains(strings.Join(want, "\n"), `"correlation_type"`) {
		t.Fatalf("fixture produced too little to compare: %d outputs", len(want))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("parallel batch differs from one-by-one processing:\n got %d outputs\nwant %d outputs", len(got), len(want))
	}
}

func newTestProcessor(t testing.TB, conf string) *Processor {
	t.Helper()
	parsed, err := Spec().ParseYAML(conf, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSettings(parsed)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(s, service.MockResources(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// outputs runs one batch and renders each output message with its error.
func outputs(t *testing.T, p *Processor, lines []string) []string {
	t.Helper()
	var batch service.MessageBatch
	for _, l := range lines {
		batch = append(batch, service.NewMessage([]byte(l)))
	}
	res, err := p.ProcessBatch(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range res {
		for _, m := range b {
			c, _ := m.AsBytes()
			e := ""
			if m.GetError() != nil {
				e = "ERR " + m.GetError().Error() + ": "
			}
			out = append(out, e+string(c))
		}
	}
	return out
}
