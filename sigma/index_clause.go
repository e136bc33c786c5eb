package sigma

import "sort"

// maxClauses is the number of independent witness sets a rule is indexed
// by (at most 1<<clauseBits). A rule is a candidate only when every one of
// its clauses has a witness in the event, so a common first witness
// (IntegrityLevel "system", Image ending in ".exe") is checked against
// further requirements of the rule before the rule is evaluated.
const maxClauses = 2

// Mark ids carry the clause number in their low clauseBits bits.
const (
	clauseBits = 1
	clauseMask = 1<<clauseBits - 1
)

// ruleClauses returns up to maxClauses witness sets that all hold whenever
// the rule matches (conjunctive requirements from different AND branches),
// cheapest first; nil when some way of matching needs no positive literal.
func ruleClauses(cr *compiledRule) [][]witness {
	var clauses [][]witness
	if len(cr.conds) == 1 {
		clauses = condClauses(cr, cr.conds[0])
	} else if ws, ok := ruleWitnesses(cr); ok {
		clauses = [][]witness{ws}
	}
	sort.SliceStable(clauses, func(i, j int) bool { return witnessCost(clauses[i]) < witnessCost(clauses[j]) })
	if len(clauses) > maxClauses {
		clauses = clauses[:maxClauses]
	}
	return clauses
}

// condClauses splits a condition into required witness sets: the parts of an
// AND (and of `all of`) are required together; anything else contributes
// its single best witness set.
func condClauses(cr *compiledRule, c *condEval) [][]witness {
	var out [][]witness
	switch {
	case c.op == CondIdent:
		return searchClauses(cr.searches[c.search])
	case c.op == CondAnd:
		for _, a := range c.args {
			out = append(out, condClauses(cr, a)...)
		}
		return out
	case c.op == CondSelector && c.count == 0:
		for _, idx := range c.set {
			out = append(out, searchClauses(cr.searches[idx])...)
		}
		return out
	}
	if ws, ok := condWitnesses(cr, c); ok {
		return [][]witness{ws}
	}
	return nil
}

// searchClauses gives one clause per item of a single-group search (all
// items are required), else the search's single witness set.
func searchClauses(s *searchNode) [][]witness {
	if len(s.groups) != 1 {
		if ws, ok := searchWitnesses(s); ok {
			return [][]witness{ws}
		}
		return nil
	}
	var out [][]witness
	for _, it := range s.groups[0] {
		if ws, ok := itemWitnesses(it); ok {
			out = append(out, ws)
		}
	}
	return out
}
