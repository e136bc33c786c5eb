package logsource

import (
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// maxSelections bounds the Keys a Router remembers. Recognition yields far
// fewer (one per channel, EventID class and shape); past the bound an
// unseen Key selects every rule, which is what routing off does.
const maxSelections = 4096

// Router is the compile-time side of routing for one rule set: it buckets
// the rules by distinct logsource (its groups) and answers which rules may
// fire on events of a Key. The Selections of every Key the tables and
// declarations produce are made by NewRouter; a Key that an event's own
// tags complete is selected on its first event. It is safe for concurrent
// use.
type Router struct {
	rec    *Recognizer
	ruleOf []int32 // rule index → group index
	groups []routeGroup
	all    *Selection

	mu       sync.Mutex
	byKey    atomic.Pointer[map[Key]*Selection]
	byGroups map[string]*Selection // group mask → shared Selection
	count    int                   // distinct Selections made
}

// routeGroup is one distinct rule logsource and, per dimension, which of
// the recognizer's sets admit it (a bitset over set ids).
type routeGroup struct {
	product, service, category string
	admits                     [3][]uint64
	rules                      []int
}

// Selection is the set of rules that may fire on events of some Keys. Two
// Keys that admit the same rules share one Selection.
type Selection struct {
	id    int
	rules []int
	bits  []uint64
}

// ID is a dense number of the Selection within its Router (0 selects
// every rule), for callers that keep per-Selection data in a slice.
func (s *Selection) ID() int { return s.id }

// Rules returns the selected rule indexes in ascending order; the slice
// must not be modified.
func (s *Selection) Rules() []int { return s.rules }

// Len returns the number of selected rules.
func (s *Selection) Len() int { return len(s.rules) }

// Has reports whether rule is selected.
func (s *Selection) Has(rule int) bool {
	return rule >= 0 && rule>>6 < len(s.bits) && s.bits[rule>>6]&(1<<(rule&63)) != 0
}

// NewRouter buckets rules (given by their logsources, in rule order) by
// logsource. The Recognizer must be the one whose Keys Select will see.
func NewRouter(rec *Recognizer, rules []sigma.Logsource) *Router {
	rt := &Router{rec: rec, ruleOf: make([]int32, len(rules)), byGroups: map[string]*Selection{}}
	at := map[[3]string]int{}
	for i, ls := range rules {
		key := [3]string{strings.ToLower(ls.Product), strings.ToLower(ls.Service), strings.ToLower(ls.Category)}
		g, ok := at[key]
		if !ok {
			g = len(rt.groups)
			at[key] = g
			rt.groups = append(rt.groups, rt.newGroup(key))
		}
		rt.ruleOf[i] = int32(g)
		rt.groups[g].rules = append(rt.groups[g].rules, i)
	}
	every := make([]uint64, (len(rt.groups)+63)/64)
	for g := range rt.groups {
		every[g>>6] |= 1 << (g & 63)
	}
	rt.all = rt.selection(every)
	byKey := map[Key]*Selection{{}: rt.all}
	for _, k := range rec.tableKeys() {
		if _, ok := byKey[k]; !ok {
			byKey[k] = rt.selection(rt.mask(k))
		}
	}
	rt.byKey.Store(&byKey)
	return rt
}

// mask returns the groups that fit Key k.
func (rt *Router) mask(k Key) []uint64 {
	mask := make([]uint64, (len(rt.groups)+63)/64)
	for g := range rt.groups {
		if rt.groups[g].fits(k) {
			mask[g>>6] |= 1 << (g & 63)
		}
	}
	return mask
}

func (rt *Router) newGroup(ls [3]string) routeGroup {
	g := routeGroup{product: ls[0], service: ls[1], category: ls[2]}
	for d, t := range []*setTable{&rt.rec.products, &rt.rec.services, &rt.rec.categories} {
		set := make([]uint64, (len(t.sets)+63)/64)
		for id := range t.sets {
			if t.admits(setID(id), ls[d]) {
				set[id>>6] |= 1 << (id & 63)
			}
		}
		g.admits[d] = set
	}
	return g
}

// Groups returns the number of distinct rule logsources (product, service,
// category, compared case-insensitively).
func (rt *Router) Groups() int { return len(rt.groups) }

// Selections returns how many distinct Selections the Keys made so far
// need: the rule subsets events can be routed to.
func (rt *Router) Selections() int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.count
}

// Fits reports whether rule may fire on events of Key k.
func (rt *Router) Fits(rule int, k Key) bool {
	return rt.groups[rt.ruleOf[rule]].fits(k)
}

func (g *routeGroup) fits(k Key) bool {
	return has(g.admits[0], int(k.product)) && has(g.admits[1], int(k.service)) && has(g.admits[2], int(k.category))
}

func has(set []uint64, i int) bool { return set[i>>6]&(1<<(i&63)) != 0 }

// Select returns the rules that may fire on events of Key k, with one map
// lookup (the first event of a Key no table produces computes it).
func (rt *Router) Select(k Key) *Selection {
	m := *rt.byKey.Load()
	if s, ok := m[k]; ok {
		return s
	}
	if len(m) >= maxSelections {
		return rt.all
	}
	return rt.selectSlow(k)
}

func (rt *Router) selectSlow(k Key) *Selection {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	m := *rt.byKey.Load()
	if s, ok := m[k]; ok {
		return s
	}
	s := rt.selection(rt.mask(k))
	next := make(map[Key]*Selection, len(m)+1)
	for key, sel := range m {
		next[key] = sel
	}
	next[k] = s
	rt.byKey.Store(&next)
	return s
}

// selection returns the shared Selection of the groups in mask; rt.mu is
// held (or rt is being built).
func (rt *Router) selection(mask []uint64) *Selection {
	id := maskKey(mask)
	if s, ok := rt.byGroups[id]; ok {
		return s
	}
	s := &Selection{id: rt.count, bits: make([]uint64, (len(rt.ruleOf)+63)/64)}
	for w, word := range mask {
		for word != 0 {
			g := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			for _, r := range rt.groups[g].rules {
				s.bits[r>>6] |= 1 << (r & 63)
			}
		}
	}
	for w, word := range s.bits {
		for word != 0 {
			s.rules = append(s.rules, w*64+bits.TrailingZeros64(word))
			word &= word - 1
		}
	}
	rt.count++
	rt.byGroups[id] = s
	return s
}

func maskKey(mask []uint64) string {
	var b strings.Builder
	for _, w := range mask {
		for i := 0; i < 8; i++ {
			b.WriteByte(byte(w >> (8 * i)))
		}
	}
	return b.String()
}
