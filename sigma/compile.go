package sigma

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// CompileOptions tunes Compile. The zero value is the recommended setting.
type CompileOptions struct {
	// DisableCandidateIndex evaluates every rule on every event instead of
	// only the rules the candidate index selects (index.go). Results are
	// identical; this exists for testing and measurement.
	DisableCandidateIndex bool
	// BloomPrefilter puts a bloom filter of needle q-grams in front of the
	// candidate index's substring automata (bloom.go); BloomMaxBytes bounds
	// its memory (0: DefaultBloomMaxBytes). Results are identical.
	BloomPrefilter bool
	BloomMaxBytes  int
	// CrossRuleAC answers plain case-insensitive `contains` items of all
	// rules from one automaton scan per field and event (crossac.go).
	// Results are identical.
	CrossRuleAC bool
}

// Engine is a compiled rule set. It is immutable after Compile and safe for
// concurrent use by many goroutines (each with its own Event).
type Engine struct {
	rules    []*compiledRule
	ruleList []*Rule
	fields   *FieldTable
	keywords bool
	index    *candidateIndex
	scratch  sync.Pool    // *evalScratch
	cross    *crossRuleAC // shared contains automata (crossac.go), nil when off
}

// compiledRule is a rule lowered to matcher nodes.
type compiledRule struct {
	pos      int // position in Engine.rules
	rule     *Rule
	searches []*searchNode
	conds    []*condEval
}

// searchNode is a compiled search identifier: OR of AND groups.
type searchNode struct {
	name    string
	private bool // injected by a filter or pipeline: not reported
	// groups hold each group's items cheapest first (itemCost), so that the
	// AND short-circuits early; written keeps the rule's order for reports.
	groups  [][]*itemNode
	written [][]*itemNode
	// kept marks the items of groups whose verdicts the visit memo keeps
	// (index_verdict.go).
	kept [][]bool
}

// Compile turns the rules of rs into an Engine. Filters in rs are applied
// first (see RuleSet.ApplyFilters) unless that already happened. Rules that
// fail to compile, or make compiling panic, are returned as LoadErrors and
// left out; err is non-nil only when no engine can be built at all (a panic
// in a step across rules, such as the candidate index, wraps ErrInternal).
func Compile(rs *RuleSet, opts CompileOptions) (e *Engine, rejected []*LoadError, err error) {
	if rs == nil {
		return nil, nil, errors.New("sigma: Compile needs a RuleSet")
	}
	err = Isolate(func() error {
		e, rejected = compileUnguarded(rs, opts)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("sigma: compiling the rule set: %w", err)
	}
	return e, rejected, nil
}

// compileUnguarded is Compile without its guard.
func compileUnguarded(rs *RuleSet, opts CompileOptions) (*Engine, []*LoadError) {
	var rejected []*LoadError
	if !rs.filtersApplied {
		rs.ApplyFilters()
	}
	e := &Engine{fields: NewFieldTable()}
	compiled, errs := compileRules(rs.Rules, e.fields, rs.plans)
	for i, r := range rs.Rules {
		cr, err := compiled[i], errs[i]
		if err != nil {
			path, cause := splitPathError(err)
			rejected = append(rejected, &LoadError{File: r.File, Rule: r.DisplayName(), Path: path, Err: cause})
			continue
		}
		cr.pos = len(e.rules)
		e.rules = append(e.rules, cr)
		e.ruleList = append(e.ruleList, r)
		if cr.usesKeywords() {
			e.keywords = true
		}
	}
	if !opts.DisableCandidateIndex {
		e.index = buildIndex(e.rules)
		if opts.BloomPrefilter {
			applyBloomPrefilter(e.index, opts.BloomMaxBytes)
		}
		e.index.dropNeedles()
	}
	if opts.CrossRuleAC {
		applyCrossRuleAC(e)
	}
	n, ix := len(e.rules), e.index
	e.scratch.New = func() any { return newEvalScratch(n, ix) }
	return e, rejected
}

// Rules returns the compiled rules in evaluation order.
func (e *Engine) Rules() []*Rule { return e.ruleList }

// Fields returns the table of every field name a rule reads.
func (e *Engine) Fields() *FieldTable { return e.fields }

// HasKeywords reports whether any rule searches keywords, i.e. whether events
// must expose their string leaves through Event.Keywords.
func (e *Engine) HasKeywords() bool { return e.keywords }

// compileRules compiles every rule, on all CPUs. Field names are interned
// first, in rule order, so that the table (and every Field.ID) is the same
// on every run and the parallel part only reads it. A panic while interning
// or compiling a rule becomes that rule's error.
func compileRules(rules []*Rule, fields *FieldTable, plans itemPlans) ([]*compiledRule, []error) {
	errs := make([]error, len(rules))
	for i, r := range rules {
		errs[i] = Isolate(func() error { internRuleFields(r, fields); return nil })
	}
	out := make([]*compiledRule, len(rules))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := runtime.GOMAXPROCS(0); w > 0; w-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(rules); i = int(next.Add(1) - 1) {
				if errs[i] != nil {
					continue
				}
				errs[i] = Isolate(func() (err error) {
					out[i], err = compileRule(rules[i], fields, plans)
					return err
				})
			}
		}()
	}
	wg.Wait()
	return out, errs
}

