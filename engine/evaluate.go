package engine

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/format"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Line is one input to Evaluate: the content of one message.
type Line struct {
	// Text is the line; blank text yields nothing.
	Text []byte
	// JSON marks text that is already a JSON object event (an OTLP log
	// record, http-api.md §4.3): it is decoded as JSON whatever the input
	// format says, and the jq/JSONPath filter, which applies to decoded
	// input lines (input-formats.md §9), is skipped.
	JSON bool
	// Err marks a line that could not be read; it yields an Output holding
	// Err. A *format.LineTooLongError (a line the input cut) also counts as
	// a parse error.
	Err error
	// Position is the event's position in its source stream (unique,
	// increasing; 0: none), which fleet correlation orders by
	// (Settings.Fleet).
	Position uint64
}

// Output is one outcome of Evaluate: a result object (a detection or a
// correlation result) derived from lines[Line], or, when Err is set, that
// line itself marked as failed (for the DLQ route).
type Output struct {
	Line int
	// JSON is the result object, owned by the caller; nil when Err is set.
	JSON []byte
	// Err is ErrParse for an undecodable line, or the line's own Err.
	Err error
	// Fleet marks a fleet correlation batch (Settings.Fleet): JSON holds
	// the encoded fleet.Batch of partition Partition, which the processor
	// carries in the fleet.MetaPartition metadata.
	Fleet     bool
	Partition int
	// Detection is the rule of a detection result, Correlation the rule of
	// a correlation result: exactly one is set on every result, neither on
	// an error or a fleet batch. Both are read-only.
	Detection   *sigma.Rule
	Correlation *correlation.Rule
}

// Options connect an Evaluator to the program that runs it. Every field
// may be left zero.
type Options struct {
	Metrics Metrics
	Logger  Logger
	// Hub hands over preloaded rules and reaches the evaluator for reloads
	// and status; nil for a standalone evaluator.
	Hub *Hub
	// Position is the acknowledged input position stored with the
	// correlation state; nil stores none.
	Position Position
	// Correlator is the stream's stage 2 of fleet correlation, which a
	// fleet's stage 1 (Settings.Fleet) hands its rules to; nil: a
	// Correlator of its own.
	Correlator *fleet.Correlator
}

// Evaluator evaluates lines against the active State: decoding, detection,
// correlation and enrichment, results in input order. Evaluate is safe for
// concurrent calls.
type Evaluator struct {
	settings Settings
	log      Logger
	metrics  *metrics
	state    atomic.Pointer[State]
	scratch  sync.Pool          // *scratch
	decoder  *decoders          // decode.go
	corr     *correlationStep   // correlation.go
	dyn      *Dynamic           // sources and enrichers (dynamic_hub.go); nil when unused
	stopDyn  func()             // stops a Dynamic this evaluator opened itself
	watch    contradictionWatch // routing_watch.go
}

// scratch is per-call working memory reused across batches.
type scratch struct {
	matches []sigma.Match
	buf     []byte
	hits    ruleHits // detections per rule in the batch, counted once at its end
	phases  phaseClock
	chunks  []detectedChunk // a parallel step's chunks (detect.go)
}

// takeScratch takes working memory from the pool.
func (e *Evaluator) takeScratch() *scratch {
	if sc, ok := e.scratch.Get().(*scratch); ok {
		return sc
	}
	return &scratch{}
}

// New builds an evaluator, loading the rules unless o.Hub holds a preloaded
// State for these settings. Rule-level problems are logged and counted; an
// unreadable rule path, a rule set without a detection rule, or with
// StrictRules any rejected rule, fails construction with an error wrapping
// ErrRulesLoad (State.StartupError).
func New(s Settings, o Options) (*Evaluator, error) {
	if o.Logger == nil {
		o.Logger = quiet{}
	}
	e := &Evaluator{settings: s, log: o.Logger, metrics: newMetrics(o.Metrics)}
	dec, err := newDecoder(s, o.Logger.Warnf)
	if err != nil {
		return nil, err
	}
	e.decoder = dec
	if e.corr, err = newCorrelationStep(s, o, e.metrics); err != nil {
		return nil, err
	}
	if err := e.attachDynamic(o.Hub, o.Metrics); err != nil {
		_ = e.corr.close()
		return nil, err
	}
	st := o.Hub.takePreloaded()
	if st == nil {
		var err error
		if st, err = LoadWith(s, e.dyn); err == nil {
			err = st.StartupError(s.StrictRules, s.Rules) // state_policy.go
		}
		if err != nil {
			_ = e.corr.close()
			e.stopDynamic()
			return nil, err
		}
	}
	e.install(st)
	o.Hub.attach(e) // ready: rules installed, correlation state restored
	return e, nil
}

