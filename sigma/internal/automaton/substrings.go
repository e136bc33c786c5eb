package automaton

import (
	"bytes"
	"slices"
)

// Substrings is an Aho-Corasick automaton compiled to a DFA over byte
// classes: scanning a text costs one table lookup per byte. Each needle
// carries an output id; scan reports the ids of every needle occurring in the
// text (possibly repeatedly).
type Substrings struct {
	Classes  [256]uint8 // byte → class; class 0 is "no needle uses this byte"
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
	// deep state k's listed transitions are on the classes
	// deepClass[deepStart[k]:deepStart[k+1]] to the codes deepCode[same];
	// other classes go by the dense row at deepRow[k].
	deepStart []int32
	deepRow   []int32
	deepClass []uint8
	deepCode  []int32
	// folding is classes with A-Z mapped like a-z, nil when a needle has an
	// upper-case letter (index_ac_fold.go).
	Folding *[256]uint8
}

// NewSubstrings builds the automaton for needles; ids[i] is reported for
// needles[i]. Empty needles are ignored.
func NewSubstrings(needles []string, ids []int32) *Substrings {
	return buildSubstrings(needles, ids, maxDenseBytes)
}

// buildSubstrings is NewSubstrings with dense rows for every state
// when the dense table fits maxDense bytes (index_ac_layout.go).
func buildSubstrings(needles []string, ids []int32, maxDense int) *Substrings {
	a := &Substrings{}
	a.assignClasses(needles)
	keys, order := a.sortedClassKeys(needles)
	t := newSparseTrie(trieStates(keys, order), len(order))
	for _, i := range order {
		s := int32(0)
		for _, c := range keys[i] {
			s = t.addSorted(s, c)
		}
		t.ownState = append(t.ownState, s)
		t.ownID = append(t.ownID, ids[i])
	}
	a.compile(t, maxDense) // index_ac_layout.go
	a.Folding = a.foldClasses()
	return a
}

// sparseTrie is the needle trie while it is built: each state's children
// form a list (first child, next sibling; 0 ends it, the root is never a
// child), so building costs memory per state, not per state and class.
type sparseTrie struct {
	first, sibling []int32
	class          []uint8 // class of the edge into the state
	// ownState[k] is the state where needle k ends, ownID[k] its output id:
	// flat and pointer-free, so that growing them is a plain copy even
	// while the collector runs (a slice per state was most of the build
	// time of a large automaton).
	ownState, ownID []int32
}

// newSparseTrie returns a trie holding only the root, with room for
// states states and needles needles: the build then appends without
// growing, so a large automaton leaves no garbage of grown copies behind
// (SigmaHQ grown 10 times: ~300k states, several MB per array).
func newSparseTrie(states, needles int) *sparseTrie {
	return &sparseTrie{first: make([]int32, 1, states), sibling: make([]int32, 1, states), class: make([]uint8, 1, states),
		ownState: make([]int32, 0, needles), ownID: make([]int32, 0, needles)}
}

// trieStates is the number of states of the trie of keys (root included),
// given in sorted order: each key adds a state per byte past its common
// prefix with the key before it. Substrings and Affixes size their build
// arrays with it.
func trieStates[K ~string | ~[]byte](keys []K, order []int32) int {
	n := 1
	var prev K
	for _, i := range order {
		n += len(keys[i]) - commonPrefix(keys[i], prev)
		prev = keys[i]
	}
	return n
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix[K ~string | ~[]byte](a, b K) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// outputs groups the needle outputs by state: the ids of needles ending at
// state s are ids[start[s]:start[s+1]], in insertion order.
func (t *sparseTrie) outputs() (start, ids []int32) {
	n := len(t.first)
	start = make([]int32, n+1)
	for _, s := range t.ownState {
		start[s+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	ids = make([]int32, len(t.ownID))
	fill := slices.Clone(start[:n])
	for k, s := range t.ownState {
		ids[fill[s]] = t.ownID[k]
		fill[s]++
	}
	return start, ids
}

// sortedClassKeys returns every needle as its string of classes, and the
// indexes of the non-empty needles sorted by those keys (stable).
func (a *Substrings) sortedClassKeys(needles []string) ([][]byte, []int32) {
	total := 0
	for _, nd := range needles {
		total += len(nd)
	}
	buf := make([]byte, 0, total)
	keys := make([][]byte, len(needles))
	order := make([]int32, 0, len(needles))
	for i, nd := range needles {
		if nd == "" {
			continue
		}
		start := len(buf)
		for j := 0; j < len(nd); j++ {
			buf = append(buf, a.Classes[nd[j]])
		}
		keys[i] = buf[start:len(buf):len(buf)]
		order = append(order, int32(i))
	}
	slices.SortStableFunc(order, func(x, y int32) int { return bytes.Compare(keys[x], keys[y]) })
	return keys, order
}

// addSorted is add for keys inserted in sorted order: a child of s on c,
// if there is one, is the newest child of s, so no sibling list is
// searched (which made building super-linear in the needles of a large
// rule set, whose shallow states have many children).
func (t *sparseTrie) addSorted(s int32, c uint8) int32 {
	if k := t.first[s]; k != 0 && t.class[k] == c {
		return k
	}
	k := int32(len(t.first))
	t.first = append(t.first, 0)
	t.sibling = append(t.sibling, t.first[s])
	t.class = append(t.class, c)
	t.first[s] = k
	return k
}

// assignClasses gives every ASCII byte used by a needle its own class and
// all non-ASCII bytes one shared class. Sharing a class can only add
// matches (a needle with é also "occurs" where ñ is), never lose one, which is
// all a witness needs; it keeps rows short for needles with Unicode text.
func (a *Substrings) assignClasses(needles []string) {
	n := 1
	high := uint8(0)
	for _, nd := range needles {
		for j := 0; j < len(nd); j++ {
			b := nd[j]
			switch {
			case a.Classes[b] != 0:
			case b >= 0x80:
				if high == 0 {
					high = uint8(n)
					n++
				}
			default:
				a.Classes[b] = uint8(n)
				n++
			}
		}
	}
	if high != 0 {
		for b := 0x80; b < 256; b++ {
			a.Classes[b] = high
		}
	}
	a.nClasses = n
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
func (a *Substrings) Scan(text string, hit func(id int32)) {
	next, classes, end := a.next, &a.Classes, uint32(a.denseEnd)
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
func (a *Substrings) ContainsAny(text string) bool {
	return a.ContainsAnyClasses(text, &a.Classes)
}

// containsAnyClasses is containsAny with the class table classes (a.Classes
// or a.Folding).
func (a *Substrings) ContainsAnyClasses(text string, classes *[256]uint8) bool {
	next, denseEnd := a.next, a.denseEnd
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
func (a *Substrings) States() int { return len(a.outStart) - 1 }

// size returns the approximate memory of the automaton in bytes.
func (a *Substrings) Size() int {
	return 4*(len(a.next)+len(a.outStart)+len(a.outIDs)+len(a.deepStart)+len(a.deepRow)+len(a.deepCode)) + len(a.deepClass)
}

// ClassTables returns the class tables: as the needles are, and with A-Z
// folded (nil when a needle has an upper-case letter).
func (a *Substrings) ClassTables() (cased, folding *[256]uint8) { return &a.Classes, a.Folding }
