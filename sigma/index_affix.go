package sigma

// affixSet finds which needles are prefixes (or, built reversed, suffixes) of
// a text by walking a trie from one end of the text: the cost is bounded by
// the longest needle, not by the text length, which makes anchored witnesses
// (startswith/endswith literals) much cheaper than substring scanning.
type affixSet struct {
	reverse bool
	root    [256]int32 // first byte → node, 0 = none
	nodes   []affixNode
}

type affixNode struct {
	edges    []byte
	children []int32
	outputs  []int32
}

// newAffixSet builds the set; with reverse, needles are matched as suffixes.
func newAffixSet(needles []string, ids []int32, reverse bool) *affixSet {
	a := &affixSet{reverse: reverse, nodes: make([]affixNode, 1)}
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
			node = a.child(node, b)
		}
		n := &a.nodes[node]
		if len(n.outputs) == 0 || n.outputs[len(n.outputs)-1] != ids[i] {
			n.outputs = append(n.outputs, ids[i])
		}
	}
	return a
}

// child returns (creating) the child of node for byte b.
func (a *affixSet) child(node int32, b byte) int32 {
	if node == 0 {
		if a.root[b] == 0 {
			a.root[b] = int32(len(a.nodes))
			a.nodes = append(a.nodes, affixNode{})
		}
		return a.root[b]
	}
	n := &a.nodes[node]
	for k, e := range n.edges {
		if e == b {
			return n.children[k]
		}
	}
	id := int32(len(a.nodes))
	n.edges = append(n.edges, b)
	n.children = append(n.children, id)
	a.nodes = append(a.nodes, affixNode{})
	return id
}

// match calls hit for every needle that is a prefix (suffix) of text.
func (a *affixSet) match(text string, hit func(id int32)) {
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
		n := &a.nodes[node]
		for _, id := range n.outputs {
			hit(id)
		}
		if i == len(text) {
			return
		}
		b, next := at(i), int32(0)
		for k, e := range n.edges {
			if e == b {
				next = n.children[k]
				break
			}
		}
		node = next
	}
}

// size returns the approximate memory of the trie in bytes.
func (a *affixSet) size() int {
	s := 4 * 256
	for _, n := range a.nodes {
		s += 64 + len(n.edges) + 4*len(n.children) + 4*len(n.outputs)
	}
	return s
}
