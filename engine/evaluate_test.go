package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParallelDetectionMatchesSequential: a batch detected on several
// goroutines yields exactly the outputs, in the same order, as the same
// lines evaluated one by one, correlation results included.
func TestParallelDetectionMatchesSequential(t *testing.T) {
	s, lines := mixedBatch(t)

	parallel := s
	parallel.DetectWorkers = 4
	if w := detectWorkers(4, len(lines)); w != 4 {
		t.Fatalf("detectWorkers(4, %d) = %d, want the parallel path with 4 workers", len(lines), w)
	}
	got := outputs(t, newTestEvaluator(t, parallel), lines)
	want := oneByOne(t, newTestEvaluator(t, s), lines)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("parallel batch differs from one-by-one evaluation:\n got %d outputs\nwant %d outputs", len(got), len(want))
	}
}

// TestStepsMatchOneByOne: a batch evaluated in steps of BatchSize gives the
// outputs, in order, of the same lines evaluated one by one.
func TestStepsMatchOneByOne(t *testing.T) {
	s, lines := mixedBatch(t)
	want := oneByOne(t, newTestEvaluator(t, s), lines)
	for _, size := range []int{0, 1, 2, 7, 299, 300, 1000} {
		stepped := s
		stepped.BatchSize = size
		got := outputs(t, newTestEvaluator(t, stepped), lines)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("batch_size %d: %d outputs differ from one-by-one evaluation (%d)", size, len(got), len(want))
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

// mixedBatch is the settings of an evaluator with detection and
// correlation rules and 300 lines mixing matches, correlation input, blanks
// and undecodable lines.
func mixedBatch(t *testing.T) (Settings, []string) {
	t.Helper()
	dir := t.TempDir()
	rules := fixture(t, "brute.yml") + "---\n" + fixture(t, "whoami.yml")
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(rules), 0o644); err != nil {
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
	return Settings{Rules: []string{dir}, InputFormat: "json"}, lines
}

// fixture reads a file of testdata/.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// oneByOne evaluates each line as a batch of its own.
func oneByOne(t *testing.T, e *Evaluator, lines []string) []string {
	t.Helper()
	var want []string
	for _, l := range lines {
		want = append(want, outputs(t, e, []string{l})...)
	}
	if len(want) < 100 || !strings.Contains(strings.Join(want, "\n"), `"correlation_type"`) {
		t.Fatalf("fixture produced too little to compare: %d outputs", len(want))
	}
	return want
}

func newTestEvaluator(t testing.TB, s Settings) *Evaluator {
	t.Helper()
	e, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// outputs evaluates one batch and renders each output: a result, or its
// line with the error.
func outputs(t *testing.T, e *Evaluator, lines []string) []string {
	t.Helper()
	in := make([]Line, len(lines))
	for i, l := range lines {
		in[i] = Line{Text: []byte(l)}
	}
	var out []string
	for _, o := range e.Evaluate(context.Background(), in, nil) {
		if o.Err != nil {
			out = append(out, "ERR "+o.Err.Error()+": "+lines[o.Line])
			continue
		}
		out = append(out, string(o.JSON))
	}
	return out
}

// TestParallelDetectionReleasesEventsAtOnce: on the parallel path an event
// whose matches feed no correlation goes back to the pool as soon as its
// results are encoded, so a step keeps about one JSON event per worker
// alive, not one per line.
func TestParallelDetectionReleasesEventsAtOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "whoami.yml"), []byte(fixture(t, "whoami.yml")), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Settings{Rules: []string{dir}, InputFormat: "json", DetectWorkers: 4}
	var lines []string
	for i := 0; i < 512; i++ {
		lines = append(lines, fmt.Sprintf(`{"CommandLine":"whoami /%d"}`, i))
	}
	e := newTestEvaluator(t, s)
	if got := outputs(t, e, lines); len(got) != len(lines) {
		t.Fatalf("%d outputs for %d matching lines", len(got), len(lines))
	}
	// Holding every event until assembly makes one per line. Released at
	// once, they come back from the pool: a few are made, plus what
	// collections during the step take from the pool, plus, under the race
	// detector, the quarter of Puts that sync.Pool drops on purpose.
	if made := e.State().eventsMade.Load(); made > int64(len(lines)/2) {
		t.Errorf("%d JSON events made for a step of %d lines on 4 workers, want at most %d", made, len(lines), len(lines)/2)
	}
}
