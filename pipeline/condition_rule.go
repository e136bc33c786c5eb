package pipeline

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// ruleCond gates a whole processing item (pipelines.md §3.1).
type ruleCond func(t *target) bool

func parseRuleCond(p *params) (ruleCond, error) {
	typ, err := p.required("type")
	if err != nil {
		return nil, err
	}
	switch typ {
	case "logsource":
		return parseLogsourceCond(p)
	case "contains_detection_item", "contains_field":
		return parseContainsItemCond(p, typ == "contains_detection_item")
	case "processing_item_applied":
		id, err := p.required("processing_item_id")
		return func(t *target) bool { return t.state.applied[id] }, err
	case "processing_state":
		key, val, err := stateParams(p)
		return func(t *target) bool { v, ok := t.state.kv[key]; return ok && v == val }, err
	case "is_sigma_rule":
		return func(t *target) bool { return t.rule != nil }, nil
	case "is_sigma_correlation_rule":
		return func(t *target) bool { return t.corr != nil }, nil
	case "rule_attribute":
		return parseRuleAttributeCond(p)
	case "tag":
		tag, err := p.required("tag")
		return func(t *target) bool {
			if t.rule == nil {
				return false
			}
			for _, x := range t.rule.Tags {
				if strings.EqualFold(x, tag) {
					return true
				}
			}
			return false
		}, err
	}
	return nil, p.errf("type", "unknown rule condition type %q", typ)
}

func stateParams(p *params) (string, string, error) {
	key, err := p.required("key")
	if err != nil {
		return "", "", err
	}
	_, n := p.first("val", "value")
	if isNull(n) {
		return "", "", p.errf("val", "required")
	}
	return key, n.Value, nil
}

func parseLogsourceCond(p *params) (ruleCond, error) {
	var want [3]string
	for i, k := range []string{"category", "product", "service"} {
		v, err := p.str(k, "")
		if err != nil {
			return nil, err
		}
		want[i] = v
	}
	return func(t *target) bool {
		if t.rule == nil {
			return false
		}
		ls := t.rule.Logsource
		have := [3]string{ls.Category, ls.Product, ls.Service}
		for i := range want {
			if want[i] != "" && !strings.EqualFold(want[i], have[i]) {
				return false
			}
		}
		return true
	}, nil
}

func parseContainsItemCond(p *params, withValue bool) (ruleCond, error) {
	field, err := p.required("field")
	if err != nil {
		return nil, err
	}
	var value *string
	if withValue {
		if n := p.node("value"); n != nil {
			v := n.Value
			if isNull(n) {
				v = "null"
			}
			value = &v
		}
	}
	return func(t *target) bool {
		found := false
		_ = eachItem(t.rule, func(_ *sigma.Search, _ *sigma.Group, it *sigma.Item) error {
			if found || !strings.EqualFold(it.Field, field) {
				return nil
			}
			if value == nil {
				found = true
				return nil
			}
			for _, v := range it.Values {
				if strings.EqualFold(plainText(v), *value) {
					found = true
				}
			}
			return nil
		})
		return found
	}, nil
}

func parseRuleAttributeCond(p *params) (ruleCond, error) {
	attr, err := p.required("attribute")
	if err != nil {
		return nil, err
	}
	vn := p.node("value")
	if isNull(vn) {
		return nil, p.errf("value", "required")
	}
	want := vn.Value
	return func(t *target) bool {
		if t.rule == nil {
			return false
		}
		r := t.rule
		switch attr {
		case "level":
			return strings.EqualFold(r.Level, want)
		case "status":
			return strings.EqualFold(r.Status, want)
		case "author":
			return strings.EqualFold(r.Author, want)
		case "title":
			return strings.EqualFold(r.Title, want)
		case "id":
			return r.ID == want
		case "date":
			return r.Date == want
		case "description":
			return strings.Contains(r.Description, want)
		}
		if v, ok := r.CustomAttribute(attr); ok {
			return fmt.Sprint(v) == want
		}
		return false
	}, nil
}
