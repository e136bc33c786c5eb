package correlation

import (
	"errors"
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

// Parse parses a correlation document found by the sigma loader. A non-nil
// error is a *sigma.LoadError naming the file, the rule and the YAML path.
func Parse(doc *sigma.CorrelationDoc) (*Rule, error) {
	r, err := ParseNode(doc.File, doc.Node)
	if r != nil {
		r.DocIndex = doc.DocIndex
	}
	if err != nil {
		var le *sigma.LoadError
		if errors.As(err, &le) && le.Rule == "" {
			le.Rule = firstNonEmpty(doc.Title, doc.ID, doc.Name, fmt.Sprintf("document %d", doc.DocIndex))
		}
	}
	return r, err
}

// ParseNode parses one correlation document (a mapping node with a
// top-level `correlation:` key). file is used in error messages.
func ParseNode(file string, node *yaml.Node) (*Rule, error) {
	r := &Rule{File: file}
	err := parseDocument(r, node)
	if err != nil {
		path, cause := "", err
		var pe *pathErr
		if errors.As(err, &pe) {
			path, cause = pe.path, pe.err
		}
		return nil, &sigma.LoadError{File: file, Rule: r.displayName(), Path: path, Err: cause}
	}
	return r, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func parseDocument(r *Rule, node *yaml.Node) error {
	ps, err := pairs("", node)
	if err != nil {
		return err
	}
	var section, rootGenerate *yaml.Node
	var explicit []sigma.Attribute
	for _, p := range ps {
		key, val := p[0].Value, p[1]
		if err := parseTopKey(r, key, val, &section, &rootGenerate, &explicit); err != nil {
			return err
		}
	}
	for _, a := range explicit {
		r.SetCustomAttribute(a.Key, a.Value)
	}
	if r.Title == "" {
		return errAt("title", "missing or empty title")
	}
	if section == nil {
		return errAt("correlation", "missing correlation section")
	}
	if rootGenerate != nil {
		if r.Generate, err = boolValue("generate", rootGenerate); err != nil {
			return err
		}
	}
	if err := parseSection(r, section, rootGenerate != nil); err != nil {
		return err
	}
	return parseWindowAttributes(r)
}

// parseTopKey handles one top-level key of the document.
func parseTopKey(r *Rule, key string, val *yaml.Node, section, gen **yaml.Node, explicit *[]sigma.Attribute) error {
	var err error
	str := func(dst *string) { *dst, err = scalarString(key, val) }
	switch key {
	case "title":
		str(&r.Title)
	case "id":
		str(&r.ID)
	case "name":
		str(&r.Name)
	case "status":
		str(&r.Status)
	case "description":
		str(&r.Description)
	case "level":
		str(&r.Level)
	case "tags":
		r.Tags, err = stringList(key, val)
	case "correlation":
		*section = val
	case "generate":
		*gen = val
	case "custom_attributes":
		var v any
		if v, err = attributeValue(key, val); err == nil {
			attrs, ok := v.([]sigma.Attribute)
			if !ok && v != nil {
				return errAt(key, "expected a mapping")
			}
			*explicit = attrs
		}
	case "author":
		// kept for the result metadata; a non-scalar author is ignored as
		// before, not a reason to reject the rule
		if val.Kind == yaml.ScalarNode {
			r.Author = val.Value
		}
	case "references", "date", "modified", "taxonomy", "license", "related",
		"fields", "falsepositives", "scope", "sigma-version":
		// metadata the engine does not use
	default:
		var v any
		if v, err = attributeValue(key, val); err == nil {
			r.CustomAttributes = append(r.CustomAttributes, sigma.Attribute{Key: key, Value: v})
		}
	}
	return err
}

// parseSection reads the `correlation:` mapping.
func parseSection(r *Rule, section *yaml.Node, rootGenerate bool) error {
	ps, err := pairs("correlation", section)
	if err != nil {
		return err
	}
	var typeNode, condNode, spanNode *yaml.Node
	haveRules := false
	for _, p := range ps {
		key, val := p[0].Value, p[1]
		path := "correlation." + key
		switch key {
		case "type":
			typeNode = val
		case "rules":
			haveRules = true
			if r.Refs, err = stringList(path, val); err != nil {
				return err
			}
			if len(r.Refs) == 0 {
				return errAt(path, "empty rules list")
			}
		case "group-by":
			if r.GroupBy, err = stringList(path, val); err != nil {
				return err
			}
		case "timespan", "timeframe":
			if spanNode != nil {
				return errAt(path, "timespan given twice (timespan and timeframe)")
			}
			spanNode = val
		case "condition":
			condNode = val
		case "aliases":
			if r.Aliases, err = parseAliases(path, val); err != nil {
				return err
			}
		case "generate":
			if !rootGenerate {
				if r.Generate, err = boolValue(path, val); err != nil {
					return err
				}
			}
		case "window", "gap":
			s, err := scalarString(path, val)
			if err != nil || resolve(val).Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 && isDigits(s) {
				return errAt(path, "expected a string such as \"5m\"")
			}
			if key == "window" {
				r.windowText = s
			} else {
				r.gapText = s
			}
		default:
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: unknown key ignored", path))
		}
	}
	if err := parseType(r, typeNode); err != nil {
		return err
	}
	if spanNode == nil {
		return errAt("correlation.timespan", "missing timespan")
	}
	s, err := scalarString("correlation.timespan", spanNode)
	if err != nil {
		return err
	}
	if r.Timespan, err = ParseTimespan(s); err != nil {
		return errAt("correlation.timespan", "%v", err)
	}
	if len(r.GroupBy) == 0 {
		r.Warnings = append(r.Warnings, "correlation.group-by: absent, all events form one group")
	}
	return parseCondition(r, condNode, haveRules)
}

func parseType(r *Rule, n *yaml.Node) error {
	if n == nil {
		return errAt("correlation.type", "missing type")
	}
	s, err := scalarString("correlation.type", n)
	if err != nil {
		return err
	}
	t, ok := parseTypeName(s)
	if !ok {
		return errAt("correlation.type", "unknown correlation type %q", s)
	}
	r.Type = t
	return nil
}

func parseAliases(path string, n *yaml.Node) ([]Alias, error) {
	ps, err := pairs(path, n)
	if err != nil {
		return nil, errAt(path, "aliases must be a mapping of alias → {rule: field}")
	}
	var out []Alias
	for _, p := range ps {
		apath := join(path, p[0].Value)
		inner, err := pairs(apath, p[1])
		if err != nil {
			return nil, errAt(apath, "alias must be a mapping of rule reference → field")
		}
		a := Alias{Name: p[0].Value}
		for _, q := range inner {
			f, err := scalarString(join(apath, q[0].Value), q[1])
			if err != nil {
				return nil, err
			}
			a.Fields = append(a.Fields, AliasField{Ref: q[0].Value, Field: f})
		}
		out = append(out, a)
	}
	return out, nil
}
