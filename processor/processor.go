package processor

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/format"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

func init() {
	if err := Register(service.GlobalEnvironment(), nil); err != nil {
		panic(err)
	}
	if err := RegisterPrometheus(service.GlobalEnvironment(), nil); err != nil {
		panic(err)
	}
}

// Register registers the `sigma` processor on env. Processors built from it
// attach to hub (when non-nil), through which the code running the stream
// hands over preloaded rules and reaches the processor for reloads and status.
func Register(env *service.Environment, hub *Hub) error {
	return env.RegisterBatchProcessor("sigma", Spec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchProcessor, error) {
			s, err := ParseSettings(conf)
			if err != nil {
				return nil, err
			}
			return New(s, res, hub)
		})
}

// Processor is the `sigma` batch processor. ProcessBatch is safe for
// concurrent calls: the framework shares one instance between all pipeline
// threads.
type Processor struct {
	settings Settings
	log      *service.Logger
	metrics  *metrics
	state    atomic.Pointer[State]
	scratch  sync.Pool        // *scratch
	decoder  *decoders        // decode.go
	corr     *correlationStep // correlation.go
	dyn      *Dynamic         // sources and enrichers (dynamic_hub.go); nil when unused
	stopDyn  func()           // stops a Dynamic this processor opened itself
}

// scratch is per-call working memory reused across batches.
type scratch struct {
	matches []sigma.Match
	buf     []byte
	hits    ruleHits // detections per rule in the batch, counted once at its end
}

// New builds a processor, loading the rules unless hub holds a preloaded
// State for these settings. Rule-level problems are logged and counted; an
// unreadable rule path, a rule set without a detection rule, or with
// strict_rules any rejected rule, fails construction with an error wrapping
// ErrRulesLoad (State.StartupError).
func New(s Settings, res *service.Resources, hub *Hub) (*Processor, error) {
	p := &Processor{settings: s, log: res.Logger(), metrics: newMetrics(res.Metrics())}
	dec, err := newDecoder(s, res.Logger().Warnf)
	if err != nil {
		return nil, err
	}
	p.decoder = dec
	if p.corr, err = newCorrelationStep(s, res, p.metrics); err != nil {
		return nil, err
	}
	if err := p.attachDynamic(hub, res); err != nil {
		_ = p.corr.close()
		return nil, err
	}
	st := hub.takePreloaded()
	if st == nil {
		var err error
		if st, err = LoadStateWith(s, p.dyn); err == nil {
			err = st.StartupError(s.StrictRules, s.Rules) // engine_policy.go
		}
		if err != nil {
			_ = p.corr.close()
			p.stopDynamic()
			return nil, err
		}
	}
	p.install(st)
	hub.attach(p) // ready: rules installed, correlation state restored
	return p, nil
}

// install makes st the active state and reports it.
func (p *Processor) install(st *State) {
	for _, le := range st.Rejected {
		p.log.Warnf("rule rejected: %v", le)
	}
	for _, w := range st.Warnings {
		p.log.Warnf("%s", w)
	}
	for _, w := range st.Correlation.Warnings() {
		p.log.Warnf("correlation rule warning: %s", w)
	}
	n := len(st.Engine.Rules())
	p.metrics.detectionRules.Set(int64(n))
	p.metrics.rulesRejected.Set(int64(len(st.Rejected)))
	p.log.Infof("loaded %d detection rules (%d rejected) in %v", n, len(st.Rejected), st.Took)
	p.corr.install(st)
	p.state.Store(st)
}

// State returns the active rule state.
func (p *Processor) State() *State { return p.state.Load() }

// ProcessBatch evaluates every message of batch. Each message becomes zero or
// more result messages (copies of it with the result JSON as content), in
// input order. A message that cannot be decoded is returned unchanged with
// its error set. The batch is evaluated in steps of at most the batch_size
// setting, in order; the messages of a step are detected in parallel when
// detect_workers allows (detect.go), while correlation and result assembly
// stay sequential, in order.
func (p *Processor) ProcessBatch(ctx context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
	sc, _ := p.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer p.scratch.Put(sc)
	var out service.MessageBatch
	events := 0
	for _, s := range steps(len(batch), p.settings.BatchSize) {
		var n int
		out, n = p.processStep(ctx, sc, batch[s[0]:s[1]], out)
		events += n
	}
	// Counters and gauges once per message batch: through the framework,
	// each update costs a label lookup, and steps may be single events.
	if events > 0 {
		p.metrics.eventsProcessed.Incr(int64(events))
	}
	sc.hits.flush(p.metrics)
	p.corr.observe()
	return []service.MessageBatch{out}, nil
}

