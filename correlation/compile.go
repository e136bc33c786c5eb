package correlation

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Interner adds field names to the detection engine's field table so that
// events extract them on decode; *sigma.FieldTable implements it.
type Interner interface {
	Intern(name string) *sigma.Field
}

// maxChainDepth bounds correlation-over-correlation nesting.
const maxChainDepth = 10

// target is what a `rules:` entry resolved to: a detection rule index or a
// correlation index (the other is -1).
type target struct{ det, corr int }

// compiled is one loaded correlation with everything resolved.
type compiled struct {
	rule     *Rule
	index    int
	settings settings
	span     int64 // timespan in ms
	gap      int64 // session gap in ms
	targets  []target
	// groupFields[slot][i] is the field read for GroupBy[i] from events of
	// the detection rule at slot (nil: missing). Unused for correlation slots.
	groupFields [][]*sigma.Field
	valueFields []*sigma.Field
	// parents are the correlations fed by this one's results.
	parents []link
	// chained is true when any reference is a correlation; such results
	// never carry events.
	chained bool
	groups  map[string]*group
	// newHits sizes group.hits (temporal types).
	newHits int
	// newest is the largest contribution time the correlation has taken
	// (when seen), the reference for late contributions (late.go).
	newest int64
	seen   bool
}

// newGroup returns an empty group shaped for c's type.
func (c *compiled) newGroup(key string, pairs []GroupPair) *group {
	g := &group{key: key, pairs: pairs}
	switch {
	case c.rule.Type == ValueCount:
		g.payload, g.distinct = payloadVal, map[string]int{}
	case c.rule.Type.numeric():
		g.payload = payloadNum
	}
	if c.newHits > 0 {
		g.hits = make([]int, c.newHits)
	}
	return g
}

// link routes hits to a correlation's reference slot.
type link struct{ corr, slot int }

// resolver finds rules by id or name.
type resolver struct {
	byID, byName map[string][]target
}

func newResolver(rules []*Rule, dets []*sigma.Rule) *resolver {
	r := &resolver{byID: map[string][]target{}, byName: map[string][]target{}}
	for i, d := range dets {
		if d.ID != "" {
			r.byID[d.ID] = append(r.byID[d.ID], target{det: i, corr: -1})
		}
		if d.Name != "" {
			r.byName[d.Name] = append(r.byName[d.Name], target{det: i, corr: -1})
		}
	}
	for i, c := range rules {
		if c.ID != "" {
			r.byID[c.ID] = append(r.byID[c.ID], target{det: -1, corr: i})
		}
		if c.Name != "" {
			r.byName[c.Name] = append(r.byName[c.Name], target{det: -1, corr: i})
		}
	}
	return r
}

// find resolves ref: id first, then name.
func (r *resolver) find(ref string) (target, error) {
	for _, m := range []map[string][]target{r.byID, r.byName} {
		switch ts := m[ref]; len(ts) {
		case 0:
			continue
		case 1:
			return ts[0], nil
		default:
			return target{}, fmt.Errorf("ambiguous rule reference %q (%d rules share it)", ref, len(ts))
		}
	}
	return target{}, fmt.Errorf("unknown rule reference %q", ref)
}

// Compile resolves the correlations against the detection rules (by
// resolved identity, correlation.md §9) and builds an Engine. Correlations
// that cannot be used are returned as errors and left out, together with
// every correlation that depends on them; the Engine is never nil. fields
// (may be nil) interns every field the engine reads from events.
func Compile(rules []*Rule, dets []*sigma.Rule, fields Interner, opts Options) (*Engine, []*sigma.LoadError) {
	e := newEngine(dets, opts)
	res := newResolver(rules, dets)
	errs := make([]error, len(rules))
	targets := make([][]target, len(rules))
	for i, r := range rules {
		targets[i], errs[i] = resolveRefs(r, res, rules)
	}
	markCycles(rules, targets, errs)
	propagateFailures(rules, targets, errs)
	intern := internFunc(fields)
	index := make([]int, len(rules)) // rules index → e.corrs index
	for i, r := range rules {
		index[i] = -1
		if errs[i] != nil {
			continue
		}
		c, err := compileOne(r, targets[i], dets, intern, &e.opts)
		if err != nil {
			errs[i] = err
			continue
		}
		c.index = len(e.corrs)
		index[i] = c.index
		e.corrs = append(e.corrs, c)
	}
	// A correlation compiled above may still depend on one rejected by
	// compileOne; reject those too (rare: settings errors).
	propagateFailures(rules, targets, errs)
	e.link(rules, targets, index, errs)
	e.timeFields = timestampFields(opts.TimestampFields, dets, e.corrs, intern)
	e.idFields = refIDFields(intern)
	var out []*sigma.LoadError
	for i, err := range errs {
		if err != nil {
			out = append(out, loadError(rules[i], err))
		}
	}
	return e, out
}

