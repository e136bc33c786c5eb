package corpusgrow

import (
	"path"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// maxOpen bounds the search identifiers left open (not rare) that
// firesAnyway tries every assignment of; a rule with more is treated as
// firing anyway.
const maxOpen = 12

// firesAnyway reports whether one of the conditions can hold while every
// rare search identifier is false, whatever the others are: then a copy
// would fire on events that have nothing to do with it (`not selection`).
func firesAnyway(conditions []string, rare map[string]bool) (bool, error) {
	var exprs []*sigma.CondNode
	for _, c := range conditions {
		e, err := sigma.ParseCondition(c)
		if err != nil {
			return false, err
		}
		exprs = append(exprs, e)
	}
	var open []string
	for name, r := range rare {
		if !r {
			open = append(open, name)
		}
	}
	if len(open) > maxOpen {
		return true, nil
	}
	truth := make(map[string]bool, len(rare))
	for name := range rare {
		truth[name] = false
	}
	for bits := 0; bits < 1<<len(open); bits++ {
		for i, name := range open {
			truth[name] = bits&(1<<i) != 0
		}
		for _, e := range exprs {
			if holds(e, truth) {
				return true, nil
			}
		}
	}
	return false, nil
}

// holds evaluates a condition with the search identifiers' truth values; a
// name the detection does not define counts as true.
func holds(n *sigma.CondNode, truth map[string]bool) bool {
	switch n.Op {
	case sigma.CondIdent:
		v, ok := truth[n.Name]
		return v || !ok
	case sigma.CondAnd:
		for _, a := range n.Args {
			if !holds(a, truth) {
				return false
			}
		}
		return true
	case sigma.CondOr:
		for _, a := range n.Args {
			if holds(a, truth) {
				return true
			}
		}
		return false
	case sigma.CondNot:
		return !holds(n.Args[0], truth)
	case sigma.CondSelector:
		selected, hits := 0, 0
		for name, v := range truth {
			if selects(n, name) {
				selected++
				if v {
					hits++
				}
			}
		}
		if n.Count == 0 {
			return hits == selected
		}
		return hits >= n.Count
	}
	return true
}

// selects reports whether selector n selects the search identifier name:
// `them` every name not starting with `_`, a pattern by glob (sigma-rules.md
// §8.2). Scoped selectors select nothing of the rule's own names.
func selects(n *sigma.CondNode, name string) bool {
	if n.Scope != "" {
		return false
	}
	if n.Name == "them" {
		return !strings.HasPrefix(name, "_")
	}
	if strings.HasPrefix(name, "_") && !strings.HasPrefix(n.Name, "_") {
		return false
	}
	ok, _ := path.Match(n.Name, name)
	return ok
}
