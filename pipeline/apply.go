package pipeline

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"github.com/rsigma-connect/rsigma-connect/source"
)

// Report records, per rule, the ids of the processing items that fired
// (for debugging output such as a pipeline diff), and warnings that do not
// reject a rule, each naming file and rule: one per rule whose values
// still hold a `%name%` that value_placeholders found no var for.
type Report struct {
	Applied  map[*sigma.Rule][]string
	Warnings []string
}

// Apply runs pipelines (in the given order; call Sort first) over every
// detection rule and correlation document of rs, in place. A rule or
// correlation that a pipeline rejects (rule_failure, a bad rewrite) is
// removed and reported in rs.Rejected with the pipeline file and item.
// Include placeholders that were not resolved are no-ops.
func Apply(pipelines []*Pipeline, rs *sigma.RuleSet) *Report {
	rep := &Report{Applied: map[*sigma.Rule][]string{}}
	kept := rs.Rules[:0]
	for _, r := range rs.Rules {
		if err := applyRule(pipelines, r, rep); err != nil {
			rs.Rejected = append(rs.Rejected, err)
			continue
		}
		kept = append(kept, r)
	}
	rs.Rules = kept
	keptC := rs.Correlations[:0]
	for _, c := range rs.Correlations {
		if err := applyCorrelation(pipelines, c); err != nil {
			rs.Rejected = append(rs.Rejected, err)
			continue
		}
		keptC = append(keptC, c)
	}
	rs.Correlations = keptC
	return rep
}

// applyRule runs pipelines over r (rewriteRule); a panic inside becomes
// the rule's load error.
func applyRule(pipelines []*Pipeline, r *sigma.Rule, rep *Report) *sigma.LoadError {
	var le *sigma.LoadError
	if err := sigma.Isolate(func() error { le = rewriteRule(pipelines, r, rep); return nil }); err != nil {
		return &sigma.LoadError{File: r.File, Rule: r.DisplayName(), Err: fmt.Errorf("applying pipelines: %w", err)}
	}
	return le
}

func rewriteRule(pipelines []*Pipeline, r *sigma.Rule, rep *Report) *sigma.LoadError {
	if r.Detection == nil {
		r.Detection = &sigma.Detection{}
	}
	if len(pipelines) > 0 {
		ownDetection(r)
	}
	undefined := map[string]bool{}
	for _, pl := range pipelines {
		t := &target{rule: r, state: newState(pl.varMap()), undefined: undefined}
		for _, it := range pl.Items {
			fired, err := applyItem(t, it)
			if err != nil {
				return &sigma.LoadError{File: r.File, Rule: r.DisplayName(), Path: it.where, Err: err}
			}
			if fired && rep != nil && it.ID != "" {
				rep.Applied[r] = append(rep.Applied[r], it.ID)
			}
		}
	}
	if path := leftoverReference(r); path != "" {
		return &sigma.LoadError{File: r.File, Rule: r.DisplayName(), Path: path,
			Err: fmt.Errorf("unresolved ${source.…} reference in a detection value (dynamic values reach rules only through pipeline vars)")}
	}
	if names := leftoverPlaceholders(r, undefined); len(names) > 0 && rep != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %s: placeholder %s defined by no pipeline var, kept as literal text",
			r.File, r.DisplayName(), strings.Join(names, ", ")))
	}
	return nil
}

// leftoverPlaceholders returns, sorted and as `%name%`, the undefined
// placeholders that some value of r still holds after every pipeline.
func leftoverPlaceholders(r *sigma.Rule, undefined map[string]bool) []string {
	var out []string
	for name := range undefined {
		written := "%" + name + "%"
		_ = eachItem(r, func(_ *sigma.Search, _ *sigma.Group, it *sigma.Item) error {
			for _, v := range it.Values {
				if v.Kind == sigma.RuleString && strings.Contains(v.Text, written) && !slices.Contains(out, written) {
					out = append(out, written)
				}
			}
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// leftoverReference returns the path of the first detection item whose
// values still hold a ${source.…} reference.
func leftoverReference(r *sigma.Rule) string {
	found := ""
	_ = eachItem(r, func(_ *sigma.Search, _ *sigma.Group, it *sigma.Item) error {
		for _, v := range it.Values {
			if found == "" && v.Kind == sigma.RuleString && source.HasReference(v.Text) {
				found = itemName(it)
			}
		}
		return nil
	})
	return found
}

// applyCorrelation runs pipelines over c (rewriteCorrelation); a panic
// inside becomes the correlation's load error.
func applyCorrelation(pipelines []*Pipeline, c *sigma.CorrelationDoc) *sigma.LoadError {
	var le *sigma.LoadError
	if err := sigma.Isolate(func() error { le = rewriteCorrelation(pipelines, c); return nil }); err != nil {
		return &sigma.LoadError{File: c.File, Rule: correlationName(c), Err: fmt.Errorf("applying pipelines: %w", err)}
	}
	return le
}

func correlationName(c *sigma.CorrelationDoc) string {
	if c.Title != "" {
		return c.Title
	}
	return c.ID
}

func rewriteCorrelation(pipelines []*Pipeline, c *sigma.CorrelationDoc) *sigma.LoadError {
	for _, pl := range pipelines {
		t := &target{corr: &correlationTarget{doc: c}, state: newState(pl.varMap())}
		for _, it := range pl.Items {
			if _, err := applyItem(t, it); err != nil {
				return &sigma.LoadError{File: c.File, Rule: correlationName(c), Path: it.where, Err: err}
			}
		}
	}
	return nil
}

// applyItem applies one item to t when its rule conditions hold and
// records its id as applied; fired reports whether it changed the target.
func applyItem(t *target, it *Item) (bool, error) {
	if it.tr == nil || !it.gate(t) { // include placeholders have no transformation
		return false, nil
	}
	var fired bool
	var err error
	if t.corr != nil {
		ct, ok := it.tr.(correlationTransformation)
		if !ok {
			return false, nil
		}
		fired, err = ct.applyCorrelation(t, it)
	} else {
		fired, err = it.tr.apply(t, it)
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w", it.Type, err)
	}
	if it.ID != "" { // the item applied (its rule conditions held), changed or not
		t.state.applied[it.ID] = true
	}
	return fired, nil
}
