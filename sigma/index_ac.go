package sigma

import "sort"

// substringSet is an Aho-Corasick automaton compiled to a DFA over byte
// classes: scanning a text costs one table lookup per byte. Each needle
// carries an output id; scan reports the ids of every needle occurring in the
// text (possibly repeatedly).
type substringSet struct {
	classes  [256]uint8 // byte → class; class 0 is "no needle uses this byte"
	nClasses int
	next     []int32 // next[state*nClasses+class], dense states only
	// outputs of state s are outIDs[outStart[s]:outStart[s+1]], including
	// those of needles that end as suffixes of s.
	outStart []int32
	outIDs   []int32
	// States are numbered breadth-first; the first dense ones have rows in
	// next, the deeper ones are sparse (index_ac_layout.go).
	dense    int32
	denseEnd int32 // dense * nClasses: codes from here on are deep states
	// deep state k's listed transitions are deepEdges[deepStart[k]:
	// deepStart[k+1]]; other classes go by the dense row at deepRow[k].
	deepStart []int32
	deepRow   []int32
	deepEdges []deepEdge
	// folding is classes with A-Z mapped like a-z, nil when a needle has an
	// upper-case letter (index_ac_fold.go).
	folding *[256]uint8
}

// newSubstringSet builds the automaton for needles; ids[i] is reported for
// needles[i]. Empty needles are ignored.
func newSubstringSet(needles []string, ids []int32) *substringSet {
	return buildSubstringSet(needles, ids, maxDenseBytes)
}

// buildSubstringSet is newSubstringSet with dense rows for every state
// when the dense table fits maxDense bytes (index_ac_layout.go).
func buildSubstringSet(needles []string, ids []int32, maxDense int) *substringSet {
	a := &substringSet{}
	a.assignClasses(needles)
	nc := a.nClasses
	// Trie with dense rows; 0 = no edge (the root is never a child). The
	// table is sized exactly: one state per distinct needle prefix.
	nStates := countPrefixes(needles)
	a.next = make([]int32, nStates*nc)
	own := make([][]int32, 1, nStates)
	for i, nd := range needles {
		if nd == "" {
			continue
		}
		s := int32(0)
		for j := 0; j < len(nd); j++ {
			c := int(a.classes[nd[j]])
			t := a.next[int(s)*nc+c]
			if t == 0 {
				t = int32(len(own))
				own = append(own, nil)
				a.next[int(s)*nc+c] = t
			}
			s = t
		}
		own[s] = append(own[s], ids[i])
	}
	a.link(own, maxDense)
	a.folding = a.foldClasses()
	return a
}

// countPrefixes returns 1 + the number of distinct non-empty prefixes of
// needles after class mapping would merge nothing (an upper bound when
// non-ASCII bytes share a class).
func countPrefixes(needles []string) int {
	sorted := append([]string(nil), needles...)
	sort.Strings(sorted)
	n, prev := 1, ""
	for _, nd := range sorted {
		l := 0
		for l < len(nd) && l < len(prev) && nd[l] == prev[l] {
			l++
		}
		n += len(nd) - l
		prev = nd
	}
	return n
}

// assignClasses gives every ASCII byte used by a needle its own class and
// all non-ASCII bytes one shared class. Sharing a class can only add
// matches (a needle with é also "occurs" where ñ is), never lose one, which is
// all a witness needs; it keeps rows short for needles with Unicode text.
func (a *substringSet) assignClasses(needles []string) {
	n := 1
	high := uint8(0)
	for _, nd := range needles {
		for j := 0; j < len(nd); j++ {
			b := nd[j]
			switch {
			case a.classes[b] != 0:
			case b >= 0x80:
				if high == 0 {
					high = uint8(n)
					n++
				}
			default:
				a.classes[b] = uint8(n)
				n++
			}
		}
	}
	if high != 0 {
		for b := 0x80; b < 256; b++ {
			a.classes[b] = high
		}
	}
	a.nClasses = n
}

// link computes failure transitions breadth-first, turning the trie into a
// DFA, and flattens the output lists: the outputs of a state are its own
// needles plus those of every state on its failure chain.
func (a *substringSet) link(own [][]int32, maxDense int) {
	nc := a.nClasses
	nStates := len(own)
	fail := make([]int32, nStates)
	tr := trieShape{depth: make([]int32, nStates), inClass: make([]uint8, nStates), firstKid: make([]int32, nStates)}
	queue := make([]int32, 0, nStates)
	tr.firstKid[0] = 1
	for c := 0; c < nc; c++ {
		if t := a.next[c]; t != 0 {
			queue = append(queue, t)
			tr.depth[t], tr.inClass[t] = 1, uint8(c)
		}
	}
	for head := 0; head < len(queue); head++ {
		s := queue[head]
		tr.firstKid[s] = int32(len(queue)) + 1 // positions in order, below
		for c := 0; c < nc; c++ {
			i := int(s)*nc + c
			t := a.next[i]
			if t == 0 {
				a.next[i] = a.next[int(fail[s])*nc+c]
				continue
			}
			fail[t] = a.next[int(fail[s])*nc+c]
			tr.depth[t], tr.inClass[t] = tr.depth[s]+1, uint8(c)
			queue = append(queue, t)
		}
	}
	// order lists the states breadth-first (the root, then queue order);
	// renumbering them so keeps the shallow states, which a scan visits
	// on almost every byte, together in a few cache lines.
	order := append([]int32{0}, queue...)
	a.outStart = make([]int32, nStates+1)
	for n, s := range order {
		a.outStart[n] = int32(len(a.outIDs))
		start := len(a.outIDs)
		for t := s; t != 0; t = fail[t] {
			for _, id := range own[t] {
				if !containsID(a.outIDs[start:], id) {
					a.outIDs = append(a.outIDs, id)
				}
			}
		}
	}
	a.outStart[nStates] = int32(len(a.outIDs))
	a.layout(order, fail, &tr, maxDense) // index_ac_layout.go
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// scan calls hit for the output ids of every needle occurrence in text.
func (a *substringSet) scan(text string, hit func(id int32)) {
	next, classes, end := a.next, &a.classes, uint32(a.denseEnd)
	s := int32(0)
	for i := 0; i < len(text); i++ {
		s = next[s+int32(classes[text[i]])]
		if uint32(s) >= end { // a needle ends here, or a deep state
			s, i = a.slowScan(text, i, s, classes, hit) // index_ac_layout.go
		}
	}
}

// containsAny reports whether any needle occurs in text; exact for ASCII
// needles (non-ASCII bytes share one class).
func (a *substringSet) containsAny(text string) bool {
	next, classes, denseEnd := a.next, &a.classes, a.denseEnd
	s := int32(0)
	for i := 0; i < len(text); i++ {
		c := int32(classes[text[i]])
		if s < denseEnd {
			s = next[s+c]
		} else {
			s = a.deepStep(s, c)
		}
		if s < 0 {
			return true
		}
	}
	return false
}

// states returns the number of DFA states (for size reporting).
func (a *substringSet) states() int { return len(a.outStart) - 1 }

// size returns the approximate memory of the automaton in bytes.
func (a *substringSet) size() int {
	return 4*(len(a.next)+len(a.outStart)+len(a.outIDs)+len(a.deepStart)+len(a.deepRow)) + 8*len(a.deepEdges)
}
