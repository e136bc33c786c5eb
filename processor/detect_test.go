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
	conf, lines := mixedBatch(t)

	batched := newTestProcessor(t, conf+"detect_workers: 4\n")
	if w := detectWorkers(4, len(lines)); w != 4 {
		t.Fatalf("detectWorkers(4, %d) = %d, want the parallel path with 4 workers", len(lines), w)
	}
	got := outputs(t, batched, lines)
	want := oneByOne(t, newTestProcessor(t, conf), lines)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("parallel batch differs from one-by-one processing:\n got %d outputs\nwant %d outputs", len(got), len(want))
	}
}

// TestStepsMatchOneByOne: a batch evaluated in steps of batch_size gives
// the messages, in order, of the same lines processed one by one.
func TestStepsMatchOneByOne(t *testing.T) {
	conf, lines := mixedBatch(t)
	want := oneByOne(t, newTestProcessor(t, conf), lines)
	for _, size := range []int{0, 1, 2, 7, 299, 300, 1000} {
		got := outputs(t, newTestProcessor(t, conf+fmt.Sprintf("batch_size: %d\n", size)), lines)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("batch_size %d: %d outputs differ from one-by-one processing (%d)", size, len(got), len(want))
		}
	}
}

func TestStepsCutTheBatch(t *testing.T) {
	cases := []struct {
		n, size int
		want    string
	}{
		{5, 0, "[[0 5]]"},
		{5, 5, "[[0 5]]"},
		{5, 9, "[[0 5]]"},
		{5, 2, "[[0 2] [2 4] [4 5]]"},
		{4, 1, "[[0 1] [1 2] [2 3] [3 4]]"},
		{0, 3, "[[0 0]]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(steps(c.n, c.size)); got != c.want {
			t.Errorf("steps(%d, %d) = %s, want %s", c.n, c.size, got, c.want)
		}
	}
}

// mixedBatch is a processor config with detection and correlation rules and
// 300 lines mixing matches, correlation input, blanks and undecodable lines.
func mixedBatch(t *testing.T) (conf string, lines []string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(bruteRules+"---\n"+testRule), 0o644); err != nil {
		t.Fatal(err)
	}
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
	return "rules: [" + dir + "]\ninput_format: json\n", lines
}

// oneByOne processes each line as a batch of its own.
func oneByOne(t *testing.T, p *Processor, lines []string) []string {
	t.Helper()
	var want []string
	for _, l := range lines {
		want = append(want, outputs(t, p, []string{l})...)
	}
	if len(want) < 100 || !strings.Contains(strings.Join(want, "\n"), `"correlation_type"`) {
		t.Fatalf("fixture produced too little to compare: %d outputs", len(want))
	}
	return want
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
