package sigma

// Rule subsets: a caller that knows, before evaluation, that only some rules
// may fire on an event (logsource routing buckets the rules by logsource)
// hands the Engine a RuleSubset. The candidate index then holds only those
// rules for that event: rules outside the subset are never candidates, never
// evaluated and never reported, and the always-evaluate rules outside it
// (rules without a witness, such as `not selection`) cost nothing.

// RuleSubset is a set of an Engine's rules, by position in Engine.Rules.
// It is immutable and safe for concurrent use; it belongs to the Engine
// that made it.
type RuleSubset struct {
	rules  []int    // ascending positions
	bits   []uint64 // bitset of rules
	always []uint64 // the index's always-evaluate rules within the subset
	// alwaysWords lists the words of always that are not zero.
	alwaysWords []int32
}

// Subset returns the RuleSubset of the rules at the given positions of
// Engine.Rules (ascending or not; out-of-range positions are ignored).
func (e *Engine) Subset(rules []int) *RuleSubset {
	words := (len(e.rules) + 63) / 64
	s := &RuleSubset{bits: make([]uint64, words)}
	for _, r := range rules {
		if r >= 0 && r < len(e.rules) {
			s.bits[r/64] |= 1 << (r % 64)
		}
	}
	for w, word := range s.bits {
		for b := 0; word != 0; b++ {
			if word&1 != 0 {
				s.rules = append(s.rules, w*64+b)
			}
			word >>= 1
		}
	}
	if e.index != nil {
		s.always = make([]uint64, words)
		for w := range s.always {
			s.always[w] = e.index.always[w] & s.bits[w]
		}
		s.alwaysWords = nonZeroWords(s.always)
	}
	return s
}

// Len returns the number of rules in s.
func (s *RuleSubset) Len() int { return len(s.rules) }

// Has reports whether the rule at position pos of Engine.Rules is in s.
func (s *RuleSubset) Has(pos int) bool {
	return pos >= 0 && pos/64 < len(s.bits) && s.bits[pos/64]&(1<<(pos%64)) != 0
}

// EvaluateSubset is Evaluate restricted to the rules of s: it appends one
// Match per matching rule of s, in rule order, to dst. A nil s is every
// rule (Evaluate).
func (e *Engine) EvaluateSubset(ev Event, s *RuleSubset, dst []Match) []Match {
	return e.evaluate(ev, s, dst)
}

// Candidates returns the number of rules the candidate index selects for ev
// within s (nil: every rule), the rules Evaluate runs the matchers of
// (with the index disabled, every rule of s); for measurements.
func (e *Engine) Candidates(ev Event, s *RuleSubset) int {
	if e.index == nil {
		if s == nil {
			return len(e.rules)
		}
		return s.Len()
	}
	sc := e.scratch.Get().(*evalScratch)
	n := len(e.index.candidates(ev, sc, s))
	sc.reset()
	e.scratch.Put(sc)
	return n
}
