package engine

import (
	"context"
	"sync"
	"testing"
)

// phaseRecorder keeps what an Evaluator observes in
// rsigma_batch_phase_duration_seconds; every other metric is discarded.
type phaseRecorder struct {
	discard
	mu       sync.Mutex
	observed map[string][]int64
}

func (r *phaseRecorder) NewTimer(name string, _ ...string) Timer {
	if name == "rsigma_batch_phase_duration_seconds" {
		return r
	}
	return discard{}
}

func (r *phaseRecorder) Timing(ns int64, labels ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.observed[labels[0]] = append(r.observed[labels[0]], ns)
}

// Every batch is observed once in each of the six phases, sequential or
// parallel; decode_merge is the wait for parallel workers only.
func TestBatchPhasesObservedOncePerBatch(t *testing.T) {
	s, lines := mixedBatch(t)
	in := make([]Line, len(lines))
	for i, l := range lines {
		in[i] = Line{Text: []byte(l)}
	}
	for _, workers := range []int{1, 4} {
		rec := &phaseRecorder{observed: map[string][]int64{}}
		settings := s
		settings.DetectWorkers = workers
		e, err := New(settings, Options{Metrics: rec})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.Close() })
		e.Evaluate(context.Background(), in, nil)
		e.Evaluate(context.Background(), in[:10], nil)
		if len(rec.observed) != len(BatchPhases) {
			t.Fatalf("workers %d: phases %v", workers, rec.observed)
		}
		for _, phase := range BatchPhases {
			got := rec.observed[phase]
			if len(got) != 2 {
				t.Fatalf("workers %d: %s observed %d times for 2 batches", workers, phase, len(got))
			}
			if busy := phase != "decode_merge" || workers > 1; busy != (got[0] > 0) {
				t.Errorf("workers %d: %s took %d ns in the first batch", workers, phase, got[0])
			}
		}
	}
}
