package sigma

import "strings"

// Case-sensitive witnesses. A case-sensitive regular expression such as
// `-(W|R)\s` needs "-W" or "-R" in the text as written; its folded
// witnesses "-w", "-r" also hold on the many command lines with "-r", and
// mutated copies of such a rule (other letter pairs) would all stay
// candidates on them. A cased witness keeps its folded needle in the
// field's automaton (which scans the folded text), under a confirmation
// id: when the needle is found, the rule is marked only if the member's
// text itself contains the literal as written. ASCII literals only, whose
// lower case has the same length, so the needle and the literal are the
// same window of the expression's literal.

// casedConfirm is one confirmation entry of a field: the rules (mark ids)
// whose witness is the literal cased as written.
type casedConfirm struct {
	cased string
	ids   []int32
}

// casedWitness turns w, the substring witness substringWitness made of
// lit, into a cased witness of the same window of lit; witnesses of other
// kinds (hash runs) stay folded.
func casedWitness(w witness, lit string) witness {
	if w.kind != witnessSubstring || len(w.key) > len(lit) {
		return w
	}
	w.kind, w.key = witnessCasedSubstring, lit[len(lit)-len(w.key):] // substringWitness keeps a suffix
	return w
}

// confirmID is the automaton output id of confirmation entry k: negative,
// which no mark id is.
func confirmID(k int) int32 { return ^int32(k) }

// addCased registers a cased witness of mark id for the field's needles:
// the folded needle under the id of the cased literal's entry.
func (fi *fieldIndex) addCased(nl *needleList, w witness, id int32) {
	if fi.casedKeys == nil {
		fi.casedKeys = map[string]int{}
	}
	k, ok := fi.casedKeys[w.key]
	if !ok {
		k = len(fi.confirm)
		fi.casedKeys[w.key] = k
		fi.confirm = append(fi.confirm, casedConfirm{cased: w.key})
		nl.add(witnessSubstring, strings.ToLower(w.key), confirmID(k))
	}
	fi.confirm[k].ids = appendPos(fi.confirm[k].ids, id)
}

// markConfirmed is the automaton callback of a field with cased
// witnesses: a mark id is marked, a confirmation id marks its rules when
// the member's text as written (sc.casedText) holds the cased literal.
func (sc *evalScratch) markConfirmed(id int32) {
	if id >= 0 {
		sc.mark(id)
		return
	}
	c := &sc.confirm[^id]
	if strings.Contains(sc.casedText, c.cased) {
		for _, m := range c.ids {
			sc.mark(m)
		}
	}
}
