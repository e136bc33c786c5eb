package automaton

import (
	"slices"
	"strings"
)

// Affixes finds which needles are prefixes (or, built reversed, suffixes) of
// a text by walking a trie from one end of the text: the cost is bounded by
// the longest needle, not by the text length, which makes anchored witnesses
// (startswith/endswith literals) much cheaper than substring scanning.
type Affixes struct {
	reverse bool
	root    [256]int32 // first byte → node, 0 = none
	// Node n's edges are on the bytes edgeBytes[edgeStart[n]:edgeStart[n+1]],
	// edge j to node j+1; its outputs are outIDs[outStart[n]:outStart[n+1]]:
	// flat arrays, built once all needles are in (NewAffixes, flatten).
	edgeStart, outStart []int32
	edgeBytes           []byte
	outIDs              []int32
}

// NewAffixes builds the set; with reverse, needles are matched as suffixes.
// The needles are inserted in sorted order, so that each one shares with
// the trie exactly its common prefix with the previous one: no child is
// ever searched for, and building is linear in the needles' bytes (plus
// the sort), however many children a node has.
func NewAffixes(needles []string, ids []int32, reverse bool) *Affixes {
	keys := make([]string, len(needles))
	order := make([]int32, 0, len(needles))
	for i, nd := range needles {
		if nd == "" {
			continue
		}
		keys[i] = nd
		if reverse {
			keys[i] = reversed(nd)
		}
		order = append(order, int32(i))
	}
	slices.SortStableFunc(order, func(x, y int32) int { return strings.Compare(keys[x], keys[y]) })
	// Node 0 is the root; nodes are numbered in creation order, which puts
	// every node's children in byte order and the outputs in node order.
	// Allocated at their size: a large set leaves no grown copies behind.
	nodes := trieStates(keys, order)
	b := affixBuild{parent: make([]int32, 1, nodes), label: make([]byte, 1, nodes),
		outNode: make([]int32, 0, len(order)), outIDs: make([]int32, 0, len(order))}
	path := []int32{0} // path[d]: the node of the previous key's first d bytes
	prev := ""
	for _, i := range order {
		k := keys[i]
		common := commonPrefix(k, prev)
		path = path[:common+1]
		for d := common; d < len(k); d++ {
			path = append(path, int32(len(b.parent)))
			b.parent = append(b.parent, path[d])
			b.label = append(b.label, k[d])
		}
		end := path[len(k)]
		if n := len(b.outNode); n == 0 || b.outNode[n-1] != end || b.outIDs[n-1] != ids[i] {
			b.outNode = append(b.outNode, end)
			b.outIDs = append(b.outIDs, ids[i])
		}
		prev = k
	}
	a := &Affixes{reverse: reverse}
	a.flatten(&b)
	return a
}

// affixBuild is the trie while it is built: each node's parent and the byte
// of its edge, and the outputs as (node, id) pairs in node order.
type affixBuild struct {
	parent  []int32
	label   []byte
	outNode []int32
	outIDs  []int32
}

func reversed(s string) string {
	b := make([]byte, len(s))
	for i := range len(s) {
		b[i] = s[len(s)-1-i]
	}
	return string(b)
}

// flatten lays the built trie out in the flat arrays, renumbering the
// nodes breadth-first with each node's children in byte order: edge j then
// leads to node j+1, so the edges need no target array (4 bytes per node,
// ~3 MB over the affix tries of SigmaHQ grown 10 times). The root's
// children are also in root, for the first step.
func (a *Affixes) flatten(b *affixBuild) {
	n := len(b.parent)
	// Children per node in creation order: creation order puts each node's
	// children in byte order (the keys were inserted sorted).
	kidStart := make([]int32, n+1)
	for m := 1; m < n; m++ {
		kidStart[b.parent[m]+1]++
	}
	for m := 1; m <= n; m++ {
		kidStart[m] += kidStart[m-1]
	}
	kids := make([]int32, n)
	fill := slices.Clone(kidStart[:n])
	for m := 1; m < n; m++ {
		p := b.parent[m]
		kids[fill[p]] = int32(m)
		fill[p]++
	}
	// Breadth-first: order[id] is the built node with new number id.
	order := make([]int32, 1, n)
	newID := make([]int32, n)
	a.edgeStart = make([]int32, n+1)
	a.edgeBytes = make([]byte, 0, n-1)
	for id := 0; id < len(order); id++ {
		a.edgeStart[id] = int32(len(a.edgeBytes))
		for _, kid := range kids[kidStart[order[id]]:kidStart[order[id]+1]] {
			newID[kid] = int32(len(order))
			order = append(order, kid)
			a.edgeBytes = append(a.edgeBytes, b.label[kid])
		}
	}
	a.edgeStart[n] = int32(len(a.edgeBytes))
	for _, kid := range kids[kidStart[0]:kidStart[1]] {
		a.root[b.label[kid]] = newID[kid]
	}
	// Outputs by new number; b lists them in built-node order.
	a.outStart = make([]int32, n+1)
	for _, m := range b.outNode {
		a.outStart[newID[m]+1]++
	}
	for id := 1; id <= n; id++ {
		a.outStart[id] += a.outStart[id-1]
	}
	a.outIDs = make([]int32, len(b.outIDs))
	next := slices.Clone(a.outStart[:n])
	for k, m := range b.outNode { // a node's outputs keep their order
		a.outIDs[next[newID[m]]] = b.outIDs[k]
		next[newID[m]]++
	}
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
				next = start + int32(k) + 1 // edge j leads to node j+1 (flatten)
				break
			}
		}
		node = next
	}
}

// size returns the approximate memory of the trie in bytes.
func (a *Affixes) Size() int {
	return 4*(256+len(a.edgeStart)+len(a.outStart)+len(a.outIDs)) + len(a.edgeBytes)
}
