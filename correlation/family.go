package correlation

import (
	"encoding/binary"
	"slices"
	"sort"
)

// shuffleIndex is what Apply and PartitionKey need beyond the compiled
// rules: correlations by stable key and the family of each correlation.
type shuffleIndex struct {
	byKey  map[string]*compiled
	family []family // by correlation index
}

// family places a correlation's groups: correlations linked by chaining
// form one family, whose groups must live together wherever a child's
// result reaches its parent. id names the family (its smallest stable key);
// fields are the positions, in the correlation's GroupBy, of the names
// every member of the family groups by (sorted by name), so that a child's
// group and the parent group its results feed share their values.
type family struct {
	id     string
	fields []int
}

func (e *Engine) shuffleIndex() *shuffleIndex {
	if e.shuffle != nil {
		return e.shuffle
	}
	idx := &shuffleIndex{byKey: make(map[string]*compiled, len(e.corrs)), family: make([]family, len(e.corrs))}
	for _, c := range e.corrs {
		idx.byKey[c.rule.StableKey()] = c
	}
	members := e.families()
	for _, fam := range members {
		id := e.corrs[fam[0]].rule.StableKey()
		common := map[string]int{}
		for _, ci := range fam {
			id = min(id, e.corrs[ci].rule.StableKey())
			for _, name := range uniqueNames(e.corrs[ci].rule.GroupBy) {
				common[name]++
			}
		}
		var names []string
		for name, n := range common {
			if n == len(fam) {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, ci := range fam {
			f := family{id: id}
			for _, name := range names {
				f.fields = append(f.fields, slices.Index(e.corrs[ci].rule.GroupBy, name))
			}
			idx.family[ci] = f
		}
	}
	e.shuffle = idx
	return idx
}

// families groups correlation indices linked by chaining (union-find over
// the parent links), each family in ascending order.
func (e *Engine) families() [][]int {
	parent := make([]int, len(e.corrs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, c := range e.corrs {
		for _, l := range c.parents {
			a, b := find(i), find(l.corr)
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	byRoot := map[int][]int{}
	var roots []int
	for i := range e.corrs {
		r := find(i)
		if _, ok := byRoot[r]; !ok {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], i)
	}
	out := make([][]int, 0, len(roots))
	for _, r := range roots {
		out = append(out, byRoot[r])
	}
	return out
}

func uniqueNames(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return slices.Compact(out)
}

// PartitionKey appends the bytes that decide where ct's group lives: its
// correlation family and the values of the group-by names the whole family
// shares. Every group a chain of correlations can reach from ct's group has
// the same partition key, so a fleet that places groups by it keeps chains
// on one member. ct must come from Contributions on this engine.
func (e *Engine) PartitionKey(dst []byte, ct *Contribution) []byte {
	f := e.shuffleIndex().family[ct.corr]
	dst = append(dst, f.id...)
	dst = append(dst, 0)
	for _, pos := range f.fields {
		dst = appendComponent(dst, ct.Key, pos)
	}
	return dst
}

// appendComponent appends component pos of an encoded group key (see
// encodeKey) in the same encoding; a malformed key appends a missing
// component.
func appendComponent(dst, key []byte, pos int) []byte {
	for i := 0; len(key) > 0; i++ {
		if key[0] == 0 {
			if i == pos {
				return append(dst, 0)
			}
			key = key[1:]
			continue
		}
		n, w := binary.Uvarint(key[1:])
		end := 1 + w + int(n)
		if w <= 0 || end > len(key) {
			break
		}
		if i == pos {
			return append(dst, key[:end]...)
		}
		key = key[end:]
	}
	return append(dst, 0)
}
