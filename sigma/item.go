package sigma

import "sort"

// itemKind selects how an item node evaluates.
type itemKind uint8

const (
	itemValues   itemKind = iota // field value(s) tested by matchers
	itemKeywords                 // every string leaf tested by matchers
	itemNull                     // field absent or null
	itemExists                   // field presence
	itemFieldref                 // field equals other field(s)
)

// itemPlan is the engine-independent part of a compiled detection item:
// its kind, flags and matchers. It is immutable once built; the plan made
// when the item was validated at load time is shared by every Engine
// compiled from the unchanged item.
type itemPlan struct {
	// values has one matcher per rule value (OR-combined, AND with all).
	// (itemFieldref reads its field names from the item's values, so that
	// the plan fits 32 bytes.)
	values []valueMatcher
	kind   itemKind
	all    bool
	neq    bool
	cased  bool
	want   bool // itemExists: expected presence
	// transforms is set when the values went through value transforms.
	transforms bool
	// complete is false for a load-time plan that left out values with
	// unresolved placeholders; such a plan is never reused by Compile.
	complete bool
}

// itemNode is a compiled detection item: its plan bound to one Engine.
// Field items, most of a rule set, need the first four fields only; the
// bindings of keyword and fieldref items are behind bound (a large rule set
// has ~100k nodes: 40 bytes each instead of 96).
type itemNode struct {
	*itemPlan
	field *Field // nil for keyword items
	// item is the detection item compiled; the candidate index lists its
	// values' literal forms from it (variantsOf).
	item *Item
	// cross answers the item from the shared per-field automaton when
	// CompileOptions.CrossRuleAC is on (crossac.go).
	cross *crossItem
	bound *itemBindings // keyword and fieldref items; nil for the others
}

// itemBindings are the per-engine bindings of keyword and fieldref items.
type itemBindings struct {
	refs []*Field // itemFieldref: referenced fields (OR)
	// kwFns are the keyword leaf callbacks, bound once at compile time so
	// that Event.Keywords calls do not allocate: kwFns[0] tests every value
	// (OR); with all, kwFns[i] tests values[i] alone.
	kwFns []func(*Value) bool
	// kwSet is the needle set of an OR keyword item of plain substrings
	// (matcher_set.go), nil otherwise.
	kwSet *needleSet
}

// variant is one literal form of a rule value after transforms, as the
// candidate index sees it.
type variant struct {
	op      strOp      // placement for string variants
	pat     pattern    // lower-cased pattern; nil for non-string variants
	num     *RuleValue // Number equality value
	boolean string     // Bool equality value
	isStr   bool
}

// eval returns the item's verdict for ev.
func (n *itemNode) eval(ev Event) bool {
	return n.evalPositive(ev) != n.neq
}

func (n *itemNode) evalPositive(ev Event) bool {
	if n.kind == itemKeywords {
		b := n.bound
		if b.kwSet != nil {
			if found, ok := b.kwSet.evalRaw(ev); ok {
				return found
			}
		}
		if !n.all {
			return ev.Keywords(b.kwFns[0])
		}
		for _, fn := range b.kwFns {
			if !ev.Keywords(fn) {
				return false
			}
		}
		return true
	}
	v := ev.Field(n.field)
	switch n.kind {
	case itemNull:
		return v.Kind == KindMissing || v.Kind == KindNull
	case itemExists:
		return (v.Kind != KindMissing) == n.want
	case itemFieldref:
		return n.evalFieldref(ev, &v)
	}
	if n.cross != nil {
		if verdict, ok := n.cross.eval(ev, &v); ok {
			return verdict
		}
	}
	if !n.all {
		return n.anyValue(&v)
	}
	for _, m := range n.values {
		if !anyMember(&v, m) {
			return false
		}
	}
	return true
}

// anyValue reports whether any member of v satisfies any matcher.
func (n *itemNode) anyValue(v *Value) bool {
	if v.Kind == KindArray {
		for i := range v.Items {
			if n.anyValue(&v.Items[i]) {
				return true
			}
		}
		return false
	}
	for _, m := range n.values {
		if m.match(v.Kind, v.Str, v.Fold) {
			return true
		}
	}
	return false
}

// anyMember reports whether m matches v or, for arrays, any (nested) member.
func anyMember(v *Value, m valueMatcher) bool {
	if v.Kind == KindArray {
		for i := range v.Items {
			if anyMember(&v.Items[i], m) {
				return true
			}
		}
		return false
	}
	return matchValue(m, v)
}

// matchLeafAny is the keyword callback for OR keyword items.
func (n *itemNode) matchLeafAny(v *Value) bool {
	for _, m := range n.values {
		if m.match(v.Kind, v.Str, v.Fold) {
			return true
		}
	}
	return false
}

func (n *itemNode) evalFieldref(ev Event, v *Value) bool {
	if v.Kind == KindMissing || v.Kind == KindNull {
		return false
	}
	for _, ref := range n.bound.refs {
		r := ev.Field(ref)
		if r.Kind == KindMissing || r.Kind == KindNull {
			continue
		}
		if membersEqual(v, &r, n.cased) {
			return true
		}
	}
	return false
}

// membersEqual reports whether any member of a equals any member of b.
func membersEqual(a, b *Value, cased bool) bool {
	if a.Kind == KindArray {
		for i := range a.Items {
			if membersEqual(&a.Items[i], b, cased) {
				return true
			}
		}
		return false
	}
	if b.Kind == KindArray {
		for i := range b.Items {
			if membersEqual(a, &b.Items[i], cased) {
				return true
			}
		}
		return false
	}
	sa, okA := text(a, cased)
	sb, okB := text(b, cased)
	return okA && okB && sa == sb
}

// byCost returns the items ordered by estimated evaluation cost (stable):
// presence tests and hash-like equality first, regexes and keyword searches
// last. AND is commutative and evaluation has no side effects, so the order
// changes speed only.
func byCost(items []*itemNode) []*itemNode {
	if sort.SliceIsSorted(items, func(i, j int) bool { return items[i].cost() < items[j].cost() }) {
		return items // written in cost order: one slice serves both orders
	}
	out := append([]*itemNode(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].cost() < out[j].cost() })
	return out
}

// cost estimates the work of one evaluation of the item.
func (n *itemNode) cost() int {
	switch n.kind {
	case itemNull, itemExists:
		return 1
	case itemFieldref:
		return 4
	case itemKeywords:
		return 100 + 10*len(n.values)
	}
	c := 2
	for _, m := range n.values {
		switch m := m.(type) {
		case *strMatcher:
			if m.op == strContains {
				c += 3
			} else {
				c++
			}
		case *numberMatcher, *boolMatcher:
			c++
		case *regexMatcher:
			c += 25
		default:
			c += 4
		}
	}
	return c
}
