package correlation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDifferentialAgainstReferenceModel runs seeded random scenarios through
// the engine and the reference model (model_test.go) and requires the same
// results (rule, time in ms, group key, value) and the same late
// contributions for every event. The scenarios cover the eight types,
// group-by with and without aliases, chaining, sliding, tumbling and
// session windows, suppression and reset, missing groups included or not,
// untimed events, out-of-order and late events at ms and whole-second
// resolution. Reproduce one with -run 'TestDifferentialAgainstReferenceModel/seed_N'.
func TestDifferentialAgainstReferenceModel(t *testing.T) {
	const scenarios = 1000
	total := newDiffStats()
	for seed := uint64(1); seed <= scenarios; seed++ {
		sc := newScenarioGen(seed).scenario()
		t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			total.add(runDifferential(t, sc))
		})
	}
	t.Logf("%d scenarios, %d events, %d results, %d late contributions (%d dropped): engine and model agree on all",
		scenarios, total.events, total.results, total.late, total.dropped)
	t.Logf("firings by type %v, by window %v; scenarios by type %v", total.firedByType, total.firedByWindow, total.byType)
	// The comparison is only worth something if every feature fires.
	for typ := EventCount; typ <= ValueMedian; typ++ {
		if total.firedByType[typ.String()] < 50 || total.byType[typ.String()] < 30 {
			t.Errorf("%s: %d firings over %d scenarios; the generator no longer covers it",
				typ, total.firedByType[typ.String()], total.byType[typ.String()])
		}
	}
	for _, w := range []string{"sliding", "tumbling", "session"} {
		if total.firedByWindow[w] < 100 {
			t.Errorf("window %s fired %d times; the generator no longer covers it", w, total.firedByWindow[w])
		}
	}
	if total.dropped < 100 || total.late-total.dropped < 100 || total.chained < 50 || total.aliased < 50 {
		t.Errorf("coverage: %d dropped, %d accepted late, %d chained and %d aliased firings",
			total.dropped, total.late-total.dropped, total.chained, total.aliased)
	}
}

// diffStats counts what one or more scenarios exercised.
type diffStats struct {
	events, results, late, dropped, chained, aliased int
	firedByType, firedByWindow, byType               map[string]int
}

func newDiffStats() diffStats {
	return diffStats{firedByType: map[string]int{}, firedByWindow: map[string]int{}, byType: map[string]int{}}
}

func (s *diffStats) add(o diffStats) {
	s.events += o.events
	s.results += o.results
	s.late += o.late
	s.dropped += o.dropped
	s.chained += o.chained
	s.aliased += o.aliased
	for k, v := range o.firedByType {
		s.firedByType[k] += v
	}
	for k, v := range o.firedByWindow {
		s.firedByWindow[k] += v
	}
	for k, v := range o.byType {
		s.byType[k] += v
	}
}

// genScenario is one generated scenario.
type genScenario struct {
	yaml   string
	opts   Options
	dets   []detection
	events []testEvent
}

