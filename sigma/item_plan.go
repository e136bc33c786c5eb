package sigma

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// planItem validates a detection item and builds its node without binding
// fields (compileItem does that). With placeholders allowed (load time),
// values with unresolved `%name%` placeholders are validated but not built.
func planItem(it *Item) (*itemNode, error) {
	return buildItem(it, true)
}

func buildItem(it *Item, allowPlaceholders bool) (*itemNode, error) {
	mods, err := parseModifiers(it.Modifiers)
	if err != nil {
		return nil, err
	}
	n := &itemNode{src: it, all: mods.all, neq: mods.neq, cased: mods.cased, kind: itemValues, complete: true}
	if it.Keyword() {
		n.kind = itemKeywords
	}
	if mods.all && len(it.Values) < 2 {
		return nil, errors.New("the all modifier needs at least two values")
	}
	for _, v := range it.Values {
		if v.Kind == RuleNull && (len(it.Values) > 1 || mods.op != "" || len(mods.transforms) > 0 || it.Keyword()) {
			if len(it.Values) > 1 {
				return nil, errors.New("null cannot be part of a value list; split into two search identifiers")
			}
			return nil, errors.New("null can only be compared for equality with a field")
		}
	}
	switch {
	case mods.op == "exists":
		return n, planExists(n, it)
	case mods.op == "fieldref":
		return n, planFieldref(n, it)
	case it.Values[0].Kind == RuleNull:
		n.kind = itemNull
		return n, nil
	}
	for _, v := range it.Values {
		m, vars, err := planValue(v, mods, it.Keyword(), allowPlaceholders)
		if err != nil {
			return nil, err
		}
		if m == nil {
			n.complete = false // unresolved placeholders at load time
			continue
		}
		n.values = append(n.values, m)
		n.variants = append(n.variants, vars)
	}
	return n, nil
}

func planExists(n *itemNode, it *Item) error {
	if it.Keyword() {
		return errors.New("exists needs a field name")
	}
	if len(it.Values) != 1 {
		return errors.New("exists takes a single true/false value")
	}
	v := it.Values[0]
	switch {
	case v.Kind == RuleBool:
		n.want = v.Text == "true"
	case v.Kind == RuleString && (strings.EqualFold(v.Text, "true") || strings.EqualFold(v.Text, "false")):
		n.want = strings.EqualFold(v.Text, "true")
	default:
		return fmt.Errorf("exists takes true or false, not %q", v.Text)
	}
	n.kind = itemExists
	return nil
}

func planFieldref(n *itemNode, it *Item) error {
	if it.Keyword() {
		return errors.New("fieldref needs a field name")
	}
	for _, v := range it.Values {
		if v.Kind == RuleString && pattern(ParseSigmaString(v.Text, false)).hasWildcards() {
			return fmt.Errorf("fieldref value %q cannot contain wildcards", v.Text)
		}
		if v.Text == "" {
			return errors.New("fieldref needs a field name as value")
		}
		n.refNames = append(n.refNames, v.Text)
	}
	n.kind = itemFieldref
	return nil
}

// planValue builds the matcher for one rule value.
func planValue(v *RuleValue, mods *modifiers, keyword, allowPlaceholders bool) (valueMatcher, []variant, error) {
	switch {
	case mods.op == "re":
		flags := mods.reFlags
		if flags != "" {
			flags = "(?" + flags + ")"
		}
		re, err := regexp.Compile(flags + v.Text)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid regular expression %q: %v", v.Text, err)
		}
		return newRegexMatcher(re), []variant{{}}, nil
	case mods.op == "cidr":
		p, err := parseCIDR(v.Text)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid CIDR network %q", v.Text)
		}
		return &cidrMatcher{prefix: p}, []variant{{}}, nil
	case isNumericCmp(mods.op), isDatePart(mods.op):
		num, ok := ruleNumber(v)
		if !ok {
			return nil, nil, fmt.Errorf("%s needs a numeric value, not %q", mods.op, v.Text)
		}
		if isDatePart(mods.op) {
			if !num.IsInt {
				return nil, nil, fmt.Errorf("%s needs an integer value, not %q", mods.op, v.Text)
			}
			return &datePartMatcher{part: mods.op, want: num.Int}, []variant{{}}, nil
		}
		return &numCmpMatcher{op: mods.op, want: *num}, []variant{{}}, nil
	}
	if mods.op == "" && len(mods.transforms) == 0 && !keyword {
		switch v.Kind {
		case RuleNumber:
			return &numberMatcher{want: *v, litFold: strings.ToLower(v.Text)}, []variant{{num: v}}, nil
		case RuleBool:
			return &boolMatcher{want: v.Text}, []variant{{boolean: v.Text}}, nil
		}
	}
	return planString(v, mods, keyword, allowPlaceholders)
}

// ruleNumber reads a Number value or a numeric string.
func ruleNumber(v *RuleValue) (*RuleValue, bool) {
	switch v.Kind {
	case RuleNumber:
		return v, true
	case RuleString:
		return numericString(v.Text)
	}
	return nil, false
}

// planString builds the string matcher(s) of one value: wildcard parsing,
// transforms in written order, case folding, placement by operator.
func planString(v *RuleValue, mods *modifiers, keyword, allowPlaceholders bool) (valueMatcher, []variant, error) {
	var p pattern
	if v.Kind == RuleString {
		p = ParseSigmaString(v.Text, mods.expand)
	} else {
		p = pattern{{Kind: PartLiteral, Text: v.Text}}
	}
	for _, part := range p {
		if part.Kind == PartPlaceholder {
			if allowPlaceholders {
				return nil, nil, nil
			}
			return nil, nil, fmt.Errorf("unresolved placeholder %%%s%% (needs a pipeline with value_placeholders)", part.Text)
		}
	}
	pats := []pattern{p}
	for _, t := range mods.transforms {
		var err error
		if pats, err = applyTransform(t, pats); err != nil {
			return nil, nil, err
		}
	}
	op := strEqual
	switch {
	case mods.op == "contains", keyword && mods.op == "", mods.op == "" && mods.has("base64offset"):
		op = strContains
	case mods.op == "startswith":
		op = strPrefix
	case mods.op == "endswith":
		op = strSuffix
	}
	matchers := make([]valueMatcher, 0, len(pats))
	vars := make([]variant, 0, len(pats))
	for _, pat := range pats {
		if !mods.cased {
			pat = lowerPattern(pat)
		}
		matchers = append(matchers, placePattern(pat, op, mods.cased))
		vars = append(vars, variant{op: op, pat: pat, isStr: true})
	}
	if len(matchers) == 1 {
		return matchers[0], vars, nil
	}
	return anyOf(matchers), vars, nil
}

func lowerPattern(p pattern) pattern {
	out := make(pattern, len(p))
	for i, part := range p {
		if part.Kind == PartLiteral {
			part.Text = strings.ToLower(part.Text)
		}
		out[i] = part
	}
	return out
}

// anyOf matches when any of its matchers does (transform variants).
type anyOf []valueMatcher

func (a anyOf) match(k Kind, str, fold string) bool {
	for _, m := range a {
		if m.match(k, str, fold) {
			return true
		}
	}
	return false
}
