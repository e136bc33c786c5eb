// Package correlate is stage 2 of fleet correlation as a Benthos
// processor, `sigma_correlate`: it applies contribution batches (made by a
// `sigma` processor with `fleet.partitions`) to the partitions' state and
// emits the correlation results, each with a firing_id. It imports no
// transport: any keyed transport that keeps each partition's batches in
// order can carry them (docs/fleet-correlation.md).
package correlate

import (
	"bytes"
	"context"
	"errors"
	"strconv"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/engine"
	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/processor"
)

// Name is the processor's name.
const Name = "sigma_correlate"

// Spec is sigma_correlate's config: the `sigma` processor's fields, of
// which it reads the rules, pipelines and correlation settings.
func Spec() *service.ConfigSpec {
	return processor.Spec().
		Summary("Stage 2 of fleet correlation: applies the contribution batches a `sigma` processor with `fleet.partitions` made to the state of their partitions and emits the correlation results.").
		Description(`Give it the same rules and settings as the stage-1 ` + "`sigma`" + ` processor (its fields are the same; the
detection-only ones are ignored). When the stream also runs that ` + "`sigma`" + ` processor, both share its loaded rules,
including reloads. Each partition (the ` + "`partition`" + ` of a batch) has its own correlation state; batches of one partition
must arrive in their source order, one partition at a time per processor, which a transport keyed by the metadata
` + "`" + fleet.MetaPartition + "`" + ` gives. A message carrying ` + "`" + fleet.MetaEpoch + "`" + ` belongs to the partition ownership of that epoch
(set by ` + "`sigma_fleet_partitions`" + `, which also restores and checkpoints the state); without it a partition starts empty
at its first batch. Every result carries ` + "`firing_id`" + ` (also the metadata ` + "`" + fleet.MetaFiringID + "`" + `): a replay of the same
batches from a checkpoint repeats it, so a consumer can drop repeats. A message that is not a batch is passed on with its
error set.`)
}

// Register registers sigma_correlate on env.
func Register(env *service.Environment) error {
	return env.RegisterBatchProcessor(Name, Spec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchProcessor, error) {
			return New(conf, res)
		})
}

// Processor is the sigma_correlate processor.
type Processor struct {
	cor      *fleet.Correlator
	log      *service.Logger
	matches  *service.MetricCounter
	byRule   *service.MetricCounter
	late     *service.MetricCounter
	applied  *service.MetricCounter
	skipped  *service.MetricCounter
	notOwned *service.MetricCounter
	invalid  *service.MetricCounter
	entries  *service.MetricGauge
}

// New builds the processor on the stream's shared Correlator, loading the
// rules of conf unless a `sigma` processor of the stream provided them.
func New(conf *service.ParsedConfig, res *service.Resources) (*Processor, error) {
	m := res.Metrics()
	p := &Processor{cor: fleet.SharedCorrelator(res.GetOrSetGeneric), log: res.Logger(),
		matches:  m.NewCounter("rsigma_correlation_matches_total"),
		byRule:   m.NewCounter("rsigma_correlation_matches_by_rule_total", "rule_title", "level", "correlation_type"),
		late:     m.NewCounter("rsigma_correlation_late_events_total", "rule_title", "outcome"),
		applied:  m.NewCounter("rsigma_fleet_contributions_applied_total"),
		skipped:  m.NewCounter("rsigma_fleet_contributions_skipped_total"),
		notOwned: m.NewCounter("rsigma_fleet_batches_not_owned_total"),
		invalid:  m.NewCounter("rsigma_fleet_batches_invalid_total"),
		entries:  m.NewGauge("rsigma_correlation_state_entries"),
	}
	if !p.cor.HasRules() {
		s, err := processor.ParseSettings(conf)
		if err != nil {
			return nil, err
		}
		st, err := engine.Load(s)
		if err == nil {
			err = st.StartupError(s.StrictRules, s.Rules)
		}
		if err != nil {
			return nil, err
		}
		if err := p.cor.SetRules(st.Correlation); err != nil {
			return nil, err
		}
		p.log.Infof("%s: %d correlation rules loaded", Name, st.Correlation.Len())
	}
	p.cor.Configure(func(e *correlation.Engine) {
		e.SetOnLate(p.countLate)
		e.SetOnEvict(func(evicted, limit, remaining int) {
			p.log.Warnf("correlation state cap %d reached in a partition: evicted the %d stalest groups, %d remain", limit, evicted, remaining)
		})
	})
	return p, nil
}