func runDifferential(t *testing.T, sc genScenario) diffStats {
	h := newHarness(t, sc.yaml, sc.opts, sc.dets...)
	model := h.model(sc.yaml)
	var engineLate []Late
	h.eng.SetOnLate(func(l Late) { engineLate = append(engineLate, l) })
	st := newDiffStats()
	for _, r := range h.eng.Rules() {
		st.byType[r.Type.String()]++
	}
	fail := func(i int, what, eng, ref string) {
		t.Helper()
		from := max(0, i-12)
		var recent []string
		for j := from; j <= i; j++ {
			recent = append(recent, fmt.Sprintf("  #%d %v", j, sc.events[j]))
		}
		t.Fatalf("event #%d: %s differ\nengine %s\nmodel  %s\nrules:\n%s\noptions: %+v\nevents #%d..#%d:\n%s",
			i, what, eng, ref, sc.yaml, sc.opts, from, i, strings.Join(recent, "\n"))
	}
	for i, ev := range sc.events {
		hits := h.hits(ev)
		engineLate = engineLate[:0]
		results := h.eng.Process(Input{Event: ev, Hits: hits}, nil)
		refs, refLate := model.process(ev, hits)
		var a, b []string
		for _, r := range results {
			a = append(a, describeResult(r.Rule.Title, r.Time, r.Value, r.GroupKey))
		}
		for _, r := range refs {
			b = append(b, r.text)
		}
		if !slices.Equal(a, b) {
			fail(i, "results", fmt.Sprint(a), fmt.Sprint(b))
		}
		a, b = a[:0], b[:0]
		for _, l := range engineLate {
			a = append(a, describeLateMs(l))
		}
		for _, l := range refLate {
			b = append(b, describeLateMs(l))
		}
		if !slices.Equal(a, b) {
			fail(i, "late contributions", fmt.Sprint(a), fmt.Sprint(b))
		}
		st.events++
		st.results += len(results)
		st.late += len(engineLate)
		for _, l := range engineLate {
			if l.Dropped {
				st.dropped++
			}
		}
		for _, r := range results {
			st.firedByType[r.Rule.Type.String()]++
			st.firedByWindow[[...]string{"sliding", "tumbling", "session"}[r.Rule.Window]]++
			if strings.HasPrefix(r.Rule.Title, "Parent") {
				st.chained++
			}
			if len(r.Rule.Aliases) > 0 {
				st.aliased++
			}
		}
	}
	return st
}

// scenarioGen draws scenarios from a seed.
type scenarioGen struct {
	r    *rand.Rand
	base int64 // ms
}

func newScenarioGen(seed uint64) *scenarioGen {
	return &scenarioGen{r: rand.New(rand.NewPCG(seed, 0x5eed)), base: 1_700_000_000_000}
}

func (g *scenarioGen) pick(options ...string) string { return options[g.r.IntN(len(options))] }

func (g *scenarioGen) chance(p float64) bool { return g.r.Float64() < p }

// genCorr is a correlation to render as YAML.
type genCorr struct {
	title, name string
	typ         Type
	refs        []string
	groupBy     []string
	aliases     string // YAML flow mapping or ""
	timespan    time.Duration
	window, gap string
	condition   string // YAML flow mapping, expression, or "" (temporal default)
	attrs       []string
}

func (c genCorr) render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\nname: %s\n", c.title, c.name)
	if c.window != "" {
		fmt.Fprintf(&b, "rsigma.window: %s\n", c.window)
	}
	if c.gap != "" {
		fmt.Fprintf(&b, "rsigma.gap: %q\n", c.gap)
	}
	for _, a := range c.attrs {
		b.WriteString(a + "\n")
	}
	fmt.Fprintf(&b, "correlation:\n  type: %s\n  rules: [%s]\n  timespan: %ds\n",
		c.typ, strings.Join(c.refs, ", "), int(c.timespan.Seconds()))
	if len(c.groupBy) > 0 {
		fmt.Fprintf(&b, "  group-by: [%s]\n", strings.Join(c.groupBy, ", "))
	}
	if c.aliases != "" {
		fmt.Fprintf(&b, "  aliases: %s\n", c.aliases)
	}
	if c.condition != "" {
		fmt.Fprintf(&b, "  condition: %s\n", c.condition)
	}
	return b.String()
}

const genDetections = 4

func (g *scenarioGen) scenario() genScenario {
	sc := genScenario{}
	for i := range genDetections {
		sc.dets = append(sc.dets, fieldIs(fmt.Sprintf("r%d", i), fmt.Sprintf("R%d", i), 1))
	}
	var corrs []genCorr
	child := g.correlation("Child", "child", nil)
	corrs = append(corrs, child)
	if g.chance(0.3) {
		corrs = append(corrs, g.correlation("Other", "other", nil))
	}
	if g.chance(0.35) {
		corrs = append(corrs, g.correlation("Parent", "parent", &child))
	}
	g.r.Shuffle(len(corrs), func(i, j int) { corrs[i], corrs[j] = corrs[j], corrs[i] })
	var docs []string
	span := time.Duration(0)
	for _, c := range corrs {
		docs = append(docs, c.render())
		span = max(span, c.timespan)
	}
	sc.yaml = strings.Join(docs, "---\n")
	sc.opts.IncludeMissingGroups = g.chance(0.15)
	if g.chance(0.5) {
		sc.opts.TimestampFallback = FallbackSkip
	}
	now := time.UnixMilli(g.base + int64(g.r.IntN(3_600_000)))
	sc.opts.Now = func() time.Time { return now }
	if g.chance(0.15) {
		sc.opts.Suppress = []time.Duration{5 * time.Second, 20 * time.Second, time.Minute}[g.r.IntN(3)]
	}
	if g.chance(0.1) {
		sc.opts.Action = ActionReset
	}
	sc.events = g.events(span)
	return sc
}

