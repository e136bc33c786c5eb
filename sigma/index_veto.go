package sigma

// Vetoes: negated filters as evidence against a rule. Many rules match only
// when some item is false (`selection and not filter`, `not 1 of filter_*`
// with a one-item filter), and the events of a stream mostly make that item
// true (Image starts with C:\Windows\System32\). A rule cannot match an event
// in which such an item holds. When the candidate index can tell exactly
// that the item holds, it marks the rule vetoed for the event and drops it
// from the candidates; this changes no result (tests compare with
// CompileOptions.DisableCandidateIndex), and it also removes rules from the
// always-evaluate set on most events.
//
// Exact means: the witness holds only when the item is true. That is so for
// a case-insensitive ASCII literal compared by equality, containment, prefix
// or suffix (strMatcher): the field's exact keys, automaton (whose byte
// classes are exact for ASCII needles) and tries test the same folded text
// the matcher tests, over the same array members. Unlike positive witnesses,
// veto literals are never shortened (a part of a literal does not make the
// item true); literals longer than maxVetoKey are left out.

// vetoClause is the clause number of veto marks; marks has markRegions
// bitsets (clauses, then vetoes).
const (
	vetoClause  = maxClauses
	markRegions = maxClauses + 1
)

// maxVetoKey bounds veto literals (automaton and trie size).
const maxVetoKey = 32

// ruleVetoes returns witnesses of items that are false whenever the rule
// matches: when one holds, the rule cannot match.
func ruleVetoes(cr *compiledRule) []witness {
	var out []witness
	forFalseItems(cr, func(n *itemNode) { out = exactWitnesses(n, out) })
	return out
}

// presenceClauses returns, for a rule without positive witnesses, clauses
// from the `field: null` items it needs false: the rule can then only match
// events that have those fields (not null).
func presenceClauses(cr *compiledRule) [][]witness {
	var out [][]witness
	forFalseItems(cr, func(n *itemNode) {
		if n.kind == itemNull && !n.neq && len(out) < maxClauses {
			out = append(out, presenceWitness(n))
		}
	})
	return out
}

// forFalseItems calls fn with items that are false whenever the rule
// matches: items that on their own make true a part of the condition that
// the rule needs false.
func forFalseItems(cr *compiledRule, fn func(*itemNode)) {
	if len(cr.conds) == 1 {
		falseItems(cr, cr.conds[0], fn)
	}
}

// falseItems calls fn with items that are false whenever c is true.
func falseItems(cr *compiledRule, c *condEval, fn func(*itemNode)) {
	switch c.op {
	case CondAnd:
		for _, a := range c.args {
			falseItems(cr, a, fn)
		}
	case CondNot:
		sufficientItems(cr, c.args[0], fn)
	}
}

// sufficientItems calls fn with items whose truth alone makes c true.
func sufficientItems(cr *compiledRule, c *condEval, fn func(*itemNode)) {
	switch {
	case c.op == CondIdent:
		searchSufficient(cr.searches[c.search], fn)
	case c.op == CondOr:
		for _, a := range c.args {
			sufficientItems(cr, a, fn)
		}
	case c.op == CondSelector && (c.count == 1 || len(c.set) == 1):
		for _, idx := range c.set {
			searchSufficient(cr.searches[idx], fn)
		}
	}
}

// searchSufficient calls fn with the items that are a group of s on their
// own (a true group makes the search true).
func searchSufficient(s *searchNode, fn func(*itemNode)) {
	for _, g := range s.groups {
		if len(g) == 1 {
			fn(g[0])
		}
	}
}

// exactWitnesses appends one witness per value of n that, when it holds,
// makes n true: values that are plain case-insensitive ASCII literals.
func exactWitnesses(n *itemNode, out []witness) []witness {
	if n.kind != itemValues || n.field == nil || n.neq || (n.all && len(n.values) > 1) {
		return out
	}
	for _, m := range n.values {
		sm, ok := m.(*strMatcher)
		if !ok || sm.cased || sm.needle == "" || len(sm.needle) > maxVetoKey || !asciiOnly(sm.needle) {
			continue
		}
		out = append(out, witness{kind: vetoKinds[sm.op], field: n.field, key: sm.needle})
	}
	return out
}

// vetoKinds is the witness of each string placement.
var vetoKinds = [...]witnessKind{strEqual: witnessExact, strContains: witnessSubstring, strPrefix: witnessPrefix, strSuffix: witnessSuffix}

// vetoed clears the candidate bits of word w of the rules vetoed this event.
func (sc *evalScratch) vetoed(w int, word uint64) uint64 {
	return word &^ sc.marks[sc.ix.regionStart[vetoClause]+w]
}
