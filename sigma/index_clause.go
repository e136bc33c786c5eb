package sigma

import "sort"

// maxClauses is the number of independent witness sets a rule is indexed
// by (at most 1<<clauseBits). A rule is a candidate only when every one of
// its clauses has a witness in the event, so a common first witness
// (IntegrityLevel "system", Image ending in ".exe") is checked against
// further requirements of the rule before the rule is evaluated.
const maxClauses = 2

// Mark ids carry the clause number (or vetoClause) in their low clauseBits
// bits.
const (
	clauseBits = 2
	clauseMask = 1<<clauseBits - 1
)

// ruleClauses returns up to maxClauses witness sets that all hold whenever
// the rule matches (conjunctive requirements from different AND branches),
// cheapest first. A rule without positive literals is indexed by the fields
// its negated `field: null` items need present (index_veto.go); nil when it
// has none either.
func ruleClauses(cr *compiledRule) [][]witness {
	cs := orClauses(len(cr.conds), func(i int) clauseSet { return condClauses(cr, cr.conds[i]) })
	if out := cs.pick(maxClauses); len(out) > 0 {
		return out
	}
	return presenceClauses(cr)
}

// clauseSet is what a condition implies: main are the witness sets of its
// AND-ed parts; alt are further sets from distributing ORs (orClauses),
// which overlap main and are used only when main leaves room.
type clauseSet struct {
	main, alt [][]witness
}

func (cs *clauseSet) join(o clauseSet) {
	cs.main = append(cs.main, o.main...)
	cs.alt = append(cs.alt, o.alt...)
}

// pick returns up to n sets: main cheapest first, then alt cheapest first.
func (cs clauseSet) pick(n int) [][]witness {
	out := append(cheapestClauses(cs.main), cheapestClauses(cs.alt)...)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// cheapestClauses sorts clauses cheapest first.
func cheapestClauses(clauses [][]witness) [][]witness {
	clauses = append([][]witness(nil), clauses...)
	sort.SliceStable(clauses, func(i, j int) bool { return witnessCost(clauses[i]) < witnessCost(clauses[j]) })
	return clauses
}

// orClauses distributes an OR over its parts' clauses: when every part
// implies each of its own clauses, the OR implies, for any choice of one
// clause per part, the union of the chosen clauses. Choice j takes each
// part's j-th clause (its last when it has fewer), so a rule like "(Image
// ends with X and TargetFilename ends with Y) or (Image ends with Z and
// TargetFilename ends with W)" is indexed by both fields, not by its
// cheapest one alone. Choice 0 (each part's cheapest) is the main clause,
// the others alt. A part without clauses (no positive literal) leaves the
// OR without any.
func orClauses(n int, part func(int) clauseSet) clauseSet {
	if n == 1 {
		return part(0)
	}
	parts := make([][][]witness, n)
	width := 0
	for i := range parts {
		p := part(i).pick(maxClauses)
		if len(p) == 0 {
			return clauseSet{}
		}
		parts[i] = p
		width = max(width, len(p))
	}
	out := make([][]witness, width)
	for j := range out {
		for _, p := range parts {
			out[j] = append(out[j], p[min(j, len(p)-1)]...)
		}
	}
	return clauseSet{main: out[:1], alt: out[1:]}
}

// condClauses splits a condition into required witness sets: the parts of an
// AND (and of `all of`) are required together, ORs are distributed
// (orClauses); anything else contributes its single best witness set.
func condClauses(cr *compiledRule, c *condEval) clauseSet {
	var out clauseSet
	switch {
	case c.op == CondIdent:
		return searchClauses(cr.searches[c.search])
	case c.op == CondAnd:
		for _, a := range c.args {
			out.join(condClauses(cr, a))
		}
		return out
	case c.op == CondSelector && c.count == 0:
		for _, idx := range c.set {
			out.join(searchClauses(cr.searches[idx]))
		}
		return out
	case c.op == CondOr:
		return orClauses(len(c.args), func(i int) clauseSet { return condClauses(cr, c.args[i]) })
	case c.op == CondSelector && c.count == 1:
		return orClauses(len(c.set), func(i int) clauseSet { return searchClauses(cr.searches[c.set[i]]) })
	}
	if ws, ok := condWitnesses(cr, c); ok {
		out.main = [][]witness{ws}
	}
	return out
}

// searchClauses gives one clause per item of a group (all items are
// required; itemClauses), distributed over the search's groups (OR-ed
// maps).
func searchClauses(s *searchNode) clauseSet {
	return orClauses(len(s.groups), func(i int) clauseSet {
		var out clauseSet
		for _, it := range s.groups[i] {
			out.main = append(out.main, itemClauses(it)...)
		}
		return out
	})
}

// itemClauses returns the witness sets an item requires: one per value for
// an `all` item (each value must match), else its single witness set.
func itemClauses(n *itemNode) [][]witness {
	var out [][]witness
	if n.all && !n.neq && (n.kind == itemValues || n.kind == itemKeywords) && len(n.values) > 1 {
		for i := range n.values {
			if ws, ok := valueWitnesses(n, i); ok {
				out = append(out, ws)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if ws, ok := itemWitnesses(n); ok {
		out = append(out, ws)
	}
	return out
}
