package sigma

import "github.com/rsigma-connect/rsigma-connect/sigma/internal/automaton"

// minKeywordSet is the number of plain keyword needles from which a keyword
// item tests each string leaf given by Event.Keywords with one automaton
// pass instead of one search per value (a pure rewrite: same verdict,
// sigma-rules.md §11). Keyword items run over every leaf of an event, so
// this pays off early; field items are left to the shared per-field
// automata (crossac.go). Below it, a few vectorised substring searches over
// a long leaf beat one automaton pass.
const minKeywordSet = 4

// needleSet reports whether a text contains any of its needles.
type needleSet struct {
	set   anyNeedles
	cased bool
}

// anyNeedles answers whether a text holds a needle of a set: an
// automaton.AnyOf (16-bit table) when the set fits it, else a Substrings.
type anyNeedles interface {
	ContainsAny(text string) bool
	ContainsAnyClasses(text string, classes *[256]uint8) bool
	ClassTables() (cased, folding *[256]uint8)
}

// evalRaw reports whether some string leaf of ev contains a needle, from
// the raw leaves of a JSONEvent (event_json_keywords.go); ok is false for
// other events, which are asked through Event.Keywords.
func (m *needleSet) evalRaw(ev Event) (found, ok bool) {
	je := ev.JSONView()
	classes, folding := m.set.ClassTables()
	if !m.cased {
		classes = folding
	}
	if je == nil || classes == nil {
		return false, false
	}
	return je.anyLeafContains(m.set, classes, m.cased), true
}

// leaf is the Event.Keywords callback of an OR keyword item.
func (m *needleSet) leaf(v *Value) bool {
	s, ok := text(v, m.cased)
	return ok && m.set.ContainsAny(s)
}

// keywordNeedleSet returns the needle set for an OR keyword item whose every
// value is a plain ASCII substring, or nil.
func keywordNeedleSet(n *itemNode) *needleSet {
	if n.kind != itemKeywords || n.all || len(n.values) < minKeywordSet {
		return nil
	}
	needles := make([]string, 0, len(n.values))
	for _, m := range n.values {
		sm, ok := m.(*strMatcher)
		if !ok || sm.op != strContains || sm.needle == "" || !asciiOnly(sm.needle) || sm.cased != n.cased {
			return nil
		}
		needles = append(needles, sm.needle)
	}
	if set := automaton.NewAnyOf(needles); set != nil {
		return &needleSet{set: set, cased: n.cased}
	}
	return &needleSet{set: automaton.NewSubstrings(needles, make([]int32, len(needles))), cased: n.cased}
}
