package sigma

// Folding scans. Keyword witnesses are tested against every string leaf's
// case-folded text, and building that text (a Value with its lower-cased
// copy) costs more than the scan for leaves the visit memo cannot answer
// (GUIDs, times). An automaton whose needles have no upper-case ASCII letter
// can scan the raw text as if it were lower-cased (automaton's fold.go), so
// an ASCII leaf without escapes (whose folded text is its lower-case form)
// is scanned straight from the document.

// scanLeafFolding marks the keyword witnesses of the string leaf at sp from
// the raw document when the leaf is ASCII without escapes; false when it
// is not, or the index cannot scan raw text (a bloom pre-filter reads the
// folded text).
func (m *visitMemo) scanLeafFolding(je *JSONEvent, sp valueSpan) bool {
	kw := m.owner.keywords
	if kw.Folding == nil || m.owner.keywordBloom != nil {
		return false
	}
	content := je.x.buf[sp.start+1 : sp.end-1]
	if escaped, ascii := classifyString(content); escaped || !ascii {
		return false
	}
	kw.ScanFolding(content, m.sc.mark)
	return true
}
