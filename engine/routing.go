package engine

import (
	"sync"
	"sync/atomic"

	"github.com/rsigma-connect/rsigma-connect/logsource"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// routing is the logsource recognition of one State and, with
// Settings.LogsourceRouting, its routing (docs/logsource-routing.md): each
// event is recognized once and evaluated only against the rules whose
// logsource it does not contradict, a sigma.RuleSubset per
// logsource.Selection, made on first use.
//
// Rules are routed by the logsource written in their file: a pipeline's
// change_logsource retargets a rule for a backend and does not take part
// (the builtin sysmon pipeline sets `service: sysmon` on every Windows rule,
// pipelines.md §11, which would keep Security rules off Security events).
type routing struct {
	on      bool
	rec     *logsource.Recognizer
	router  *logsource.Router
	eng     *sigma.Engine
	written map[*sigma.Rule]sigma.Logsource

	mu      sync.Mutex
	subsets atomic.Pointer[[]*sigma.RuleSubset] // by Selection.ID; nil entries not made yet

	// products counts routed events by product set (Key.ProductSet), read
	// and reset once per Evaluate (flushProducts).
	products []atomic.Int64
	labels   []string
}

// newRouting builds the recognizer on eng's field table, so the JSON
// extractor reads the recognizer's fields in its single pass, and buckets
// eng's rules by logsource.
func newRouting(eng *sigma.Engine, written map[*sigma.Rule]sigma.Logsource, declared []logsource.Mapping, on bool) *routing {
	rec := logsource.New(logsource.Options{Field: eng.Fields().Intern, Declared: declared})
	r := &routing{on: on, rec: rec, eng: eng, written: written}
	rules := eng.Rules()
	ls := make([]sigma.Logsource, len(rules))
	for i, rule := range rules {
		ls[i] = r.logsource(rule)
	}
	r.router, r.labels = logsource.NewRouter(rec, ls), rec.ProductLabels()
	r.products = make([]atomic.Int64, len(r.labels))
	empty := []*sigma.RuleSubset{}
	r.subsets.Store(&empty)
	return r
}

// writtenLogsources records each rule's logsource as written, before the
// pipelines run.
func writtenLogsources(rs *sigma.RuleSet) map[*sigma.Rule]sigma.Logsource {
	out := make(map[*sigma.Rule]sigma.Logsource, len(rs.Rules))
	for _, r := range rs.Rules {
		out[r] = r.Logsource
	}
	return out
}

// logsource returns the logsource rule is routed by: as written, else (a
// rule the State did not load) its current one.
func (r *routing) logsource(rule *sigma.Rule) sigma.Logsource {
	if ls, ok := r.written[rule]; ok {
		return ls
	}
	return rule.Logsource
}

// Groups returns the number of distinct rule logsources (product, service,
// category) the rules form.
func (r *routing) groups() int { return r.router.Groups() }

// detect evaluates ev against the rules that may fire on it: every rule
// with routing off; with routing on, those its recognized logsource does
// not contradict.
func (r *routing) detect(ev sigma.Event, dst []sigma.Match) []sigma.Match {
	if !r.on {
		return r.eng.Evaluate(ev, dst)
	}
	k := r.rec.Recognize(ev)
	if p := k.ProductSet(); p < len(r.products) {
		r.products[p].Add(1)
	}
	sel := r.router.Select(k)
	if sel.ID() == 0 { // every rule
		return r.eng.Evaluate(ev, dst)
	}
	return r.eng.EvaluateSubset(ev, r.subset(sel), dst)
}

// subset returns the RuleSubset of sel, making it on first use.
func (r *routing) subset(sel *logsource.Selection) *sigma.RuleSubset {
	if s := *r.subsets.Load(); sel.ID() < len(s) && s[sel.ID()] != nil {
		return s[sel.ID()]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := *r.subsets.Load()
	if sel.ID() < len(s) && s[sel.ID()] != nil {
		return s[sel.ID()]
	}
	next := make([]*sigma.RuleSubset, max(len(s), sel.ID()+1))
	copy(next, s)
	next[sel.ID()] = r.eng.Subset(sel.Rules())
	r.subsets.Store(&next)
	return next[sel.ID()]
}

// flushProducts adds the routed events counted since the last flush to
// rsigma_events_by_product_total.
func (r *routing) flushProducts(m *metrics) {
	for i := range r.products {
		if n := r.products[i].Swap(0); n > 0 {
			m.eventsByProduct.Incr(n, r.labels[i])
		}
	}
}

// candidates returns the number of rules whose matchers run on ev (for
// measurements): the candidate index's selection, within the routed subset
// when routing is on.
func (r *routing) candidates(ev sigma.Event) int {
	if !r.on {
		return r.eng.Candidates(ev, nil)
	}
	sel := r.router.Select(r.rec.Recognize(ev))
	if sel.ID() == 0 {
		return r.eng.Candidates(ev, nil)
	}
	return r.eng.Candidates(ev, r.subset(sel))
}
