package pipeline

import (
	"regexp"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// itemCond selects detection items a transformation touches (§3.2).
type itemCond func(t *target, it *sigma.Item) bool

// fieldCond selects field names (§3.3); it is evaluated per detection item.
type fieldCond func(t *target, field string, it *sigma.Item) bool

func parseItemCond(p *params) (itemCond, error) {
	typ, err := p.required("type")
	if err != nil {
		return nil, err
	}
	switch typ {
	case "match_string":
		pat, err := p.str("pattern", ".*")
		if err != nil {
			return nil, err
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, p.errf("pattern", "invalid regex: %v", err)
		}
		neg, err := p.boolean("negate", false)
		return func(_ *target, it *sigma.Item) bool {
			for _, v := range it.Values {
				if v.Kind == sigma.RuleString && re.MatchString(plainText(v)) {
					return !neg
				}
			}
			return neg
		}, err
	case "is_null":
		neg, err := p.boolean("negate", false)
		return func(_ *target, it *sigma.Item) bool {
			for _, v := range it.Values {
				if v.Kind == sigma.RuleNull {
					return !neg
				}
			}
			return neg
		}, err
	case "match_value":
		vn := p.node("value")
		if isNull(vn) {
			return nil, p.errf("value", "required")
		}
		want := vn.Value
		return func(_ *target, it *sigma.Item) bool {
			for _, v := range it.Values {
				if strings.EqualFold(plainText(v), want) {
					return true
				}
			}
			return false
		}, nil
	case "contains_wildcard":
		neg, err := p.boolean("negate", false)
		return func(_ *target, it *sigma.Item) bool {
			for _, v := range it.Values {
				if v.Kind == sigma.RuleString && hasWildcard(v.Text) {
					return !neg
				}
			}
			return neg
		}, err
	case "processing_item_applied":
		id, err := p.required("processing_item_id")
		return func(t *target, it *sigma.Item) bool { return t.state.itemApplied[it][id] }, err
	case "processing_state":
		key, val, err := stateParams(p)
		return func(t *target, _ *sigma.Item) bool { v, ok := t.state.kv[key]; return ok && v == val }, err
	}
	return nil, p.errf("type", "unknown detection item condition type %q", typ)
}

func hasWildcard(text string) bool {
	for _, part := range sigma.ParseSigmaString(text, false) {
		if part.Kind == sigma.PartStar || part.Kind == sigma.PartQuestion {
			return true
		}
	}
	return false
}

func parseFieldCond(p *params) (fieldCond, error) {
	typ, err := p.required("type")
	if err != nil {
		return nil, err
	}
	switch typ {
	case "include_fields", "exclude_fields":
		match, err := parseFieldList(p)
		if err != nil {
			return nil, err
		}
		exclude := typ == "exclude_fields"
		return func(_ *target, field string, _ *sigma.Item) bool { return match(field) != exclude }, nil
	case "processing_item_applied":
		id, err := p.required("processing_item_id")
		return func(t *target, _ string, it *sigma.Item) bool { return t.state.itemApplied[it][id] }, err
	case "processing_state":
		key, val, err := stateParams(p)
		return func(t *target, _ string, _ *sigma.Item) bool { v, ok := t.state.kv[key]; return ok && v == val }, err
	}
	return nil, p.errf("type", "unknown field name condition type %q", typ)
}

// parseFieldList reads `fields` + `match_type` into a name predicate.
func parseFieldList(p *params) (func(string) bool, error) {
	fields, err := p.strings("fields")
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, p.errf("fields", "required")
	}
	mt, err := p.str("match_type", "plain")
	if err != nil {
		return nil, err
	}
	switch mt {
	case "plain":
		return func(f string) bool {
			for _, x := range fields {
				if x == f {
					return true
				}
			}
			return false
		}, nil
	case "regex", "re":
		res := make([]*regexp.Regexp, len(fields))
		for i, f := range fields {
			if res[i], err = regexp.Compile(f); err != nil {
				return nil, p.errf("fields", "invalid regex %q: %v", f, err)
			}
		}
		return func(f string) bool {
			for _, re := range res {
				if re.MatchString(f) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, p.errf("match_type", "expected plain or regex, got %q", mt)
}
