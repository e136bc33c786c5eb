package sigma

// minNeedleSet is the number of plain substring values from which an item's
// OR list is matched with one automaton pass instead of one search per value
// (a pure rewrite: same verdict, sigma-rules.md §11).
const minNeedleSet = 8

// needleSetMatcher matches when the text contains any of its needles.
type needleSetMatcher struct {
	set   *substringSet
	cased bool
}

func (m *needleSetMatcher) match(k Kind, str, fold string) bool {
	s, ok := scalarTextOf(k, str, fold, m.cased)
	return ok && m.set.containsAny(s)
}

// collapseContains returns the matchers an OR item evaluates with: its value
// matchers, with plain ASCII `contains` needles merged into one automaton
// when there are at least minNeedleSet of them.
func collapseContains(values []valueMatcher) []valueMatcher {
	var needles []string
	var rest []valueMatcher
	cased := false
	for _, m := range values {
		sm, ok := m.(*strMatcher)
		if !ok || sm.op != strContains || !asciiOnly(sm.needle) || sm.needle == "" || (len(needles) > 0 && sm.cased != cased) {
			rest = append(rest, m)
			continue
		}
		needles = append(needles, sm.needle)
		cased = sm.cased
	}
	if len(needles) < minNeedleSet {
		return values
	}
	ids := make([]int32, len(needles))
	for i := range ids {
		ids[i] = int32(i)
	}
	set := &needleSetMatcher{set: newSubstringSet(needles, ids), cased: cased}
	return append([]valueMatcher{set}, rest...)
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
