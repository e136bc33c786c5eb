package correlation

import (
	"encoding/binary"
	"slices"
	"sort"
)

// GroupPair is one `[field, value]` element of a result's group_key.
type GroupPair struct{ Field, Value string }

// entry is one contribution retained in a group's window. The aggregated
// value, when the type has one, lives in the parallel slice group.nums
// (value_sum/avg/percentile/median) or group.vals (value_count), so that
// event_count and temporal entries stay 16 bytes.
type entry struct {
	ts   int64 // event time, Unix ms
	slot int32 // reference slot (temporal types)
}

// payload says which parallel value slice a group keeps.
type payload uint8

const (
	payloadNone payload = iota
	payloadNum
	payloadVal
)

// group is the state of one (correlation, group key).
type group struct {
	key   string
	pairs []GroupPair
	// entries are sorted by ts (late arrivals are inserted in place); nums
	// or vals run parallel to them according to payload.
	entries []entry
	payload payload
	nums    []float64
	vals    []string
	// newest is the group's high-water mark: the largest contribution time
	// seen, also of contributions that stored no entry. Sliding eviction and
	// tumbling buckets follow it; sessions use sessionEnd.
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

// insert adds e (with its value) keeping entries sorted by time, stable for
// equal times.
func (g *group) insert(e entry, num float64, val string) {
	n := len(g.entries)
	i := n
	if n > 0 && g.entries[n-1].ts > e.ts {
		i = sort.Search(n, func(i int) bool { return g.entries[i].ts > e.ts })
	}
	g.entries = slices.Insert(g.entries, i, e)
	switch g.payload {
	case payloadNum:
		g.nums = slices.Insert(g.nums, i, num)
	case payloadVal:
		g.vals = slices.Insert(g.vals, i, val)
	}
	g.count(e, val, 1)
}

func (g *group) count(e entry, val string, delta int) {
	if g.payload == payloadVal {
		n := g.distinct[val] + delta
		if n == 0 {
			delete(g.distinct, val)
		} else {
			g.distinct[val] = n
		}
	}
	if g.hits != nil {
		g.hits[e.slot] += delta
	}
}

func (g *group) valAt(i int) string {
	if g.payload == payloadVal {
		return g.vals[i]
	}
	return ""
}

// evictBefore drops entries older than cutoff (and buffered events).
func (g *group) evictBefore(cutoff int64) {
	i := 0
	for i < len(g.entries) && g.entries[i].ts < cutoff {
		g.count(g.entries[i], g.valAt(i), -1)
		i++
	}
	if i > 0 {
		g.removeRange(0, i)
	}
	g.buf.evictBefore(cutoff)
}

// removeAt drops the entry at index i.
func (g *group) removeAt(i int) {
	g.count(g.entries[i], g.valAt(i), -1)
	g.removeRange(i, i+1)
}

func (g *group) removeRange(i, j int) {
	g.entries = slices.Delete(g.entries, i, j)
	switch g.payload {
	case payloadNum:
		g.nums = slices.Delete(g.nums, i, j)
	case payloadVal:
		g.vals = slices.Delete(g.vals, i, j)
	}
}

// clear empties the window and the event buffer; suppression is kept.
func (g *group) clear() {
	g.entries, g.nums, g.vals = g.entries[:0], g.nums[:0], g.vals[:0]
	clear(g.distinct)
	for i := range g.hits {
		g.hits[i] = 0
	}
	g.buf.clear()
}

// sessionEnd is the time a session's gap is measured from: its newest
// stored entry (correlation.md §6.2), or the high-water mark when the group
// stores none (then only buffered events are left to clear).
func (g *group) sessionEnd() int64 {
	if n := len(g.entries); n > 0 {
		return g.entries[n-1].ts
	}
	return g.newest
}

// idle reports whether the group holds nothing worth keeping at time now:
// an empty window and no suppression still in force.
func (g *group) idle(now int64, suppress int64) bool {
	if len(g.entries) > 0 || g.buf.len() > 0 {
		return false
	}
	return !g.emitted || suppress == 0 || now-g.lastEmit >= suppress
}
