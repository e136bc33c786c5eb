package pipeline

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

// addCondition ANDs a private search identifier into every condition.
type addCondition struct {
	name    string // pySigma `name`; generated when empty
	items   []*sigma.Item
	negated bool
}

func newAddCondition(p *params, _ int) (transformation, error) {
	ac := &addCondition{}
	var err error
	if ac.name, err = p.str("name", ""); err != nil {
		return nil, err
	}
	if ac.negated, err = p.boolean("negated", false); err != nil {
		return nil, err
	}
	if _, err = p.boolean("prepend", false); err != nil { // evaluation order only
		return nil, err
	}
	p.node("template") // pySigma backend option
	conds, err := p.pairs("conditions")
	if err != nil {
		return nil, err
	}
	for _, kv := range conds {
		it, err := conditionItem(kv.key, kv.val)
		if err != nil {
			return nil, p.errf("conditions."+kv.key, "%v", err)
		}
		ac.items = append(ac.items, it)
	}
	refs, err := p.pairs("field_refs")
	if err != nil {
		return nil, err
	}
	for _, kv := range refs {
		if kv.val.Kind != yaml.ScalarNode || kv.val.Value == "" {
			return nil, p.errf("field_refs."+kv.key, "expected a field name")
		}
		ac.items = append(ac.items, &sigma.Item{Field: kv.key, Modifiers: []string{"fieldref"},
			Values: []*sigma.RuleValue{sigma.StringValue(kv.val.Value)}, Path: "add_condition.field_refs." + kv.key})
	}
	if len(ac.items) == 0 {
		return nil, p.errf("conditions", "required")
	}
	return ac, nil
}

// conditionItem builds a detection item from `Field|mods: value | [values]`.
func conditionItem(key string, n *yaml.Node) (*sigma.Item, error) {
	parts := strings.Split(key, "|")
	it := &sigma.Item{Field: parts[0], Modifiers: parts[1:], Path: "add_condition.conditions." + key}
	vals := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		vals = n.Content
	}
	for _, vn := range vals {
		v, err := ruleValue(resolveAlias(vn))
		if err != nil {
			return nil, err
		}
		it.Values = append(it.Values, v)
	}
	if len(it.Values) == 0 {
		return nil, fmt.Errorf("empty value list")
	}
	return it, nil
}

func (ac *addCondition) apply(t *target, item *Item) (bool, error) {
	d := t.rule.Detection
	name := ac.name
	if name == "" {
		name = "_pipeline_condition"
	}
	base, n := name, 1
	for d.Search(name) != nil {
		n++
		name = fmt.Sprintf("%s_%d", base, n)
	}
	g := &sigma.Group{}
	for _, it := range ac.items {
		c := copyItem(it)
		t.state.markItem(c, item.ID)
		g.Items = append(g.Items, c)
	}
	d.AddCondition(&sigma.Search{Name: name, Scope: name, Groups: []*sigma.Group{g}}, ac.negated)
	return true, nil
}

// dropDetectionItem removes the selected items from their AND groups.
type dropDetectionItem struct{}

func newDropDetectionItem(*params, int) (transformation, error) { return dropDetectionItem{}, nil }

func (dropDetectionItem) apply(t *target, item *Item) (bool, error) {
	fired := false
	for _, s := range t.rule.Detection.Searches {
		var groups []*sigma.Group
		for _, g := range s.Groups {
			var keep []*sigma.Item
			for _, di := range g.Items {
				if item.selects(t, di) {
					fired = true
					continue
				}
				keep = append(keep, di)
			}
			g.Items = keep
			if len(keep) > 0 {
				groups = append(groups, g)
			}
		}
		if len(groups) == 0 {
			return false, fmt.Errorf("drop_detection_item left search identifier %q empty", s.Name)
		}
		s.Groups = groups
	}
	return fired, nil
}