// internRuleFields interns the field names r reads: item fields and fieldref
// targets.
func internRuleFields(r *Rule, fields *FieldTable) {
	if r.Detection == nil {
		return
	}
	for _, s := range r.Detection.Searches {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				if !it.Keyword() {
					fields.Intern(it.Field)
				}
				if containsString(it.Modifiers, "fieldref") {
					for _, v := range it.Values {
						fields.Intern(v.Text)
					}
				}
			}
		}
	}
}

// compileRule lowers one rule; fields must already hold its field names,
// plans may hold the load-time plans of its items.
func compileRule(r *Rule, fields *FieldTable, plans itemPlans) (*compiledRule, error) {
	if r.Detection == nil {
		return nil, atPath("detection", errors.New("missing detection section"))
	}
	cr := &compiledRule{rule: r}
	for _, s := range r.Detection.Searches {
		sn := &searchNode{name: s.Name, private: s.Scope != ""}
		for _, g := range s.Groups {
			items := make([]*itemNode, 0, len(g.Items))
			for _, it := range g.Items {
				n, err := compileItem(it, fields, plans)
				if err != nil {
					return nil, atPath(it.Path, err)
				}
				items = append(items, n)
			}
			if len(items) == 0 {
				return nil, atPath("detection."+s.Name, errors.New("empty search identifier"))
			}
			sn.written = append(sn.written, items)
			sn.groups = append(sn.groups, byCost(items))
		}
		if len(sn.groups) == 0 {
			return nil, atPath("detection."+s.Name, errors.New("empty search identifier"))
		}
		sn.kept = verdictItems(sn.groups)
		cr.searches = append(cr.searches, sn)
	}
	if len(r.Detection.Conditions) == 0 {
		return nil, atPath("detection.condition", errors.New("missing condition"))
	}
	for _, c := range r.Detection.Conditions {
		ce, err := compileCondition(r.Detection, c.Expr)
		if err != nil {
			return nil, atPath("detection.condition", err)
		}
		cr.conds = append(cr.conds, ce)
	}
	return cr, nil
}

// compileItem builds an item node and binds its fields to the table.
func compileItem(it *Item, fields *FieldTable, plans itemPlans) (*itemNode, error) {
	n, err := plannedNode(it, plans)
	if err != nil {
		return nil, err
	}
	if !it.Keyword() {
		if n.field, err = internedField(fields, it.Field); err != nil {
			return nil, err
		}
	}
	if n.kind != itemKeywords && n.kind != itemFieldref {
		return n, nil
	}
	b := &itemBindings{}
	n.bound = b
	if n.kind == itemFieldref {
		for _, v := range it.Values { // the referenced field names (planFieldref)
			f, err := internedField(fields, v.Text)
			if err != nil {
				return nil, err
			}
			b.refs = append(b.refs, f)
		}
	}
	if n.kind == itemKeywords {
		if n.all {
			for _, m := range n.values {
				b.kwFns = append(b.kwFns, leafMatcher{m}.leaf)
			}
		} else if set := keywordNeedleSet(n); set != nil {
			b.kwFns = []func(*Value) bool{set.leaf}
			b.kwSet = set
		} else {
			b.kwFns = []func(*Value) bool{n.matchLeafAny}
		}
	}
	return n, nil
}

// internedField looks a field up without modifying the table (compileRules
// runs concurrently and interned every name beforehand).
func internedField(fields *FieldTable, name string) (*Field, error) {
	f, ok := fields.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("internal error: field %q was not interned", name)
	}
	return f, nil
}

func (cr *compiledRule) usesKeywords() bool {
	for _, s := range cr.searches {
		for _, g := range s.groups {
			for _, it := range g {
				if it.kind == itemKeywords {
					return true
				}
			}
		}
	}
	return false
}
