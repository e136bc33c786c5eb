package sigma

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

var validLevels = map[string]bool{"informational": true, "low": true, "medium": true, "high": true, "critical": true}

var validStatus = map[string]bool{"stable": true, "test": true, "experimental": true, "deprecated": true, "unsupported": true}

// parseRule builds a detection rule from a merged document mapping.
func parseRule(doc *yaml.Node, plans itemPlans) (*Rule, error) {
	r := &Rule{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		key, val := doc.Content[i].Value, deref(doc.Content[i+1])
		if err := r.setKey(key, val); err != nil {
			return nil, err
		}
	}
	if r.Title == "" {
		return nil, atPath("title", errors.New("missing or empty title"))
	}
	if r.Level != "" && !validLevels[r.Level] {
		r.Warnings = append(r.Warnings, fmt.Sprintf("invalid level %q", r.Level))
	}
	if r.Status != "" && !validStatus[r.Status] {
		r.Warnings = append(r.Warnings, fmt.Sprintf("invalid status %q", r.Status))
	}
	if mapGet(doc, "logsource") == nil {
		r.Warnings = append(r.Warnings, "missing logsource (treated as empty)")
	}
	det := mapGet(doc, "detection")
	if det == nil {
		return nil, atPath("detection", errors.New("missing detection section"))
	}
	d, warn, err := parseDetection(det, plans, "detection")
	if err != nil {
		return nil, err
	}
	r.Detection = d
	r.Warnings = append(r.Warnings, warn...)
	if err := checkArraySelectors(doc, d); err != nil {
		return nil, err
	}
	return r, nil
}

// checkArraySelectors rejects documents that enable the array-selector
// extension (sigma-version 3, sigma-rules.md §5.6) and use it: the extension
// is not implemented, and silently treating `[any]` as literal text would
// never match.
func checkArraySelectors(doc *yaml.Node, d *Detection) error {
	v := scalarText(mapGet(doc, "sigma-version"))
	if v == "" || v < "3" {
		return nil
	}
	for _, s := range d.Searches {
		for _, g := range s.Groups {
			for _, it := range g.Items {
				if strings.ContainsAny(it.Field, "[]") {
					return atPath(it.Path, fmt.Errorf("array selectors (sigma-version %s) are not supported", v))
				}
			}
		}
	}
	return nil
}

// setKey stores one top-level key of a rule document.
func (r *Rule) setKey(key string, val *yaml.Node) error {
	var err error
	switch key {
	case "title":
		r.Title = scalarText(val)
	case "id":
		r.ID = scalarText(val)
	case "name":
		r.Name = scalarText(val)
	case "status":
		r.Status = scalarText(val)
	case "description":
		r.Description = scalarText(val)
	case "level":
		r.Level = scalarText(val)
	case "author":
		r.Author = scalarText(val)
	case "date":
		r.Date = scalarText(val)
	case "modified":
		r.Modified = scalarText(val)
	case "license":
		r.License = scalarText(val)
	case "taxonomy":
		r.Taxonomy = scalarText(val)
	case "tags":
		r.Tags, err = stringList(val, key)
	case "references":
		r.References, err = stringList(val, key)
	case "fields":
		r.Fields, err = stringList(val, key)
	case "falsepositives":
		r.FalsePositives, err = stringList(val, key)
	case "scope":
		r.Scope, err = stringList(val, key)
	case "related":
		r.Related, r.Warnings = parseRelated(val, r.Warnings)
	case "logsource":
		r.Logsource, err = parseLogsource(val)
	case "custom_attributes":
		if val.Kind != yaml.MappingNode {
			return atPath(key, errors.New("custom_attributes must be a mapping"))
		}
		for j := 0; j+1 < len(val.Content); j += 2 {
			r.SetCustomAttribute(val.Content[j].Value, nodeValue(val.Content[j+1]))
		}
	case "detection", "sigma-version":
	default:
		if _, explicit := r.CustomAttribute(key); !explicit {
			r.CustomAttributes = append(r.CustomAttributes, Attribute{Key: key, Value: nodeValue(val)})
		}
	}
	return err
}

func parseRelated(n *yaml.Node, warnings []string) ([]Related, []string) {
	if n.Kind != yaml.SequenceNode {
		return nil, append(warnings, "related: expected a list")
	}
	var out []Related
	for _, c := range n.Content {
		rel := Related{ID: scalarText(mapGet(c, "id")), Type: scalarText(mapGet(c, "type"))}
		if rel.ID == "" || rel.Type == "" {
			warnings = append(warnings, fmt.Sprintf("related: malformed entry (line %d)", c.Line))
			continue
		}
		out = append(out, rel)
	}
	return out, warnings
}

func parseLogsource(n *yaml.Node) (Logsource, error) {
	var ls Logsource
	if isNull(n) {
		return ls, nil
	}
	if n.Kind != yaml.MappingNode {
		return ls, atPath("logsource", errors.New("logsource must be a mapping"))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, scalarText(n.Content[i+1])
		switch key {
		case "category":
			ls.Category = val
		case "product":
			ls.Product = val
		case "service":
			ls.Service = val
		case "definition":
			ls.Definition = val
		default:
			ls.Custom = append(ls.Custom, Attribute{Key: key, Value: nodeValue(n.Content[i+1])})
		}
	}
	return ls, nil
}