func internFunc(t Interner) func(string) *sigma.Field {
	if t == nil {
		return sigma.NewField
	}
	return t.Intern
}

func loadError(r *Rule, err error) *sigma.LoadError {
	path, cause := "", err
	if pe, ok := err.(*pathErr); ok {
		path, cause = pe.path, pe.err
	}
	return &sigma.LoadError{File: r.File, Rule: r.displayName(), Path: path, Err: cause}
}

func resolveRefs(r *Rule, res *resolver, rules []*Rule) ([]target, error) {
	out := make([]target, len(r.Refs))
	for i, ref := range r.Refs {
		t, err := res.find(ref)
		if err != nil {
			return nil, errAt(fmt.Sprintf("correlation.rules[%d]", i), "%v", err)
		}
		if t.corr >= 0 && (r.Type == ValueCount || r.Type.numeric()) {
			return nil, errAt(fmt.Sprintf("correlation.rules[%d]", i),
				"%s cannot aggregate over correlation %q (no field values to aggregate)", r.Type, ref)
		}
		out[i] = t
	}
	return out, nil
}

// markCycles rejects every correlation on a reference cycle or nested
// deeper than maxChainDepth.
func markCycles(rules []*Rule, targets [][]target, errs []error) {
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, len(rules))
	depth := make([]int, len(rules))
	var stack []int
	var visit func(i int)
	visit = func(i int) {
		state[i] = active
		stack = append(stack, i)
		depth[i] = 1
		for _, t := range targets[i] {
			if t.corr < 0 {
				continue
			}
			switch state[t.corr] {
			case active:
				names := []string{}
				for k := len(stack) - 1; k >= 0; k-- {
					names = append([]string{rules[stack[k]].displayName()}, names...)
					if stack[k] == t.corr {
						break
					}
				}
				cycle := strings.Join(append(names, rules[t.corr].displayName()), " → ")
				for _, k := range stack {
					if errs[k] == nil {
						errs[k] = errAt("correlation.rules", "reference cycle: %s", cycle)
					}
				}
			case unvisited:
				visit(t.corr)
			}
			if depth[t.corr]+1 > depth[i] {
				depth[i] = depth[t.corr] + 1
			}
		}
		if depth[i] > maxChainDepth && errs[i] == nil {
			errs[i] = errAt("correlation.rules", "correlation chain deeper than %d", maxChainDepth)
		}
		stack = stack[:len(stack)-1]
		state[i] = done
	}
	for i := range rules {
		if state[i] == unvisited && targets[i] != nil {
			visit(i)
		}
	}
}

// propagateFailures rejects correlations that reference rejected ones.
func propagateFailures(rules []*Rule, targets [][]target, errs []error) {
	for changed := true; changed; {
		changed = false
		for i := range rules {
			if errs[i] != nil {
				continue
			}
			for _, t := range targets[i] {
				if t.corr >= 0 && errs[t.corr] != nil {
					errs[i] = errAt("correlation.rules", "references correlation %q, which failed to load",
						rules[t.corr].displayName())
					changed = true
					break
				}
			}
		}
	}
}

