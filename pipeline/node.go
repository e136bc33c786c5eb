package pipeline

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// params is the key → value view of one YAML mapping (a processing item or
// a condition), with a record of which keys were read so unknown keys can be
// reported.
type params struct {
	where string // "pipelines/x.yml: transformations[2]" for errors
	keys  []string
	vals  map[string]*yaml.Node
	used  map[string]bool
}

func newParams(where string, n *yaml.Node) (*params, error) {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: expected a mapping", where)
	}
	p := &params{where: where, vals: map[string]*yaml.Node{}, used: map[string]bool{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if _, dup := p.vals[k]; dup {
			return nil, fmt.Errorf("%s: duplicate key %q", where, k)
		}
		p.keys = append(p.keys, k)
		p.vals[k] = resolveAlias(n.Content[i+1])
	}
	return p, nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return resolveAlias(n.Content[0])
	}
	return n
}

func (p *params) has(key string) bool { _, ok := p.vals[key]; return ok }

func (p *params) node(key string) *yaml.Node {
	p.used[key] = true
	return p.vals[key]
}

// first returns the first present key among names (alternative spellings).
func (p *params) first(names ...string) (string, *yaml.Node) {
	for _, k := range names {
		p.used[k] = true
	}
	for _, k := range names {
		if n, ok := p.vals[k]; ok {
			return k, n
		}
	}
	return "", nil
}

func (p *params) errf(key, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", p.where, key, fmt.Sprintf(format, args...))
}

// unknown returns an error naming the first key that was never read.
func (p *params) unknown() error {
	for _, k := range p.keys {
		if !p.used[k] {
			return fmt.Errorf("%s: unknown key %q", p.where, k)
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// str reads an optional scalar as text; absent → def.
func (p *params) str(key, def string) (string, error) {
	n := p.node(key)
	if isNull(n) {
		return def, nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(key, "expected a scalar")
	}
	return n.Value, nil
}

// required reads a scalar that must be present and non-empty.
func (p *params) required(key string) (string, error) {
	s, err := p.str(key, "")
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", p.errf(key, "required")
	}
	return s, nil
}

func (p *params) boolean(key string, def bool) (bool, error) {
	n := p.node(key)
	if isNull(n) {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(n.Value))
	if n.Kind != yaml.ScalarNode || err != nil {
		return false, p.errf(key, "expected true or false")
	}
	return b, nil
}

// strings reads a string or a list of strings (absent → nil).
func (p *params) strings(key string) ([]string, error) {
	return nodeStrings(p.node(key), func(msg string) error { return p.errf(key, "%s", msg) })
}

func nodeStrings(n *yaml.Node, fail func(string) error) ([]string, error) {
	if isNull(n) {
		return nil, nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			c = resolveAlias(c)
			if c.Kind != yaml.ScalarNode || isNull(c) {
				return nil, fail("expected a string or a list of strings")
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, fail("expected a string or a list of strings")
}

// pairs reads a mapping as ordered key/value nodes.
func (p *params) pairs(key string) ([]pair, error) {
	n := p.node(key)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(key, "expected a mapping")
	}
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, pair{key: n.Content[i].Value, val: resolveAlias(n.Content[i+1])})
	}
	return out, nil
}

type pair struct {
	key string
	val *yaml.Node
}

// stringMap reads {key: string | [strings]} preserving key order.
func (p *params) stringMap(key string) ([]string, map[string][]string, error) {
	ps, err := p.pairs(key)
	if err != nil || ps == nil {
		return nil, nil, err
	}
	keys := make([]string, 0, len(ps))
	m := make(map[string][]string, len(ps))
	for _, kv := range ps {
		vs, err := nodeStrings(kv.val, func(msg string) error { return p.errf(key+"."+kv.key, "%s", msg) })
		if err != nil {
			return nil, nil, err
		}
		if len(vs) == 0 {
			return nil, nil, p.errf(key+"."+kv.key, "empty target")
		}
		keys = append(keys, kv.key)
		m[kv.key] = vs
	}
	return keys, m, nil
}
