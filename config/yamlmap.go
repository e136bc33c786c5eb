package config

import "gopkg.in/yaml.v3"

// kv is one key of an ordered YAML mapping.
type kv struct {
	Key   string
	Value any
}

// omap is a YAML mapping that keeps the order its keys were written in, so
// the generated stream config reads top-down like a hand-written one.
type omap []kv

// MarshalYAML implements yaml.Marshaler.
func (m omap) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, e := range m {
		var v yaml.Node
		if err := v.Encode(e.Value); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: e.Key}, &v)
	}
	return n, nil
}