// correlation draws one correlation; child, when set, makes it a parent
// over that correlation (§9).
func (g *scenarioGen) correlation(title, name string, child *genCorr) genCorr {
	c := genCorr{title: title, name: name}
	if child != nil {
		c.typ = []Type{EventCount, Temporal, TemporalOrdered}[g.r.IntN(3)]
		c.refs = []string{child.name}
		if g.chance(0.5) {
			c.refs = append(c.refs, fmt.Sprintf("r%d", g.r.IntN(genDetections)))
			if g.chance(0.5) {
				slices.Reverse(c.refs)
			}
		}
		// Group by some of the child's group-by names (or a name it
		// lacks, which skips the chained contribution).
		for _, f := range child.groupBy {
			if g.chance(0.6) {
				c.groupBy = append(c.groupBy, f)
			}
		}
		if g.chance(0.1) {
			c.groupBy = append(c.groupBy, "Host")
		}
	} else {
		c.typ = Type(1 + g.r.IntN(8))
		n := 1 + g.r.IntN(2)
		if c.typ.isTemporal() {
			n = 2 + g.r.IntN(2)
		}
		for _, i := range g.r.Perm(genDetections)[:n] {
			c.refs = append(c.refs, fmt.Sprintf("r%d", i))
		}
		switch g.r.IntN(6) {
		case 0:
		case 1, 2:
			c.groupBy = []string{"User"}
		case 3:
			c.groupBy = []string{"User", "Host"}
		default:
			// An alias: User for some rules, Account for others; one rule
			// may lack an entry (its events are skipped, §7.2).
			var entries []string
			for i, ref := range c.refs {
				if i == len(c.refs)-1 && len(c.refs) > 1 && g.chance(0.2) {
					continue
				}
				entries = append(entries, ref+": "+g.pick("User", "Account"))
			}
			c.aliases = "{who: {" + strings.Join(entries, ", ") + "}}"
			c.groupBy = []string{"who"}
			if g.chance(0.3) {
				c.groupBy = append(c.groupBy, "Host")
			}
		}
	}
	c.timespan = []time.Duration{3 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute}[g.r.IntN(5)]
	switch g.r.IntN(5) {
	case 0:
		c.window = "tumbling"
	case 1:
		c.window = "session"
		c.gap = g.pick("1s", "2s", "5s", "20s")
	case 2:
		if g.chance(0.3) {
			c.window = "sliding"
		}
	}
	c.condition = g.condition(c)
	if g.chance(0.2) {
		c.attrs = append(c.attrs, "rsigma.suppress: "+g.pick("2s", "10s", "1m"))
	}
	if g.chance(0.2) {
		c.attrs = append(c.attrs, "rsigma.action: reset")
	}
	return c
}

