package automaton

import "unsafe"

// Folding scans. Keyword witnesses are tested against every string leaf's
// case-folded text, and building that text (a Value with its lower-cased
// copy) costs more than the scan for leaves the visit memo cannot answer
// (GUIDs, times). When no needle contains an upper-case ASCII letter, a
// class table that sends A-Z to the classes of a-z makes a scan of the raw
// text find exactly what a scan of its ASCII lower-case form finds, so an
// ASCII leaf without escapes (whose folded text is its lower-case form) is
// scanned straight from the document.

// foldClasses returns a's class table with A-Z mapped like a-z, or nil
// when a needle uses an upper-case letter.
func (a *Substrings) foldClasses() *[256]uint8 {
	for b := 'A'; b <= 'Z'; b++ {
		if a.Classes[b] != 0 {
			return nil
		}
	}
	fc := a.Classes
	for b := 'A'; b <= 'Z'; b++ {
		fc[b] = a.Classes[b+'a'-'A']
	}
	return &fc
}

// scanFolding is scan of text's ASCII lower-case form; a.Folding must be
// set.
func (a *Substrings) ScanFolding(text []byte, hit func(id int32)) {
	next, classes, end := a.next, a.Folding, uint32(a.denseEnd)
	s := int32(0)
	for i := 0; i < len(text); i++ {
		s = next[s+int32(classes[text[i]])]
		if uint32(s) >= end { // a needle ends here, or a deep state
			s, i = a.slowScan(unsafe.String(unsafe.SliceData(text), len(text)), i, s, classes, hit) // index_ac_layout.go
		}
	}
}
