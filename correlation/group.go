package correlation

import (
	"encoding/binary"
	"sort"
)

// GroupPair is one `[field, value]` element of a result's group_key.
type GroupPair struct{ Field, Value string }

// entry is one contribution retained in a group's window.
type entry struct {
	ts   int64   // event time, Unix ms
	slot int32   // reference slot (temporal types)
	num  float64 // value_sum/avg/percentile/median
	val  string  // value_count distinct value
}

// group is the state of one (correlation, group key).
type group struct {
	key   string
	pairs []GroupPair
	// entries are sorted by ts (late arrivals are inserted in place).
	entries []entry
	// newest is the largest contribution time seen (the group watermark).
	newest  int64
	started bool
	// distinct counts values (value_count); hits counts entries per slot
	// (temporal types).
	distinct map[string]int
	hits     []int
	// lastEmit is the time of the last emitted result when emitted is set.
	lastEmit int64
	emitted  bool
	buf      eventBuffer
}

// encodeKey builds an unambiguous key from group components: each is a
// presence byte followed, when present, by a uvarint length and the bytes.
func encodeKey(dst []byte, values []string, present []bool) []byte {
	for i, v := range values {
		if !present[i] {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, 1)
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return dst
}

// insert adds e keeping entries sorted by time (stable for equal times).
func (g *group) insert(e entry) {
	n := len(g.entries)
	if n == 0 || g.entries[n-1].ts <= e.ts {
		g.entries = append(g.entries, e)
	} else {
		i := sort.Search(n, func(i int) bool { return g.entries[i].ts > e.ts })
		g.entries = append(g.entries, entry{})
		copy(g.entries[i+1:], g.entries[i:])
		g.entries[i] = e
	}
	g.count(e, 1)
}

func (g *group) count(e entry, delta int) {
	if g.distinct != nil && e.val != "" {
		n := g.distinct[e.val] + delta
		if n == 0 {
			delete(g.distinct, e.val)
		} else {
			g.distinct[e.val] = n
		}
	}
	if g.hits != nil {
		g.hits[e.slot] += delta
	}
}

// evictBefore drops entries older than cutoff (and buffered events).
func (g *group) evictBefore(cutoff int64) {
	i := 0
	for i < len(g.entries) && g.entries[i].ts < cutoff {
		g.count(g.entries[i], -1)
		i++
	}
	if i > 0 {
		g.entries = append(g.entries[:0], g.entries[i:]...)
	}
	g.buf.evictBefore(cutoff)
}

// removeAt drops the entry at index i.
func (g *group) removeAt(i int) {
	g.count(g.entries[i], -1)
	g.entries = append(g.entries[:i], g.entries[i+1:]...)
}

// clear empties the window and the event buffer; suppression is kept.
func (g *group) clear() {
	g.entries = g.entries[:0]
	for k := range g.distinct {
		delete(g.distinct, k)
	}
	for i := range g.hits {
		g.hits[i] = 0
	}
	g.buf.clear()
}

// idle reports whether the group holds nothing worth keeping at time now:
// an empty window and no suppression still in force.
func (g *group) idle(now int64, suppress int64) bool {
	if len(g.entries) > 0 || g.buf.len() > 0 {
		return false
	}
	return !g.emitted || suppress == 0 || now-g.lastEmit >= suppress
}
