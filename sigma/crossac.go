package sigma

import (
	"sync"

	"github.com/rsigma-connect/rsigma-connect/sigma/internal/automaton"
)

// The cross-rule Aho-Corasick pre-filter (CompileOptions.CrossRuleAC, daemon
// flag --cross-rule-ac) shares substring searching between rules: for every
// field, the plain case-insensitive `contains` needles of all rules go into
// one automaton. During one Evaluate call the first item that needs a field
// scans that field's value once, recording which needles occur; every such
// item of every candidate rule then answers from that record instead of
// searching the value itself.
//
// Only items whose every value is an ASCII, case-insensitive `contains`
// literal (including transform variants) are answered this way; the record
// is the union over array members, which is exactly what the OR (any member
// contains any needle) and `all` (each value contained by some member)
// semantics of sigma-rules.md §5.5 need. Other items evaluate as before, so
// results are identical.

// crossRuleAC holds the shared automata of one Engine.
type crossRuleAC struct {
	fields []*crossField
	words  int // bitset words over all fields' needles
	events sync.Pool
}

// crossField is one field's shared automaton; its needle bits live at
// words [offset, offset+words) of a crossEvent's record.
type crossField struct {
	idx           int
	field         *Field
	set           *automaton.Substrings
	offset, words int
}

// crossItem answers one item: every group needs a needle of the group
// present (one group for an OR item, one per value for an `all` item).
type crossItem struct {
	cf     *crossField
	groups [][]int32
}

// crossEvent wraps the Event of one Evaluate call with the per-field needle
// records.
type crossEvent struct {
	Event
	owner   *crossRuleAC
	scanned []bool
	bits    []uint64
	base    int // offset of the field being scanned
	hit     func(id int32)
}

// applyCrossRuleAC builds the shared automata for the rules' eligible items
// and attaches them to those items.
func applyCrossRuleAC(e *Engine) {
	type pending struct {
		n      *itemNode
		groups [][]string
	}
	needleIDs := map[*Field]map[string]int32{}
	var order []*Field
	var items []pending
	for _, cr := range e.rules {
		for _, s := range cr.searches {
			for _, g := range s.groups {
				for _, n := range g {
					groups, ok := crossGroups(n)
					if !ok {
						continue
					}
					ids := needleIDs[n.field]
					if ids == nil {
						ids = map[string]int32{}
						needleIDs[n.field] = ids
						order = append(order, n.field)
					}
					for _, grp := range groups {
						for _, nd := range grp {
							if _, ok := ids[nd]; !ok {
								ids[nd] = int32(len(ids))
							}
						}
					}
					items = append(items, pending{n, groups})
				}
			}
		}
	}
	if len(items) == 0 {
		return
	}
	x := &crossRuleAC{}
	byField := map[*Field]*crossField{}
	for _, f := range order {
		ids := needleIDs[f]
		needles := make([]string, len(ids))
		idList := make([]int32, len(ids))
		for nd, id := range ids {
			needles[id], idList[id] = nd, id
		}
		cf := &crossField{idx: len(x.fields), field: f, set: automaton.NewSubstrings(needles, idList),
			offset: x.words, words: (len(ids) + 63) / 64}
		x.words += cf.words
		x.fields = append(x.fields, cf)
		byField[f] = cf
	}
	for _, p := range items {
		ci := &crossItem{cf: byField[p.n.field]}
		for _, grp := range p.groups {
			var g []int32
			for _, nd := range grp {
				g = append(g, needleIDs[p.n.field][nd])
			}
			ci.groups = append(ci.groups, g)
		}
		p.n.cross = ci
	}
	x.events.New = func() any {
		ce := &crossEvent{owner: x, scanned: make([]bool, len(x.fields)), bits: make([]uint64, x.words)}
		ce.hit = ce.markNeedle
		return ce
	}
	e.cross = x
}

// crossGroups returns the needle groups of an eligible item: every value
// matcher a plain ASCII case-insensitive contains (or an OR of such
// variants).
func crossGroups(n *itemNode) ([][]string, bool) {
	if n.kind != itemValues || n.field == nil || len(n.values) == 0 {
		return nil, false
	}
	var groups [][]string
	for _, m := range n.values {
		g, ok := containsNeedles(m, nil)
		if !ok {
			return nil, false
		}
		groups = append(groups, g)
	}
	if !n.all {
		var union []string
		for _, g := range groups {
			union = append(union, g...)
		}
		groups = [][]string{union}
	}
	return groups, true
}

func containsNeedles(m valueMatcher, out []string) ([]string, bool) {
	switch t := m.(type) {
	case *strMatcher:
		if t.op != strContains || t.cased || t.needle == "" || !asciiOnly(t.needle) {
			return nil, false
		}
		return append(out, t.needle), true
	case anyOf:
		for _, sub := range t {
			var ok bool
			if out, ok = containsNeedles(sub, out); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

// wrap returns the Event rule evaluation should use for ev; release must be
// called with it when the evaluation is done.
func (x *crossRuleAC) wrap(ev Event) *crossEvent {
	ce := x.events.Get().(*crossEvent)
	ce.Event = ev
	clear(ce.scanned)
	return ce
}

func (x *crossRuleAC) release(ce *crossEvent) {
	ce.Event = nil
	x.events.Put(ce)
}

func (ce *crossEvent) markNeedle(id int32) {
	i := ce.base + int(id)/64
	ce.bits[i] |= 1 << (uint(id) % 64)
}

// record returns the needle bits of cf for v, scanning v on first use.
func (ce *crossEvent) record(cf *crossField, v *Value) []uint64 {
	bits := ce.bits[cf.offset : cf.offset+cf.words]
	if !ce.scanned[cf.idx] {
		clear(bits)
		ce.base = cf.offset
		ce.scanMembers(cf, v)
		ce.scanned[cf.idx] = true
	}
	return bits
}

func (ce *crossEvent) scanMembers(cf *crossField, v *Value) {
	switch v.Kind {
	case KindArray:
		for i := range v.Items {
			ce.scanMembers(cf, &v.Items[i])
		}
	case KindString, KindNumber, KindBool:
		cf.set.Scan(v.Fold, ce.hit)
	}
}

// eval answers the item for v, the value of its field in ev; ok is false
// when ev carries no record (evaluation outside Engine.Evaluate).
func (ci *crossItem) eval(ev Event, v *Value) (verdict, ok bool) {
	ce, isCross := ev.(*crossEvent)
	if !isCross || ce.owner == nil || ci.cf.idx >= len(ce.scanned) || ce.owner.fields[ci.cf.idx] != ci.cf {
		return false, false
	}
	bits := ce.record(ci.cf, v)
	for _, g := range ci.groups {
		found := false
		for _, id := range g {
			if bits[id/64]&(1<<(uint(id)%64)) != 0 {
				found = true
				break
			}
		}
		if !found {
			return false, true
		}
	}
	return true, true
}