// condition draws a condition near the aggregates the events produce.
func (g *scenarioGen) condition(c genCorr) string {
	n := len(c.refs)
	switch c.typ {
	case Temporal, TemporalOrdered:
		switch g.r.IntN(4) {
		case 0, 1:
			return "" // all referenced rules (§4.2)
		case 2:
			return fmt.Sprintf("{gte: %d}", 1+g.r.IntN(n))
		}
		if n < 2 {
			return ""
		}
		a, b := c.refs[0], c.refs[1]
		if n == 2 {
			return g.pick(a+" and "+b, a+" or "+b, a+" and not "+b, "not "+a+" and "+b)
		}
		x := c.refs[2]
		return g.pick(a+" and ("+b+" or "+x+")", "("+a+" or "+b+") and not "+x, a+" and "+b+" and "+x)
	}
	var field, threshold string
	switch c.typ {
	case EventCount:
		threshold = fmt.Sprint(1 + g.r.IntN(6))
	case ValueCount:
		field = g.pick("Name", "Name", "Name", "[Name, Host]")
		threshold = fmt.Sprint(1 + g.r.IntN(4))
	case ValueSum:
		field, threshold = "Bytes", fmt.Sprint(float64(g.r.IntN(300))/2)
	default:
		field, threshold = "Bytes", fmt.Sprint(float64(g.r.IntN(100))/2)
		if c.typ == ValuePercentile && g.chance(0.8) {
			field += ", percentile: " + g.pick("0", "10", "25", "50", "75", "90", "95", "100")
		}
	}
	var ops []string
	switch g.r.IntN(10) {
	case 0, 1, 2:
		ops = []string{"gte: " + threshold}
	case 3, 4:
		ops = []string{"gt: " + threshold}
	case 5:
		ops = []string{g.pick("lt", "lte") + ": " + threshold}
	case 6:
		ops = []string{"eq: " + threshold}
	case 7:
		ops = []string{"neq: " + threshold}
	default:
		ops = []string{"gte: " + threshold, "lte: " + fmt.Sprint(g.r.IntN(200))}
	}
	if field != "" {
		ops = append([]string{"field: " + field}, ops...)
	}
	return "{" + strings.Join(ops, ", ") + "}"
}

// events draws a stream: mostly forward in time, with equal times, jumps
// beyond every window, and (per scenario) a share of out-of-order events up
// to three windows back, at ms or whole-second resolution.
func (g *scenarioGen) events(span time.Duration) []testEvent {
	n := 40 + g.r.IntN(320)
	disorder := []float64{0, 0, 0.05, 0.15, 0.3}[g.r.IntN(5)]
	wholeSeconds := g.chance(0.4)
	match := 0.25 + g.r.Float64()*0.45
	spanMs := span.Milliseconds()
	cur := g.base + int64(g.r.IntN(60_000))
	var out []testEvent
	for range n {
		switch {
		case g.chance(0.02):
			cur += spanMs + int64(g.r.IntN(600_000))
		case g.chance(0.1):
		default:
			cur += int64(g.r.IntN(int(max(spanMs/4, 1000))))
		}
		ts := cur
		if g.chance(disorder) {
			ts -= int64(g.r.IntN(int(3 * spanMs)))
		}
		if wholeSeconds {
			ts -= ts % 1000
		}
		ev := testEvent{"@timestamp": ts}
		if g.chance(0.01) {
			delete(ev, "@timestamp")
		}
		for i := range genDetections {
			if g.chance(match) {
				ev[fmt.Sprintf("R%d", i)] = 1
			}
		}
		g.fields(ev)
		out = append(out, ev)
	}
	return out
}

// fields fills the group-by, alias and value fields, with the awkward
// values of §7.1 and §8.5 (missing, null, arrays, spaced numbers, …).
func (g *scenarioGen) fields(ev testEvent) {
	set := func(key string, p float64, v any) {
		if g.chance(p) {
			ev[key] = v
		}
	}
	users := []any{"alice", "bob", "carol", "Alice", nil, 7, []any{"alice"}}
	set("User", 0.9, users[min(g.r.IntN(9), len(users)-1)])
	set("Host", 0.9, g.pick("h1", "h2"))
	set("Account", 0.7, g.pick("alice", "bob"))
	names := []any{"x", "y", "z", "X", "", 3, true}
	set("Name", 0.9, names[min(g.r.IntN(8), len(names)-1)])
	var bytes any
	switch g.r.IntN(20) {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8:
		bytes = g.r.IntN(41)
	case 9, 10:
		bytes = float64(g.r.IntN(81)) / 2
	case 11:
		bytes = fmt.Sprint(g.r.IntN(41))
	case 12:
		bytes = fmt.Sprintf("%d.5", g.r.IntN(40))
	case 13:
		bytes = g.pick(" 17", "17 ", "0x11", "1_0", "n/a", "04", "+3", "2e1", ".5")
	case 14:
		bytes = []any{true, nil, []any{1, 2}}[g.r.IntN(3)]
	default:
		return
	}
	ev["Bytes"] = bytes
}
