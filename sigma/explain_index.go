package sigma

import (
	"fmt"
	"strings"
)

// IndexVerdict is what the candidate index did with a rule for one event.
type IndexVerdict struct {
	// Skipped is set when the index did not hand the rule to evaluation:
	// the rule cannot match the event.
	Skipped bool
	// Decided is set when the index reported the rule as a match without
	// evaluating it (its literals alone decide it).
	Decided bool
	// Reason says why, naming the literals (lower-cased, as the index
	// compares them) the rule requires or must not see.
	Reason string
}

// indexVerdicts returns the index's verdict for every rule keep selects,
// by rule position: the candidates the index computes, explained by the
// rule's clauses and vetoes checked one by one against the event.
func (e *Engine) indexVerdicts(ev Event, keep func(*Rule) bool) []IndexVerdict {
	out := make([]IndexVerdict, len(e.rules))
	x := e.index
	if x == nil {
		for i := range out {
			out[i].Reason = "no candidate index: every rule is evaluated"
		}
		return out
	}
	leaves := stringLeaves(ev)
	sc := e.scratch.Get().(*evalScratch)
	candidate := make([]bool, len(e.rules))
	for _, pos := range x.candidates(ev, sc, nil) {
		candidate[pos] = true
	}
	sc.reset()
	e.scratch.Put(sc)
	for i, cr := range e.rules {
		if keep == nil || keep(cr.rule) {
			out[i] = e.explainIndex(cr, candidate[cr.pos], ev, leaves)
		}
	}
	return out
}

// explainIndex derives the clauses and vetoes of cr again, as buildIndex
// did (the index keeps only its lookup structures: the literal variants are
// dropped after the build), and explains the index's verdict with them.
func (e *Engine) explainIndex(cr *compiledRule, candidate bool, ev Event, leaves []string) IndexVerdict {
	var clauses [][]witness
	var vetoes []witness
	err := Isolate(func() error {
		fresh, err := compileRule(cr.rule, e.fields, nil)
		if err == nil {
			clauses, vetoes = ruleClauses(fresh), ruleVetoes(fresh)
		}
		return err
	})
	if err != nil {
		return IndexVerdict{Skipped: !candidate, Reason: "internal error: compiling the rule again: " + err.Error()}
	}
	return e.index.explain(cr.pos, candidate, clauses, vetoes, ev, leaves)
}

// stringLeaves returns the folded text of every string leaf of ev, what
// keyword witnesses are looked for in.
func stringLeaves(ev Event) []string {
	var out []string
	ev.Keywords(func(v *Value) bool { out = append(out, v.Fold); return false })
	return out
}

// explain says why rule pos, with these clauses and vetoes, is (candidate)
// or is not a candidate for ev, whose string leaves are leaves.
func (x *candidateIndex) explain(pos int, candidate bool, clauses [][]witness, vetoes []witness, ev Event, leaves []string) IndexVerdict {
	v := IndexVerdict{Skipped: !candidate, Decided: candidate && x.decided(pos)}
	var why string
	for _, w := range vetoes {
		if w.holds(ev, leaves) {
			why = fmt.Sprintf("vetoed: %s, and the rule matches only when that is false", w)
			break
		}
	}
	var witnessed []string
	for k, clause := range clauses {
		found := ""
		for _, w := range clause {
			if w.holds(ev, leaves) {
				found = w.String()
				break
			}
		}
		if found == "" && why == "" {
			why = fmt.Sprintf("the rule needs one of these and the event has none: %s", describeWitnesses(clause))
		}
		if found != "" {
			witnessed = append(witnessed, fmt.Sprintf("clause %d: %s", k+1, found))
		}
	}
	skipped := why != ""
	switch {
	case skipped != v.Skipped: // never: the tests hold explain to the index
		v.Reason = fmt.Sprintf("internal error: the index made the rule %s, its clauses say %s", candidateWord(candidate), why)
	case skipped:
		v.Reason = why
	case len(clauses) == 0:
		v.Reason = "evaluated on every event: the rule requires no literal the index can look for"
	case v.Decided:
		v.Reason = "decided by the index without evaluation: " + strings.Join(witnessed, "; ")
	default:
		v.Reason = "candidate: " + strings.Join(witnessed, "; ")
	}
	return v
}

func candidateWord(candidate bool) string {
	if candidate {
		return "a candidate"
	}
	return "no candidate"
}

func describeWitnesses(ws []witness) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.String()
	}
	return strings.Join(parts, ", ")
}

// String describes the witness: "CommandLine contains \"whoami\"".
func (w witness) String() string {
	name := "some value"
	if w.field != nil {
		name = w.field.Name
	}
	switch w.kind {
	case witnessExact:
		return fmt.Sprintf("%s equals %q", name, w.key)
	case witnessNumber:
		return fmt.Sprintf("%s equals %d", name, w.num)
	case witnessSubstring, witnessKeyword:
		return fmt.Sprintf("%s contains %q", name, w.key)
	case witnessPrefix:
		return fmt.Sprintf("%s starts with %q", name, w.key)
	case witnessSuffix:
		return fmt.Sprintf("%s ends with %q", name, w.key)
	case witnessHexRun:
		return fmt.Sprintf("%s holds a hex number starting %q", name, w.key)
	}
	return name + " is present"
}

// holds reports whether w holds for ev, as the index tests it
// (fieldIndex.visit; keyword witnesses in leaves, the event's string
// leaves).
func (w witness) holds(ev Event, leaves []string) bool {
	if w.kind == witnessKeyword {
		for _, l := range leaves {
			if strings.Contains(l, w.key) {
				return true
			}
		}
		return false
	}
	v := ev.Field(w.field)
	if v.Kind == KindMissing || v.Kind == KindNull {
		return false
	}
	return w.kind == witnessPresent || w.member(&v)
}

// member tests the value, or any member of an array, against w.
func (w witness) member(v *Value) bool {
	if v.Kind == KindArray {
		for i := range v.Items {
			if w.member(&v.Items[i]) {
				return true
			}
		}
		return false
	}
	s, ok := text(v, false)
	if !ok {
		return false
	}
	switch w.kind {
	case witnessExact:
		return s == w.key
	case witnessNumber:
		var n RuleValue
		return parseDecimalInto(v.Str, &n) && n.IsInt && n.Int == w.num
	case witnessSubstring:
		return strings.Contains(s, w.key)
	case witnessPrefix:
		return strings.HasPrefix(s, w.key)
	case witnessSuffix:
		return strings.HasSuffix(s, w.key)
	case witnessHexRun:
		found := false
		forHexRuns(s, func(key string) { found = found || key == w.key })
		return found
	}
	return false
}
