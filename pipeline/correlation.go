package pipeline

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

// correlationTarget is the restricted view pipelines have of a correlation
// document (pipelines.md §6): its group-by list, alias target fields,
// condition field and custom attributes, edited in the YAML node before
// package correlation parses it.
type correlationTarget struct {
	doc *sigma.CorrelationDoc
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	m = resolveAlias(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolveAlias(m.Content[i+1])
		}
	}
	return nil
}

func (c *correlationTarget) body() *yaml.Node { return mappingValue(c.doc.Node, "correlation") }

func (c *correlationTarget) setCustomAttribute(key, val string) {
	root := resolveAlias(c.doc.Node)
	if root == nil || root.Kind != yaml.MappingNode {
		return
	}
	ca := mappingValue(root, "custom_attributes")
	if ca == nil || ca.Kind != yaml.MappingNode {
		ca = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		root.Content = append(root.Content, scalar("custom_attributes"), ca)
	}
	if v := mappingValue(ca, key); v != nil {
		*v = *scalar(val)
		return
	}
	ca.Content = append(ca.Content, scalar(key), scalar(val))
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// applyCorrelation renames group-by entries (one-to-many expands the list),
// alias target fields and the condition field (one-to-many is an error).
func (f *fieldRename) applyCorrelation(t *target, item *Item) (bool, error) {
	body := t.corr.body()
	if body == nil {
		return false, nil
	}
	fired := false
	aliases := mappingValue(body, "aliases")
	isAlias := func(name string) bool { return mappingValue(aliases, name) != nil }
	if gb := mappingValue(body, "group-by"); gb != nil {
		entries := []*yaml.Node{gb}
		if gb.Kind == yaml.SequenceNode {
			entries = gb.Content
		}
		var out []*yaml.Node
		for _, e := range entries {
			to := f.rename(e.Value)
			if e.Kind != yaml.ScalarNode || to == nil || isAlias(e.Value) || !item.selectsField(t, e.Value, nil) {
				out = append(out, e)
				continue
			}
			fired = true
			for _, name := range to {
				out = append(out, scalar(name))
			}
		}
		*gb = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: gb.Style & yaml.FlowStyle, Content: out}
	}
	one := func(where string, n *yaml.Node) error {
		if n == nil || n.Kind != yaml.ScalarNode {
			return nil
		}
		to := f.rename(n.Value)
		if to == nil || !item.selectsField(t, n.Value, nil) {
			return nil
		}
		if len(to) != 1 {
			return fmt.Errorf("%s: field %q maps to several fields", where, n.Value)
		}
		n.Value, fired = to[0], true
		return nil
	}
	if aliases != nil && aliases.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(aliases.Content); i += 2 {
			m := resolveAlias(aliases.Content[i+1])
			if m == nil || m.Kind != yaml.MappingNode {
				continue
			}
			for j := 0; j+1 < len(m.Content); j += 2 {
				if err := one("aliases."+aliases.Content[i].Value, resolveAlias(m.Content[j+1])); err != nil {
					return false, err
				}
			}
		}
	}
	if err := one("condition.field", mappingValue(mappingValue(body, "condition"), "field")); err != nil {
		return false, err
	}
	return fired, nil
}
