package engine

import (
	"bytes"
	"sync"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// compileCorrelations parses the correlation documents of rs and compiles
// them against the detection engine, interning every field they read into
// the engine's field table (before any event is decoded with it).
func compileCorrelations(rs *sigma.RuleSet, eng *sigma.Engine, cs CorrelationSettings) (*correlation.Engine, []*sigma.LoadError) {
	var rejected []*sigma.LoadError
	rules := make([]*correlation.Rule, 0, len(rs.Correlations))
	for _, doc := range rs.Correlations {
		r, err := correlation.Parse(doc)
		if err != nil {
			rejected = append(rejected, asLoadError(doc, err))
			continue
		}
		rules = append(rules, r)
	}
	ce, errs := correlation.Compile(rules, eng.Rules(), eng.Fields(), cs.options())
	return ce, append(rejected, errs...)
}

func asLoadError(doc *sigma.CorrelationDoc, err error) *sigma.LoadError {
	if le, ok := err.(*sigma.LoadError); ok {
		return le
	}
	return &sigma.LoadError{File: doc.File, Rule: doc.Title, Err: err}
}

// correlationStep applies the correlation engine of the active State after
// detection. The engine is shared by every pipeline thread; mu serialises
// it, so correlation sees events one at a time in the order their detection
// finished: the input order when the pipeline has one thread, and within a
// batch always. Results of an event follow its detections.
type correlationStep struct {
	mu      sync.Mutex
	current *correlation.Engine // the engine live state belongs to
	results []correlation.Result
	hits    []int
	buf     []byte

	log     Logger
	m       *metrics
	byRule  Counter      // rule_title, level, correlation_type
	late    Counter      // rule_title, outcome
	keeper  *stateKeeper // nil without a state path
	fleet   *fleetStep   // stage 1 of a fleet (correlation_fleet.go); nil otherwise
	noDets  bool
	started bool
}

func newCorrelationStep(s Settings, o Options, m *metrics) (*correlationStep, error) {
	reg := o.Metrics
	if reg == nil {
		reg = discard{}
	}
	c := &correlationStep{log: o.Logger, m: m, noDets: s.Correlation.NoDetections,
		byRule: reg.NewCounter("rsigma_correlation_matches_by_rule_total", "rule_title", "level", "correlation_type"),
		late:   reg.NewCounter("rsigma_correlation_late_events_total", "rule_title", "outcome")}
	if s.Fleet.Partitions > 0 {
		c.fleet = newFleetStep(s.Fleet, o)
	}
	if s.State.Path != "" {
		k, err := openStateKeeper(s.State, o)
		if err != nil {
			return nil, err
		}
		c.keeper = k
	}
	return c, nil
}

// install makes st's correlation engine the live one: the first State
// restores the stored snapshot, later ones adopt the live state of the
// engine they replace (daemon.md §9).
func (c *correlationStep) install(st *State) {
	ce := st.Correlation
	ce.SetOnEvict(func(evicted, limit, remaining int) {
		c.log.Warnf("correlation state cap %d reached: evicted the %d stalest groups, %d remain", limit, evicted, remaining)
	})
	ce.SetOnLate(c.countLate)
	if c.fleet != nil {
		c.fleet.install(ce)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		ce.Adopt(c.current)
	} else if c.keeper != nil {
		c.keeper.restore(ce)
	}
	c.current, c.started = ce, true
	c.m.correlationRules.Set(int64(ce.Len()))
	c.m.stateEntries.Set(int64(ce.StateEntries()))
	if c.keeper != nil && !c.keeper.running() {
		c.keeper.start(c.snapshot)
	}
}

// countLate counts a late contribution in
// rsigma_correlation_late_events_total (outcome dropped or accepted).
func (c *correlationStep) countLate(l correlation.Late) {
	outcome := "accepted"
	if l.Dropped {
		outcome = "dropped"
	}
	c.late.Incr(1, l.Rule.Title, outcome)
}

// hidden reports whether --no-detections drops the detections of r.
func (c *correlationStep) hidden(st *State, r *sigma.Rule) bool {
	return c.noDets && st.Correlation.HiddenRule(r)
}

// feeds reports whether any of matches feeds a correlation rule of st,
// that is whether apply would pass the event on. It only reads st and is
// safe for concurrent calls.
func (c *correlationStep) feeds(st *State, matches []sigma.Match) bool {
	ce := st.Correlation
	if ce.Len() == 0 {
		return false
	}
	for i := range matches {
		if ce.Routed(ce.Index(matches[i].Rule)) {
			return true
		}
	}
	return false
}

// apply feeds one event's matches (of input line, at source position pos)
// to the correlation engine and appends an output per correlation result
// (in a fleet: per partition batch) to out.
func (c *correlationStep) apply(st *State, line int, pos uint64, d decoded, matches []sigma.Match, out []Output) []Output {
	ce := st.Correlation
	if ce.Len() == 0 {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ce != c.current {
		// Evaluated on a State replaced by a reload: its live state has
		// moved to the new engine, whose rule indices differ.
		return out
	}
	c.hits = c.hits[:0]
	for i := range matches {
		if idx := ce.Index(matches[i].Rule); ce.Routed(idx) {
			c.hits = append(c.hits, idx)
		}
	}
	if len(c.hits) == 0 {
		return out
	}
	if c.fleet != nil {
		return c.fleet.emit(ce, line, pos, d, c.hits, out)
	}
	c.results = ce.Process(correlation.Input{Event: d.event, Hits: c.hits, Body: d.json}, c.results[:0])
	for i := range c.results {
		r := &c.results[i]
		c.buf = AppendCorrelation(c.buf[:0], r, nil)
		out = append(out, Output{Line: line, JSON: bytes.Clone(c.buf), Correlation: r.Rule})
		c.byRule.Incr(1, r.Rule.Title, levelLabel(r.Rule.Level), r.Rule.Type.String())
	}
	c.m.correlationMatch.Incr(int64(len(c.results)))
	return out
}

// observe refreshes rsigma_correlation_state_entries (once per batch);
// in a fleet, stage 2 reports it.
func (c *correlationStep) observe() {
	if c.fleet != nil {
		return
	}
	c.mu.Lock()
	n := 0
	if c.current != nil {
		n = c.current.StateEntries()
	}
	c.mu.Unlock()
	c.m.stateEntries.Set(int64(n))
}

// snapshot serialises the live state; ok is false when there is nothing to
// persist (no correlation rules, daemon.md §10).
func (c *correlationStep) snapshot() ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current == nil || c.current.Len() == 0 {
		return nil, false, nil
	}
	data, err := c.current.Snapshot()
	return data, err == nil, err
}

// close writes the final snapshot and closes the state database.
func (c *correlationStep) close() error {
	if c.keeper == nil {
		return nil
	}
	return c.keeper.close(c.snapshot)
}

// AppendCorrelation appends the JSON of a correlation result (output.md §4).
func AppendCorrelation(dst []byte, r *correlation.Result, enr []Enrichment) []byte {
	rule := r.Rule
	dst = appendHeader(dst, rule.Title, rule.ID, rule.Level, rule.Tags, rule.CustomAttributes, enr)
	dst = append(dst, ',')
	dst = r.AppendBody(dst)
	return append(dst, '}')
}

// CloseState writes the final correlation snapshot of every attached
// evaluator and closes their state databases. The daemon calls it once the
// stream has stopped, so that the snapshot is written even when the drain
// timed out; Evaluator.Close does the same and whichever runs second does
// nothing.
func (h *Hub) CloseState() error {
	var first error
	for _, e := range h.Evaluators() {
		if err := e.corr.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
