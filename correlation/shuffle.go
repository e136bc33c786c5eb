package correlation

import (
	"slices"
)

// Contribution is one update of one (correlation, group) that an event
// makes: exactly what Process applies to that group's window. Contributions
// computes them without touching any state and Apply replays them on an
// engine with the same rules, so that the detection of an event and the
// state of each of its groups can live in different processes (a fleet
// shuffles contributions by PartitionKey, see docs/fleet-correlation.md).
type Contribution struct {
	// Rule is the correlation's StableKey; Type and GroupBy must still
	// match on the engine that applies it, else Apply skips it (the rule
	// changed in between, like a snapshot restore would drop its state).
	Rule    string
	Type    Type
	GroupBy []string
	// Key is the encoded group key; Pairs the group_key of the results
	// (missing components omitted).
	Key   []byte
	Pairs []GroupPair
	// Time is the contribution's event time (Unix ms), already resolved
	// with the timestamp fields and fallback of the engine that made it.
	Time int64
	// Refs are the `rules:` entries (as written) whose hits the event
	// brings (temporal types; empty otherwise).
	Refs []string
	// Value is the distinct-value tuple (value_count), Number the number
	// (value_*); HasValue is false when the event carries none.
	Value    string
	Number   float64
	HasValue bool
	// Stored is what the event buffer keeps (full and refs modes); Store is
	// false in mode none.
	Stored StoredEvent
	Store  bool

	corr int // index of the correlation in the engine that made it
}

// StoredEvent is the part of an event a correlation group buffers: its
// deflate-compressed JSON body (full mode) or a reference (refs mode).
type StoredEvent struct {
	Time int64 // Unix ms
	Body []byte
	Ref  EventRef
}

// Contributions appends the contributions Process would apply for in, in
// the order it would apply them (correlation order, then slot order), and
// changes no state. Chained contributions are not included: Apply makes
// them from the results it produces. Like Process it must not run
// concurrently with the engine's other state methods.
func (e *Engine) Contributions(in Input, dst []Contribution) []Contribution {
	e.eachDirectGroup(in, func(c *compiled, slot int, key []byte, ts int64) {
		dst = append(dst, e.exportContribution(c, key, slot, in, ts))
	})
	return dst
}

// eachDirectGroup calls fn, in the order Process applies them, for every
// (correlation, group key) in feeds directly, with the slot whose fields
// made the key (the later slots sharing it are in e.scratch.groupSlots)
// and the event time. It changes no state.
func (e *Engine) eachDirectGroup(in Input, fn func(c *compiled, slot int, key []byte, ts int64)) {
	if !e.routeHits(in.Hits) {
		return
	}
	ts, ok := e.contributionTime(in.Event)
	if !ok {
		return
	}
	s := &e.scratch
	for i := 0; i < len(s.routes); {
		next := e.slotsAt(i)
		c := e.corrs[s.routes[i].corr]
		e.groupKeys(c, in.Event)
		for j, slot := range s.slots {
			if key, ok := e.groupAt(j); ok {
				fn(c, slot, key, ts)
			}
		}
		i = next
	}
}

// exportContribution is processDirect's contribution for one group key as
// a Contribution.
func (e *Engine) exportContribution(c *compiled, key []byte, slot int, in Input, ts int64) Contribution {
	s := &e.scratch
	var ct contribution
	c.readValue(in.Event, &ct)
	out := Contribution{Rule: c.rule.StableKey(), Type: c.rule.Type, GroupBy: c.rule.GroupBy,
		Key: slices.Clone(key), Pairs: eventPairs(c, c.groupFields[slot], in.Event), Time: ts,
		Value: ct.val, Number: ct.num, HasValue: ct.hasVal, corr: c.index}
	if c.rule.Type.isTemporal() {
		for _, sl := range s.groupSlots {
			out.Refs = append(out.Refs, c.rule.Refs[sl])
		}
	}
	if c.settings.eventMode != EventModeNone && !c.chained {
		be := e.storedEvent(c.settings.eventMode, in, ts)
		out.Stored, out.Store = StoredEvent{Time: be.ts, Body: be.body, Ref: be.ref}, true
	}
	return out
}

// Apply applies the contributions of one event, in order, then chains the
// results they produced, exactly as Process does for the event that made
// them, and appends the results to dst. skipped counts the contributions
// whose correlation is not loaded here or changed type or group-by. Giving
// Apply, in the order Process would have seen them, every contribution of
// the groups an engine owns makes the same results for those groups as
// Process, as long as events arrive in event-time order (expiry sweeps
// follow the newest event time the engine has seen).
func (e *Engine) Apply(cts []Contribution, dst []Result) (_ []Result, skipped int) {
	idx := e.shuffleIndex()
	start := len(dst)
	for i := range cts {
		ct := &cts[i]
		c := idx.byKey[ct.Rule]
		if c == nil || c.rule.Type != ct.Type || !slices.Equal(c.rule.GroupBy, ct.GroupBy) {
			skipped++
			continue
		}
		in, ok := c.internal(ct)
		if !ok {
			skipped++
			continue
		}
		if ct.Time > e.maxTime {
			e.maxTime = ct.Time
		}
		dst = e.contribute(c, ct.Key, pairSource{chain: ct.Pairs}, in, dst)
	}
	if len(cts) > skipped {
		dst = e.chain(dst, start)
		e.maybeSweep()
	}
	return dst, skipped
}

// internal converts ct for c; false when a referenced rule is unknown.
func (c *compiled) internal(ct *Contribution) (contribution, bool) {
	in := contribution{ts: ct.Time, val: ct.Value, num: ct.Number, hasVal: ct.HasValue, store: ct.Store}
	for _, ref := range ct.Refs {
		slot := slices.Index(c.rule.Refs, ref)
		if slot < 0 {
			return in, false
		}
		in.slots = append(in.slots, slot)
	}
	if ct.Store {
		in.stored = bufferedEvent{ts: ct.Stored.Time, body: ct.Stored.Body, ref: ct.Stored.Ref}
	}
	return in, true
}

// Fresh returns an engine with e's compiled rules and options and no state.
// It shares the rules with e (read-only), not the state, so both can run
// concurrently; a fleet member keeps one per partition it owns.
func (e *Engine) Fresh() *Engine {
	f := &Engine{opts: e.opts, dets: e.dets, routes: e.routes, hidden: e.hidden,
		timeFields: e.timeFields, idFields: e.idFields, detIndex: e.detIndex,
		corrs: make([]*compiled, len(e.corrs))}
	for i, c := range e.corrs {
		cc := *c
		cc.groups, cc.newest, cc.seen = map[string]*group{}, 0, false
		f.corrs[i] = &cc
	}
	return f
}
