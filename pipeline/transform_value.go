package pipeline

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// valueFunc rewrites the values of every selected detection item; it returns
// the new value list and whether anything changed.
type valueFunc func(di *sigma.Item) ([]*sigma.RuleValue, bool, error)

func (f valueFunc) apply(t *target, item *Item) (bool, error) {
	fired := false
	err := eachItem(t.rule, func(_ *sigma.Search, _ *sigma.Group, di *sigma.Item) error {
		if !item.selects(t, di) {
			return nil
		}
		vals, changed, err := f(di)
		if err != nil {
			return fmt.Errorf("%s: %w", itemName(di), err)
		}
		if changed {
			di.Values = vals
			t.state.markItem(di, item.ID)
			fired = true
		}
		return nil
	})
	return fired, err
}

// rawOperator reports items whose values are not Sigma strings (regexes,
// CIDRs, field references, presence tests); string rewrites skip them.
func rawOperator(di *sigma.Item) bool {
	for _, m := range di.Modifiers {
		switch m {
		case "re", "cidr", "fieldref", "exists":
			return true
		}
	}
	return false
}

var backrefRE = regexp.MustCompile(`\\(\d+)`)

func newReplaceString(p *params, _ int) (transformation, error) {
	pat, err := p.required("regex")
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, p.errf("regex", "invalid regex: %v", err)
	}
	repl, err := p.str("replacement", "")
	if err != nil {
		return nil, err
	}
	repl = backrefRE.ReplaceAllString(repl, `$${$1}`) // pySigma \1 → Go ${1}
	_, sn := p.first("skip_special", "interpret_special")
	skip := false
	if !isNull(sn) {
		if skip, err = strconv.ParseBool(sn.Value); err != nil {
			return nil, p.errf("skip_special", "expected true or false")
		}
	}
	return rewriteStrings(func(text string, expand bool) string {
		if !skip {
			return re.ReplaceAllString(text, repl)
		}
		return rewriteLiterals(text, expand, func(lit string) string { return re.ReplaceAllString(lit, repl) })
	}), nil
}

func newMapString(p *params, _ int) (transformation, error) {
	_, m, err := p.stringMap("mapping")
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, p.errf("mapping", "required")
	}
	return valueFunc(func(di *sigma.Item) ([]*sigma.RuleValue, bool, error) {
		if rawOperator(di) {
			return nil, false, nil
		}
		changed := false
		var out []*sigma.RuleValue
		for _, v := range di.Values {
			to, ok := m[plainText(v)]
			if v.Kind != sigma.RuleString || !ok {
				out = append(out, v)
				continue
			}
			for _, s := range to {
				out = append(out, sigma.StringValue(s))
			}
			changed = true
		}
		return out, changed, nil
	}), nil
}

func newSetValue(p *params, _ int) (transformation, error) {
	n := p.node("value")
	if n == nil {
		return nil, p.errf("value", "required")
	}
	v, err := ruleValue(n)
	if err != nil {
		return nil, p.errf("value", "%v", err)
	}
	force, err := p.str("force_type", "")
	if err != nil {
		return nil, err
	}
	if force != "" {
		if v, err = convertValue(v, force); err != nil {
			return nil, p.errf("force_type", "%v", err)
		}
	}
	return valueFunc(func(di *sigma.Item) ([]*sigma.RuleValue, bool, error) {
		vv := *v
		return []*sigma.RuleValue{&vv}, true, nil
	}), nil
}

func newConvertType(p *params, _ int) (transformation, error) {
	typ, err := p.required("target_type")
	if err != nil {
		return nil, err
	}
	if _, err := convertValue(sigma.StringValue("1"), typ); err != nil {
		return nil, p.errf("target_type", "%v", err)
	}
	return valueFunc(func(di *sigma.Item) ([]*sigma.RuleValue, bool, error) {
		out := make([]*sigma.RuleValue, len(di.Values))
		for i, v := range di.Values {
			c, err := convertValue(v, typ)
			if err != nil {
				return nil, false, err
			}
			out[i] = c
		}
		return out, true, nil
	}), nil
}

// convertValue converts v to str, int, float, num or bool.
func convertValue(v *sigma.RuleValue, typ string) (*sigma.RuleValue, error) {
	if v.Kind == sigma.RuleNull {
		return v, nil
	}
	text := v.Text
	if v.Kind == sigma.RuleString {
		text = plainText(v)
	}
	switch typ {
	case "str":
		if v.Kind == sigma.RuleString {
			return v, nil
		}
		return sigma.StringValue(sigma.FormatSigmaString([]sigma.StringPart{{Text: text}}, false)), nil
	case "int", "float", "num":
		n, ok := numberValue(strings.TrimSpace(text))
		if !ok || (typ == "int" && !n.IsInt) {
			return nil, fmt.Errorf("cannot convert %q to %s", text, typ)
		}
		if typ == "float" && n.IsInt && !strings.ContainsAny(n.Text, ".eE") {
			n.Text += ".0"
		}
		return n, nil
	case "bool":
		b, err := strconv.ParseBool(strings.ToLower(text))
		if err != nil {
			return nil, fmt.Errorf("cannot convert %q to bool", text)
		}
		return &sigma.RuleValue{Kind: sigma.RuleBool, Text: strconv.FormatBool(b)}, nil
	}
	return nil, fmt.Errorf("unknown target type %q (str, int, float, num, bool)", typ)
}

func newCaseTransformation(p *params, _ int) (transformation, error) {
	key, n := p.first("case_type", "case", "method")
	method := "lower"
	if !isNull(n) {
		method = n.Value
	}
	var fn func(string) string
	switch method {
	case "lower":
		fn = strings.ToLower
	case "upper":
		fn = strings.ToUpper
	case "snake_case":
		fn = snakeCase
	default:
		if key == "" {
			key = "case_type"
		}
		return nil, p.errf(key, "unknown case %q (lower, upper, snake_case)", method)
	}
	return rewriteStrings(func(text string, expand bool) string {
		return rewriteLiterals(text, expand, fn)
	}), nil
}

// rewriteStrings is a value transformation that replaces each string value
// of an item (not those of raw operators such as re or cidr) by
// rewrite(text, expand), where expand tells whether the item has the expand
// modifier (placeholders are then kept as such).
func rewriteStrings(rewrite func(text string, expand bool) string) transformation {
	return valueFunc(func(di *sigma.Item) ([]*sigma.RuleValue, bool, error) {
		if rawOperator(di) {
			return nil, false, nil
		}
		expand := hasModifier(di, "expand")
		changed := false
		out := make([]*sigma.RuleValue, len(di.Values))
		for i, v := range di.Values {
			out[i] = v
			if v.Kind != sigma.RuleString {
				continue
			}
			if text := rewrite(v.Text, expand); text != v.Text {
				out[i], changed = sigma.StringValue(text), true
			}
		}
		return out, changed, nil
	})
}

// rewriteLiterals applies fn to the literal parts of a Sigma string,
// leaving wildcards, escapes and placeholders as they are.
func rewriteLiterals(text string, expand bool, fn func(string) string) string {
	parts := sigma.ParseSigmaString(text, expand)
	for j := range parts {
		if parts[j].Kind == sigma.PartLiteral {
			parts[j].Text = fn(parts[j].Text)
		}
	}
	return sigma.FormatSigmaString(parts, expand)
}
