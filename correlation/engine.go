package correlation

import (
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Engine holds compiled correlations and their live state. It is a single
// writer: callers must not run Process, Expire, Snapshot or Restore
// concurrently. Read-only accessors (Rules, Len, Hidden, NeedsBodies) are
// safe at any time.
type Engine struct {
	opts  Options
	dets  []*sigma.Rule
	corrs []*compiled
	// routes[d] lists the (correlation, slot) pairs fed by detection rule d,
	// in correlation order.
	routes     [][]link
	hidden     []bool
	timeFields []*sigma.Field
	idFields   []*sigma.Field
	detIndex   map[*sigma.Rule]int

	live       int   // groups across all correlations
	maxTime    int64 // largest event time seen (ms)
	sinceSweep int
	evictions  uint64

	scratch scratch
	shuffle *shuffleIndex // built on first use by Apply and PartitionKey (shuffle.go)
}

// Input is one evaluated event handed to Process.
type Input struct {
	Event sigma.Event
	// Hits are indices (into the detection rules given to Compile) of the
	// rules the event matched, in rule order.
	Hits []int
	// Body is the event's JSON text, used only when some correlation stores
	// full events (see NeedsBodies). When nil, Process uses the event's
	// Raw() []byte method if it has one.
	Body []byte
}

func newEngine(dets []*sigma.Rule, opts Options) *Engine {
	e := &Engine{opts: opts, dets: dets, detIndex: make(map[*sigma.Rule]int, len(dets))}
	for i, d := range dets {
		e.detIndex[d] = i
	}
	return e
}

// link builds the detection routes, the chaining links and the hidden set.
func (e *Engine) link(rules []*Rule, targets [][]target, index []int, errs []error) {
	e.routes = make([][]link, len(e.dets))
	e.hidden = make([]bool, len(e.dets))
	visible := make([]bool, len(e.dets))
	for i := range rules {
		ci := index[i]
		if ci < 0 || errs[i] != nil {
			continue
		}
		for slot, t := range targets[i] {
			if t.det >= 0 {
				e.routes[t.det] = append(e.routes[t.det], link{corr: ci, slot: slot})
				if rules[i].Generate {
					visible[t.det] = true
				} else {
					e.hidden[t.det] = true
				}
			} else if child := index[t.corr]; child >= 0 {
				e.corrs[child].parents = append(e.corrs[child].parents, link{corr: ci, slot: slot})
			}
		}
		c := e.corrs[ci]
		if c.rule.Type.isTemporal() {
			c.newHits = len(c.targets)
		}
	}
	for d := range e.hidden {
		e.hidden[d] = e.hidden[d] && !visible[d]
	}
}

// Len returns the number of loaded correlations.
func (e *Engine) Len() int { return len(e.corrs) }

// Rules returns the loaded correlation rules in load order.
func (e *Engine) Rules() []*Rule {
	out := make([]*Rule, len(e.corrs))
	for i, c := range e.corrs {
		out[i] = c.rule
	}
	return out
}

// Warnings lists the non-fatal findings of the loaded correlations, in load
// order: a missing group-by (correlation.md §2.2), unknown keys, alias
// entries for rules outside `rules` (§7.2). Each reads "file: rule:
// finding", like sigma.RuleSet.Warnings. Correlations Compile rejected are
// reported by its errors instead.
func (e *Engine) Warnings() []string {
	var out []string
	for _, c := range e.corrs {
		for _, w := range c.rule.Warnings {
			out = append(out, c.rule.File+": "+c.rule.displayName()+": "+w)
		}
	}
	return out
}

// Hidden reports whether --no-detections drops the detections of rule d:
// every correlation referencing it has generate: false (correlation.md §9.1).
func (e *Engine) Hidden(d int) bool { return d >= 0 && d < len(e.hidden) && e.hidden[d] }

// HiddenRule is Hidden for a rule given by pointer.
func (e *Engine) HiddenRule(r *sigma.Rule) bool {
	d, ok := e.detIndex[r]
	return ok && e.hidden[d]
}

// Index returns the position of r among the detection rules given to
// Compile, or -1.
func (e *Engine) Index(r *sigma.Rule) int {
	if d, ok := e.detIndex[r]; ok {
		return d
	}
	return -1
}

// Routed reports whether detection rule d feeds any correlation.
func (e *Engine) Routed(d int) bool { return d >= 0 && d < len(e.routes) && len(e.routes[d]) > 0 }

// NeedsBodies reports whether any correlation stores full event bodies.
func (e *Engine) NeedsBodies() bool {
	for _, c := range e.corrs {
		if c.settings.eventMode == EventModeFull && !c.chained {
			return true
		}
	}
	return false
}

// StateEntries returns the number of live (correlation, group) states.
func (e *Engine) StateEntries() int { return e.live }

// Evictions returns how many groups were dropped because the state cap was
// reached.
func (e *Engine) Evictions() uint64 { return e.evictions }

// SetOnEvict replaces Options.OnEvict (the hook called when the state cap
// forced evictions). Call it before Process runs.
func (e *Engine) SetOnEvict(fn func(evicted, limit, remaining int)) { e.opts.OnEvict = fn }
