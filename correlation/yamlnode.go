package correlation

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

// pathErr is an error located at a YAML path of the correlation document.
type pathErr struct {
	path string
	err  error
}

func (e *pathErr) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathErr) Unwrap() error { return e.err }

func errAt(path string, format string, args ...any) error {
	return &pathErr{path: path, err: fmt.Errorf(format, args...)}
}

// resolve follows YAML aliases and unwraps a document node.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

// pairs returns a mapping's key/value nodes, rejecting duplicate keys and
// non-scalar keys.
func pairs(path string, n *yaml.Node) ([][2]*yaml.Node, error) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, errAt(path, "expected a mapping")
	}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, errAt(path, "mapping key at line %d is not a scalar", n.Content[i].Line)
		}
		if seen[k.Value] {
			return nil, errAt(join(path, k.Value), "duplicate key (line %d)", k.Line)
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, n.Content[i+1]})
	}
	return out, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// scalarString returns a scalar's text; null scalars are rejected.
func scalarString(path string, n *yaml.Node) (string, error) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return "", errAt(path, "expected a string")
	}
	return n.Value, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 &&
		(n.Tag == "!!null" || n.Value == "" || n.Value == "~" || strings.EqualFold(n.Value, "null"))
}

// stringList accepts a string or a list of strings.
func stringList(path string, n *yaml.Node) ([]string, error) {
	n = resolve(n)
	if n != nil && n.Kind == yaml.SequenceNode {
		out := make([]string, 0, len(n.Content))
		for i, c := range n.Content {
			s, err := scalarString(fmt.Sprintf("%s[%d]", path, i), c)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalarString(path, n)
	if err != nil {
		return nil, errAt(path, "expected a string or a list of strings")
	}
	return []string{s}, nil
}

// boolValue accepts a plain YAML boolean only.
func boolValue(path string, n *yaml.Node) (bool, error) {
	n = resolve(n)
	if n != nil && n.Kind == yaml.ScalarNode && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 {
		switch strings.ToLower(n.Value) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, errAt(path, "expected true or false")
}

// attributeValue converts a node to the value types of sigma.Attribute:
// string, json.Number, bool, nil, []any or []sigma.Attribute.
func attributeValue(path string, n *yaml.Node) (any, error) {
	n = resolve(n)
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := attributeValue(fmt.Sprintf("%s[%d]", path, i), c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		ps, err := pairs(path, n)
		if err != nil {
			return nil, err
		}
		out := make([]sigma.Attribute, 0, len(ps))
		for _, p := range ps {
			v, err := attributeValue(join(path, p[0].Value), p[1])
			if err != nil {
				return nil, err
			}
			out = append(out, sigma.Attribute{Key: p[0].Value, Value: v})
		}
		return out, nil
	}
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		return n.Value, nil
	}
	if isNull(n) {
		return nil, nil
	}
	switch strings.ToLower(n.Value) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	if _, err := strconv.ParseFloat(n.Value, 64); err == nil && json.Valid([]byte(n.Value)) {
		return json.Number(n.Value), nil
	}
	return n.Value, nil
}
