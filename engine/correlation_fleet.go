package engine

import (
	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// fleetStep is the correlation step of stage 1 of a fleet: an event's
// contributions become one batch output per partition instead of being
// applied here. The rules go to the stream's shared Correlator
// (Options.Correlator), where a `sigma_correlate` processor of the same
// stream applies them.
type fleetStep struct {
	s   FleetSettings
	cor *fleet.Correlator
	log Logger
	cts []correlation.Contribution
	key []byte
}

func newFleetStep(s FleetSettings, o Options) *fleetStep {
	cor := o.Correlator
	if cor == nil {
		cor = fleet.NewCorrelator()
	}
	return &fleetStep{s: s, cor: cor, log: o.Logger}
}

// install hands the rules of a new State to the stream's stage 2.
func (f *fleetStep) install(ce *correlation.Engine) {
	if err := f.cor.SetRules(ce); err != nil {
		f.log.Warnf("fleet: %v", err)
	}
}

// emit appends the batch outputs of one event (of input line, at source
// position pos) to out. The caller holds the correlation step's lock.
func (f *fleetStep) emit(ce *correlation.Engine, line int, pos uint64, d decoded, hits []int, out []Output) []Output {
	f.cts = ce.Contributions(correlation.Input{Event: d.event, Hits: hits, Body: d.json}, f.cts[:0])
	if len(f.cts) == 0 {
		return out
	}
	var shares []fleet.Share
	shares, f.key = fleet.Split(ce, f.cts, f.s.Partitions, f.key)
	for _, sh := range shares {
		b := fleet.Batch{Partition: sh.Partition, Position: pos, Contributions: sh.Contributions}
		out = append(out, Output{Line: line, JSON: b.Encode(nil), Fleet: true, Partition: sh.Partition})
	}
	return out
}
