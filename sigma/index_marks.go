package sigma

import "math/bits"

// Rule marks. While the candidate index visits an event, every witness that
// holds sets a bit in evalScratch.marks: a bitset of the rules for the
// first clause, one of the distinct witnesses for each further clause
// (index_shared.go), then one of the rules for the vetoes (index_veto.go),
// laid out by layoutMarks. An event sets a few hundred bits at most,
// however many rules there are, so nothing per event may walk the whole
// table: that was linear in the rules (at ~30k rules, 1,464 words cleared,
// copied and combined per event). A second level, touched, has a bit per
// word of marks that may be non-zero; the candidates are read from the
// touched words of the first clause, in rule order, and reset clears only
// the touched words.

// evalScratch is the per-evaluation working memory, pooled by the Engine so
// that Evaluate does not allocate.
type evalScratch struct {
	marks []uint64
	// touched has bit w set when marks[w] may be non-zero.
	touched []uint64
	list    []int
	ix      *candidateIndex
	// mark, markCased and leaf are bound once so that passing them as
	// callbacks does not allocate.
	mark      func(id int32)
	markCased func(id int32)
	leaf      func(v *Value) bool
	// casedText and confirm are the member text and the confirmation
	// entries markCased checks (index_cased.go).
	casedText string
	confirm   []casedConfirm
}

func newEvalScratch(n int, ix *candidateIndex) *evalScratch {
	words := markRegions * ((n + 63) / 64)
	if ix != nil {
		words = ix.markWords
	}
	sc := &evalScratch{marks: make([]uint64, words), touched: make([]uint64, (words+63)/64), list: make([]int, 0, 64), ix: ix}
	sc.mark = sc.markRule
	sc.markCased = sc.markConfirmed
	sc.leaf = sc.scanLeaf
	return sc
}

// markRule records the mark id (candidateIndex): a witness of clause
// id&clauseMask of rule id>>clauseBits, or for clauses after the first,
// witness number id>>clauseBits.
func (sc *evalScratch) markRule(id int32) {
	w, bit := sc.ix.markBit(id)
	sc.setMark(w, bit)
}

// setMark sets bit in word w of marks.
func (sc *evalScratch) setMark(w int, bit uint64) {
	sc.marks[w] |= bit
	sc.touched[w/64] |= 1 << (w % 64)
}

// markBit locates the mark of id in evalScratch.marks: word and bit.
func (x *candidateIndex) markBit(id int32) (int, uint64) {
	pos := uint(id >> clauseBits)
	return x.regionStart[id&clauseMask] + int(pos/64), 1 << (pos % 64)
}

// layoutMarks places the regions of the marks: the first clause and the
// vetoes have a bit per rule, the other clauses one per distinct witness.
func (x *candidateIndex) layoutMarks() {
	n := 0
	for k := range x.regionStart {
		x.regionStart[k] = n
		if k == 0 || k == vetoClause {
			n += x.words
		} else {
			cw := x.clauseWitnesses[k-1]
			cw.finish()
			n += (cw.n + 63) / 64
		}
	}
	x.markWords = n
}

// reset clears the touched words of marks, and the list.
func (sc *evalScratch) reset() {
	for i, t := range sc.touched {
		for t != 0 {
			b := bits.TrailingZeros64(t)
			sc.marks[i*64+b] = 0
			t &^= 1 << b
		}
		sc.touched[i] = 0
	}
	sc.list = sc.list[:0]
}

// markAlways sets the marks of the first clause of the always-evaluate
// rules (always, whose non-zero words are listed in words).
func (sc *evalScratch) markAlways(always []uint64, words []int32) {
	for _, w := range words {
		sc.setMark(int(w), always[w])
	}
}

// collect appends to sc.list, in rule order, the rules whose every clause
// is witnessed (or preset), within sub when it is not nil, and not vetoed.
func (sc *evalScratch) collect(sub *RuleSubset) []int {
	x := sc.ix
	for i, t := range sc.touched[:(x.words+63)/64] {
		if i*64+64 > x.words {
			t &= 1<<(x.words-i*64) - 1 // words of the first clause only
		}
		for t != 0 {
			b := bits.TrailingZeros64(t)
			t &^= 1 << b
			w := i*64 + b
			word := sc.marks[w]
			if sub != nil {
				word &= sub.bits[w]
			}
			word = sc.vetoed(w, word)
			word = sc.clausesHold(w, word) // every clause witnessed (index_shared.go)
			for word != 0 {
				r := bits.TrailingZeros64(word)
				sc.list = append(sc.list, w*64+r)
				word &^= 1 << uint(r)
			}
		}
	}
	return sc.list
}

// nonZeroWords lists the indexes of the words of set that are not zero.
func nonZeroWords(set []uint64) []int32 {
	var out []int32
	for w, word := range set {
		if word != 0 {
			out = append(out, int32(w))
		}
	}
	return out
}

// candidates returns, in rule order, the positions of the rules that may
// match ev, within sub when it is not nil (route.go).
func (x *candidateIndex) candidates(ev Event, sc *evalScratch, sub *RuleSubset) []int {
	if sub != nil {
		sc.markAlways(sub.always, sub.alwaysWords)
	} else {
		sc.markAlways(x.always, x.alwaysWords)
	}
	if !x.visitPresent(ev, sc) { // event_json_present.go
		for _, fi := range x.fields {
			v := ev.Field(fi.field)
			if v.Kind != KindMissing && v.Kind != KindNull {
				fi.visit(&v, sc)
			}
		}
	}
	if x.keywords != nil && !x.memoKeywords(ev, sc) { // index_memo.go
		ev.Keywords(sc.leaf)
	}
	return sc.collect(sub)
}
