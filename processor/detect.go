package processor

import (
	"runtime"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// minChunk is the fewest messages worth handing to a detection worker: below
// it the goroutine hand-over costs more than the evaluation it spreads.
const minChunk = 8

// detectWorkers is how many goroutines detect a batch of n messages with
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

// detectedLine is the detection phase's outcome for one message.
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

// processParallel detects the messages of batch on workers goroutines, each
// taking a contiguous share, then assembles results and feeds correlation
// sequentially in input order, so the output is the same as
// processSequential's.
func (p *Processor) processParallel(st *State, sc *scratch, batch service.MessageBatch, workers int) (service.MessageBatch, int) {
	lines := make([]detectedLine, len(batch))
	var wg sync.WaitGroup
	per := (len(batch) + workers - 1) / workers
	for lo := 0; lo < len(batch); lo += per {
		hi := min(lo+per, len(batch))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				lines[i] = p.detectLine(st, batch[i])
			}
		}()
	}
	wg.Wait()

	out := make(service.MessageBatch, 0, len(batch))
	events := 0
	for i, line := range lines {
		m := batch[i]
		if line.skip {
			if m.GetError() != nil {
				out = append(out, m)
			}
			continue
		}
		for _, de := range line.events {
			out = p.emit(st, sc, m, de.d, de.matches, out)
			de.d.release()
		}
		events += len(line.events)
		if line.err != nil {
			out = p.parseError(m, line.err, out)
		}
	}
	return out, events
}

// detectLine decodes one message and evaluates its events, keeping them for
// the assembly phase (as processSequential does, events decoded before a
// decode error still produce results).
func (p *Processor) detectLine(st *State, m *service.Message) detectedLine {
	raw, ok := p.readLine(m)
	if !ok {
		return detectedLine{skip: true}
	}
	var line detectedLine
	_, line.err = p.decodeEach(st, m, raw, func(d decoded) {
		line.events = append(line.events, detectedEvent{d: d, matches: st.Engine.Evaluate(d.event, nil)})
	})
	return line
}
