package correlation

import (
	"math"
	"slices"
	"sort"
)

// evaluate computes the group's aggregate (correlation.md §8) and reports
// whether the condition holds. ok is false when there is nothing to
// evaluate (value_* types with an empty window).
func (c *compiled) evaluate(g *group) (value float64, fire bool) {
	cond := &c.rule.Condition
	switch c.rule.Type {
	case EventCount:
		value = float64(len(g.entries))
	case ValueCount:
		value = float64(len(g.distinct))
	case Temporal:
		value = float64(slotsHit(g.hits))
		if cond.Expr != nil {
			return value, cond.Expr.eval(func(s int) bool { return g.hits[s] > 0 })
		}
	case TemporalOrdered:
		if ordered(g.entries, len(c.targets)) {
			value = float64(len(c.targets))
		}
		if cond.Expr != nil {
			return value, value > 0 && cond.Expr.eval(func(s int) bool { return g.hits[s] > 0 })
		}
	default:
		var ok bool
		if value, ok = c.numericAggregate(g.nums); !ok {
			return 0, false
		}
	}
	return value, cond.holds(value)
}

func slotsHit(hits []int) int {
	n := 0
	for _, h := range hits {
		if h > 0 {
			n++
		}
	}
	return n
}

// ordered reports whether there are hits t1 ≤ t2 ≤ … ≤ tn of slots 0..n-1
// in that order (greedy: earliest feasible hit per slot). entries are sorted
// by time.
func ordered(entries []entry, n int) bool {
	i := 0
	for slot := 0; slot < n; slot++ {
		for i < len(entries) && entries[i].slot != int32(slot) {
			i++
		}
		if i == len(entries) {
			return false
		}
		// entries[i] is the earliest hit of slot at or after the previous
		// slot's chosen hit; equal timestamps count as ordered, so the next
		// slot may reuse hits at the same time that precede i.
		t := entries[i].ts
		for i > 0 && entries[i-1].ts == t {
			i--
		}
	}
	return true
}

func (c *compiled) numericAggregate(nums []float64) (float64, bool) {
	if len(nums) == 0 {
		return 0, false
	}
	switch c.rule.Type {
	case ValueSum, ValueAvg:
		sum := 0.0
		for _, n := range nums {
			sum += n
		}
		if c.rule.Type == ValueAvg {
			return sum / float64(len(nums)), true
		}
		return sum, true
	}
	vals := slices.Clone(nums)
	sort.Float64s(vals)
	p := 50.0
	if c.rule.Type == ValuePercentile {
		p = c.rule.Condition.Percentile
	}
	return percentile(vals, p), true
}

// percentile interpolates linearly between the closest ranks of sorted
// (inclusive method: rank = p/100·(n−1)).
func percentile(sorted []float64, p float64) float64 {
	p = math.Max(0, math.Min(100, p))
	rank := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	if lo == hi {
		return sorted[lo]
	}
	return sorted[lo] + (sorted[hi]-sorted[lo])*(rank-float64(lo))
}
