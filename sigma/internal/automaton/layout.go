package automaton

import "bytes"

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

// maxDenseTable bounds the dense rows of one automaton: with many needles
// that share few prefixes (a large rule set), the states up to denseDepth
// grow with the needles, and rows for all of them would cost nClasses × 4
// bytes per state for states that a scan rarely reaches. The breadth-first
// numbering keeps the shallow (hot) states dense.
var maxDenseTable = 4 << 20

// An automaton whose dense rows up to denseDepth would exceed
// largeDenseBytes (a large rule set's CommandLine, Image, keyword
// automata) gets dense rows up to largeDenseDepth bytes only. Its states
// four to six bytes deep are most of those rows, each a copy of a shallower
// row but for a child or two, and a scan reaches them only after matching
// a needle's first four bytes. SigmaHQ grown 10 times: live heap 229.9 ->
// 215.6 MB (1x: 26.7 -> 24.7 MB), Sysmon and syslog lanes as fast.
const (
	largeDenseBytes = 1 << 20
	largeDenseDepth = 3
)

// compile numbers t's states breadth-first, computes failure links and
// output lists, and lays out the dense rows and deep lists.
func (a *Substrings) compile(t *sparseTrie, maxDense int) {
	g := bfsOrder(t)
	nStates := len(g.order)
	a.outStart = make([]int32, nStates+1)
	ownStart, ownIDs := t.outputs()
	// Count, then fill: the output list is allocated once at its size.
	var scratch []int32
	total := 0
	for n := range g.order {
		scratch = g.appendOutputs(scratch[:0], int32(n), ownStart, ownIDs)
		total += len(scratch)
	}
	a.outIDs = make([]int32, 0, total)
	for n := range g.order {
		a.outStart[n] = int32(len(a.outIDs))
		a.outIDs = g.appendOutputs(a.outIDs, int32(n), ownStart, ownIDs)
	}
	a.outStart[nStates] = int32(len(a.outIDs))
	nc := a.nClasses
	dense := nStates
	if nStates*nc*4 > maxDense {
		dense = denseStates(g.depth, nc, denseDepth)
		if dense*nc*4 > largeDenseBytes {
			dense = denseStates(g.depth, nc, largeDenseDepth)
		}
	}
	a.dense, a.denseEnd = int32(dense), int32(dense*nc)
	a.next = make([]int32, dense*nc)
	for n := 0; n < dense; n++ {
		row := a.next[n*nc : (n+1)*nc]
		if n > 0 { // a missing child goes where the failure state goes
			f := int(g.fail[n])
			copy(row, a.next[f*nc:(f+1)*nc])
		}
		for k := g.kids[n]; k < g.kids[n+1]; k++ {
			row[g.class[k]] = a.code(k)
		}
	}
	a.layoutDeep(g)
}

// denseStates is the number of states, in breadth-first order, that get
// dense rows: those up to depth bytes deep, within maxDenseTable.
func denseStates(depths []int32, nc, depth int) int {
	for n, d := range depths {
		if int(d) > depth || n*nc*4 > maxDenseTable {
			return n
		}
	}
	return len(depths)
}

// trieGraph is a trie in breadth-first numbering: the children of state n
// are the states kids[n] .. kids[n+1]-1.
type trieGraph struct {
	order []int32 // order[n]: the sparseTrie state numbered n
	kids  []int32
	class []uint8 // class of the edge into each state
	depth []int32
	fail  []int32
}

func bfsOrder(t *sparseTrie) *trieGraph {
	n := len(t.first)
	g := &trieGraph{order: make([]int32, 1, n), kids: make([]int32, n+1), class: make([]uint8, n), depth: make([]int32, n), fail: make([]int32, n)}
	parent := make([]int32, n)
	for head := 0; head < len(g.order); head++ {
		g.kids[head] = int32(len(g.order))
		for k := t.first[g.order[head]]; k != 0; k = t.sibling[k] {
			m := len(g.order)
			g.order = append(g.order, k)
			g.class[m], g.depth[m], parent[m] = t.class[k], g.depth[head]+1, int32(head)
		}
	}
	g.kids[n] = int32(n)
	for m := 1; m < n; m++ { // parents come first, so their links are known
		if p := parent[m]; p != 0 {
			g.fail[m] = g.step(g.fail[p], g.class[m])
		}
	}
	return g
}

