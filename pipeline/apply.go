package pipeline

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"github.com/rsigma-connect/rsigma-connect/source"
)

// Report records, per rule, the ids of the processing items that fired
// (for debugging output such as a pipeline diff).
type Report struct {
	Applied map[*sigma.Rule][]string
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

// ApplyRule runs pipelines over one detection rule. The error names the
// pipeline file and item.
func ApplyRule(pipelines []*Pipeline, r *sigma.Rule) error {
	if err := applyRule(pipelines, r, nil); err != nil {
		return err
	}
	return nil
}

func applyRule(pipelines []*Pipeline, r *sigma.Rule, rep *Report) *sigma.LoadError {
	if r.Detection == nil {
		r.Detection = &sigma.Detection{}
	}
	if len(pipelines) > 0 {
		ownDetection(r)
	}
	for _, pl := range pipelines {
		t := &target{rule: r, state: newState(pl.varMap())}
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
	return nil
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

func applyCorrelation(pipelines []*Pipeline, c *sigma.CorrelationDoc) *sigma.LoadError {
	for _, pl := range pipelines {
		t := &target{corr: &correlationTarget{doc: c}, state: newState(pl.varMap())}
		for _, it := range pl.Items {
			if _, err := applyItem(t, it); err != nil {
				name := c.Title
				if name == "" {
					name = c.ID
				}
				return &sigma.LoadError{File: c.File, Rule: name, Path: it.where, Err: err}
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