// install makes st the active state and reports it.
func (e *Evaluator) install(st *State) {
	for _, le := range st.Rejected {
		e.log.Warnf("rule rejected: %v", le)
	}
	for _, w := range st.Warnings {
		e.log.Warnf("%s", w)
	}
	for _, w := range st.Correlation.Warnings() {
		e.log.Warnf("correlation rule warning: %s", w)
	}
	n := len(st.Engine.Rules())
	e.metrics.detectionRules.Set(int64(n))
	e.metrics.rulesRejected.Set(int64(len(st.Rejected)))
	e.log.Infof("loaded %d detection rules (%d rejected) in %v", n, len(st.Rejected), st.Took)
	e.log.Infof("the detection rules form %d logsource groups; logsource routing %s", st.LogsourceGroups(), onOff(st.routing.on))
	e.corr.install(st)
	e.state.Store(st)
}

// State returns the active rule state.
func (e *Evaluator) State() *State { return e.state.Load() }

// Evaluate evaluates every line and appends its outcomes to out, in input
// order: zero or more results per line, or the line marked with an error.
// The lines are evaluated in steps of at most Settings.BatchSize, in order;
// the lines of a step are detected in parallel when DetectWorkers allows
// (detect.go), while correlation and result assembly stay sequential, in
// order. Each step uses the rules active when it starts.
func (e *Evaluator) Evaluate(ctx context.Context, lines []Line, out []Output) []Output {
	sc := e.takeScratch()
	defer e.scratch.Put(sc)
	events := 0
	sc.phases.start()
	for _, s := range steps(len(lines), e.settings.BatchSize) {
		var n int
		out, n = e.evaluateStep(ctx, sc, lines, s[0], s[1], out)
		events += n
	}
	// Counters and gauges once per batch: through the framework, each
	// update costs a label lookup, and steps may be single events.
	if events > 0 {
		e.metrics.eventsProcessed.Incr(int64(events))
	}
	sc.hits.flush(e.metrics)
	e.corr.observe()
	sc.phases.lap(PhaseDispatch)
	sc.phases.flush(e.metrics.batchPhase)
	return out
}

// steps cuts n lines into consecutive [lo, hi) steps of at most size
// (size 0: one step).
func steps(n, size int) [][2]int {
	if size <= 0 || size >= n {
		return [][2]int{{0, n}}
	}
	out := make([][2]int, 0, (n+size-1)/size)
	for lo := 0; lo < n; lo += size {
		out = append(out, [2]int{lo, min(lo+size, n)})
	}
	return out
}

// evaluateStep evaluates lines[lo:hi], appends their outcomes to out and
// returns the events it evaluated.
func (e *Evaluator) evaluateStep(ctx context.Context, sc *scratch, lines []Line, lo, hi int, out []Output) ([]Output, int) {
	start := time.Now()
	st := e.state.Load()
	from := len(out)
	var events int
	if workers := detectWorkers(e.settings.DetectWorkers, hi-lo); workers > 1 {
		out, events = e.evaluateParallel(st, sc, lines, lo, hi, workers, out)
	} else {
		out, events = e.evaluateSequential(st, sc, lines, lo, hi, out)
	}
	e.observeStep(start, hi-lo, events)
	if st.routing.on {
		st.routing.flushProducts(e.metrics)
	}
	out = e.enrichResults(ctx, out, from) // enrich.go
	sc.phases.lap(PhaseDispatch)
	return out, events
}

// evaluateSequential decodes, detects and assembles each line in turn.
func (e *Evaluator) evaluateSequential(st *State, sc *scratch, lines []Line, lo, hi int, out []Output) ([]Output, int) {
	events := 0
	for i := lo; i < hi; i++ {
		l := &lines[i]
		raw, ok := e.readLine(l)
		if !ok {
			if l.Err != nil {
				out = append(out, Output{Line: i, Err: l.Err})
			}
			continue
		}
		n, err := e.decodeEach(st, l, raw, func(d decoded) {
			sc.phases.lap(PhaseParse)
			out = e.evaluateEvent(st, sc, i, l.Position, d, out)
		})
		// No lap here: what decoding has left goes to the next lap, the
		// next event's parse (or the step's dispatch after its last line).
		events += n
		if err != nil {
			out = e.parseError(i, err, out)
		}
	}
	return out, events
}

