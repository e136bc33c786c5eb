package pipeline

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// condSet combines the conditions of one kind on a processing item: all must
// hold (AND) unless `*_cond_op: or`, an expression (`*_cond_expr`) or
// `*_cond_not` says otherwise.
type condSet[C any] struct {
	conds []C
	expr  condExpr
	or    bool
	not   bool
}

func (c *condSet[C]) empty() bool { return len(c.conds) == 0 }

// eval applies test to the conditions; an empty set holds.
func (c *condSet[C]) eval(test func(C) bool) bool {
	if len(c.conds) == 0 {
		return true
	}
	var r bool
	switch {
	case c.expr != nil:
		r = c.expr.eval(func(i int) bool { return test(c.conds[i]) })
	case c.or:
		for _, x := range c.conds {
			if r = test(x); r {
				break
			}
		}
	default:
		r = true
		for _, x := range c.conds {
			if r = test(x); !r {
				break
			}
		}
	}
	return r != c.not
}

// parseCondSet reads `<prefix>_conditions` and its op/not/expr companions
// from an item. parseOne builds one condition from its params.
func parseCondSet[C any](p *params, prefix string, parseOne func(*params) (C, error)) (condSet[C], error) {
	var cs condSet[C]
	key := prefix + "_conditions"
	n := p.node(key)
	ids := map[string]int{}
	add := func(where, id string, cn *yaml.Node) error {
		cp, err := newParams(where, cn)
		if err != nil {
			return err
		}
		if own, _ := cp.str("id", ""); own != "" {
			id = own
		}
		c, err := parseOne(cp)
		if err != nil {
			return err
		}
		if err := cp.unknown(); err != nil {
			return err
		}
		ids[id] = len(cs.conds)
		cs.conds = append(cs.conds, c)
		return nil
	}
	switch {
	case isNull(n):
	case n.Kind == yaml.SequenceNode:
		for i, cn := range n.Content {
			if err := add(fmt.Sprintf("%s: %s[%d]", p.where, key, i), fmt.Sprintf("cond_%d", i), resolveAlias(cn)); err != nil {
				return cs, err
			}
		}
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			id := n.Content[i].Value
			if err := add(fmt.Sprintf("%s: %s.%s", p.where, key, id), id, resolveAlias(n.Content[i+1])); err != nil {
				return cs, err
			}
		}
	default:
		return cs, p.errf(key, "expected a list or a mapping of conditions")
	}
	op, err := p.str(prefix+"_cond_op", "and")
	if err != nil {
		return cs, err
	}
	switch strings.ToLower(op) {
	case "and":
	case "or":
		cs.or = true
	default:
		return cs, p.errf(prefix+"_cond_op", "expected and or or, got %q", op)
	}
	if cs.not, err = p.boolean(prefix+"_cond_not", false); err != nil {
		return cs, err
	}
	exprKey, en := p.first(prefix+"_cond_expr", prefix+"_cond_expression")
	if !isNull(en) {
		if cs.expr, err = parseCondExpr(en.Value, ids); err != nil {
			return cs, p.errf(exprKey, "%v", err)
		}
	}
	return cs, nil
}
