package sigma

import (
	"encoding/json"
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// cloneNode returns a deep copy of n (which has no aliases).
func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = cloneNode(child)
		}
	}
	return &c
}

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

// checkDuplicateKeys reports the first mapping key that occurs twice, at its
// path below path.
func checkDuplicateKeys(n *yaml.Node, path string) error {
	steps, err := firstDuplicateKey(n)
	if err == nil {
		return nil
	}
	for i := len(steps) - 1; i >= 0; i-- { // steps are innermost first
		if steps[i].key == nil {
			path = fmt.Sprintf("%s[%d]", path, steps[i].index)
		} else {
			path = joinPath(path, *steps[i].key)
		}
	}
	return atPath(path, err)
}

// pathStep is one step of a YAML path: a mapping key or a sequence index.
type pathStep struct {
	key   *string
	index int
}

// smallMapping is the size up to which duplicate keys are found by
// comparing every pair instead of through a set.
const smallMapping = 16

// firstDuplicateKey finds the first duplicate mapping key below n and
// returns the steps to it, innermost first; the path is only built for a
// document that has one.
func firstDuplicateKey(n *yaml.Node) ([]pathStep, error) {
	switch n.Kind {
	case yaml.MappingNode:
		var seen map[string]bool
		if len(n.Content) > 2*smallMapping {
			seen = make(map[string]bool, len(n.Content)/2)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := &n.Content[i].Value
			if seen[*k] || (seen == nil && keyBefore(n, i)) {
				return []pathStep{{key: k}}, fmt.Errorf("duplicate key %q (line %d)", *k, n.Content[i].Line)
			}
			if seen != nil {
				seen[*k] = true
			}
			if steps, err := firstDuplicateKey(n.Content[i+1]); err != nil {
				return append(steps, pathStep{key: k}), err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if steps, err := firstDuplicateKey(c); err != nil {
				return append(steps, pathStep{index: i}), err
			}
		}
	}
	return nil, nil
}

// keyBefore reports whether the key at Content[i] of mapping n occurs at an
// earlier key position.
func keyBefore(n *yaml.Node, i int) bool {
	for j := 0; j < i; j += 2 {
		if n.Content[j].Value == n.Content[i].Value {
			return true
		}
	}
	return false
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
