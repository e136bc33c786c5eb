package sigma

// substringSet is an Aho-Corasick automaton compiled to a DFA over byte
// classes: scanning a text costs one table lookup per byte. Each needle
// carries an output id; scan reports the ids of every needle occurring in the
// text (possibly repeatedly).
type substringSet struct {
	classes  [256]uint8 // byte → class; class 0 is "no needle uses this byte"
	nClasses int
	next     []int32 // next[state*nClasses+class]
	// outputs of state s are outIDs[outStart[s]:outStart[s+1]], including
	// those of needles that end as suffixes of s.
	outStart []int32
	outIDs   []int32
}

// newSubstringSet builds the automaton for needles; ids[i] is reported for
// needles[i]. Empty needles are ignored.
func newSubstringSet(needles []string, ids []int32) *substringSet {
	a := &substringSet{}
	a.assignClasses(needles)
	nc := a.nClasses
	// Trie with dense rows; -1 = no edge yet. The capacity bounds the number
	// of states so that rows are appended without reallocation.
	maxStates := 1
	for _, nd := range needles {
		maxStates += len(nd)
	}
	a.next = make([]int32, nc, maxStates*nc)
	fill(a.next, -1)
	own := [][]int32{nil}
	for i, nd := range needles {
		if nd == "" {
			continue
		}
		s := int32(0)
		for j := 0; j < len(nd); j++ {
			c := int(a.classes[nd[j]])
			t := a.next[int(s)*nc+c]
			if t < 0 {
				t = int32(len(own))
				own = append(own, nil)
				start := len(a.next)
				a.next = a.next[:start+nc]
				fill(a.next[start:], -1)
				a.next[int(s)*nc+c] = t
			}
			s = t
		}
		own[s] = append(own[s], ids[i])
	}
	a.link(own)
	a.next = append([]int32(nil), a.next...) // drop the unused capacity
	return a
}

func fill(s []int32, v int32) {
	for i := range s {
		s[i] = v
	}
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
// DFA, and flattens the output lists.
func (a *substringSet) link(own [][]int32) {
	nc := a.nClasses
	nStates := len(own)
	fail := make([]int32, nStates)
	queue := make([]int32, 0, nStates)
	for c := 0; c < nc; c++ {
		t := a.next[c]
		if t < 0 {
			a.next[c] = 0
			continue
		}
		fail[t] = 0
		queue = append(queue, t)
	}
	outs := make([][]int32, nStates)
	outs[0] = own[0]
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(append([]int32(nil), own[s]...), outs[fail[s]]...)
		for c := 0; c < nc; c++ {
			i := int(s)*nc + c
			t := a.next[i]
			if t < 0 {
				a.next[i] = a.next[int(fail[s])*nc+c]
				continue
			}
			fail[t] = a.next[int(fail[s])*nc+c]
			queue = append(queue, t)
		}
	}
	a.outStart = make([]int32, nStates+1)
	for s := 0; s < nStates; s++ {
		a.outStart[s] = int32(len(a.outIDs))
		a.outIDs = append(a.outIDs, dedupIDs(outs[s])...)
	}
	a.outStart[nStates] = int32(len(a.outIDs))
	a.encode()
}

func dedupIDs(ids []int32) []int32 {
	out := ids[:0:0]
	for _, id := range ids {
		dup := false
		for _, o := range out {
			if o == id {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, id)
		}
	}
	return out
}

// scan calls hit for the output ids of every needle occurrence in text.
func (a *substringSet) scan(text string, hit func(id int32)) {
	next, classes := a.next, &a.classes
	s := int32(0)
	for i := 0; i < len(text); i++ {
		s = next[s+int32(classes[text[i]])]
		if s < 0 { // a needle ends here
			s = -s
			st := s / int32(a.nClasses)
			for _, id := range a.outIDs[a.outStart[st]:a.outStart[st+1]] {
				hit(id)
			}
		}
	}
}

// containsAny reports whether any needle occurs in text. It is exact for
// ASCII needles (non-ASCII bytes share a class).
func (a *substringSet) containsAny(text string) bool {
	next, classes := a.next, &a.classes
	s := int32(0)
	for i := 0; i < len(text); i++ {
		s = next[s+int32(classes[text[i]])]
		if s < 0 {
			return true
		}
	}
	return false
}

// encode rewrites the transition table so that scan needs one load per byte:
// targets are pre-multiplied row offsets, negated when the target state has
// outputs (the root never has outputs, so 0 is unambiguous).
func (a *substringSet) encode() {
	nc := int32(a.nClasses)
	for i, t := range a.next {
		off := t * nc
		if a.outStart[t] < a.outStart[t+1] {
			off = -off
		}
		a.next[i] = off
	}
}

// states returns the number of DFA states (for size reporting).
func (a *substringSet) states() int { return len(a.outStart) - 1 }

// size returns the approximate memory of the automaton in bytes.
func (a *substringSet) size() int { return 4 * (len(a.next) + len(a.outStart) + len(a.outIDs)) }
