package correlation

// contribution is one update of one (correlation, group).
type contribution struct {
	ts     int64
	slots  []int
	val    string  // value_count
	num    float64 // value_*
	hasVal bool
	stored bufferedEvent
	store  bool
}

// contribute applies ct to the group key of c, evaluates the condition and
// appends an emitted result to dst (correlation.md §6, §11). A late
// contribution is reported (late.go) and, when its group holds newer
// state, dropped.
func (e *Engine) contribute(c *compiled, key []byte, src pairSource, ct contribution, dst []Result) []Result {
	g := c.groups[string(key)]
	if g == nil {
		if e.live >= e.opts.maxStateEntries() {
			e.makeRoom(ct.ts)
		}
		g = c.newGroup(string(key), src.pairs(c))
		c.groups[g.key] = g
		e.live++
	}
	late := c.lateness(g, ct.ts)
	if late != onTime {
		e.reportLate(c, g, ct.ts, late)
	}
	if late != lateDropped {
		c.advance(g, ct.ts)
		c.see(ct.ts)
		c.add(g, ct)
		if ct.store {
			g.buf.add(ct.stored, c.settings.maxEvents)
		}
		if value, fire := c.evaluate(g); fire {
			dst = e.fire(c, g, value, ct.ts, dst)
		}
	}
	if g.idle(ct.ts, c.settings.suppress.Milliseconds()) {
		e.drop(c, g)
	}
	return dst
}

// advance moves g's window to time ts, a contribution lateness did not
// drop. g.newest is the group's high-water mark, moved by every
// contribution; a session is measured from its newest stored entry instead
// (sessionEnd, correlation.md §6.2), which a contribution without a value
// does not create (§8.2, §8.5).
func (c *compiled) advance(g *group, ts int64) {
	if g.started {
		switch c.rule.Window {
		case WindowTumbling:
			if floorDiv(ts, c.span) > floorDiv(g.newest, c.span) {
				g.clear()
			}
		case WindowSession:
			if ts-g.sessionEnd() > c.gap || len(g.entries) > 0 && ts-g.entries[0].ts > c.span {
				g.clear()
			}
		default:
			g.evictBefore(max(g.newest, ts) - c.span)
		}
	}
	if !g.started || ts > g.newest {
		g.started, g.newest = true, ts
	}
}

func floorDiv(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// add records the contribution's entries and applies the per-group cap.
func (c *compiled) add(g *group, ct contribution) {
	switch c.rule.Type {
	case Temporal, TemporalOrdered:
		for _, s := range ct.slots {
			g.insert(entry{ts: ct.ts, slot: int32(s)}, 0, "")
			c.capGroup(g, int32(s))
		}
		return
	case EventCount:
		g.insert(entry{ts: ct.ts}, 0, "")
	default:
		if !ct.hasVal {
			return
		}
		g.insert(entry{ts: ct.ts}, ct.num, ct.val)
	}
	c.capGroup(g, -1)
}

// capGroup drops the oldest entries beyond max_group_entries (per slot for
// temporal types; a session keeps its first entry as the span anchor).
func (c *compiled) capGroup(g *group, slot int32) {
	max := c.settings.maxGroupEntries
	if max <= 0 {
		return
	}
	for {
		n, oldest := 0, -1
		for i, en := range g.entries {
			if slot < 0 || en.slot == slot {
				if c.rule.Window == WindowSession && i == 0 {
					n++
					continue
				}
				if oldest < 0 {
					oldest = i
				}
				n++
			}
		}
		if n <= max || oldest < 0 {
			return
		}
		g.removeAt(oldest)
	}
}

// fire emits a result unless suppressed, then applies the action.
func (e *Engine) fire(c *compiled, g *group, value float64, ts int64, dst []Result) []Result {
	sup := c.settings.suppress.Milliseconds()
	if g.emitted && sup > 0 && ts-g.lastEmit < sup {
		return dst
	}
	g.emitted, g.lastEmit = true, ts
	r := Result{Rule: c.rule, GroupKey: g.pairs, Value: value,
		Timespan: c.rule.Timespan, Time: ts, WindowStart: ts, Mode: EventModeNone, corr: c.index}
	if len(g.entries) > 0 {
		r.WindowStart = g.entries[0].ts
	}
	if !c.chained {
		r.Mode = c.settings.eventMode
	}
	switch r.Mode {
	case EventModeFull:
		r.Events = make([][]byte, 0, g.buf.len())
		for _, it := range g.buf.items {
			if body := decompress(it.body); body != nil {
				r.Events = append(r.Events, body)
			}
		}
	case EventModeRefs:
		r.EventRefs = make([]EventRef, 0, g.buf.len())
		for _, it := range g.buf.items {
			r.EventRefs = append(r.EventRefs, it.ref)
		}
	}
	if c.settings.action == ActionReset {
		g.clear()
	}
	return append(dst, r)
}

// chain routes every result from dst[start:] (growing) to the correlations
// that reference its correlation (correlation.md §9).
func (e *Engine) chain(dst []Result, start int) []Result {
	for i := start; i < len(dst); i++ {
		child := e.corrs[dst[i].corr]
		if len(child.parents) == 0 {
			continue
		}
		pairs, ts := dst[i].GroupKey, dst[i].Time
		for _, l := range child.parents {
			p := e.corrs[l.corr]
			key, ok := e.chainKey(p, pairs)
			if !ok {
				continue
			}
			ct := contribution{ts: ts, slots: []int{l.slot}}
			dst = e.contribute(p, key, pairSource{chain: pairs}, ct, dst)
		}
	}
	return dst
}

// chainKey builds a parent's group key from a child's output pairs by field
// name.
func (e *Engine) chainKey(p *compiled, pairs []GroupPair) ([]byte, bool) {
	s := &e.scratch
	s.values, s.present = s.values[:0], s.present[:0]
	for _, name := range p.rule.GroupBy {
		v, ok := lookupPair(pairs, name)
		if !ok && !e.opts.IncludeMissingGroups {
			return nil, false
		}
		s.values, s.present = append(s.values, v), append(s.present, ok)
	}
	return encodeKey(nil, s.values, s.present), true
}

func lookupPair(pairs []GroupPair, name string) (string, bool) {
	for _, p := range pairs {
		if p.Field == name {
			return p.Value, true
		}
	}
	return "", false
}

func chainPairs(p *compiled, pairs []GroupPair) []GroupPair {
	out := make([]GroupPair, 0, len(p.rule.GroupBy))
	for _, name := range p.rule.GroupBy {
		if v, ok := lookupPair(pairs, name); ok {
			out = append(out, GroupPair{Field: name, Value: v})
		}
	}
	return out
}
