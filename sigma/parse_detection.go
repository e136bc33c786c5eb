package sigma

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseDetection parses a `detection:` mapping (or a filter's `filter:`
// mapping, where ignore lists extra keys that are not search identifiers),
// recording the plan of each validated item in plans.
func parseDetection(n *yaml.Node, plans itemPlans, path string, ignore ...string) (*Detection, []string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, nil, atPath(path, errors.New("must be a mapping"))
	}
	d := &Detection{}
	var warnings []string
	var condNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, deref(n.Content[i+1])
		sub := joinPath(path, key)
		switch {
		case key == "condition":
			condNode = val
		case key == "timeframe":
			warnings = append(warnings, "detection.timeframe is legacy aggregation syntax and is ignored")
		case contains(ignore, key):
		default:
			s, err := parseSearch(key, val, sub, plans)
			if err != nil {
				return nil, nil, err
			}
			d.Searches = append(d.Searches, s)
		}
	}
	if condNode == nil {
		return nil, nil, atPath(joinPath(path, "condition"), errors.New("missing condition"))
	}
	texts, err := stringList(condNode, joinPath(path, "condition"))
	if err != nil || len(texts) == 0 {
		return nil, nil, atPath(joinPath(path, "condition"), errors.New("condition must be a string or a list of strings"))
	}
	for i, text := range texts {
		cpath := joinPath(path, "condition")
		if condNode.Kind == yaml.SequenceNode {
			cpath = fmt.Sprintf("%s[%d]", cpath, i)
		}
		expr, err := ParseCondition(text)
		if err == nil {
			err = d.checkExpr(expr)
		}
		if err != nil {
			return nil, nil, atPath(cpath, err)
		}
		d.Conditions = append(d.Conditions, &Condition{Text: text, Expr: expr})
	}
	return d, warnings, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseSearch parses one search identifier (sigma-rules.md §4.1).
func parseSearch(name string, n *yaml.Node, path string, plans itemPlans) (*Search, error) {
	s := &Search{Name: name}
	switch n.Kind {
	case yaml.MappingNode:
		g, err := parseGroup(n, path, plans)
		if err != nil {
			return nil, err
		}
		s.Groups = []*Group{g}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, atPath(path, errors.New("empty search identifier"))
		}
		if allScalars(n) {
			it, err := parseItem("", n, path, plans)
			if err != nil {
				return nil, err
			}
			s.Groups = []*Group{{Items: []*Item{it}}}
			break
		}
		for i, c := range n.Content {
			c = deref(c)
			cpath := fmt.Sprintf("%s[%d]", path, i)
			switch c.Kind {
			case yaml.MappingNode:
				g, err := parseGroup(c, cpath, plans)
				if err != nil {
					return nil, err
				}
				s.Groups = append(s.Groups, g)
			case yaml.ScalarNode:
				it, err := parseItem("", c, cpath, plans)
				if err != nil {
					return nil, err
				}
				s.Groups = append(s.Groups, &Group{Items: []*Item{it}})
			default:
				return nil, atPath(cpath, errors.New("nested list in a search identifier"))
			}
		}
	case yaml.ScalarNode:
		it, err := parseItem("", n, path, plans)
		if err != nil {
			return nil, err
		}
		s.Groups = []*Group{{Items: []*Item{it}}}
	default:
		return nil, atPath(path, errors.New("unsupported search identifier shape"))
	}
	return s, nil
}

func allScalars(n *yaml.Node) bool {
	for _, c := range n.Content {
		if deref(c).Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}

// parseGroup parses a mapping of detection items (an AND group).
func parseGroup(n *yaml.Node, path string, plans itemPlans) (*Group, error) {
	if len(n.Content) == 0 {
		return nil, atPath(path, errors.New("empty search identifier"))
	}
	g := &Group{Items: make([]*Item, 0, len(n.Content)/2)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		it, err := parseItem(key, deref(n.Content[i+1]), joinPath(path, key), plans)
		if err != nil {
			return nil, err
		}
		g.Items = append(g.Items, it)
	}
	return g, nil
}

// parseItem parses `Field|mods: value(s)`; key "" is a bare keyword item.
// The plan that validates it is recorded in plans (nil: not kept).
func parseItem(key string, n *yaml.Node, path string, plans itemPlans) (*Item, error) {
	it := &Item{Field: key, Path: path}
	if i := strings.IndexByte(key, '|'); i >= 0 {
		it.Field, it.Modifiers = key[:i], strings.Split(key[i+1:], "|")
	}
	values := []*yaml.Node{n}
	switch n.Kind {
	case yaml.ScalarNode:
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, atPath(path, errors.New("empty value list"))
		}
		values = n.Content
	default:
		return nil, atPath(path, errors.New("a mapping cannot be used as a value"))
	}
	block := make([]RuleValue, len(values)) // one allocation for all values
	it.Values = make([]*RuleValue, len(values))
	for i, c := range values {
		c = deref(c)
		if c.Kind != yaml.ScalarNode {
			return nil, atPath(path, fmt.Errorf("values must be scalars (line %d)", c.Line))
		}
		block[i] = scalarRuleValue(c)
		it.Values[i] = &block[i]
	}
	plan, err := planItem(it)
	if err != nil {
		return nil, atPath(path, err)
	}
	if plan.complete && plans != nil {
		plans[it.fingerprint()] = plan
	}
	return it, nil
}

// scalarRuleValue types a YAML scalar (sigma-rules.md §5.1).
func scalarRuleValue(n *yaml.Node) RuleValue {
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return RuleValue{Kind: RuleString, Text: n.Value}
	}
	switch n.Tag {
	case "!!null":
		return RuleValue{Kind: RuleNull}
	case "!!bool":
		if strings.EqualFold(n.Value, "true") {
			return RuleValue{Kind: RuleBool, Text: "true"}
		}
		return RuleValue{Kind: RuleBool, Text: "false"}
	case "!!int", "!!float":
		if v, ok := numberValue(n.Value); ok {
			return *v
		}
	}
	return RuleValue{Kind: RuleString, Text: n.Value}
}
