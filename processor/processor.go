package processor

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/format"
	"github.com/rsigma-connect/rsigma-connect/source"
)

func init() {
	if err := Register(service.GlobalEnvironment(), nil); err != nil {
		panic(err)
	}
}

// Register registers the `sigma` processor on env. Processors built from it
// attach to hub (when non-nil), through which the code running the stream
// hands over preloaded rules and reaches the processor for reloads and status.
func Register(env *service.Environment, hub *engine.Hub) error {
	return RegisterWith(env, Options{Hub: hub})
}

// Options are what the program registering the `sigma` processor adds to
// the settings its YAML gives.
type Options struct {
	// Hub (when non-nil) connects the processors to the code running the
	// stream.
	Hub *engine.Hub
	// Transports fetch dynamic sources (engine.DynamicSettings.Transports);
	// nil: file, http and command only.
	Transports map[source.Type]source.Transport
}

// RegisterWith registers the `sigma` processor on env with o.
func RegisterWith(env *service.Environment, o Options) error {
	return env.RegisterBatchProcessor("sigma", Spec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchProcessor, error) {
			return fromConfig(conf, res, o)
		})
}

// fromConfig builds a processor from its parsed config: the engine settings
// and the fields that shape the result messages (annotate, result_metadata).
func fromConfig(conf *service.ParsedConfig, res *service.Resources, o Options) (*Processor, error) {
	s, err := ParseSettings(conf)
	if err != nil {
		return nil, err
	}
	annotate, err := conf.FieldString(fieldAnnotate)
	if err != nil {
		return nil, err
	}
	if annotate != "" && s.Fleet.Partitions > 0 {
		return nil, fmt.Errorf("%s: not available with fleet.partitions (stage 1 emits partition batches, not results)", fieldAnnotate)
	}
	withMeta, err := conf.FieldBool(fieldResultMeta)
	if err != nil {
		return nil, err
	}
	s.Dynamic.Transports = o.Transports
	p, err := New(s, res, o.Hub)
	if err != nil {
		return nil, err
	}
	p.annotate = annotate
	p.meta.off = !withMeta
	return p, nil
}

// MetaEventJSON is the metadata key that marks a message whose content is
// already a JSON object event (an OTLP log record, http-api.md §4.3): it is
// decoded as JSON whatever input_format says, and the jq/JSONPath filter,
// which applies to decoded input lines (input-formats.md §9), is skipped.
const MetaEventJSON = "rsigma_event_json"

// Processor is the `sigma` batch processor: the Benthos adapter of an
// engine.Evaluator. ProcessBatch is safe for concurrent calls: the
// framework shares one instance between all pipeline threads.
type Processor struct {
	eval    *engine.Evaluator
	scratch sync.Pool // *scratch
	// positionMeta is the metadata key of each event's source position in
	// a fleet's stage 1 ("" otherwise).
	positionMeta string
	// annotate is the key under which annotate mode adds results to each
	// message ("" replaces messages by their results).
	annotate string
	meta     resultMeta // result.go
}

// scratch is per-call working memory reused across batches.
type scratch struct {
	lines []engine.Line
	out   []engine.Output
}

// New builds a processor over an evaluator of s that logs and counts
// through res (engine.New).
func New(s engine.Settings, res *service.Resources, hub *engine.Hub) (*Processor, error) {
	o := engine.Options{
		Metrics:  metricsOf{res.Metrics()},
		Logger:   res.Logger(),
		Hub:      hub,
		Position: SharedPosition(res),
	}
	if s.Fleet.Partitions > 0 {
		o.Correlator = fleet.SharedCorrelator(res.GetOrSetGeneric)
	}
	e, err := engine.New(s, o)
	if err != nil {
		return nil, err
	}
	p := &Processor{eval: e}
	if s.Fleet.Partitions > 0 {
		p.positionMeta = s.Fleet.PositionMeta
	}
	return p, nil
}

// Evaluator returns the evaluator the processor adapts.
func (p *Processor) Evaluator() *engine.Evaluator { return p.eval }

// ProcessBatch evaluates every message of batch. By default each message
// becomes zero or more result messages (copies of it with the result JSON
// as content and the sigma_* metadata of the result's rule), in input
// order; with `annotate` each message is kept and its results are added to
// it (annotate.go). A message that cannot be decoded is returned unchanged
// with its error set. A batch that yields no message returns no batch, so
// that an event without results is filtered out, never an empty batch.
func (p *Processor) ProcessBatch(ctx context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
	sc, _ := p.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer p.scratch.Put(sc)
	sc.lines = sc.lines[:0]
	for _, m := range batch {
		l := lineOf(m)
		if p.positionMeta != "" {
			l.Position = position(m, p.positionMeta)
		}
		sc.lines = append(sc.lines, l)
	}
	sc.out = p.eval.Evaluate(ctx, sc.lines, sc.out[:0])
	var out service.MessageBatch
	if p.annotate != "" {
		out = annotateBatch(batch, sc.out, p.annotate)
	} else {
		out = resultBatch(batch, sc.out, p.meta.forState(p.eval.State()))
	}
	clear(sc.out)
	clear(sc.lines)
	if len(out) == 0 {
		return nil, nil
	}
	return []service.MessageBatch{out}, nil
}

// resultBatch is the messages of outs: a result message per result (with
// the sigma_* metadata of its rule from meta), the input message (with its
// error set) per error.
func resultBatch(batch service.MessageBatch, outs []engine.Output, meta *metaCache) service.MessageBatch {
	if len(outs) == 0 {
		return nil
	}
	out := make(service.MessageBatch, 0, len(outs))
	for i := range outs {
		o := &outs[i]
		m := batch[o.Line]
		if o.Err != nil {
			m.SetError(o.Err)
			out = append(out, m)
			continue
		}
		res := m.Copy()
		res.SetBytes(o.JSON)
		if o.Fleet {
			res.MetaSetMut(fleet.MetaPartition, strconv.Itoa(o.Partition))
		}
		meta.set(res, o)
		out = append(out, res)
	}
	return out
}

// lineOf is the evaluator's view of m. A message the sigma_lines scanner
// cut (marked with a *format.LineTooLongError) or whose content cannot be
// read is not evaluated, nor is a blank one that already carries an error:
// each passes on with its error.
func lineOf(m *service.Message) engine.Line {
	if err := m.GetError(); format.IsLineTooLong(err) {
		return engine.Line{Err: err}
	}
	raw, err := m.AsBytes()
	if err != nil {
		m.SetError(err)
		return engine.Line{Err: err}
	}
	if err := m.GetError(); err != nil && len(bytes.TrimSpace(raw)) == 0 {
		return engine.Line{Err: err}
	}
	_, isJSON := m.MetaGet(MetaEventJSON)
	return engine.Line{Text: raw, JSON: isJSON}
}

// position reads an event's source position from the metadata key meta
// (0: none).
func position(m *service.Message, meta string) uint64 {
	v, ok := m.MetaGetMut(meta)
	if !ok {
		return 0
	}
	switch x := v.(type) {
	case int64:
		return uint64(max(x, 0))
	case uint64:
		return x
	case int:
		return uint64(max(x, 0))
	case string:
		n, _ := strconv.ParseUint(x, 10, 64)
		return n
	}
	return 0
}

// Close implements service.BatchProcessor: it writes the final correlation
// state snapshot (the stream has drained by then).
func (p *Processor) Close(context.Context) error { return p.eval.Close() }
