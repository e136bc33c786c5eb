package correlation

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// refModel is a deliberately naive reading of correlation.md that the
// engine is checked against (differential_test.go, and every table of
// runScenarios). It takes the parsed rules (parsing is not what it checks)
// and re-derives everything else from the spec text, with no code of the
// engine's evaluation: unsorted entry lists filtered on every contribution,
// aggregates recomputed from scratch, and groups kept in plain maps.
//
// It follows the spec and the choices the engine documents:
//   - sliding windows (§6.1) evict relative to the group's high-water mark
//     (the largest time it took) and drop contributions older than that
//     mark minus the timespan; tumbling windows (§6.2) clear on a later
//     bucket and drop an earlier one; sessions (§6.2) restart when the
//     newest stored entry is more than the gap back, or the oldest more
//     than the timespan, and take late entries in;
//   - a group is forgotten once its window is empty and its suppression
//     has lapsed, so a later contribution starts it afresh;
//   - a contribution is late when it lies behind the window that ends at
//     the newest time its correlation took (late.go); dropped when its
//     group drops it, accepted otherwise.
//
// Not modelled (the engine's scenarios must not use them): per-group entry
// caps, the state cap, the expiry sweep (runs after 1024 events) and event
// buffers.
type refModel struct {
	corrs []*refCorr
	dets  []*sigma.Rule
	opts  Options
}

type refCorr struct {
	rule            *Rule
	targets         []target // per slot
	span, gap       int64    // ms
	suppress        int64    // ms
	reset           bool
	groups          map[string]*refGroup
	newest          int64
	seen            bool
	percentile      float64
	expressionSlots map[string]int
}

type refEntry struct {
	ts   int64
	slot int
	num  float64
	val  string
	has  bool // num or val present (value types)
}

type refGroup struct {
	entries  []refEntry
	hwm      int64
	emitted  bool
	lastEmit int64
}

// refResult is one result of the model, rendered like describeResult.
type refResult struct {
	corr  int
	ts    int64
	pairs []GroupPair
	text  string
}

func newRefModel(rules []*Rule, dets []*sigma.Rule, opts Options) (*refModel, error) {
	m := &refModel{dets: dets, opts: opts}
	find := func(ref string) (target, error) {
		for _, byID := range []bool{true, false} {
			for i, d := range dets {
				if (byID && d.ID == ref) || (!byID && d.Name == ref) {
					return target{det: i, corr: -1}, nil
				}
			}
			for i, c := range rules {
				if (byID && c.ID == ref) || (!byID && c.Name == ref) {
					return target{det: -1, corr: i}, nil
				}
			}
		}
		return target{}, fmt.Errorf("unknown reference %q", ref)
	}
	for _, r := range rules {
		s, err := resolveSettings(r, &opts)
		if err != nil {
			return nil, err
		}
		c := &refCorr{rule: r, span: r.Timespan.Milliseconds(), gap: r.Gap.Milliseconds(),
			suppress: s.suppress.Milliseconds(), reset: s.action == ActionReset,
			groups: map[string]*refGroup{}, percentile: 50, expressionSlots: map[string]int{}}
		if r.Type == ValuePercentile {
			c.percentile = r.Condition.Percentile
		}
		for slot, ref := range r.Refs {
			t, err := find(ref)
			if err != nil {
				return nil, err
			}
			c.targets = append(c.targets, t)
			c.expressionSlots[ref] = slot
		}
		m.corrs = append(m.corrs, c)
	}
	return m, nil
}

// process evaluates one event that matched the detection rules hits and
// returns the results (direct ones in correlation order, then chained ones)
// and the late contributions.
func (m *refModel) process(ev testEvent, hits []int) (results []refResult, lates []Late) {
	fed := false
	for _, c := range m.corrs {
		for _, t := range c.targets {
			fed = fed || (t.det >= 0 && slices.Contains(hits, t.det))
		}
	}
	if !fed {
		return nil, nil
	}
	ts, ok := refEventTime(ev)
	if !ok {
		if m.opts.TimestampFallback == FallbackSkip {
			return nil, nil
		}
		ts = m.opts.now().UnixMilli()
	}
	for ci, c := range m.corrs {
		type contribution struct {
			key   string
			pairs []GroupPair
			slots []int
		}
		var cts []contribution
		for slot, t := range c.targets {
			if t.det < 0 || !slices.Contains(hits, t.det) {
				continue
			}
			key, pairs, ok := m.directKey(c, slot, ev)
			if !ok {
				continue
			}
			i := slices.IndexFunc(cts, func(x contribution) bool { return x.key == key })
			if i < 0 {
				cts = append(cts, contribution{key: key, pairs: pairs})
				i = len(cts) - 1
			}
			cts[i].slots = append(cts[i].slots, slot)
		}
		for _, ct := range cts {
			results, lates = m.contribute(ci, ct.key, ct.pairs, ts, ct.slots, ev, results, lates)
		}
	}
	for i := 0; i < len(results); i++ {
		child := results[i]
		for pi, p := range m.corrs {
			for slot, t := range p.targets {
				if t.corr != child.corr {
					continue
				}
				key, pairs, ok := m.chainKey(p, child.pairs)
				if ok {
					results, lates = m.contribute(pi, key, pairs, child.ts, []int{slot}, nil, results, lates)
				}
			}
		}
	}
	return results, lates
}

