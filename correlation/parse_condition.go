package correlation

import (
	"sort"

	"gopkg.in/yaml.v3"
)

// parseCondition reads `correlation.condition` (mapping or expression) and
// applies the per-type requirements of correlation.md §4 and §15.
func parseCondition(r *Rule, n *yaml.Node, haveRules bool) error {
	const path = "correlation.condition"
	n = resolve(n)
	switch {
	case n == nil:
		if !r.Type.isTemporal() {
			return errAt(path, "missing condition (required for %s)", r.Type)
		}
		if !haveRules {
			return errAt("correlation.rules", "missing rules")
		}
		r.Condition = Condition{Defaulted: true,
			Predicates: []Predicate{{Op: OpGTE, Threshold: float64(len(r.Refs))}}}
		return nil
	case n.Kind == yaml.ScalarNode:
		return parseExprCondition(r, n, haveRules)
	}
	if !haveRules {
		return errAt("correlation.rules", "missing rules")
	}
	ps, err := pairs(path, n)
	if err != nil {
		return errAt(path, "expected a mapping of operators or an expression string")
	}
	c := Condition{Percentile: 50}
	percentileSet := false
	for _, p := range ps {
		key, kpath := p[0].Value, path+"."+p[0].Value
		switch key {
		case "field":
			if c.Fields, err = stringList(kpath, p[1]); err != nil {
				return err
			}
		case "percentile":
			s, err := scalarString(kpath, p[1])
			if err != nil {
				return err
			}
			if c.Percentile, err = parseThreshold(s); err != nil || c.Percentile < 0 || c.Percentile > 100 {
				return errAt(kpath, "percentile must be a number between 0 and 100")
			}
			percentileSet = true
		default:
			op, ok := opNames[key]
			if !ok {
				return errAt(kpath, "unknown condition key %q", key)
			}
			s, err := scalarString(kpath, p[1])
			if err != nil {
				return err
			}
			t, err := parseThreshold(s)
			if err != nil {
				return errAt(kpath, "%v", err)
			}
			c.Predicates = append(c.Predicates, Predicate{Op: op, Threshold: t})
		}
	}
	// Keep a stable operator order regardless of YAML order.
	sort.SliceStable(c.Predicates, func(i, j int) bool { return c.Predicates[i].Op < c.Predicates[j].Op })
	if len(c.Predicates) == 0 {
		return errAt(path, "no operator (one of gt, gte, lt, lte, eq, neq)")
	}
	if err := checkFields(r.Type, &c, percentileSet); err != nil {
		return err
	}
	r.Condition = c
	return nil
}

func checkFields(t Type, c *Condition, percentileSet bool) error {
	const path = "correlation.condition"
	switch {
	case t.needsField() && len(c.Fields) == 0:
		return errAt(path+".field", "missing field (required for %s)", t)
	case !t.needsField() && len(c.Fields) > 0:
		return errAt(path+".field", "field is not used by %s", t)
	case t.numeric() && len(c.Fields) > 1:
		return errAt(path+".field", "%s aggregates exactly one field, got %d", t, len(c.Fields))
	case percentileSet && t != ValuePercentile:
		return errAt(path+".percentile", "percentile applies to value_percentile only")
	}
	return nil
}

// parseExprCondition handles the string form (temporal types only).
func parseExprCondition(r *Rule, n *yaml.Node, haveRules bool) error {
	const path = "correlation.condition"
	if !r.Type.isTemporal() {
		return errAt(path, "an expression condition is only allowed for temporal types, not %s", r.Type)
	}
	e, err := ParseExpr(n.Value)
	if err != nil {
		return errAt(path, "%v", err)
	}
	idents := e.Idents()
	if !haveRules {
		r.Refs = idents
	} else if !sameSet(idents, r.Refs) {
		return errAt(path, "expression names %v but rules lists %v; they must name the same rules", idents, r.Refs)
	}
	r.Condition = Condition{Expr: e}
	return nil
}

func sameSet(a, b []string) bool {
	in := func(s string, list []string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, x := range a {
		if !in(x, b) {
			return false
		}
	}
	for _, x := range b {
		if !in(x, a) {
			return false
		}
	}
	return true
}
