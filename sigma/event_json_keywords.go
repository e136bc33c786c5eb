package sigma

// Keyword needle sets over a JSONEvent's raw leaves. An OR keyword item of
// plain ASCII substrings (needleSet) asks whether any string leaf's text
// contains a needle. Event.Keywords answers that by building every leaf's
// Value (a decoded, case-folded copy) before the first test; here each leaf
// is scanned where it lies (decoded into scratch when it has escapes), with
// the automaton's folding class table (index_ac_fold.go) standing in for
// lower-casing, and the scan stops at the first leaf that holds a needle.
// Only leaves whose decoded text is not ASCII are built as Values, since
// their folding is Unicode's.

// anyLeafContains reports whether the text of some string leaf (its folded
// text unless cased) contains a needle of a, as Keywords with a test of
// containsAny on each leaf would. classes is a's cased class table when
// cased, else its folding one (ClassTables).
func (e *JSONEvent) anyLeafContains(a anyNeedles, classes *[256]uint8, cased bool) bool {
	if !e.valid {
		return false
	}
	doc := e.x.buf
	for _, sp := range e.x.leaves {
		content := doc[sp.start+1 : sp.end-1]
		escaped, ascii := classifyString(content)
		if ascii && escaped {
			e.scratch = appendUnescaped(e.scratch[:0], content)
			content = e.scratch
			ascii = isASCII(bytesString(content))
		}
		if ascii {
			if a.ContainsAnyClasses(bytesString(content), classes) {
				return true
			}
			continue
		}
		v := e.vb.value(doc, sp)
		if s, _ := text(&v, cased); a.ContainsAny(s) {
			return true
		}
	}
	return false
}
