package logsource

import (
	"slices"
	"strings"
)

// Dimension is what an event reveals about one logsource dimension
// (product, service or category). The zero value is unknown.
type Dimension struct {
	// Known reports whether the event reveals the dimension. When false the
	// dimension excludes no rule.
	Known bool
	// Names, when Known, are the values the event can have: lower case,
	// sorted, without duplicates. Known with no Names means the event is
	// none of the values this package knows of.
	Names []string
}

// Unknown is the Dimension of a value the event does not reveal.
func Unknown() Dimension { return Dimension{} }

// OneOf is the Dimension of an event whose value is one of names (none of
// them when names is empty). Names are lower-cased, sorted and deduplicated.
func OneOf(names ...string) Dimension {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, strings.ToLower(n))
	}
	slices.Sort(out)
	return Dimension{Known: true, Names: slices.Compact(out)}
}

// String renders d as "?" (unknown), "{}" or "{a,b}".
func (d Dimension) String() string {
	if !d.Known {
		return "?"
	}
	return "{" + strings.Join(d.Names, ",") + "}"
}

// Recognized is what an event reveals about its logsource.
type Recognized struct {
	Product, Service, Category Dimension
}

// String renders r as "product=… service=… category=…".
func (r Recognized) String() string {
	return "product=" + r.Product.String() + " service=" + r.Service.String() + " category=" + r.Category.String()
}

// setID names an interned Dimension of one dimension's setTable. 0 is
// unknown; every other id is a closed set.
type setID uint16

const unknownSet setID = 0

// setTable interns the closed sets of one dimension and holds its universe:
// every name a table, the catalogue or a declaration uses. It is filled
// while a Recognizer is built and read-only afterwards.
type setTable struct {
	sets   [][]string       // sets[id]; sets[0] (unknown) is nil
	ids    map[string]setID // canonical key of a closed set → id
	single map[string]setID // name → id of the set holding just that name
	known  map[string]bool  // the universe, lower case
}

func newSetTable() setTable {
	return setTable{sets: [][]string{nil}, ids: map[string]setID{}, single: map[string]setID{}, known: map[string]bool{}}
}

// learn adds names to the universe without interning a set.
func (t *setTable) learn(names ...string) {
	for _, n := range names {
		t.known[strings.ToLower(n)] = true
	}
}

// intern returns the id of d, adding its names to the universe.
func (t *setTable) intern(d Dimension) setID {
	if !d.Known {
		return unknownSet
	}
	d = OneOf(d.Names...)
	t.learn(d.Names...)
	key := "\x00" + strings.Join(d.Names, "\x00")
	if id, ok := t.ids[key]; ok {
		return id
	}
	if len(t.sets) > 1<<16-1 {
		panic("logsource: more than 65535 sets in one dimension")
	}
	id := setID(len(t.sets))
	t.sets = append(t.sets, d.Names)
	t.ids[key] = id
	if len(d.Names) == 1 {
		t.single[d.Names[0]] = id
	}
	return id
}

// union interns the union of two interned sets; unknown absorbs.
func (t *setTable) union(a, b setID) setID {
	if a == unknownSet || b == unknownSet {
		return unknownSet
	}
	if a == b {
		return a
	}
	return t.intern(OneOf(append(slices.Clone(t.sets[a]), t.sets[b]...)...))
}

// dimension returns the Dimension of id.
func (t *setTable) dimension(id setID) Dimension {
	if id == unknownSet {
		return Dimension{}
	}
	return Dimension{Known: true, Names: slices.Clone(t.sets[id])}
}

// admits reports whether a rule whose value for this dimension is rule
// (lower case, "" when the rule does not set it) may fire on an event whose
// dimension is id.
func (t *setTable) admits(id setID, rule string) bool {
	if id == unknownSet || rule == "" || !t.known[rule] {
		return true
	}
	_, found := slices.BinarySearch(t.sets[id], rule)
	return found
}

// Names returns the universe, sorted.
func (t *setTable) names() []string {
	out := make([]string, 0, len(t.known))
	for n := range t.known {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