func compileOne(r *Rule, targets []target, dets []*sigma.Rule, intern func(string) *sigma.Field, o *Options) (*compiled, error) {
	s, err := resolveSettings(r, o)
	if err != nil {
		return nil, err
	}
	c := &compiled{rule: r, settings: s, targets: targets, groups: map[string]*group{},
		span: r.Timespan.Milliseconds(), gap: r.Gap.Milliseconds()}
	if r.Condition.Expr != nil {
		err := r.Condition.Expr.bind(func(name string) int {
			for i, ref := range r.Refs {
				if ref == name {
					return i
				}
			}
			return -1
		})
		if err != nil {
			return nil, errAt("correlation.condition", "%v", err)
		}
	}
	c.groupFields = make([][]*sigma.Field, len(targets))
	for slot, t := range targets {
		if t.corr >= 0 {
			c.chained = true
			continue
		}
		c.groupFields[slot] = groupFieldsFor(r, r.Refs[slot], dets[t.det], intern)
	}
	for _, f := range r.Condition.Fields {
		c.valueFields = append(c.valueFields, intern(f))
	}
	for _, a := range r.Aliases {
		for _, af := range a.Fields {
			if !refersToAny(af.Ref, r.Refs, targets, dets) {
				r.Warnings = append(r.Warnings, fmt.Sprintf("correlation.aliases.%s.%s: not a rule of this correlation", a.Name, af.Ref))
			}
		}
	}
	return c, nil
}

// groupFieldsFor resolves every group-by name for events of detection rule
// d, known in the correlation as ref (aliases first, correlation.md §7.2).
func groupFieldsFor(r *Rule, ref string, d *sigma.Rule, intern func(string) *sigma.Field) []*sigma.Field {
	out := make([]*sigma.Field, len(r.GroupBy))
	for i, name := range r.GroupBy {
		alias := findAlias(r, name)
		if alias == nil {
			out[i] = intern(name)
			continue
		}
		for _, af := range alias.Fields {
			if af.Ref == ref || (d.ID != "" && af.Ref == d.ID) || (d.Name != "" && af.Ref == d.Name) {
				out[i] = intern(af.Field)
				break
			}
		}
	}
	return out
}

func findAlias(r *Rule, name string) *Alias {
	for i := range r.Aliases {
		if r.Aliases[i].Name == name {
			return &r.Aliases[i]
		}
	}
	return nil
}

func refersToAny(ref string, refs []string, targets []target, dets []*sigma.Rule) bool {
	for i, x := range refs {
		if x == ref {
			return true
		}
		if t := targets[i]; t.det >= 0 && (dets[t.det].ID == ref || dets[t.det].Name == ref) {
			return true
		}
	}
	return false
}

// timestampFields builds the lookup list: CLI fields, then rsigma.timestamp_field
// attributes (detection rules, then correlations, load order), then defaults.
func timestampFields(cli []string, dets []*sigma.Rule, corrs []*compiled, intern func(string) *sigma.Field) []*sigma.Field {
	var names []string
	names = append(names, cli...)
	add := func(v any) {
		switch x := v.(type) {
		case string:
			names = append(names, x)
		case []any:
			for _, y := range x {
				if s, ok := y.(string); ok {
					names = append(names, s)
				}
			}
		}
	}
	for _, d := range dets {
		if v, ok := d.CustomAttribute("rsigma.timestamp_field"); ok {
			add(v)
		}
	}
	for _, c := range corrs {
		if v, ok := attribute(c.rule, "rsigma.timestamp_field"); ok {
			add(v)
		}
	}
	names = append(names, DefaultTimestampFields...)
	seen := map[string]bool{}
	var out []*sigma.Field
	for _, n := range names {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, intern(n))
		}
	}
	return out
}

// refIDFields are the flat keys searched for an event id in refs mode.
func refIDFields(intern func(string) *sigma.Field) []*sigma.Field {
	out := make([]*sigma.Field, 0, 5)
	for _, n := range []string{"id", "_id", "event_id", "EventRecordID"} {
		out = append(out, intern(n))
	}
	// `event.id` is a literal key only, never a nested path.
	return append(out, &sigma.Field{Name: "event.id", Path: []string{"event.id"}, ID: -1})
}