// appendOutputs appends to dst the output ids of state n, each once: the
// ids of the needles ending at n or at a state on its failure chain.
func (g *trieGraph) appendOutputs(dst []int32, n int32, ownStart, ownIDs []int32) []int32 {
	start := len(dst)
	for u := n; u != 0; u = g.fail[u] {
		s := g.order[u]
		for _, id := range ownIDs[ownStart[s]:ownStart[s+1]] {
			if !containsID(dst[start:], id) {
				dst = append(dst, id)
			}
		}
	}
	return dst
}

// child returns u's child on class c, or 0.
func (g *trieGraph) child(u int32, c uint8) int32 {
	for k := g.kids[u]; k < g.kids[u+1]; k++ {
		if g.class[k] == c {
			return k
		}
	}
	return 0
}

// step is the automaton transition from u on class c.
func (g *trieGraph) step(u int32, c uint8) int32 {
	for {
		if k := g.child(u, c); k != 0 || u == 0 {
			return k
		}
		u = g.fail[u]
	}
}

// layoutDeep gives every deep state its transitions as a short list: the
// trie children of each state on its failure chain down to the first dense
// state (the nearest state's child wins a class), and that dense state,
// whose row answers every other class. One deep step is then one list scan
// and at most one row lookup. The lists are counted first, so that they
// are allocated once at their size, and kept as two flat arrays: the
// classes, scanned, and the codes, read once.
func (a *Substrings) layoutDeep(g *trieGraph) {
	nStates := int32(len(g.order))
	deep := nStates - a.dense
	a.deepStart = make([]int32, deep+1)
	a.deepRow = make([]int32, deep)
	var classes []uint8
	total := 0
	for n := a.dense; n < nStates; n++ {
		classes, _ = a.appendDeepEdges(classes[:0], nil, g, n)
		total += len(classes)
	}
	a.deepClass = make([]uint8, 0, total)
	a.deepCode = make([]int32, 0, total)
	for n := a.dense; n < nStates; n++ {
		k := n - a.dense
		a.deepStart[k] = int32(len(a.deepClass))
		a.deepClass, a.deepCode = a.appendDeepEdges(a.deepClass, a.deepCode, g, n)
	}
	a.deepStart[deep] = int32(len(a.deepClass))
}

// appendDeepEdges appends the listed transitions of the deep state n to
// classes and codes (codes nil: classes only), and sets n's fallback row.
func (a *Substrings) appendDeepEdges(classes []uint8, codes []int32, g *trieGraph, n int32) ([]uint8, []int32) {
	start := len(classes)
	m := n
	for m >= a.dense {
		for kid := g.kids[m]; kid < g.kids[m+1]; kid++ {
			if c := g.class[kid]; bytes.IndexByte(classes[start:], c) < 0 {
				classes = append(classes, c)
				if codes != nil {
					codes = append(codes, a.code(kid))
				}
			}
		}
		m = g.fail[m]
	}
	a.deepRow[n-a.dense] = m * int32(a.nClasses)
	return classes, codes
}

// code returns the transition code of state n.
func (a *Substrings) code(n int32) int32 {
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
func (a *Substrings) state(code int32) int32 {
	if code < a.denseEnd {
		return code / int32(a.nClasses)
	}
	return a.dense + code - a.denseEnd
}

// deepStep returns the code of the transition from the deep state with
// (non-negative) code s on class c.
func (a *Substrings) deepStep(s, c int32) int32 {
	k := s - a.denseEnd
	start := a.deepStart[k]
	for i, class := range a.deepClass[start:a.deepStart[k+1]] {
		if int32(class) == c {
			return a.deepCode[int(start)+i]
		}
	}
	return a.next[a.deepRow[k]+c]
}

// slowScan continues a scan whose step on text[i] reached code s, which has
// outputs or is a deep state: it reports outputs and takes deep steps until
// a dense state is reached or the text ends, and returns that state's code
// and the index of the last byte consumed.
func (a *Substrings) slowScan(text string, i int, s int32, classes *[256]uint8, hit func(id int32)) (int32, int) {
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
func (a *Substrings) emit(s int32, hit func(id int32)) {
	st := a.state(s)
	for _, id := range a.outIDs[a.outStart[st]:a.outStart[st+1]] {
		hit(id)
	}
}
