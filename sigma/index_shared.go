package sigma

import (
	"math/bits"
	"strconv"
)

// Shared witnesses. Many rules require the same further witnesses: the
// copies of one rule in a large rule set (tenants, mutated variants) keep
// their punctuation (" -", ":", "\\"), and unrelated rules share common
// requirements (Image ending in \powershell.exe). Marking such a witness
// per rule made an event that holds " -" set one mark per rule that needs
// it, and the automata report one output per rule: at ~30k rules, 92
// clause marks per Sysmon event where 3,141 rules set 15, although the
// rules whose first clause holds stayed ~2. The witnesses of the clauses
// after the first are therefore numbered once per distinct witness
// (clauseWitnesses): the marks of clause k (region k of evalScratch.marks)
// have one bit per witness, and a rule's clause k holds when the bit of
// one of its witnesses is set, which collect tests only for the few rules
// whose first clause holds. The first clause stays per rule: its marks
// drive the candidates in rule order.

// clauseWitnesses lists, per rule, the numbers of the witnesses of one
// clause number: rule pos has ids[start[pos]:start[pos+1]].
type clauseWitnesses struct {
	start []int32
	ids   []int32
	// keys numbers the distinct witnesses while the index is built; n is
	// their count once finished.
	keys map[string]int32
	n    int
}

func newClauseWitnesses(rules int) *clauseWitnesses {
	return &clauseWitnesses{start: make([]int32, rules+1), keys: map[string]int32{}}
}

// add records the witnesses of rule pos's clause (rules in position
// order), numbering each distinct witness when it is first seen and
// calling fresh with it.
func (cw *clauseWitnesses) add(pos int32, ws []witness, fresh func(w witness, n int32)) {
	first := len(cw.ids)
	for _, w := range ws {
		k := witnessKey(w)
		n, ok := cw.keys[k]
		if !ok {
			n = int32(len(cw.keys))
			cw.keys[k] = n
			fresh(w, n)
		}
		if !containsID(cw.ids[first:], n) {
			cw.ids = append(cw.ids, n)
		}
	}
	cw.start[pos+1] = int32(len(cw.ids))
}

// finish fills start for rules without this clause, counts the distinct
// witnesses and drops the keys.
func (cw *clauseWitnesses) finish() {
	for i := 1; i < len(cw.start); i++ {
		cw.start[i] = max(cw.start[i], cw.start[i-1])
	}
	cw.n, cw.keys = len(cw.keys), nil
}

// witnessKey identifies a witness: kind, field, number and key.
func witnessKey(w witness) string {
	field := "\x00kw"
	if w.field != nil {
		field = strconv.Itoa(w.field.ID) + ":" + w.field.Name
	}
	return strconv.Itoa(int(w.kind)) + "\x00" + field + "\x00" + strconv.FormatInt(w.num, 10) + "\x00" + w.key
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// clausesHold clears, in word w of the candidate bits, the rules with a
// clause after the first none of whose witnesses is marked.
func (sc *evalScratch) clausesHold(w int, word uint64) uint64 {
	x := sc.ix
	for k := 1; k < maxClauses; k++ {
		cw, base := x.clauseWitnesses[k-1], x.regionStart[k]
		need := word &^ x.preset[k-1][w]
		for need != 0 {
			b := bits.TrailingZeros64(need)
			need &^= 1 << b
			r := w*64 + b
			held := false
			for _, s := range cw.ids[cw.start[r]:cw.start[r+1]] {
				if sc.marks[base+int(s/64)]&(1<<(s%64)) != 0 {
					held = true
					break
				}
			}
			if !held {
				word &^= 1 << b
			}
		}
	}
	return word
}
