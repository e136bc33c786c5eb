package sigma

// Automaton layout. A dense DFA row per state costs nClasses × 4 bytes; the
// corpus's automata have tens of thousands of states (CommandLine alone
// 20k × 73 classes, ~6 MB), yet a scan spends almost all its steps in the
// few states near the root. States are therefore numbered breadth-first and,
// in large automata, only those up to denseDepth bytes deep get dense rows.
// A deeper state lists its transitions sparsely (the trie children along
// its failure chain, layoutDeep) and falls back to the row of the first
// dense state on that chain: the same transitions, with the hot rows
// together in cache and the large tables several times smaller.
//
// A transition target is a code: state n < dense is n*nClasses (its row
// offset), a deep state n is denseEnd + n - dense; the code is negated when
// the state has outputs (the root, code 0, never has).

// An automaton whose dense table would exceed maxDenseBytes gets dense rows
// for the states up to denseDepth bytes deep only; smaller ones stay fully
// dense. Measured on the Sysmon lane: 256 KiB and depth 6 as fast as all
// dense (live heap of the compiled corpus 45.7 -> 38.8 MB); splitting every
// automaton at depth 3 (34.0 MB) was about 5% slower.
const (
	maxDenseBytes = 256 << 10
	denseDepth    = 6
)

// trieShape is what link learns about the trie, by old state number.
type trieShape struct {
	depth    []int32
	inClass  []uint8 // class of the edge into the state
	firstKid []int32 // position in breadth-first order of the first child
}

// layout numbers the states in breadth-first order (order[n] becomes n;
// a.outStart is already by new number), builds the dense rows from the
// DFA table in a.next (by old number) and the deep states' sparse data.
func (a *substringSet) layout(order, fail []int32, tr *trieShape, maxDense int) {
	nc := a.nClasses
	nStates := len(order)
	dense := nStates
	for n, s := range order {
		if nStates*nc*4 > maxDense && tr.depth[s] > denseDepth {
			dense = n
			break
		}
	}
	a.dense, a.denseEnd = int32(dense), int32(dense*nc)
	newID := make([]int32, nStates)
	for n, s := range order {
		newID[s] = int32(n)
	}
	next := make([]int32, dense*nc)
	for n := 0; n < dense; n++ {
		row := a.next[int(order[n])*nc:][:nc]
		for c, t := range row {
			next[n*nc+c] = a.code(newID[t])
		}
	}
	a.next = next
	a.layoutDeep(order, fail, tr, newID)
}

// layoutDeep gives every deep state its transitions as a short list: the
// trie children of each state on its failure chain down to the first dense
// state (the nearest state's child wins a class), and that dense state,
// whose row answers every other class. One deep step is then one list scan
// and at most one row lookup.
func (a *substringSet) layoutDeep(order, fail []int32, tr *trieShape, newID []int32) {
	nStates := len(order)
	dense := int(a.dense)
	a.deepStart = make([]int32, nStates-dense+1)
	a.deepRow = make([]int32, nStates-dense)
	for n := dense; n < nStates; n++ {
		k := n - dense
		a.deepStart[k] = int32(len(a.deepEdges))
		start := len(a.deepEdges)
		m := int32(n)
		for m >= a.dense {
			for _, kid := range childrenOf(order, tr, int(m)) {
				c := tr.inClass[order[kid]]
				if !hasEdgeClass(a.deepEdges[start:], c) {
					a.deepEdges = append(a.deepEdges, deepEdge{class: c, code: a.code(kid)})
				}
			}
			m = newID[fail[order[m]]]
		}
		a.deepRow[k] = m * int32(a.nClasses)
	}
	a.deepStart[nStates-dense] = int32(len(a.deepEdges))
}

// deepEdge is one listed transition of a deep state.
type deepEdge struct {
	class uint8
	code  int32
}

func hasEdgeClass(edges []deepEdge, c uint8) bool {
	for _, e := range edges {
		if e.class == c {
			return true
		}
	}
	return false
}

// childrenOf returns the new numbers of state n's trie children: a range
// of breadth-first positions.
func childrenOf(order []int32, tr *trieShape, n int) []int32 {
	first := tr.firstKid[order[n]]
	end := int32(len(order))
	if n+1 < len(order) {
		end = tr.firstKid[order[n+1]]
	}
	ids := make([]int32, 0, end-first)
	for p := first; p < end; p++ {
		ids = append(ids, p)
	}
	return ids
}

// code returns the transition code of state n.
func (a *substringSet) code(n int32) int32 {
	c := n * int32(a.nClasses)
	if n >= a.dense {
		c = a.denseEnd + n - a.dense
	}
	if a.outStart[n] < a.outStart[n+1] {
		c = -c
	}
	return c
}

// state returns the state number of a non-negative code.
func (a *substringSet) state(code int32) int32 {
	if code < a.denseEnd {
		return code / int32(a.nClasses)
	}
	return a.dense + code - a.denseEnd
}

// deepStep returns the code of the transition from the deep state with
// (non-negative) code s on class c.
func (a *substringSet) deepStep(s, c int32) int32 {
	k := s - a.denseEnd
	for _, e := range a.deepEdges[a.deepStart[k]:a.deepStart[k+1]] {
		if int32(e.class) == c {
			return e.code
		}
	}
	return a.next[a.deepRow[k]+c]
}

// slowScan continues a scan whose step on text[i] reached code s, which has
// outputs or is a deep state: it reports outputs and takes deep steps until
// a dense state is reached or the text ends, and returns that state's code
// and the index of the last byte consumed.
func (a *substringSet) slowScan(text string, i int, s int32, classes *[256]uint8, hit func(id int32)) (int32, int) {
	for {
		if s < 0 {
			s = -s
			a.emit(s, hit)
		}
		if s < a.denseEnd || i+1 >= len(text) {
			return s, i
		}
		i++
		s = a.deepStep(s, int32(classes[text[i]]))
	}
}

// emit reports the outputs of the state with (non-negative) code s.
func (a *substringSet) emit(s int32, hit func(id int32)) {
	st := a.state(s)
	for _, id := range a.outIDs[a.outStart[st]:a.outStart[st+1]] {
		hit(id)
	}
}
