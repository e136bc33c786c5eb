package engine

import (
	"runtime"
	"sync"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// minChunk is the fewest lines worth handing to a detection worker: below
// it the goroutine hand-over costs more than the evaluation it spreads.
const minChunk = 8

// detectWorkers is how many goroutines detect a batch of n lines with
// the detect_workers setting limit (0 = GOMAXPROCS).
func detectWorkers(limit, n int) int {
	w := limit
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	if most := n / minChunk; most < w {
		w = most
	}
	return w
}

// detectedLine is the detection phase's outcome for one line.
type detectedLine struct {
	skip   bool // blank or unreadable: nothing to emit (an unreadable one is errored)
	err    error
	events []detectedEvent
}

// detectedEvent is one decoded event with its matches; the event stays
// alive (unreleased) until its results are assembled.
type detectedEvent struct {
	d       decoded
	matches []sigma.Match
}

// evaluateParallel detects lines[lo:hi] on workers goroutines, each taking
// a contiguous share, then assembles results and feeds correlation
// sequentially in input order, so the output is the same as
// evaluateSequential's.
func (e *Evaluator) evaluateParallel(st *State, sc *scratch, lines []Line, lo, hi, workers int, out []Output) ([]Output, int) {
	detected := make([]detectedLine, hi-lo)
	var wg sync.WaitGroup
	per := (hi - lo + workers - 1) / workers
	clocks := make([]phaseClock, (hi-lo+per-1)/per)
	for from := lo; from < hi; from += per {
		to, clock := min(from+per, hi), &clocks[(from-lo)/per]
		wg.Add(1)
		go func() {
			defer wg.Done()
			clock.start()
			for i := from; i < to; i++ {
				detected[i-lo] = e.detectLine(st, &lines[i], clock)
			}
		}()
	}
	wg.Wait()
	sc.phases.lap(PhaseDecodeMerge)
	for i := range clocks {
		sc.phases.merge(&clocks[i])
	}

	events := 0
	for k, line := range detected {
		i := lo + k
		if line.skip {
			if err := lines[i].Err; err != nil {
				out = append(out, Output{Line: i, Err: err})
			}
			continue
		}
		for _, de := range line.events {
			out = e.emit(st, sc, i, lines[i].Position, de.d, de.matches, out)
			de.d.release()
		}
		events += len(line.events)
		if line.err != nil {
			out = e.parseError(i, line.err, out)
		}
	}
	return out, events
}

// detectLine decodes one line and evaluates its events, keeping them for
// the assembly phase (as evaluateSequential does, events decoded before a
// decode error still produce results); clock times parse and evaluate.
func (e *Evaluator) detectLine(st *State, l *Line, clock *phaseClock) detectedLine {
	raw, ok := e.readLine(l)
	if !ok {
		return detectedLine{skip: true}
	}
	var line detectedLine
	_, line.err = e.decodeEach(st, l, raw, func(d decoded) {
		clock.lap(PhaseParse)
		line.events = append(line.events, detectedEvent{d: d, matches: st.detect(d.event, nil)})
		clock.lap(PhaseEvaluate)
	})
	clock.lap(PhaseParse)
	return line
}
