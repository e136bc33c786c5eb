package sigma

// Match is one rule that matched an event.
type Match struct {
	Rule *Rule
	// Selections are the search identifiers that were true in the first
	// matching condition, in evaluation order (injected identifiers of
	// filters and pipelines are not listed).
	Selections []string
	// Fields lists, for those selections, each field item that matched with
	// the event's value of that field (first occurrence per field name).
	Fields []FieldMatch
}

// FieldMatch is one matched field and the event's value for it. Value
// belongs to the Event and is only valid until the Event is reset; copy it
// (AppendValueJSON) to keep it.
type FieldMatch struct {
	Field string
	Value Value
}

// Evaluate appends one Match per matching rule, in rule order, to dst and
// returns it. Only the boolean verdict is computed for non-matching rules;
// selections and fields are collected for matching rules only.
func (e *Engine) Evaluate(ev Event, dst []Match) []Match {
	return e.evaluate(ev, nil, dst)
}

// evaluate is Evaluate restricted to the rules of sub (nil: every rule).
func (e *Engine) evaluate(ev Event, sub *RuleSubset, dst []Match) []Match {
	if e.index == nil {
		for _, cr := range e.rules {
			if sub != nil && !sub.Has(cr.pos) {
				continue
			}
			if c := cr.firstTrue(ev); c != nil {
				dst = append(dst, cr.report(c, ev))
			}
		}
		return dst
	}
	sc := e.scratch.Get().(*evalScratch)
	cands := e.index.candidates(ev, sc, sub)
	if e.cross != nil {
		ce := e.cross.wrap(ev)
		defer e.cross.release(ce)
		ev = ce
	}
	for _, pos := range cands {
		cr := e.rules[pos]
		c := cr.conds[0]
		if !e.index.decided(pos) { // index_decided.go
			c = cr.firstTrue(ev)
		}
		if c != nil {
			dst = append(dst, cr.report(c, ev))
		}
	}
	sc.reset()
	// Only a complete evaluation returns its scratch: a panic above drops
	// it with whatever marks it held, so a caller that recovers from the
	// panic never sees a half-written scratch again.
	e.scratch.Put(sc)
	return dst
}

// firstTrue returns the first condition of the rule that holds, or nil.
func (cr *compiledRule) firstTrue(ev Event) *condEval {
	for _, c := range cr.conds {
		if c.eval(cr, ev) {
			return c
		}
	}
	return nil
}

// report builds the Match of a rule whose first true condition is c.
func (cr *compiledRule) report(c *condEval, ev Event) Match {
	m := Match{Rule: cr.rule}
	cr.collect(c, ev, &m, true)
	return m
}

// collect lists the true identifiers in positive positions of c. holds
// says that c is known to be true (the rule's first true condition, or an
// argument of a true AND): its searches then need no re-evaluation.
func (cr *compiledRule) collect(c *condEval, ev Event, m *Match, holds bool) {
	switch c.op {
	case CondIdent:
		cr.collectSearch(c.search, ev, m, holds)
	case CondSelector:
		for _, idx := range c.set {
			cr.collectSearch(idx, ev, m, holds && c.count == 0)
		}
	case CondAnd, CondOr:
		for _, a := range c.args {
			cr.collect(a, ev, m, holds && c.op == CondAnd)
		}
	}
}

// collectSearch reports search idx when it is true (holds: known to be)
// with the fields of its true groups.
func (cr *compiledRule) collectSearch(idx int, ev Event, m *Match, holds bool) {
	s := cr.searches[idx]
	if s.private || containsString(m.Selections, s.name) || !holds && !s.eval(ev) {
		return
	}
	m.Selections = append(m.Selections, s.name)
	for _, g := range s.written {
		// a true search with one group has that group true
		if !(holds && len(s.written) == 1) && !groupTrue(g, ev) {
			continue
		}
		for _, it := range g {
			if it.field == nil || hasField(m.Fields, it.field.Name) {
				continue
			}
			v := ev.Field(it.field)
			if v.Kind == KindMissing {
				continue
			}
			m.Fields = append(m.Fields, FieldMatch{Field: it.field.Name, Value: v})
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasField(list []FieldMatch, name string) bool {
	for _, f := range list {
		if f.Field == name {
			return true
		}
	}
	return false
}
