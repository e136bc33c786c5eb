package correlation

import (
	"slices"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// scratch holds per-call buffers reused across Process calls.
type scratch struct {
	routes  []link
	slots   []int
	values  []string
	present []bool
	// arena holds the group keys computed for e.scratch.slots; offs[2i],
	// offs[2i+1] delimit slot i's key (-1 when skipped).
	arena      []byte
	offs       []int
	groupSlots []int
}

// Process feeds one event's detection hits to the correlations, in event
// order, and appends the results that fired to dst: direct results in
// correlation order, then chained results (correlation.md §1).
func (e *Engine) Process(in Input, dst []Result) []Result {
	if !e.routeHits(in.Hits) {
		return dst
	}
	ts, ok := e.contributionTime(in.Event)
	if !ok {
		return dst
	}
	if ts > e.maxTime {
		e.maxTime = ts
	}
	s := &e.scratch
	start := len(dst)
	for i := 0; i < len(s.routes); {
		next := e.slotsAt(i)
		dst = e.processDirect(e.corrs[s.routes[i].corr], in, ts, dst)
		i = next
	}
	dst = e.chain(dst, start)
	e.maybeSweep()
	return dst
}

// routeHits fills e.scratch.routes with the (correlation, slot) pairs the
// detection hits feed, sorted by correlation, then slot; false when none.
func (e *Engine) routeHits(hits []int) bool {
	s := &e.scratch
	s.routes = s.routes[:0]
	for _, d := range hits {
		if d >= 0 && d < len(e.routes) {
			s.routes = append(s.routes, e.routes[d]...)
		}
	}
	if len(s.routes) > 1 {
		slices.SortFunc(s.routes, func(a, b link) int {
			if a.corr != b.corr {
				return a.corr - b.corr
			}
			return a.slot - b.slot
		})
	}
	return len(s.routes) > 0
}

// contributionTime is the event time of ev's contributions (correlation.md
// §10); false means the event must not touch correlation state.
func (e *Engine) contributionTime(ev sigma.Event) (int64, bool) {
	if ts, ok := eventTime(ev, e.timeFields); ok {
		return ts, true
	}
	if e.opts.TimestampFallback == FallbackSkip {
		return 0, false
	}
	return e.opts.now().UnixMilli(), true
}

// slotsAt fills e.scratch.slots with the distinct slots routed to the
// correlation of e.scratch.routes[i] and returns the index of the next
// correlation's first route.
func (e *Engine) slotsAt(i int) int {
	s := &e.scratch
	s.slots = s.slots[:0]
	j := i
	for ; j < len(s.routes) && s.routes[j].corr == s.routes[i].corr; j++ {
		if n := len(s.slots); n == 0 || s.slots[n-1] != s.routes[j].slot {
			s.slots = append(s.slots, s.routes[j].slot)
		}
	}
	return j
}

// processDirect applies one event to correlation c for the slots in
// e.scratch.slots: one contribution per distinct group key, carrying every
// slot that produced that key (correlation.md §8.1, §8.3).
func (e *Engine) processDirect(c *compiled, in Input, ts int64, dst []Result) []Result {
	s := &e.scratch
	e.groupKeys(c, in.Event)
	for i, slot := range s.slots {
		key, ok := e.groupAt(i)
		if !ok {
			continue
		}
		ct := contribution{ts: ts, slots: s.groupSlots}
		c.readValue(in.Event, &ct)
		if c.settings.eventMode != EventModeNone && !c.chained {
			ct.stored, ct.store = e.storedEvent(c.settings.eventMode, in, ts), true
		}
		src := pairSource{fields: c.groupFields[slot], event: in.Event}
		dst = e.contribute(c, key, src, ct, dst)
	}
	return dst
}

// groupKeys encodes, into e.scratch.arena, the group key ev yields for each
// slot of e.scratch.slots; offs[2i], offs[2i+1] delimit slot i's key (-1
// when the contribution is skipped, §7.1).
func (e *Engine) groupKeys(c *compiled, ev sigma.Event) {
	s := &e.scratch
	s.arena, s.offs = s.arena[:0], s.offs[:0]
	for _, slot := range s.slots {
		start := len(s.arena)
		var ok bool
		s.arena, ok = e.appendGroupKey(s.arena, c.groupFields[slot], ev)
		if !ok {
			s.arena = s.arena[:start]
			s.offs = append(s.offs, -1, -1)
			continue
		}
		s.offs = append(s.offs, start, len(s.arena))
	}
}

// groupAt returns the group key of slot i (after groupKeys) and fills
// e.scratch.groupSlots with every later slot sharing it, which it marks as
// used; false when slot i is skipped or was used by an earlier one.
func (e *Engine) groupAt(i int) ([]byte, bool) {
	s := &e.scratch
	if s.offs[2*i] < 0 {
		return nil, false
	}
	key := s.arena[s.offs[2*i]:s.offs[2*i+1]]
	s.groupSlots = append(s.groupSlots[:0], s.slots[i])
	for j := i + 1; j < len(s.slots); j++ {
		if s.offs[2*j] >= 0 && string(s.arena[s.offs[2*j]:s.offs[2*j+1]]) == string(key) {
			s.groupSlots = append(s.groupSlots, s.slots[j])
			s.offs[2*j], s.offs[2*j+1] = -1, -1
		}
	}
	return key, true
}

// appendGroupKey appends the encoded group key read from ev; ok is false
// when the contribution must be skipped (a component missing, §7.1).
func (e *Engine) appendGroupKey(dst []byte, fields []*sigma.Field, ev sigma.Event) ([]byte, bool) {
	s := &e.scratch
	s.values, s.present = s.values[:0], s.present[:0]
	for _, f := range fields {
		v, ok := groupValue(ev, f)
		if !ok && !e.opts.IncludeMissingGroups {
			return dst, false
		}
		s.values, s.present = append(s.values, v), append(s.present, ok)
	}
	return encodeKey(dst, s.values, s.present), true
}

// pairSource produces the output group_key of a new group, from the event
// (direct contributions) or from a child's result (chained ones).
type pairSource struct {
	fields []*sigma.Field
	event  sigma.Event
	chain  []GroupPair
}

func (p pairSource) pairs(c *compiled) []GroupPair {
	if p.event == nil {
		return chainPairs(c, p.chain)
	}
	return eventPairs(c, p.fields, p.event)
}

// groupValue renders a scalar event value as group-key text.
func groupValue(ev sigma.Event, f *sigma.Field) (string, bool) {
	if f == nil {
		return "", false
	}
	v := ev.Field(f)
	switch v.Kind {
	case sigma.KindString, sigma.KindNumber, sigma.KindBool:
		return v.Str, true
	}
	return "", false
}

// eventPairs builds the output group_key for a new group (strings copied
// out of the event).
func eventPairs(c *compiled, fields []*sigma.Field, ev sigma.Event) []GroupPair {
	pairs := make([]GroupPair, 0, len(fields))
	for i, f := range fields {
		if v, ok := groupValue(ev, f); ok {
			pairs = append(pairs, GroupPair{Field: c.rule.GroupBy[i], Value: strings.Clone(v)})
		}
	}
	return pairs
}

// readValue fills the aggregated value of a contribution (value_count and
// value_* types).
func (c *compiled) readValue(ev sigma.Event, ct *contribution) {
	switch {
	case c.rule.Type == ValueCount:
		vals := make([]string, len(c.valueFields))
		present := make([]bool, len(c.valueFields))
		for i, f := range c.valueFields {
			v, ok := groupValue(ev, f)
			if !ok {
				return
			}
			vals[i], present[i] = v, true
		}
		ct.val, ct.hasVal = string(encodeKey(nil, vals, present)), true
	case c.rule.Type.numeric():
		// The numeric reading of detection matching (sigma-rules.md §5.3),
		// so that " 12" is no more a number here than in a rule.
		if f, ok := ev.Field(c.valueFields[0]).Number(); ok {
			ct.num, ct.hasVal = f, true
		}
	}
}

// storedEvent captures what the event buffer keeps for the event.
func (e *Engine) storedEvent(mode EventMode, in Input, ts int64) bufferedEvent {
	be := bufferedEvent{ts: ts}
	if mode == EventModeRefs {
		be.ref = EventRef{Timestamp: ts / 1000}
		for _, f := range e.idFields {
			v := in.Event.Field(f)
			if v.Kind == sigma.KindMissing {
				continue
			}
			if v.Kind == sigma.KindString || v.Kind == sigma.KindNumber {
				be.ref.ID, be.ref.HasID = strings.Clone(v.Str), true
			}
			break
		}
		return be
	}
	body := in.Body
	if body == nil {
		if r, ok := in.Event.(interface{ Raw() []byte }); ok {
			body = r.Raw()
		}
	}
	if body != nil {
		be.body = compress(body)
	}
	return be
}
