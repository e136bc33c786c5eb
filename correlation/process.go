package correlation

import (
	"sort"
	"strconv"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// scratch holds per-call buffers reused across Process calls.
type scratch struct {
	routes  []link
	slots   []int
	key     []byte
	values  []string
	present []bool
	pending []pendingGroup
}

// pendingGroup is one distinct group an event contributes to.
type pendingGroup struct {
	key   string
	slots []int
	slot0 int // first slot, whose fields produced the key
}

// Process feeds one event's detection hits to the correlations, in event
// order, and appends the results that fired to dst: direct results in
// correlation order, then chained results (correlation.md §1).
func (e *Engine) Process(in Input, dst []Result) []Result {
	s := &e.scratch
	s.routes = s.routes[:0]
	for _, d := range in.Hits {
		if d >= 0 && d < len(e.routes) {
			s.routes = append(s.routes, e.routes[d]...)
		}
	}
	if len(s.routes) == 0 {
		return dst
	}
	ts, ok := eventTime(in.Event, e.timeFields)
	if !ok {
		if e.opts.TimestampFallback == FallbackSkip {
			return dst
		}
		ts = e.opts.now().UnixMilli()
	}
	if ts > e.maxTime {
		e.maxTime = ts
	}
	sort.Slice(s.routes, func(i, j int) bool {
		a, b := s.routes[i], s.routes[j]
		return a.corr < b.corr || a.corr == b.corr && a.slot < b.slot
	})
	start := len(dst)
	for i := 0; i < len(s.routes); {
		j := i
		s.slots = s.slots[:0]
		for ; j < len(s.routes) && s.routes[j].corr == s.routes[i].corr; j++ {
			if n := len(s.slots); n == 0 || s.slots[n-1] != s.routes[j].slot {
				s.slots = append(s.slots, s.routes[j].slot)
			}
		}
		dst = e.processDirect(e.corrs[s.routes[i].corr], in, ts, dst)
		i = j
	}
	dst = e.chain(dst, start)
	e.maybeSweep()
	return dst
}

// processDirect applies one event to correlation c for the slots in
// e.scratch.slots.
func (e *Engine) processDirect(c *compiled, in Input, ts int64, dst []Result) []Result {
	s := &e.scratch
	s.pending = s.pending[:0]
	for _, slot := range s.slots {
		key, ok := e.groupKey(c.groupFields[slot], in.Event)
		if !ok {
			continue
		}
		found := false
		for i := range s.pending {
			if s.pending[i].key == key {
				s.pending[i].slots = append(s.pending[i].slots, slot)
				found = true
				break
			}
		}
		if !found {
			s.pending = append(s.pending, pendingGroup{key: key, slots: []int{slot}, slot0: slot})
		}
	}
	for _, p := range s.pending {
		ct := contribution{ts: ts, slots: p.slots, event: in.Event}
		c.readValue(in.Event, &ct)
		if c.settings.eventMode != EventModeNone && !c.chained {
			ct.stored, ct.store = e.storedEvent(c.settings.eventMode, in, ts), true
		}
		fields := c.groupFields[p.slot0]
		dst = e.contribute(c, p.key, func() []GroupPair { return e.eventPairs(c, fields, in.Event) }, ct, dst)
	}
	return dst
}

// groupKey reads the group-by components from ev; ok is false when the
// contribution must be skipped (a component missing, correlation.md §7.1).
func (e *Engine) groupKey(fields []*sigma.Field, ev sigma.Event) (string, bool) {
	s := &e.scratch
	s.values, s.present = s.values[:0], s.present[:0]
	for _, f := range fields {
		v, ok := groupValue(ev, f)
		if !ok && !e.opts.IncludeMissingGroups {
			return "", false
		}
		s.values, s.present = append(s.values, v), append(s.present, ok)
	}
	s.key = encodeKey(s.key[:0], s.values, s.present)
	return string(s.key), true
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
func (e *Engine) eventPairs(c *compiled, fields []*sigma.Field, ev sigma.Event) []GroupPair {
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
		v := ev.Field(c.valueFields[0])
		if v.Kind != sigma.KindNumber && v.Kind != sigma.KindString {
			return
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
		if err == nil && !isNonFinite(f) {
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
