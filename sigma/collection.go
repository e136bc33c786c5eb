package sigma

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

const maxMergeDepth = 64

// collection is the state of legacy multi-document files (sigma-rules.md
// §1.3): the current global template and the last emitted document.
type collection struct {
	global   *yaml.Node
	previous *yaml.Node
}

// apply handles one document. It returns the document to parse (merged with
// the template) and whether it is to be emitted at all.
func (c *collection) apply(doc *yaml.Node) (*yaml.Node, bool, error) {
	actionNode := mapGet(doc, "action")
	if actionNode == nil {
		if mapGet(doc, "correlation") != nil || mapGet(doc, "filter") != nil {
			return doc, true, nil // templates apply to detection documents only
		}
		merged, err := c.withTemplate(doc)
		if err != nil {
			return nil, false, err
		}
		c.previous = merged
		return merged, true, nil
	}
	if actionNode.Kind != yaml.ScalarNode || actionNode.Tag != "!!str" {
		return nil, false, atPath("action", errors.New("collection action must be a string"))
	}
	body := withoutKey(doc, "action")
	switch actionNode.Value {
	case "global":
		c.global = body
		return nil, false, nil
	case "reset":
		c.global = nil
		return nil, false, nil
	case "repeat":
		if c.previous == nil {
			return nil, false, atPath("action", errors.New("'repeat' without a previous document"))
		}
		merged, err := deepMerge(c.previous, body, 0)
		if err != nil {
			return nil, false, err
		}
		if merged, err = c.withTemplate(merged); err != nil {
			return nil, false, err
		}
		c.previous = merged
		return merged, true, nil
	default:
		return nil, false, atPath("action", fmt.Errorf("unknown collection action %q", actionNode.Value))
	}
}

func (c *collection) withTemplate(doc *yaml.Node) (*yaml.Node, error) {
	if c.global == nil {
		return doc, nil
	}
	return deepMerge(c.global, doc, 0)
}

// withoutKey returns a shallow copy of mapping n without key.
func withoutKey(n *yaml.Node, key string) *yaml.Node {
	out := *n
	out.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			out.Content = append(out.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &out
}

// deepMerge merges over onto base: mappings merge key by key, everything else
// in over replaces base's value wholesale. Neither input is modified.
func deepMerge(base, over *yaml.Node, depth int) (*yaml.Node, error) {
	if depth > maxMergeDepth {
		return nil, errors.New("collection merge deeper than 64 levels")
	}
	base, over = deref(base), deref(over)
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over, nil
	}
	out := *base
	out.Content = append([]*yaml.Node(nil), base.Content...)
	for i := 0; i+1 < len(over.Content); i += 2 {
		key, val := over.Content[i], over.Content[i+1]
		found := false
		for j := 0; j+1 < len(out.Content); j += 2 {
			if out.Content[j].Value == key.Value {
				merged, err := deepMerge(out.Content[j+1], val, depth+1)
				if err != nil {
					return nil, err
				}
				out.Content[j+1] = merged
				found = true
				break
			}
		}
		if !found {
			out.Content = append(out.Content, key, val)
		}
	}
	return &out, nil
}
