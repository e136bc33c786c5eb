package sigma

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Shared clauses. Many rules require the same further witnesses: the
// copies of one rule in a large rule set (tenants, mutated variants) keep
// their punctuation (" -", ":", "\\"), and unrelated rules share common
// requirements (Image ending in \powershell.exe). Marking such a clause per
// rule made an event that holds " -" set one mark per rule that needs it,
// and the automaton report one output per rule: at ~30k rules, 92 clause
// marks per Sysmon event where 3,141 rules set 15, although the rules whose
// first clause holds stayed ~2. Clauses after the first are therefore
// marked per distinct witness set: the clause-k marks (evalScratch.marks,
// region k) are indexed by the set's number, and a rule's clause k holds
// when the bit of its set is marked (candidateIndex.clauseSets). The first
// clause stays per rule: its marks drive the candidates in rule order.

// clauseSetKeys numbers the distinct witness sets of one clause number
// while the index is built.
type clauseSetKeys map[string]int32

// number returns the number of the witness set ws and whether it is new.
func (keys clauseSetKeys) number(ws []witness) (int32, bool) {
	k := witnessSetKey(ws)
	if n, ok := keys[k]; ok {
		return n, false
	}
	n := int32(len(keys))
	keys[k] = n
	return n, true
}

// witnessSetKey is a key of the set of ws, the same for the same witnesses
// in any order or repetition.
func witnessSetKey(ws []witness) string {
	keys := make([]string, len(ws))
	for i, w := range ws {
		field := "\x00kw"
		if w.field != nil {
			field = strconv.Itoa(w.field.ID) + ":" + w.field.Name
		}
		keys[i] = strconv.Itoa(int(w.kind)) + "\x00" + field + "\x00" + strconv.FormatInt(w.num, 10) + "\x00" + w.key
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	return strings.Join(keys, "\x01")
}

// clausesHold clears, in word w of the candidate bits, the rules with a
// clause after the first whose witness set is not marked.
func (sc *evalScratch) clausesHold(w int, word uint64) uint64 {
	x := sc.ix
	for k := 1; k < maxClauses; k++ {
		need := word &^ x.preset[k-1][w]
		for need != 0 {
			b := bits.TrailingZeros64(need)
			need &^= 1 << b
			s := x.clauseSets[k-1][w*64+b]
			if sc.marks[k*x.words+int(s/64)]&(1<<(s%64)) == 0 {
				word &^= 1 << b
			}
		}
	}
	return word
}