// steps cuts n messages into consecutive [lo, hi) steps of at most size
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

// processStep evaluates one step, appends its results to out and returns
// the events it evaluated. Each step uses the rules active when it starts.
func (p *Processor) processStep(ctx context.Context, sc *scratch, step, out service.MessageBatch) (service.MessageBatch, int) {
	start := time.Now()
	st := p.state.Load()
	var res service.MessageBatch
	var events int
	if workers := detectWorkers(p.settings.DetectWorkers, len(step)); workers > 1 {
		res, events = p.processParallel(st, sc, step, workers)
	} else {
		res, events = p.processSequential(st, sc, step)
	}
	p.observeStep(start, len(step), events)
	res = p.enrichResults(ctx, res) // enrich.go
	if out == nil {
		return res, events
	}
	return append(out, res...), events
}

// processSequential decodes, detects and assembles each message in turn.
func (p *Processor) processSequential(st *State, sc *scratch, batch service.MessageBatch) (service.MessageBatch, int) {
	out := make(service.MessageBatch, 0, len(batch))
	events := 0
	for _, m := range batch {
		raw, ok := p.readLine(m)
		if !ok {
			if m.GetError() != nil {
				out = append(out, m)
			}
			continue
		}
		n, err := p.decodeEach(st, m, raw, func(d decoded) {
			sc.matches = st.Engine.Evaluate(d.event, sc.matches[:0])
			out = p.emit(st, sc, m, d, sc.matches, out)
			d.release()
		})
		events += n
		if err != nil {
			out = p.parseError(m, err, out)
		}
	}
	return out, events
}

// readLine returns m's content when it holds a non-blank line. A message
// whose content cannot be read gets that error set. A message that stands
// for a line the input cut because it was over the limit (the sigma_lines
// scanner marks it with a *format.LineTooLongError) is a parse error: it is
// counted and keeps its mark, which names the line's size in the DLQ entry.
func (p *Processor) readLine(m *service.Message) ([]byte, bool) {
	if format.IsLineTooLong(m.GetError()) {
		p.metrics.parseErrors.Incr(1)
		return nil, false
	}
	raw, err := m.AsBytes()
	if err != nil {
		m.SetError(err)
		return nil, false
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, false
	}
	return raw, true
}

// parseError counts an undecodable line and passes its message on, marked,
// for the DLQ route.
func (p *Processor) parseError(m *service.Message, err error, out service.MessageBatch) service.MessageBatch {
	p.metrics.parseErrors.Incr(1)
	p.log.Debugf("parse error: %v", err)
	m.SetError(errParse)
	return append(out, m)
}

// emit appends one message per detection of d (matches, from Evaluate) to
// out, then the correlation results d triggers.
func (p *Processor) emit(st *State, sc *scratch, m *service.Message, d decoded, matches []sigma.Match, out service.MessageBatch) service.MessageBatch {
	emitted := 0
	for i := range matches {
		match := &matches[i]
		if p.corr.hidden(st, match.Rule) {
			continue
		}
		emitted++
		var event []byte
		if p.settings.IncludeEvent || includeEventAttr(match.Rule) {
			event = d.json
		}
		sc.buf = AppendDetection(sc.buf[:0], match, nil, event)
		res := m.Copy()
		res.SetBytes(bytes.Clone(sc.buf))
		out = append(out, res)
		sc.hits.add(match.Rule)
	}
	return p.corr.apply(st, m, d, matches, out)
}

// observeStep records the per-step histograms (spec/metrics.md §2: batch
// size, pipeline latency, and per-event evaluation latency).
func (p *Processor) observeStep(start time.Time, batchLen, events int) {
	if events > 0 {
		took := time.Since(start)
		per := took.Nanoseconds() / int64(events)
		for i := 0; i < events; i++ {
			p.metrics.eventProcessing.Timing(per)
		}
		p.metrics.pipelineLatency.Timing(took.Nanoseconds())
	}
	p.metrics.batchSize.Timing(int64(batchLen))
}

// includeEventAttr reports the rule attribute `rsigma.include_event: "true"`.
func includeEventAttr(r *sigma.Rule) bool {
	v, _ := r.CustomAttribute("rsigma.include_event")
	s, _ := v.(string)
	return s == "true"
}

// Close implements service.BatchProcessor: it writes the final correlation
// state snapshot (the stream has drained by then).
func (p *Processor) Close(context.Context) error {
	p.stopDynamic()
	return p.corr.close()
}
