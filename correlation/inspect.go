package correlation

import "time"

// Summary describes one loaded correlation and how many groups it holds
// (GET /api/v1/correlations).
type Summary struct {
	// Index is the correlation's position among the loaded ones.
	Index int
	Rule  *Rule
	// Threshold is the condition as text (">= 3", "a and b").
	Threshold string
	// ActiveGroups counts the groups Groups would list for it.
	ActiveGroups int
}

// GroupState is the live window of one (correlation, group), as it stands
// at the engine's clock (Clock): entries a sweep at that time would evict
// are left out, and groups left with nothing are not listed. Times are
// event times in Unix milliseconds.
type GroupState struct {
	Index int
	Rule  *Rule
	// Group is the group's key in group-by order; callers must not modify
	// it.
	Group []GroupPair
	// Value is the current aggregate (count, distinct count, sum, …) and
	// Met whether the condition holds for it; HasValue is false for the
	// value_* types with an empty window.
	Value    float64
	HasValue bool
	Met      bool
	// Entries counts the contributions in the window; Earliest and Latest
	// are the first and last of them (when Entries > 0).
	Entries          int
	Earliest, Latest int64
	// LastEvent is the group's newest contribution time, also of
	// contributions that stored no entry.
	LastEvent int64
	// WindowStart, WindowEnd bound the window as the group's last
	// contribution left it (sliding: the timespan up to LastEvent;
	// tumbling: its bucket; session: from the first entry to the gap or
	// the timespan).
	WindowStart, WindowEnd int64
	// EvictAt is the engine time at which the group is dropped if no event
	// arrives: its window is empty and its suppression over.
	EvictAt int64
	// Alerted is set once the group fired; LastAlert is the event time of
	// its last firing.
	Alerted   bool
	LastAlert int64
	// Suppress is the group's suppression period (0: none).
	Suppress time.Duration
}

// Clock returns the engine's time: the newest event time it has seen, Unix
// ms (0 before any).
func (e *Engine) Clock() int64 { return e.maxTime }

// Summaries describes every loaded correlation, in load order. Like the
// other state methods it must not run concurrently with Process.
func (e *Engine) Summaries() []Summary {
	out := make([]Summary, len(e.corrs))
	for i, c := range e.corrs {
		out[i] = Summary{Index: i, Rule: c.rule, Threshold: c.rule.Condition.String()}
		for _, g := range c.groups {
			if _, ok := c.view(g, e.maxTime); ok {
				out[i].ActiveGroups++
			}
		}
	}
	return out
}

// GroupFilter selects groups for Groups; a nil func keeps everything.
type GroupFilter struct {
	Rule  func(*Rule) bool
	Group func([]GroupPair) bool
}

// Groups returns the live state of every group f keeps, in no particular
// order, without changing any state. Like Process it must not run
// concurrently with the engine's other state methods.
func (e *Engine) Groups(f GroupFilter) []GroupState {
	var out []GroupState
	for i, c := range e.corrs {
		if f.Rule != nil && !f.Rule(c.rule) {
			continue
		}
		for _, g := range c.groups {
			if f.Group != nil && !f.Group(g.pairs) {
				continue
			}
			if v, ok := c.view(g, e.maxTime); ok {
				out = append(out, c.state(i, g, v))
			}
		}
	}
	return out
}

// view returns g as a sweep at now would leave it: g itself when the sweep
// would evict nothing, else a trimmed copy. ok is false when the sweep
// would drop the group (empty window, no suppression in force).
func (c *compiled) view(g *group, now int64) (*group, bool) {
	var cutoff int64 // entries before it are evicted
	switch c.rule.Window {
	case WindowTumbling:
		if now-g.newest > c.span {
			cutoff = endOfTime
		}
	case WindowSession:
		if now-g.sessionEnd() > c.gap {
			cutoff = endOfTime
		}
	default:
		cutoff = now - c.span
	}
	v := g
	if len(g.entries) > 0 && g.entries[0].ts < cutoff {
		v = c.newGroup(g.key, g.pairs)
		v.newest, v.started, v.lastEmit, v.emitted = g.newest, g.started, g.lastEmit, g.emitted
		for i, en := range g.entries {
			if en.ts >= cutoff {
				var num float64
				if g.payload == payloadNum {
					num = g.nums[i]
				}
				v.insert(en, num, g.valAt(i))
			}
		}
	}
	sup := c.settings.suppress.Milliseconds()
	return v, len(v.entries) > 0 || v.emitted && sup > 0 && now-v.lastEmit < sup
}

// endOfTime is later than any event time.
const endOfTime = int64(^uint64(0) >> 1)

// state describes v, the view of group g of the correlation at index i.
func (c *compiled) state(i int, g, v *group) GroupState {
	s := GroupState{Index: i, Rule: c.rule, Group: g.pairs, Entries: len(v.entries), LastEvent: g.newest,
		Alerted: g.emitted, LastAlert: g.lastEmit, Suppress: c.settings.suppress}
	if n := len(v.entries); n > 0 {
		s.Earliest, s.Latest = v.entries[0].ts, v.entries[n-1].ts
		s.Value, s.Met = c.evaluate(v)
		s.HasValue = !c.rule.Type.numeric() || len(v.nums) > 0
	} else if !c.rule.Type.numeric() {
		s.HasValue = true // a count of 0
	}
	var empties int64 // when the window is empty if no event arrives
	switch c.rule.Window {
	case WindowTumbling:
		s.WindowStart = floorDiv(g.newest, c.span) * c.span
		s.WindowEnd = s.WindowStart + c.span
		empties = g.newest + c.span
	case WindowSession:
		s.WindowStart = g.newest
		if len(v.entries) > 0 {
			s.WindowStart = v.entries[0].ts
		}
		s.WindowEnd = min(v.sessionEnd()+c.gap, s.WindowStart+c.span)
		empties = v.sessionEnd() + c.gap
	default:
		s.WindowStart, s.WindowEnd = g.newest-c.span, g.newest
		empties = s.Latest + c.span
	}
	if len(v.entries) == 0 {
		empties = 0
	}
	s.EvictAt = empties
	if sup := c.settings.suppress.Milliseconds(); g.emitted && sup > 0 {
		s.EvictAt = max(s.EvictAt, g.lastEmit+sup) // suppression keeps the group
	}
	return s
}
