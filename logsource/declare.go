package logsource

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrDeclaration marks an invalid recognition file; callers treat it as a
// configuration error.
var ErrDeclaration = errors.New("invalid logsource recognition")

// DeclarationKey is the top-level key of a recognition file. A YAML file
// given with the pipelines holds recognition mappings when it has this key.
const DeclarationKey = "logsource_recognition"

// A recognition file declares how to recognize the user's own event shapes:
//
//	logsource_recognition:
//	  - name: acme EDR process events       # optional, for messages
//	    when:                               # every condition must hold
//	      vendor: acme                      # equals (case-insensitive)
//	      event_type: [proc_start, exec]    # equals one of
//	      tenant|exists: true               # present and not null
//	      path|startswith: /var/log/acme    # also endswith, contains
//	    logsource:                          # what such events are
//	      product: windows
//	      category: process_creation        # a list for several; [] for none
//
// Declared mappings are tried in file order before the builtin tables; the
// first that matches reveals the dimensions it sets, the builtin
// recognition fills the others.

// IsDeclarationFile reports whether data is a YAML mapping with the
// DeclarationKey at its top level.
func IsDeclarationFile(data []byte) bool {
	var top map[string]yaml.Node
	if yaml.Unmarshal(data, &top) != nil {
		return false
	}
	_, ok := top[DeclarationKey]
	return ok
}

// LoadDeclarations reads and parses a recognition file.
func LoadDeclarations(path string) ([]Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDeclaration, path, err)
	}
	return ParseDeclarations(path, data)
}

// ParseDeclarations parses a recognition file; file names it in errors,
// which also give the YAML path and line and wrap ErrDeclaration.
func ParseDeclarations(file string, data []byte) ([]Mapping, error) {
	ms, err := parseDeclarations(file, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDeclaration, err)
	}
	return ms, nil
}

type declError struct {
	file string
	line int
	path string
	msg  string
}

func (e *declError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.file, e.line, e.path, e.msg)
}

type declParser struct{ file string }

func (p *declParser) fail(n *yaml.Node, path, format string, args ...any) error {
	return &declError{file: p.file, line: n.Line, path: path, msg: fmt.Sprintf(format, args...)}
}

func parseDeclarations(file string, data []byte) ([]Mapping, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	p := &declParser{file: file}
	top, err := p.mapping(&doc, "", "name", DeclarationKey)
	if err != nil {
		return nil, err
	}
	list, ok := top[DeclarationKey]
	if !ok {
		return nil, p.fail(&doc, DeclarationKey, "missing")
	}
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, p.fail(list, DeclarationKey, "expected a non-empty list of mappings")
	}
	out := make([]Mapping, 0, len(list.Content))
	for i, item := range list.Content {
		m, err := p.declaration(resolve(item), fmt.Sprintf("%s[%d]", DeclarationKey, i))
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (p *declParser) declaration(n *yaml.Node, path string) (Mapping, error) {
	keys, err := p.mapping(n, path, "name", "when", "logsource")
	if err != nil {
		return Mapping{}, err
	}
	m := Mapping{Name: path}
	if name, ok := keys["name"]; ok {
		if name.Kind != yaml.ScalarNode || name.Value == "" {
			return Mapping{}, p.fail(name, path+".name", "expected a non-empty string")
		}
		m.Name = name.Value
	}
	when, ok := keys["when"]
	if !ok {
		return Mapping{}, p.fail(n, path, "missing when")
	}
	if m.When, err = p.conditions(when, path+".when"); err != nil {
		return Mapping{}, err
	}
	ls, ok := keys["logsource"]
	if !ok {
		return Mapping{}, p.fail(n, path, "missing logsource")
	}
	if m.Logsource, err = p.logsource(ls, path+".logsource"); err != nil {
		return Mapping{}, err
	}
	return m, nil
}

var declOps = map[string]Op{"exists": OpExists, "startswith": OpStartsWith, "endswith": OpEndsWith, "contains": OpContains}

func (p *declParser) conditions(n *yaml.Node, path string) ([]Condition, error) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return nil, p.fail(n, path, "expected a non-empty mapping of field conditions")
	}
	var out []Condition
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		at := path + "." + k.Value
		if seen[k.Value] {
			return nil, p.fail(k, at, "duplicate condition")
		}
		seen[k.Value] = true
		field, opName, hasOp := strings.Cut(k.Value, "|")
		if field == "" {
			return nil, p.fail(k, at, "empty field name")
		}
		c := Condition{Field: field, Op: OpEquals}
		if hasOp {
			op, ok := declOps[opName]
			if !ok {
				return nil, p.fail(k, at, "unknown operator %q (use exists, startswith, endswith or contains)", opName)
			}
			c.Op = op
		}
		if c.Op == OpExists {
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Value != "true" {
				return nil, p.fail(v, at, "expected true (a field that must be present)")
			}
			out = append(out, c)
			continue
		}
		values, err := p.strings(v, at, false)
		if err != nil {
			return nil, err
		}
		c.Values = values
		out = append(out, c)
	}
	return out, nil
}

func (p *declParser) logsource(n *yaml.Node, path string) (Recognized, error) {
	keys, err := p.mapping(n, path, "product", "service", "category")
	if err != nil {
		return Recognized{}, err
	}
	if len(keys) == 0 {
		return Recognized{}, p.fail(n, path, "set at least one of product, service, category")
	}
	var l Recognized
	for _, dim := range []struct {
		name string
		d    *Dimension
	}{{"product", &l.Product}, {"service", &l.Service}, {"category", &l.Category}} {
		name, d := dim.name, dim.d
		v, ok := keys[name]
		if !ok {
			continue
		}
		names, err := p.strings(v, path+"."+name, true)
		if err != nil {
			return Recognized{}, err
		}
		*d = OneOf(names...)
	}
	return l, nil
}

// mapping checks that n is a mapping with only the allowed keys, none
// repeated, and returns its values by key.
func (p *declParser) mapping(n *yaml.Node, path string, allowed ...string) (map[string]*yaml.Node, error) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil, p.fail(n, orTop(path), "expected a mapping")
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		at := k.Value
		if path != "" {
			at = path + "." + k.Value
		}
		if _, dup := out[k.Value]; dup {
			return nil, p.fail(k, at, "duplicate key")
		}
		known := false
		for _, a := range allowed {
			known = known || a == k.Value
		}
		if !known {
			return nil, p.fail(k, at, "unknown key (expected one of %s)", strings.Join(allowed, ", "))
		}
		out[k.Value] = resolve(n.Content[i+1])
	}
	return out, nil
}

// resolve follows aliases and unwraps a document node.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode || (n.Kind == yaml.DocumentNode && len(n.Content) == 1) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else {
			n = n.Content[0]
		}
	}
	return n
}

func orTop(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

// strings reads a non-empty string or a list of them; allowEmpty accepts
// an empty list.
func (p *declParser) strings(n *yaml.Node, path string, allowEmpty bool) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" || n.Value == "" {
			return nil, p.fail(n, path, "expected a non-empty value")
		}
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		if len(n.Content) == 0 && !allowEmpty {
			return nil, p.fail(n, path, "expected at least one value")
		}
		out := make([]string, 0, len(n.Content))
		for i, c := range n.Content {
			c = resolve(c)
			if c.Kind != yaml.ScalarNode || c.Tag == "!!null" || c.Value == "" {
				return nil, p.fail(c, fmt.Sprintf("%s[%d]", path, i), "expected a non-empty value")
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, p.fail(n, path, "expected a value or a list of values")
}