// refEventTime reads @timestamp: epoch seconds, or milliseconds above 10^12.
func refEventTime(ev testEvent) (int64, bool) {
	var n int64
	switch x := ev["@timestamp"].(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	default:
		return 0, false
	}
	if n > 1e12 {
		return n, true
	}
	return n * 1000, true
}

// refText is the text of a scalar event value (§7.1): strings as they are,
// numbers in canonical form, booleans true/false; false for anything else.
func refText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// refDecimal is sigma-rules.md §5.3's event-string number: optional sign,
// digits, fraction, exponent; nothing around it.
var refDecimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// refNumber reads a value_* field (§8.5): numbers, or decimal strings.
func refNumber(v any) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case int:
		f = float64(x)
	case int64:
		f = float64(x)
	case float64:
		f = x
	case string:
		if !refDecimal.MatchString(x) {
			return 0, false
		}
		var err error
		if f, err = strconv.ParseFloat(x, 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// directKey builds the group key of an event of the rule at slot (§7): the
// group-by fields, through aliases; false when a component is missing
// (unless missing groups are included).
func (m *refModel) directKey(c *refCorr, slot int, ev testEvent) (string, []GroupPair, bool) {
	det := m.dets[c.targets[slot].det]
	var key []string
	var pairs []GroupPair
	for _, name := range c.rule.GroupBy {
		field, aliased := name, false
		for _, a := range c.rule.Aliases {
			if a.Name != name {
				continue
			}
			aliased, field = true, ""
			for _, af := range a.Fields {
				if af.Ref == c.rule.Refs[slot] || (det.ID != "" && af.Ref == det.ID) || (det.Name != "" && af.Ref == det.Name) {
					field = af.Field
					break
				}
			}
		}
		v, ok := refText(ev[field])
		if aliased && field == "" {
			ok = false
		}
		if !ok && !m.opts.IncludeMissingGroups {
			return "", nil, false
		}
		key = append(key, fmt.Sprintf("%v:%q", ok, v))
		if ok {
			pairs = append(pairs, GroupPair{Field: name, Value: v})
		}
	}
	return strings.Join(key, ","), pairs, true
}

// chainKey builds a parent's group key from a child's output pairs by field
// name (§9).
func (m *refModel) chainKey(p *refCorr, child []GroupPair) (string, []GroupPair, bool) {
	var key []string
	var pairs []GroupPair
	for _, name := range p.rule.GroupBy {
		i := slices.IndexFunc(child, func(g GroupPair) bool { return g.Field == name })
		if i < 0 && !m.opts.IncludeMissingGroups {
			return "", nil, false
		}
		v := ""
		if i >= 0 {
			v = child[i].Value
			pairs = append(pairs, GroupPair{Field: name, Value: v})
		}
		key = append(key, fmt.Sprintf("%v:%q", i >= 0, v))
	}
	return strings.Join(key, ","), pairs, true
}

// behind reports whether ts lies behind the window that ends at newest.
func (c *refCorr) behind(newest, ts int64) bool {
	switch c.rule.Window {
	case WindowTumbling:
		return refBucket(ts, c.span) < refBucket(newest, c.span)
	case WindowSession:
		return ts < newest-c.gap
	}
	return ts < newest-c.span
}

// refBucket is the epoch-aligned tumbling bucket of ts.
func refBucket(ts, span int64) int64 { return int64(math.Floor(float64(ts) / float64(span))) }

// contribute applies one contribution (§6, §8, §11) and appends what it
// produced.
func (m *refModel) contribute(ci int, key string, pairs []GroupPair, ts int64, slots []int, ev testEvent,
	results []refResult, lates []Late) ([]refResult, []Late) {
	c := m.corrs[ci]
	g := c.groups[key]
	late := ""
	switch {
	case g != nil && c.rule.Window != WindowSession && c.behind(g.hwm, ts):
		late = "dropped"
	case c.seen && c.behind(c.newest, ts):
		late = "accepted"
	}
	if late != "" {
		lates = append(lates, Late{Rule: c.rule, Group: pairs, Time: ts, Dropped: late == "dropped"})
	}
	if late != "dropped" {
		if g == nil {
			g = &refGroup{hwm: ts}
			c.groups[key] = g
		}
		m.slide(c, g, ts)
		if !c.seen || ts > c.newest {
			c.seen, c.newest = true, ts
		}
		g.entries = append(g.entries, m.entries(c, ts, slots, ev)...)
		if value, ok := m.evaluate(c, g); ok {
			if !g.emitted || c.suppress == 0 || ts-g.lastEmit >= c.suppress {
				g.emitted, g.lastEmit = true, ts
				results = append(results, refResult{corr: ci, ts: ts, pairs: pairs,
					text: describeResult(c.rule.Title, ts, value, pairs)})
				if c.reset {
					g.entries = nil
				}
			}
		}
	}
	if g != nil && len(g.entries) == 0 && (!g.emitted || c.suppress == 0 || ts-g.lastEmit >= c.suppress) {
		delete(c.groups, key)
	}
	return results, lates
}

// slide moves g's window to ts before the new entries are stored.
func (m *refModel) slide(c *refCorr, g *refGroup, ts int64) {
	switch c.rule.Window {
	case WindowTumbling:
		if refBucket(ts, c.span) > refBucket(g.hwm, c.span) {
			g.entries = nil
		}
	case WindowSession:
		if len(g.entries) > 0 {
			newest, oldest := g.entries[0].ts, g.entries[0].ts
			for _, e := range g.entries {
				newest, oldest = max(newest, e.ts), min(oldest, e.ts)
			}
			if ts-newest > c.gap || ts-oldest > c.span {
				g.entries = nil
			}
		}
	default:
		cutoff := max(g.hwm, ts) - c.span
		g.entries = slices.DeleteFunc(g.entries, func(e refEntry) bool { return e.ts < cutoff })
	}
	g.hwm = max(g.hwm, ts)
}

// entries are what one contribution stores (§8): one per event
// (event_count), one per referenced rule (temporal types), one per present
// value (value types; chained contributions carry none).
func (m *refModel) entries(c *refCorr, ts int64, slots []int, ev testEvent) []refEntry {
	switch c.rule.Type {
	case EventCount:
		return []refEntry{{ts: ts}}
	case Temporal, TemporalOrdered:
		var out []refEntry
		for _, s := range slots {
			out = append(out, refEntry{ts: ts, slot: s})
		}
		return out
	case ValueCount:
		var parts []string
		for _, f := range c.rule.Condition.Fields {
			v, ok := refText(ev[f])
			if !ok {
				return nil
			}
			parts = append(parts, strconv.Quote(v))
		}
		return []refEntry{{ts: ts, val: strings.Join(parts, ","), has: true}}
	}
	if f, ok := refNumber(ev[c.rule.Condition.Fields[0]]); ok {
		return []refEntry{{ts: ts, num: f, has: true}}
	}
	return nil
}

// evaluate computes the aggregate and tests the condition; false when it
// does not hold or there is nothing to evaluate.
func (m *refModel) evaluate(c *refCorr, g *refGroup) (float64, bool) {
	hit := map[int]bool{}
	for _, e := range g.entries {
		hit[e.slot] = true
	}
	var value float64
	switch c.rule.Type {
	case EventCount:
		value = float64(len(g.entries))
	case ValueCount:
		distinct := map[string]bool{}
		for _, e := range g.entries {
			distinct[e.val] = true
		}
		value = float64(len(distinct))
	case Temporal:
		value = float64(len(hit))
	case TemporalOrdered:
		if refOrdered(g.entries, len(c.targets)) {
			value = float64(len(c.targets))
		}
	default:
		var nums []float64
		for _, e := range g.entries {
			nums = append(nums, e.num)
		}
		if len(nums) == 0 {
			return 0, false
		}
		value = refAggregate(c.rule.Type, nums, c.percentile)
	}
	if x := c.rule.Condition.Expr; x != nil {
		holds := refExpr(x, func(ref string) bool { return hit[c.expressionSlots[ref]] })
		return value, holds && (c.rule.Type != TemporalOrdered || value > 0)
	}
	for _, p := range c.rule.Condition.Predicates {
		if !refHolds(p, value) {
			return value, false
		}
	}
	return value, true
}

// refOrdered: hits t1 ≤ … ≤ tn of the rules in order exist (§8.4); taking
// the earliest usable hit of each rule in turn is never worse than another.
func refOrdered(entries []refEntry, n int) bool {
	prev := int64(math.MinInt64)
	for slot := 0; slot < n; slot++ {
		best, found := int64(math.MaxInt64), false
		for _, e := range entries {
			if e.slot == slot && e.ts >= prev && e.ts < best {
				best, found = e.ts, true
			}
		}
		if !found {
			return false
		}
		prev = best
	}
	return true
}

// refAggregate: sum, mean, or the value at a percentile by linear
// interpolation between closest ranks (§8.5, §8.6).
func refAggregate(t Type, nums []float64, p float64) float64 {
	sum := 0.0
	for _, n := range nums {
		sum += n
	}
	switch t {
	case ValueSum:
		return sum
	case ValueAvg:
		return sum / float64(len(nums))
	}
	sorted := slices.Clone(nums)
	sort.Float64s(sorted)
	rank := p / 100 * float64(len(sorted)-1)
	lo, hi := math.Floor(rank), math.Ceil(rank)
	a, b := sorted[int(lo)], sorted[int(hi)]
	if lo == hi {
		return a
	}
	return a + (b-a)*(rank-lo)
}

// refHolds applies one threshold (§4.1): eq/neq exact between integral
// values, else within a relative 1e-9.
func refHolds(p Predicate, v float64) bool {
	eq := v == p.Threshold
	if v != math.Trunc(v) || p.Threshold != math.Trunc(p.Threshold) {
		eq = math.Abs(v-p.Threshold) <= 1e-9*math.Max(math.Abs(v), math.Abs(p.Threshold))
	}
	switch p.Op {
	case OpGT:
		return v > p.Threshold
	case OpGTE:
		return v >= p.Threshold
	case OpLT:
		return v < p.Threshold
	case OpLTE:
		return v <= p.Threshold
	case OpEQ:
		return eq
	}
	return !eq
}

// refExpr evaluates a temporal expression (§4.3) by identifier.
func refExpr(x *Expr, hit func(ref string) bool) bool {
	switch x.op {
	case exprIdent:
		return hit(x.ident)
	case exprNot:
		return !refExpr(x.args[0], hit)
	case exprAnd:
		for _, a := range x.args {
			if !refExpr(a, hit) {
				return false
			}
		}
		return true
	}
	for _, a := range x.args {
		if refExpr(a, hit) {
			return true
		}
	}
	return false
}

// describeResult renders a result as "title@ms=value[k=v,...]".
func describeResult(title string, ts int64, value float64, pairs []GroupPair) string {
	return fmt.Sprintf("%s@%d=%s[%s]", title, ts, strconv.FormatFloat(value, 'g', -1, 64), pairText(pairs))
}

// describeLateMs renders a late contribution as "title@ms[k=v,...]:outcome".
func describeLateMs(x Late) string {
	outcome := "accepted"
	if x.Dropped {
		outcome = "dropped"
	}
	return fmt.Sprintf("%s@%d[%s]:%s", x.Rule.Title, x.Time, pairText(x.Group), outcome)
}

func pairText(pairs []GroupPair) string {
	var kv []string
	for _, p := range pairs {
		kv = append(kv, p.Field+"="+p.Value)
	}
	return strings.Join(kv, ",")
}

// model builds the reference model for the harness's rules and options
// (parsed again: Compile annotates the rules it gets), or nil when the
// options use what the model leaves out (entry and state caps).
func (h *harness) model(corrYAML string) *refModel {
	h.t.Helper()
	if h.eng.opts.MaxGroupEntries != 0 || h.eng.opts.MaxStateEntries != 0 {
		return nil
	}
	dets := make([]*sigma.Rule, len(h.dets))
	for i, d := range h.dets {
		dets[i] = d.rule
	}
	m, err := newRefModel(parseRules(h.t, corrYAML), dets, h.eng.opts)
	if err != nil {
		h.t.Fatalf("reference model: %v", err)
	}
	return m
}

// engineVsModel renders the engine's results for one event next to the
// model's for the same event (ms resolution); equal strings mean agreement.
func engineVsModel(results []Result, m *refModel, ev testEvent, hits []int) (engine, model string) {
	var a, b []string
	for _, r := range results {
		a = append(a, describeResult(r.Rule.Title, r.Time, r.Value, r.GroupKey))
	}
	refs, _ := m.process(ev, hits)
	for _, r := range refs {
		b = append(b, r.text)
	}
	return "[" + strings.Join(a, " ") + "]", "[" + strings.Join(b, " ") + "]"
}
