package sigma

import (
	"encoding/json"
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapGet returns the value node of key in mapping n, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// scalarText returns a scalar's text, or "" for nil, null and non-scalars.
func scalarText(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return ""
	}
	return n.Value
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// checkDuplicateKeys reports the first mapping key that occurs twice.
func checkDuplicateKeys(n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.MappingNode:
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			sub := joinPath(path, k)
			if seen[k] {
				return atPath(sub, fmt.Errorf("duplicate key %q (line %d)", k, n.Content[i].Line))
			}
			seen[k] = true
			if err := checkDuplicateKeys(n.Content[i+1], sub); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := checkDuplicateKeys(c, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// stringList reads a string or a list of strings.
func stringList(n *yaml.Node, path string) ([]string, error) {
	n = deref(n)
	if n == nil || isNull(n) {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, atPath(path, fmt.Errorf("expected a string or a list of strings"))
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode {
			return nil, atPath(path, fmt.Errorf("expected a list of strings (line %d)", c.Line))
		}
		out = append(out, c.Value)
	}
	return out, nil
}

// nodeValue converts a YAML node into an attribute value: string,
// json.Number, bool, nil, []any or []Attribute.
func nodeValue(n *yaml.Node) any {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		attrs := make([]Attribute, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			attrs = append(attrs, Attribute{Key: n.Content[i].Value, Value: nodeValue(n.Content[i+1])})
		}
		return attrs
	case yaml.SequenceNode:
		items := make([]any, len(n.Content))
		for i, c := range n.Content {
			items[i] = nodeValue(c)
		}
		return items
	}
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int", "!!float":
		if v, ok := numberValue(n.Value); ok {
			if v.IsInt {
				return json.Number(strconv.FormatInt(v.Int, 10))
			}
			return json.Number(strconv.FormatFloat(v.Float, 'f', -1, 64))
		}
	}
	return n.Value
}

// maxExpandedNodes bounds the size of a document with its aliases expanded,
// so that alias bombs ("billion laughs") are rejected instead of exhausting
// memory when the loader follows aliases.
const maxExpandedNodes = 200000

// checkExpansion reports an error when n, with aliases expanded, has more
// than maxExpandedNodes nodes.
func checkExpansion(n *yaml.Node) error {
	budget := maxExpandedNodes
	var walk func(*yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		n = deref(n)
		if budget--; budget < 0 {
			return false
		}
		for _, c := range n.Content {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	if !walk(n) {
		return fmt.Errorf("document expands to more than %d YAML nodes through aliases", maxExpandedNodes)
	}
	return nil
}
