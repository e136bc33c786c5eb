package processor

import (
	"strconv"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// fleetStep is the correlation step of stage 1 of a fleet: an event's
// contributions become one batch message per partition instead of being
// applied here. The rules go to the stream's shared Correlator, where a
// `sigma_correlate` processor of the same stream applies them.
type fleetStep struct {
	s   FleetSettings
	cor *fleet.Correlator
	log *service.Logger
	cts []correlation.Contribution
	key []byte
}

func newFleetStep(s FleetSettings, res *service.Resources) *fleetStep {
	return &fleetStep{s: s, cor: fleet.SharedCorrelator(res.GetOrSetGeneric), log: res.Logger()}
}

// install hands the rules of a new State to the stream's stage 2.
func (f *fleetStep) install(ce *correlation.Engine) {
	if err := f.cor.SetRules(ce); err != nil {
		f.log.Warnf("fleet: %v", err)
	}
}

// emit appends the batch messages of one event (a copy of m each) to out.
// The caller holds the correlation step's lock.
func (f *fleetStep) emit(ce *correlation.Engine, m *service.Message, d decoded, hits []int, out service.MessageBatch) service.MessageBatch {
	f.cts = ce.Contributions(correlation.Input{Event: d.event, Hits: hits, Body: d.json}, f.cts[:0])
	if len(f.cts) == 0 {
		return out
	}
	var shares []fleet.Share
	shares, f.key = fleet.Split(ce, f.cts, f.s.Partitions, f.key)
	pos := f.position(m)
	for _, sh := range shares {
		b := fleet.Batch{Partition: sh.Partition, Position: pos, Contributions: sh.Contributions}
		msg := m.Copy()
		msg.SetBytes(b.Encode(nil))
		msg.MetaSetMut(fleet.MetaPartition, strconv.Itoa(sh.Partition))
		out = append(out, msg)
	}
	return out
}

// position reads the event's source position (0: none).
func (f *fleetStep) position(m *service.Message) uint64 {
	v, ok := m.MetaGetMut(f.s.PositionMeta)
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

// LevelLabel is a rule level as the `level` label of the *_by_rule_total
// metrics ("unknown" when unset); `sigma_correlate` labels alike.
func LevelLabel(level string) string { return levelLabel(level) }
