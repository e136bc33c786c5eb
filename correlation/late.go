package correlation

// Late describes a contribution whose event time lies behind the window
// that ends at the newest event time its correlation has seen: before that
// time minus the timespan (sliding windows), in an earlier bucket (tumbling)
// or more than the gap before it (session). docs/correlation.md, "Late and
// out-of-order events", explains what happens to such events.
type Late struct {
	Rule *Rule
	// Group is the group's output key (group_key pairs); callers must not
	// modify it.
	Group []GroupPair
	// Time is the event time, Unix ms.
	Time int64
	// Dropped is true when the group still holds newer state, so the
	// contribution can be in no window and is discarded (sliding: older
	// than the group's own newest time minus the timespan; tumbling: an
	// earlier bucket than the group's, correlation.md §6.1, §6.2). False
	// means it was accepted: the group had no newer state (new, or emptied
	// and forgotten), or the window is a session, which takes late entries
	// in (§6.2).
	Dropped bool
}

// lateness classifies one contribution.
type lateness uint8

const (
	onTime lateness = iota
	lateAccepted
	lateDropped
)

// lateness classifies a contribution at ts to group g (nil: no state yet).
func (c *compiled) lateness(g *group, ts int64) lateness {
	if g != nil && g.started && c.rule.Window != WindowSession && c.behind(g.newest, ts) {
		return lateDropped
	}
	if c.seen && c.behind(c.newest, ts) {
		return lateAccepted
	}
	return onTime
}

// behind reports whether ts lies behind the window that ends at newest.
func (c *compiled) behind(newest, ts int64) bool {
	switch c.rule.Window {
	case WindowTumbling:
		return floorDiv(ts, c.span) < floorDiv(newest, c.span)
	case WindowSession:
		return newest-ts > c.gap
	}
	return ts < newest-c.span
}

// see moves the correlation's high-water mark to ts.
func (c *compiled) see(ts int64) {
	if !c.seen || ts > c.newest {
		c.seen, c.newest = true, ts
	}
}

// reportLate hands a late contribution to the OnLate hook.
func (e *Engine) reportLate(c *compiled, g *group, ts int64, l lateness) {
	if e.opts.OnLate != nil {
		e.opts.OnLate(Late{Rule: c.rule, Group: g.pairs, Time: ts, Dropped: l == lateDropped})
	}
}

// SetOnLate replaces Options.OnLate (the hook Process calls for every late
// contribution). Call it before Process runs.
func (e *Engine) SetOnLate(fn func(Late)) { e.opts.OnLate = fn }

// Lateness reports, without changing any state, which contributions
// Process would make for in are late, and whether they would be dropped:
// one Late per (correlation, group) the event feeds directly, in
// correlation order; nil when none is late. Chained contributions are not
// included (they exist only once a correlation fires). Call it before
// Process with the same input; like Process it must not run concurrently
// with the engine's other state methods.
func (e *Engine) Lateness(in Input) []Late {
	var out []Late
	e.eachDirectGroup(in, func(c *compiled, slot int, key []byte, ts int64) {
		g := c.groups[string(key)]
		l := c.lateness(g, ts)
		if l == onTime {
			return
		}
		pairs := eventPairs(c, c.groupFields[slot], in.Event)
		if g != nil {
			pairs = g.pairs
		}
		out = append(out, Late{Rule: c.rule, Group: pairs, Time: ts, Dropped: l == lateDropped})
	})
	return out
}