// evaluateEvent detects d (an event of input line, at source position pos)
// with sc's buffers, appends its results and then correlation's to out, and
// releases d. An evaluation that panics costs only its event: the line is
// marked for the DLQ instead (isolate.go).
func (e *Evaluator) evaluateEvent(st *State, sc *scratch, line int, pos uint64, d decoded, out []Output) []Output {
	before := len(out)
	if err := isolate(func() {
		sc.matches = st.detect(d.event, sc.matches[:0])
		sc.phases.lap(PhaseEvaluate)
		out = e.emit(st, sc, line, pos, d, sc.matches, out)
	}); err != nil {
		return e.evaluationFailed(line, err, out, before)
	}
	d.release()
	return out
}

// readLine returns l's text when it holds a non-blank line. A line that
// stands for one the input cut because it was over the limit (the
// sigma_lines scanner marks it with a *format.LineTooLongError) is a parse
// error: it is counted and keeps its mark, which names the line's size in
// the DLQ entry.
func (e *Evaluator) readLine(l *Line) ([]byte, bool) {
	if format.IsLineTooLong(l.Err) {
		e.metrics.parseErrors.Incr(1)
		return nil, false
	}
	if l.Err != nil || len(bytes.TrimSpace(l.Text)) == 0 {
		return nil, false
	}
	return l.Text, true
}

// parseError counts an undecodable line and marks it for the DLQ route.
func (e *Evaluator) parseError(line int, err error, out []Output) []Output {
	e.metrics.parseErrors.Incr(1)
	e.log.Debugf("parse error: %v", err)
	return append(out, Output{Line: line, Err: ErrParse})
}

// emit appends one output per detection of d (matches, from Evaluate; of
// input line, at source position pos) to out, then the correlation results
// d triggers.
func (e *Evaluator) emit(st *State, sc *scratch, line int, pos uint64, d decoded, matches []sigma.Match, out []Output) []Output {
	out = e.appendDetections(st, sc, line, d, matches, out)
	sc.phases.lap(PhaseResultMerge)
	out = e.corr.apply(st, line, pos, d, matches, out)
	if st.Correlation.Len() > 0 {
		// Without correlation rules apply returns at once: leave its
		// nanoseconds to the next lap and save a clock read per event.
		sc.phases.lap(PhaseObserve)
	}
	return out
}

// appendDetections appends one output per detection of d (matches, from
// Evaluate; of input line) to out, except those --no-detections hides,
// and counts them in sc.hits. It is safe to call from several goroutines
// with distinct scratches.
func (e *Evaluator) appendDetections(st *State, sc *scratch, line int, d decoded, matches []sigma.Match, out []Output) []Output {
	e.watch.observe(st, d.event, matches, e.log) // routing_watch.go
	for i := range matches {
		match := &matches[i]
		if e.corr.hidden(st, match.Rule) {
			continue
		}
		var event []byte
		if e.settings.IncludeEvent || includeEventAttr(match.Rule) {
			event = d.json
		}
		sc.buf = AppendDetection(sc.buf[:0], match, nil, event)
		out = append(out, Output{Line: line, JSON: bytes.Clone(sc.buf), Detection: match.Rule})
		sc.hits.add(match.Rule)
	}
	return out
}

// observeStep records the per-step histograms (spec/metrics.md §2: batch
// size, pipeline latency, and per-event evaluation latency).
func (e *Evaluator) observeStep(start time.Time, batchLen, events int) {
	if events > 0 {
		took := time.Since(start)
		per := took.Nanoseconds() / int64(events)
		for i := 0; i < events; i++ {
			e.metrics.eventProcessing.Timing(per)
		}
		e.metrics.pipelineLatency.Timing(took.Nanoseconds())
	}
	e.metrics.batchSize.Timing(int64(batchLen))
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// includeEventAttr reports the rule attribute `rsigma.include_event: "true"`.
func includeEventAttr(r *sigma.Rule) bool {
	v, _ := r.CustomAttribute("rsigma.include_event")
	s, _ := v.(string)
	return s == "true"
}

// Close stops what the evaluator runs in the background and writes the
// final correlation state snapshot; call it once no Evaluate is running.
func (e *Evaluator) Close() error {
	e.watch.finish(e.log)
	e.stopDynamic()
	return e.corr.close()
}
