package automaton

// Affixes finds which needles are prefixes (or, built reversed, suffixes) of
// a text by walking a trie from one end of the text: the cost is bounded by
// the longest needle, not by the text length, which makes anchored witnesses
// (startswith/endswith literals) much cheaper than substring scanning.
type Affixes struct {
	reverse bool
	root    [256]int32 // first byte → node, 0 = none
	// Node n's edges are edgeBytes/edgeKids[edgeStart[n]:edgeStart[n+1]],
	// its outputs outIDs[outStart[n]:outStart[n+1]]: flat arrays, built
	// from the affixNode tree once all needles are in.
	edgeStart, outStart []int32
	edgeBytes           []byte
	edgeKids, outIDs    []int32
}

// affixNode is a trie node while the set is built.
type affixNode struct {
	edges    []byte
	children []int32
	outputs  []int32
}

// NewAffixes builds the set; with reverse, needles are matched as suffixes.
func NewAffixes(needles []string, ids []int32, reverse bool) *Affixes {
	a := &Affixes{reverse: reverse}
	nodes := make([]affixNode, 1)
	for i, nd := range needles {
		if nd == "" {
			continue
		}
		node := int32(0)
		for j := 0; j < len(nd); j++ {
			b := nd[j]
			if reverse {
				b = nd[len(nd)-1-j]
			}
			node, nodes = a.child(nodes, node, b)
		}
		n := &nodes[node]
		if len(n.outputs) == 0 || n.outputs[len(n.outputs)-1] != ids[i] {
			n.outputs = append(n.outputs, ids[i])
		}
	}
	a.flatten(nodes)
	return a
}

// child returns (creating) the child of node for byte b.
func (a *Affixes) child(nodes []affixNode, node int32, b byte) (int32, []affixNode) {
	if node == 0 {
		if a.root[b] == 0 {
			a.root[b] = int32(len(nodes))
			nodes = append(nodes, affixNode{})
		}
		return a.root[b], nodes
	}
	n := &nodes[node]
	for k, e := range n.edges {
		if e == b {
			return n.children[k], nodes
		}
	}
	id := int32(len(nodes))
	n.edges = append(n.edges, b)
	n.children = append(n.children, id)
	return id, append(nodes, affixNode{})
}

// flatten copies the built tree into the flat arrays.
func (a *Affixes) flatten(nodes []affixNode) {
	a.edgeStart = make([]int32, len(nodes)+1)
	a.outStart = make([]int32, len(nodes)+1)
	for i, n := range nodes {
		a.edgeStart[i] = int32(len(a.edgeBytes))
		a.edgeBytes = append(a.edgeBytes, n.edges...)
		a.edgeKids = append(a.edgeKids, n.children...)
		a.outStart[i] = int32(len(a.outIDs))
		a.outIDs = append(a.outIDs, n.outputs...)
	}
	a.edgeStart[len(nodes)] = int32(len(a.edgeBytes))
	a.outStart[len(nodes)] = int32(len(a.outIDs))
}

// match calls hit for every needle that is a prefix (suffix) of text.
func (a *Affixes) Match(text string, hit func(id int32)) {
	if len(text) == 0 {
		return
	}
	at := func(i int) byte {
		if a.reverse {
			return text[len(text)-1-i]
		}
		return text[i]
	}
	node := a.root[at(0)]
	for i := 1; node != 0; i++ {
		for _, id := range a.outIDs[a.outStart[node]:a.outStart[node+1]] {
			hit(id)
		}
		if i == len(text) {
			return
		}
		b, next := at(i), int32(0)
		start := a.edgeStart[node]
		for k, e := range a.edgeBytes[start:a.edgeStart[node+1]] {
			if e == b {
				next = a.edgeKids[int(start)+k]
				break
			}
		}
		node = next
	}
}

// size returns the approximate memory of the trie in bytes.
func (a *Affixes) Size() int {
	return 4*(256+len(a.edgeStart)+len(a.outStart)+len(a.edgeKids)+len(a.outIDs)) + len(a.edgeBytes)
}
