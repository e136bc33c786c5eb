package sigma

import "testing"

// What the external benchmarks (package sigma_test) need of the package's
// insides.

// CandidateCount returns how many rules the candidate index leaves to
// evaluate for ev (every rule without the index).
func CandidateCount(e *Engine, ev Event) int {
	if e.index == nil {
		return len(e.rules)
	}
	sc := e.scratch.Get().(*evalScratch)
	defer e.scratch.Put(sc)
	defer sc.reset()
	return len(e.index.candidates(ev, sc, nil))
}

// StartClocks starts the wall and CPU clocks of a benchmark; the function
// it returns reports events/s and events/cpu-s for b.N events.
func StartClocks() func(*testing.B) { return startClocks().report }

// ProcessCPU is the CPU time the process has used.
var ProcessCPU = processCPU
