package correlation

import (
	"sort"
)

// drop removes g from c.
func (e *Engine) drop(c *compiled, g *group) {
	if _, ok := c.groups[g.key]; ok {
		delete(c.groups, g.key)
		e.live--
	}
}

// Expire drops window entries and groups that have expired relative to the
// latest event time seen. Process also runs it amortised (about once per
// live group's worth of events), so calling it is optional.
func (e *Engine) Expire() { e.sweep(e.maxTime) }

func (e *Engine) maybeSweep() {
	e.sinceSweep++
	if e.sinceSweep >= 1024 && e.sinceSweep >= e.live {
		e.sweep(e.maxTime)
	}
}

// sweep trims every group to the window ending at now and drops the groups
// left idle (correlation.md §6.3).
func (e *Engine) sweep(now int64) {
	e.sinceSweep = 0
	for _, c := range e.corrs {
		sup := c.settings.suppress.Milliseconds()
		for _, g := range c.groups {
			switch c.rule.Window {
			case WindowTumbling:
				if now-g.newest > c.span {
					g.clear()
				}
			case WindowSession:
				if now-g.sessionEnd() > c.gap {
					g.clear()
				}
			default:
				g.evictBefore(now - c.span)
			}
			if g.idle(now, sup) {
				e.drop(c, g)
			}
		}
	}
}

// makeRoom runs before a new group is created at the cap: expire first,
// then drop the stalest groups until 90% of the cap remains.
func (e *Engine) makeRoom(now int64) {
	if now < e.maxTime {
		now = e.maxTime
	}
	e.sweep(now)
	limit := e.opts.maxStateEntries()
	if e.live < limit {
		return
	}
	type victim struct {
		c *compiled
		g *group
	}
	all := make([]victim, 0, e.live)
	for _, c := range e.corrs {
		for _, g := range c.groups {
			all = append(all, victim{c, g})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].g.newest < all[j].g.newest })
	target := limit * 9 / 10
	dropped := 0
	for _, v := range all {
		if e.live <= target {
			break
		}
		e.drop(v.c, v.g)
		dropped++
	}
	e.evictions += uint64(dropped)
	if e.opts.OnEvict != nil {
		e.opts.OnEvict(dropped, limit, e.live)
		return
	}
	e.opts.logger().Warn("correlation state cap reached; evicted the stalest groups",
		"evicted", dropped, "max_state_entries", limit, "remaining", e.live)
}
