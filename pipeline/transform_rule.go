package pipeline

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

// ErrRuleFailure is wrapped by the errors of rule_failure and
// detection_item_failure items.
var ErrRuleFailure = errors.New("rejected by pipeline")

// ruleFunc adapts a plain function to a rule-level transformation.
type ruleFunc func(t *target) error

func (f ruleFunc) apply(t *target, _ *Item) (bool, error) { return true, f(t) }

func newChangeLogsource(p *params, _ int) (transformation, error) {
	var vals [3]*string
	for i, k := range []string{"category", "product", "service"} {
		if n := p.node(k); !isNull(n) {
			v := n.Value
			vals[i] = &v
		}
	}
	return ruleFunc(func(t *target) error {
		ls := &t.rule.Logsource
		for i, dst := range []*string{&ls.Category, &ls.Product, &ls.Service} {
			if vals[i] != nil {
				*dst = *vals[i]
			}
		}
		return nil
	}), nil
}

// setState stores a string in the pipeline state; it also applies to
// correlation rules.
type setState struct{ key, val string }

func (s *setState) apply(t *target, _ *Item) (bool, error) {
	t.state.kv[s.key] = s.val
	return true, nil
}
func (s *setState) applyCorrelation(t *target, it *Item) (bool, error) {
	return s.apply(t, it)
}

func newSetState(p *params, _ int) (transformation, error) {
	key, val, err := stateParams(p)
	return &setState{key: key, val: val}, err
}

// ruleFailure rejects every rule (and correlation rule) it applies to.
type ruleFailure struct{ msg string }

func (f *ruleFailure) apply(_ *target, _ *Item) (bool, error) {
	return true, fmt.Errorf("%w: %s", ErrRuleFailure, f.msg)
}
func (f *ruleFailure) applyCorrelation(t *target, it *Item) (bool, error) { return f.apply(t, it) }

func newRuleFailure(p *params, _ int) (transformation, error) {
	msg, err := p.required("message")
	return &ruleFailure{msg: msg}, err
}

// detectionItemFailure rejects the rule when any detection item is selected
// by the item's detection-item and field-name conditions.
type detectionItemFailure struct{ msg string }

func (f *detectionItemFailure) apply(t *target, item *Item) (bool, error) {
	return false, eachItem(t.rule, func(_ *sigma.Search, _ *sigma.Group, di *sigma.Item) error {
		if item.selects(t, di) {
			return fmt.Errorf("%w: %s: %s", ErrRuleFailure, itemName(di), f.msg)
		}
		return nil
	})
}

func itemName(di *sigma.Item) string {
	if di.Path != "" {
		return di.Path
	}
	return strings.Join(append([]string{di.Field}, di.Modifiers...), "|")
}

func newDetectionItemFailure(p *params, _ int) (transformation, error) {
	msg, err := p.required("message")
	return &detectionItemFailure{msg: msg}, err
}

// setCustomAttribute sets a custom attribute (as a string) on rules and
// correlation rules.
type setCustomAttribute struct{ key, val string }

func (s *setCustomAttribute) apply(t *target, _ *Item) (bool, error) {
	t.rule.SetCustomAttribute(s.key, s.val)
	return true, nil
}

func (s *setCustomAttribute) applyCorrelation(t *target, _ *Item) (bool, error) {
	t.corr.setCustomAttribute(s.key, s.val)
	return true, nil
}

func newSetCustomAttribute(p *params, _ int) (transformation, error) {
	key, err := p.required("attribute")
	if err != nil {
		return nil, err
	}
	n := p.node("value")
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, p.errf("value", "required scalar")
	}
	val := n.Value
	if isNull(n) {
		val = ""
	}
	return &setCustomAttribute{key: key, val: val}, nil
}

func newAddField(p *params, _ int) (transformation, error) {
	fields, err := p.strings("field")
	if err == nil && len(fields) == 0 {
		err = p.errf("field", "required")
	}
	return ruleFunc(func(t *target) error {
		for _, f := range fields {
			if !containsString(t.rule.Fields, f) {
				t.rule.Fields = append(t.rule.Fields, f)
			}
		}
		return nil
	}), err
}

func newRemoveField(p *params, _ int) (transformation, error) {
	fields, err := p.strings("field")
	if err == nil && len(fields) == 0 {
		err = p.errf("field", "required")
	}
	return ruleFunc(func(t *target) error {
		var keep []string
		for _, f := range t.rule.Fields {
			if !containsString(fields, f) {
				keep = append(keep, f)
			}
		}
		t.rule.Fields = keep
		return nil
	}), err
}

func newSetField(p *params, _ int) (transformation, error) {
	fields, err := p.strings("fields")
	return ruleFunc(func(t *target) error {
		t.rule.Fields = append([]string(nil), fields...)
		return nil
	}), err
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// newBackendOnly builds the transformations that only affect query
// backends (regex, query_expression_placeholders): accepted, no effect.
func newBackendOnly(keys ...string) func(*params, int) (transformation, error) {
	return func(p *params, _ int) (transformation, error) {
		for _, k := range keys {
			p.node(k)
		}
		return ruleFunc(func(*target) error { return nil }), nil
	}
}

// ruleValue types a YAML scalar the way rule values are typed (§5.1).
func ruleValue(n *yaml.Node) (*sigma.RuleValue, error) {
	if n.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("expected a scalar value")
	}
	switch n.Tag {
	case "!!null":
		return &sigma.RuleValue{Kind: sigma.RuleNull, Text: "null"}, nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return nil, fmt.Errorf("invalid bool %q", n.Value)
		}
		return &sigma.RuleValue{Kind: sigma.RuleBool, Text: strconv.FormatBool(b)}, nil
	case "!!int", "!!float":
		if v, ok := numberValue(n.Value); ok {
			return v, nil
		}
	}
	return sigma.StringValue(n.Value), nil
}

// numberValue builds a Number rule value from literal text.
func numberValue(text string) (*sigma.RuleValue, bool) {
	v := &sigma.RuleValue{Kind: sigma.RuleNumber, Text: text}
	if i, err := strconv.ParseInt(text, 0, 64); err == nil {
		v.Int, v.IsInt, v.Float = i, true, float64(i)
		return v, true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, false
	}
	v.Float = f
	if f == float64(int64(f)) {
		v.Int, v.IsInt = int64(f), true
	}
	return v, true
}
