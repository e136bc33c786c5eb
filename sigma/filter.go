package sigma

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Filter is a Sigma meta filter (`filter:` document, sigma-rules.md §9): its
// searches and condition are ANDed into every rule it applies to.
type Filter struct {
	File     string
	DocIndex int
	Title    string
	ID, Name string
	// Rules lists rule ids, names or titles; AnyRule is set for `any` or an
	// empty list.
	Rules     []string
	AnyRule   bool
	Logsource Logsource
	// Detection holds the filter's searches and its condition(s).
	Detection *Detection
}

func parseFilter(doc *yaml.Node, plans itemPlans) (*Filter, error) {
	f := &Filter{
		Title: scalarText(mapGet(doc, "title")),
		ID:    scalarText(mapGet(doc, "id")),
		Name:  scalarText(mapGet(doc, "name")),
	}
	if ls := mapGet(doc, "logsource"); ls != nil {
		var err error
		if f.Logsource, err = parseLogsource(ls); err != nil {
			return nil, err
		}
	}
	body := mapGet(doc, "filter")
	rulesNode := mapGet(body, "rules")
	if rulesNode == nil {
		return nil, atPath("filter.rules", errors.New("missing rules (use 'any' to target every rule)"))
	}
	refs, err := stringList(rulesNode, "filter.rules")
	if err != nil {
		return nil, err
	}
	f.Rules = refs
	f.AnyRule = len(refs) == 0 || (len(refs) == 1 && strings.EqualFold(refs[0], "any"))
	d, _, err := parseDetection(body, plans, "filter", "rules")
	if err != nil {
		return nil, err
	}
	f.Detection = d
	return f, nil
}

// ApplyFilters ANDs every filter into the rules it targets (sigma-rules.md
// §9.2) and returns warnings (filters that matched no rule). It runs once per
// RuleSet; call it before processing pipelines so that field mappings also
// rename filter fields. Compile calls it when it has not run yet.
func (rs *RuleSet) ApplyFilters() []string {
	if rs.filtersApplied {
		return nil
	}
	rs.filtersApplied = true
	var warnings []string
	for k, f := range rs.Filters {
		applied := 0
		for _, r := range rs.Rules {
			if f.targets(r) && f.Logsource.within(r.Logsource) && r.Detection != nil {
				f.applyTo(r, fmt.Sprintf("__filter%d_", k+1))
				applied++
			}
		}
		if applied == 0 {
			warnings = append(warnings, fmt.Sprintf("%s: filter %q applies to no loaded rule", f.File, f.Title))
		}
	}
	return warnings
}

func (f *Filter) targets(r *Rule) bool {
	if f.AnyRule {
		return true
	}
	for _, ref := range f.Rules {
		if ref != "" && (ref == r.ID || ref == r.Name || ref == r.Title) {
			return true
		}
	}
	return false
}

// within reports whether every dimension set in ls equals r's
// (case-insensitively); unset dimensions are wildcards.
func (ls Logsource) within(r Logsource) bool {
	eq := func(want, got string) bool { return want == "" || strings.EqualFold(want, got) }
	return eq(ls.Category, r.Category) && eq(ls.Product, r.Product) && eq(ls.Service, r.Service)
}

// applyTo copies the filter's searches into r under prefix and ANDs the
// filter condition (OR of its conditions) into every condition of r.
func (f *Filter) applyTo(r *Rule, prefix string) {
	for _, s := range f.Detection.Searches {
		c := s.Clone() // private per rule: pipelines rewrite items in place
		c.Name, c.Scope = prefix+s.Name, prefix
		r.Detection.Searches = append(r.Detection.Searches, c)
	}
	var exprs []*CondNode
	for _, c := range f.Detection.Conditions {
		exprs = append(exprs, scopeExpr(c.Expr, prefix))
	}
	filterExpr := exprs[0]
	if len(exprs) > 1 {
		filterExpr = &CondNode{Op: CondOr, Args: exprs}
	}
	for _, c := range r.Detection.Conditions {
		c.Expr = &CondNode{Op: CondAnd, Args: []*CondNode{c.Expr, filterExpr}}
	}
}

// scopeExpr returns a copy of n with identifiers renamed into scope prefix.
func scopeExpr(n *CondNode, prefix string) *CondNode {
	out := *n
	switch n.Op {
	case CondIdent:
		out.Name = prefix + n.Name
	case CondSelector:
		out.Scope = prefix
	default:
		out.Args = make([]*CondNode, len(n.Args))
		for i, a := range n.Args {
			out.Args[i] = scopeExpr(a, prefix)
		}
	}
	return &out
}
