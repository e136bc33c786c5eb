package sigma

import "slices"

// Rules decided by the index. For an item whose values are plain
// case-insensitive ASCII literals, the witnesses the index derives are the
// literals themselves, unshortened: the item's field (or, for keywords,
// some string leaf) has a value equal to, containing, starting or ending
// with one of them exactly when a witness holds. A rule whose condition
// names one search of one group of such items, each of them one of the
// rule's clauses, matches exactly when all its clauses hold, i.e. when it is
// a candidate; it is reported without evaluating it (Cisco Discovery on Sysmon, Cisco File Deletion on syslog:
// the keywords are found once, by the index's scan of every leaf).

// decidedByIndex reports whether cr, indexed by clauses, matches exactly
// when it is a candidate: one search of one group whose items (at most
// maxClauses) are each exactly one of the clauses.
func decidedByIndex(cr *compiledRule, clauses [][]witness) bool {
	if len(cr.conds) != 1 || len(clauses) == 0 {
		return false
	}
	c := cr.conds[0]
	var s *searchNode
	switch {
	case c.op == CondIdent:
		s = cr.searches[c.search]
	case c.op == CondSelector && len(c.set) == 1:
		s = cr.searches[c.set[0]]
	default:
		return false
	}
	if len(s.groups) != 1 || len(s.groups[0]) != len(clauses) {
		return false
	}
	used := make([]bool, len(clauses))
	for _, n := range s.groups[0] {
		want, ok := literalWitnesses(n)
		if !ok || !takeClause(want, clauses, used) {
			return false
		}
	}
	return true
}

// takeClause marks the first unused clause equal to want as used; false
// when there is none.
func takeClause(want []witness, clauses [][]witness, used []bool) bool {
	for k, cl := range clauses {
		if !used[k] && slices.Equal(want, cl) {
			used[k] = true
			return true
		}
	}
	return false
}

// literalWitnesses returns the witnesses that hold exactly when n does: one
// per value, each the value's own literal; ok is false when some value is
// not a plain literal or the index would shorten or transform it.
func literalWitnesses(n *itemNode) ([]witness, bool) {
	if n.neq || (n.all && len(n.values) > 1) || len(n.values) == 0 {
		return nil, false
	}
	if n.kind != itemKeywords && (n.kind != itemValues || n.field == nil) {
		return nil, false
	}
	var out []witness
	for i, m := range n.values {
		sm, ok := m.(*strMatcher)
		if !ok || sm.cased || sm.needle == "" || !asciiOnly(sm.needle) {
			return nil, false
		}
		w := witness{kind: vetoKinds[sm.op], field: n.field, key: sm.needle}
		if n.kind == itemKeywords {
			if sm.op != strContains {
				return nil, false
			}
			w = witness{kind: witnessKeyword, key: sm.needle}
		}
		ws, ok := valueWitnesses(n, i)
		if !ok || len(ws) != 1 || ws[0] != w {
			return nil, false
		}
		out = append(out, w)
	}
	return out, true
}

// decided reports whether the rule at pos needs no evaluation once it is a
// candidate (decidedByIndex).
func (x *candidateIndex) decided(pos int) bool {
	return x.decidedBits[pos/64]&(1<<(pos%64)) != 0
}
