package engine

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// minChunk is the fewest lines worth handing to a detection worker: below
// it the goroutine hand-over costs more than the evaluation it spreads.
const minChunk = 8

// chunksPerWorker is how many chunks a step is cut into per worker (each
// of at least minChunk/2 lines), so that a worker given slow lines does
// not hold up the others and the caller's wait at the end of a step (for
// the chunk another worker is still on) is a few lines, not a sixteenth
// of the step: at --batch-size 128 on two cores the chunks are 4 lines.
const chunksPerWorker = 16

// detectWorkers is how many goroutines detect a step of n lines with the
// detect_workers setting limit (0 = GOMAXPROCS): at most one per minChunk
// lines, so a small step (light traffic hands over few lines) stays on
// the calling goroutine with no hand-over latency.
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

// detectedChunk is the outcome of detecting the consecutive lines
// [lo, hi): the detection results and error marks in input order, and the
// events whose matches feed correlation, held for the in-order phase.
type detectedChunk struct {
	lo, hi int
	out    []Output
	held   []heldEvent
	events int
}

// heldEvent is an event whose matches feed correlation. It stays alive
// (unreleased) until correlation has seen it; its correlation results go
// after the chunk's outputs out[:at].
type heldEvent struct {
	at      int
	line    int
	pos     uint64
	d       decoded
	matches []sigma.Match
}

// evaluateParallel evaluates lines[lo:hi] on workers goroutines (the
// caller and workers-1 others) that take chunks of consecutive lines in
// turn. A worker decodes, detects and encodes the detection results of its
// lines and releases each event at once, unless its matches feed
// correlation. Once all chunks are done, the caller feeds correlation the
// held events and assembles the outputs in input order, so the output is
// the same as evaluateSequential's.
func (e *Evaluator) evaluateParallel(st *State, sc *scratch, lines []Line, lo, hi, workers int, out []Output) ([]Output, int) {
	chunks := sc.cut(lo, hi, workers*chunksPerWorker)
	var next atomic.Int64
	work := func(ws *scratch) {
		for {
			k := int(next.Add(1)) - 1
			if k >= len(chunks) {
				return
			}
			e.detectChunk(st, ws, lines, &chunks[k])
		}
	}
	var wg sync.WaitGroup
	helpers := make([]*scratch, workers-1)
	for i := range helpers {
		helpers[i] = e.takeScratch()
		wg.Add(1)
		go func(ws *scratch) {
			defer wg.Done()
			ws.phases.start()
			work(ws)
		}(helpers[i])
	}
	work(sc)
	wg.Wait()
	sc.phases.lap(PhaseDecodeMerge) // the caller's wait for the other workers
	for _, ws := range helpers {
		sc.hits.merge(&ws.hits)
		sc.phases.merge(&ws.phases)
		ws.phases = phaseClock{}
		e.scratch.Put(ws)
	}

	events := 0
	for k := range chunks {
		c := &chunks[k]
		from := 0
		for j := range c.held {
			h := &c.held[j]
			out = append(out, c.out[from:h.at]...)
			from = h.at
			sc.phases.lap(PhaseResultMerge)
			before := len(out)
			if err := isolate(func() { out = e.corr.apply(st, h.line, h.pos, h.d, h.matches, out) }); err != nil {
				out = e.evaluationFailed(h.line, err, out, before)
			} else {
				h.d.release()
			}
			sc.phases.lap(PhaseObserve)
			*h = heldEvent{}
		}
		out = append(out, c.out[from:]...)
		clear(c.out) // the outputs now belong to out
		events += c.events
	}
	sc.phases.lap(PhaseResultMerge)
	return out, events
}

// cut divides [lo, hi) into about parts chunks of at least minChunk/2
// lines, reusing the scratch's chunk storage.
func (sc *scratch) cut(lo, hi, parts int) []detectedChunk {
	size := max((hi-lo+parts-1)/parts, minChunk/2)
	chunks := sc.chunks[:0]
	for from := lo; from < hi; from += size {
		var c detectedChunk
		if n := len(chunks); n < cap(chunks) {
			c = chunks[:n+1][n] // keep the storage of an earlier step
		}
		c.lo, c.hi, c.out, c.held, c.events = from, min(from+size, hi), c.out[:0], c.held[:0], 0
		chunks = append(chunks, c)
	}
	sc.chunks = chunks
	return chunks
}

// detectChunk decodes and detects the lines of c with ws's buffers and
// phase clock, as evaluateSequential does line by line, holding back only
// the correlation step.
func (e *Evaluator) detectChunk(st *State, ws *scratch, lines []Line, c *detectedChunk) {
	for i := c.lo; i < c.hi; i++ {
		l := &lines[i]
		raw, ok := e.readLine(l)
		if !ok {
			if l.Err != nil {
				c.out = append(c.out, Output{Line: i, Err: l.Err})
			}
			continue
		}
		n, err := e.decodeEach(st, l, raw, func(d decoded) {
			ws.phases.lap(PhaseParse)
			e.detectEvent(st, ws, c, i, l.Position, d)
		})
		c.events += n
		if err != nil {
			c.out = e.parseError(i, err, c.out)
		}
	}
}

// detectEvent detects d (an event of input line, at source position pos)
// with ws's buffers and appends its detection results to c, releasing d
// unless its matches feed correlation (then c holds it). An evaluation that
// panics costs only its event: the line is marked for the DLQ instead.
func (e *Evaluator) detectEvent(st *State, ws *scratch, c *detectedChunk, line int, pos uint64, d decoded) {
	before := len(c.out)
	if err := isolate(func() {
		ws.matches = st.detect(d.event, ws.matches[:0])
		ws.phases.lap(PhaseEvaluate)
		c.out = e.appendDetections(st, ws, line, d, ws.matches, c.out)
	}); err != nil {
		c.out = e.evaluationFailed(line, err, c.out, before)
		return
	}
	ws.phases.lap(PhaseResultMerge)
	if !e.corr.feeds(st, ws.matches) {
		d.release()
		return
	}
	// The held matches keep their storage; the next event's evaluation
	// gets fresh storage.
	c.held = append(c.held, heldEvent{at: len(c.out), line: line, pos: pos, d: d, matches: ws.matches})
	ws.matches = nil
}
