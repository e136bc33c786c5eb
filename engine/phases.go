package engine

import "time"

// Phase is one phase of evaluating a batch, the `phase` label of
// rsigma_batch_phase_duration_seconds (docs/metrics.md).
type Phase int

// The phases, in the order a line goes through them.
const (
	// PhaseParse decodes lines into events (input format, jq/JSONPath,
	// field extraction).
	PhaseParse Phase = iota
	// PhaseDecodeMerge is the wall time a batch detected in parallel waits
	// for its workers, whose lines are then taken in input order; zero for
	// a batch detected on one goroutine.
	PhaseDecodeMerge
	// PhaseObserve feeds the detections to the correlation windows.
	PhaseObserve
	// PhaseEvaluate evaluates the rules against the events.
	PhaseEvaluate
	// PhaseResultMerge encodes the detections as results, in input order.
	PhaseResultMerge
	// PhaseDispatch hands the batch's results on: enrichment and the
	// batch's metrics.
	PhaseDispatch
	phaseCount
)

// BatchPhases are the phases' label values, indexed by Phase.
var BatchPhases = [phaseCount]string{"parse", "decode_merge", "observe", "evaluate", "result_merge", "dispatch"}

// phaseLabels are BatchPhases as the label-value slices flush passes, made
// once: a slice built per call escapes through the Timer interface and cost
// six allocations per batch (one per event at --batch-size 1).
var phaseLabels = func() (out [phaseCount][]string) {
	for p, name := range BatchPhases {
		out[p] = []string{name}
	}
	return out
}()

// phaseClock accumulates the time a batch spends in each phase: every lap
// charges the time since the previous one to a phase. The times of a batch
// detected in parallel add up the workers' (they overlap).
type phaseClock struct {
	last time.Time
	ns   [phaseCount]int64
}

// start begins timing at now.
func (c *phaseClock) start() { c.last = time.Now() }

// lap charges the time since the previous lap (or start) to p.
func (c *phaseClock) lap(p Phase) {
	now := time.Now()
	c.ns[p] += int64(now.Sub(c.last))
	c.last = now
}

// merge adds the times of a worker's clock.
func (c *phaseClock) merge(o *phaseClock) {
	for p, ns := range o.ns {
		c.ns[p] += ns
	}
}

// flush observes each phase's time once (a phase the batch did not go
// through is observed as 0, so every batch counts in every phase) and
// resets the clock.
func (c *phaseClock) flush(t Timer) {
	for p, ns := range c.ns {
		t.Timing(ns, phaseLabels[p]...)
	}
	c.ns = [phaseCount]int64{}
}
