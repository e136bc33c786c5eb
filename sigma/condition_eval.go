package sigma

import "fmt"

// condEval is a condition node with identifiers resolved to search indexes.
type condEval struct {
	op     CondOp
	search int   // CondIdent
	set    []int // CondSelector: selected searches
	count  int   // CondSelector: 0 = all, else at least count
	args   []*condEval
}

func compileCondition(d *Detection, n *CondNode) (*condEval, error) {
	switch n.Op {
	case CondIdent:
		for i, s := range d.Searches {
			if s.Name == n.Name {
				return &condEval{op: CondIdent, search: i}, nil
			}
		}
		return nil, fmt.Errorf("condition references undefined search identifier %q", n.Name)
	case CondSelector:
		set := d.resolveSelector(n)
		if len(set) == 0 {
			return nil, fmt.Errorf("condition selector %q matches no search identifier", n.String())
		}
		return &condEval{op: CondSelector, set: set, count: n.Count}, nil
	}
	ce := &condEval{op: n.Op}
	for _, a := range n.Args {
		sub, err := compileCondition(d, a)
		if err != nil {
			return nil, err
		}
		ce.args = append(ce.args, sub)
	}
	if (n.Op == CondNot && len(ce.args) != 1) || len(ce.args) == 0 {
		return nil, fmt.Errorf("malformed condition node %q", n.String())
	}
	return ce, nil
}

// eval computes the boolean verdict (short-circuiting, no side effects).
func (c *condEval) eval(cr *compiledRule, ev Event) bool {
	switch c.op {
	case CondIdent:
		return cr.searches[c.search].eval(ev)
	case CondAnd:
		for _, a := range c.args {
			if !a.eval(cr, ev) {
				return false
			}
		}
		return true
	case CondOr:
		for _, a := range c.args {
			if a.eval(cr, ev) {
				return true
			}
		}
		return false
	case CondNot:
		return !c.args[0].eval(cr, ev)
	}
	need := c.count
	if need == 0 {
		need = len(c.set)
	}
	hits := 0
	for i, idx := range c.set {
		if cr.searches[idx].eval(ev) {
			hits++
			if hits >= need {
				return true
			}
		} else if c.count == 0 || hits+len(c.set)-i-1 < need {
			return false
		}
	}
	return hits >= need
}

// eval reports whether any group has all its items true.
func (s *searchNode) eval(ev Event) bool {
	for i, g := range s.groups {
		if keptGroupTrue(g, s.kept[i], ev) {
			return true
		}
	}
	return false
}

// keptGroupTrue is groupTrue with the verdicts of the kept items taken
// from the visit memo when it has them (index_verdict.go).
func keptGroupTrue(g []*itemNode, kept []bool, ev Event) bool {
	for i, it := range g {
		if kept[i] {
			if !evalKept(it, ev) {
				return false
			}
		} else if !it.eval(ev) {
			return false
		}
	}
	return true
}

func groupTrue(g []*itemNode, ev Event) bool {
	for _, it := range g {
		if !it.eval(ev) {
			return false
		}
	}
	return true
}