func (p *Processor) countLate(l correlation.Late) {
	outcome := "accepted"
	if l.Dropped {
		outcome = "dropped"
	}
	p.late.Incr(1, l.Rule.Title, outcome)
}

// ProcessBatch applies every batch message in order and replaces it with
// its results (none: the message is dropped). A message that is not a
// batch is returned with its error set.
func (p *Processor) ProcessBatch(_ context.Context, batch service.MessageBatch) ([]service.MessageBatch, error) {
	var out service.MessageBatch
	var firings []fleet.Firing
	var buf []byte
	applied, skipped, fired := 0, 0, 0
	for _, m := range batch {
		data, err := m.AsBytes()
		if err != nil {
			m.SetError(err)
			out = append(out, m)
			continue
		}
		frames, err := fleet.Frames(data)
		if err != nil {
			p.invalid.Incr(1)
			p.log.Warnf("%s: %v", Name, err)
			m.SetError(err)
			out = append(out, m)
			continue
		}
		for _, f := range frames {
			var a applyResult
			out, buf, firings, a = p.apply(m, f, len(frames) == 1, out, buf, firings)
			applied, skipped, fired = applied+a.applied, skipped+a.skipped, fired+a.fired
		}
	}
	p.applied.Incr(int64(applied))
	if skipped > 0 {
		p.skipped.Incr(int64(skipped))
		p.log.Warnf("%s: %d contributions name correlation rules not loaded here (members running other rules?)", Name, skipped)
	}
	p.matches.Incr(int64(fired))
	p.entries.Set(int64(p.stateEntries()))
	if len(out) == 0 {
		return nil, nil
	}
	return []service.MessageBatch{out}, nil
}

// applyResult counts what one frame did.
type applyResult struct{ applied, skipped, fired int }

// apply applies one frame of m and appends its results (copies of m) to
// out; a frame that is not a batch is returned as m with its error set.
func (p *Processor) apply(m *service.Message, f fleet.Frame, alone bool, out service.MessageBatch, buf []byte, firings []fleet.Firing) (service.MessageBatch, []byte, []fleet.Firing, applyResult) {
	var r applyResult
	b, err := fleet.DecodeBatch(f.Data)
	if err != nil {
		p.invalid.Incr(1)
		p.log.Warnf("%s: %v", Name, err)
		m.SetError(err)
		return append(out, m), buf, firings, r
	}
	epoch, origin := p.ownership(m, &b, alone)
	var n int
	firings, n, err = p.cor.Apply(&b, epoch, origin, firings[:0])
	switch {
	case errors.Is(err, fleet.ErrNotOwned):
		p.notOwned.Incr(1)
		p.log.Debugf("%s: %v", Name, err)
		return out, buf, firings, r
	case err != nil:
		m.SetError(err)
		return append(out, m), buf, firings, r
	}
	r.applied, r.skipped, r.fired = len(b.Contributions)-n, n, len(firings)
	for i := range firings {
		f := &firings[i]
		buf = appendResult(buf[:0], f)
		res := m.Copy()
		res.SetBytes(bytes.Clone(buf))
		res.MetaSetMut(fleet.MetaFiringID, f.ID)
		out = append(out, res)
		p.byRule.Incr(1, f.Rule.Title, engine.LevelLabel(f.Rule.Level), f.Rule.Type.String())
	}
	return out, buf, firings, r
}

// ownership reads the epoch the transport gave m and names the batch: by
// the transport's origin when m holds it alone, else by its position.
func (p *Processor) ownership(m *service.Message, b *fleet.Batch, alone bool) (uint64, string) {
	var epoch uint64
	if v, ok := m.MetaGet(fleet.MetaEpoch); ok {
		epoch, _ = strconv.ParseUint(v, 10, 64)
	}
	origin, ok := m.MetaGet(fleet.MetaOrigin)
	if !ok || origin == "" || !alone {
		origin = fleet.BatchOrigin(b.Position, 0)
	}
	return epoch, origin
}

func (p *Processor) stateEntries() int {
	n := 0
	for _, h := range p.cor.Partitions() {
		n += h.Groups
	}
	return n
}

// appendResult is the result JSON of output.md §4 with firing_id last.
func appendResult(dst []byte, f *fleet.Firing) []byte {
	dst = engine.AppendCorrelation(dst, &f.Result, nil)
	dst = dst[:len(dst)-1] // the closing brace
	dst = append(dst, `,"firing_id":"`...)
	dst = append(dst, f.ID...)
	return append(dst, `"}`...)
}

// Close does nothing: the state belongs to the stream's Correlator, which
// the transport checkpoints.
func (p *Processor) Close(context.Context) error { return nil }
