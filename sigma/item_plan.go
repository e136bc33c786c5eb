package sigma

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// planItem validates a detection item and builds its plan (compileItem binds
// it to an Engine). With placeholders allowed (load time), values with
// unresolved `%name%` placeholders are validated but not built.
func planItem(it *Item) (*itemPlan, error) {
	return buildPlan(it, true)
}

// plannedNode returns an unbound node for it: the plan built at load time
// (in plans) when the item is unchanged since, else a fresh one. Plans are
// immutable and shared; the per-engine bindings are set on the node.
func plannedNode(it *Item, plans itemPlans) (*itemNode, error) {
	plan := plans[it.fingerprint()]
	if plan == nil {
		var err error
		if plan, err = buildPlan(it, false); err != nil {
			return nil, err
		}
	}
	return &itemNode{itemPlan: plan, item: it}, nil
}

// variantsOf lists the literal forms of value i after transforms, as the
// candidate index reads them. They are made when the index asks, not kept
// on the node: for a large rule set they cost as much memory as the
// matchers (SigmaHQ grown 10 times: ~39 MB held from compiling to the end
// of the index build). A value whose forms cannot be listed (which a
// compiled plan rules out) gets one form the index cannot read.
func (n *itemNode) variantsOf(i int) []variant {
	var lits []StringPart
	if vars, ok := appendMatcherVariant(nil, &lits, n.values[i], n.transforms); ok {
		return vars
	}
	mods, err := parseModifiers(n.item.Modifiers)
	if err != nil {
		return []variant{{}}
	}
	vars, err := appendVariants(nil, n.item.Values[i], mods, n.item.Keyword())
	if err != nil {
		return []variant{{}}
	}
	return vars
}

// appendMatcherVariant appends the variant of a value that its matcher
// holds in full, and reports false for the others (wildcards, transforms):
// number and boolean matchers hold the value, matchers the index cannot
// read get an empty variant, and without transforms a wildcard-free string
// value is one literal (none for ""), which the matcher holds already
// placed and folded; its one-part pattern is carved from lits, which has
// room for it.
func appendMatcherVariant(dst []variant, lits *[]StringPart, m valueMatcher, transforms bool) ([]variant, bool) {
	switch m := m.(type) {
	case *numberMatcher:
		return append(dst, variant{num: &m.want}), true
	case *boolMatcher:
		return append(dst, variant{boolean: m.want}), true
	case *regexMatcher, *cidrMatcher, *numCmpMatcher, *datePartMatcher:
		return append(dst, variant{}), true
	case *strMatcher:
		if transforms {
			return dst, false
		}
		var pat pattern
		if m.needle != "" {
			k := len(*lits)
			*lits = append(*lits, StringPart{Kind: PartLiteral, Text: m.needle})
			pat = (*lits)[k : k+1 : k+1]
		}
		return append(dst, variant{op: m.op, pat: pat, isStr: true}), true
	}
	return dst, false
}

func buildPlan(it *Item, allowPlaceholders bool) (*itemPlan, error) {
	mods, err := parseModifiers(it.Modifiers)
	if err != nil {
		return nil, err
	}
	n := &itemPlan{all: mods.all, neq: mods.neq, cased: mods.cased, transforms: len(mods.transforms) > 0, kind: itemValues, complete: true}
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
	n.values = make([]valueMatcher, 0, len(it.Values))
	var block matcherBlock
	if strs := stringValues(it, mods); strs > 1 {
		block = make(matcherBlock, 0, strs)
	}
	for _, v := range it.Values {
		m, err := planValue(v, mods, it.Keyword(), allowPlaceholders, &block)
		if err != nil {
			return nil, err
		}
		if m == nil {
			n.complete = false // unresolved placeholders at load time
			continue
		}
		n.values = append(n.values, m)
	}
	return n, nil
}

func planExists(n *itemPlan, it *Item) error {
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

func planFieldref(n *itemPlan, it *Item) error {
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
	}
	n.kind = itemFieldref
	return nil
}

// valueClass is how one rule value is compared, given the item's modifiers.
type valueClass uint8

const (
	classOpaque valueClass = iota // re, cidr, numeric comparison, date part
	classNumber                   // plain number equality
	classBool                     // plain boolean equality
	classString                   // string matcher(s), after transforms
)

func classify(v *RuleValue, mods *modifiers, keyword bool) valueClass {
	switch {
	case mods.op == "re", mods.op == "cidr", isNumericCmp(mods.op), isDatePart(mods.op):
		return classOpaque
	case mods.op != "" || len(mods.transforms) > 0 || keyword:
		return classString
	case v.Kind == RuleNumber:
		return classNumber
	case v.Kind == RuleBool:
		return classBool
	}
	return classString
}

// stringValues counts the values of it that get string matchers.
func stringValues(it *Item, mods *modifiers) int {
	n := 0
	for _, v := range it.Values {
		if classify(v, mods, it.Keyword()) == classString {
			n++
		}
	}
	return n
}

// planValue builds the matcher for one rule value; it is nil for a value
// with unresolved placeholders when those are allowed.
func planValue(v *RuleValue, mods *modifiers, keyword, allowPlaceholders bool, block *matcherBlock) (valueMatcher, error) {
	switch classify(v, mods, keyword) {
	case classOpaque:
		return planOpaque(v, mods)
	case classNumber:
		return &numberMatcher{want: *v, litFold: strings.ToLower(v.Text)}, nil
	case classBool:
		return &boolMatcher{want: v.Text}, nil
	}
	var buf [1]pattern
	pats, op, err := stringPatterns(buf[:0], v, mods, keyword, allowPlaceholders)
	if err != nil || pats == nil {
		return nil, err
	}
	if len(pats) == 1 {
		return placePattern(pats[0], op, mods.cased, block), nil
	}
	matchers := make(anyOf, len(pats))
	for i, pat := range pats {
		matchers[i] = placePattern(pat, op, mods.cased, block)
	}
	return matchers, nil
}

// planOpaque builds the matcher of a regex, CIDR, numeric comparison or date
// part value.
func planOpaque(v *RuleValue, mods *modifiers) (valueMatcher, error) {
	switch {
	case mods.op == "re":
		flags := mods.reFlags
		if flags != "" {
			flags = "(?" + flags + ")"
		}
		re, err := regexp.Compile(flags + v.Text)
		if err != nil {
			return nil, fmt.Errorf("invalid regular expression %q: %v", v.Text, err)
		}
		return newRegexMatcher(re), nil
	case mods.op == "cidr":
		p, err := parseCIDR(v.Text)
		if err != nil {
			return nil, fmt.Errorf("invalid CIDR network %q", v.Text)
		}
		return &cidrMatcher{prefix: p}, nil
	}
	num, ok := ruleNumber(v)
	if !ok {
		return nil, fmt.Errorf("%s needs a numeric value, not %q", mods.op, v.Text)
	}
	if isDatePart(mods.op) {
		if !num.IsInt {
			return nil, fmt.Errorf("%s needs an integer value, not %q", mods.op, v.Text)
		}
		return &datePartMatcher{part: mods.op, want: num.Int}, nil
	}
	return &numCmpMatcher{op: mods.op, want: *num}, nil
}

// appendVariants appends the literal forms of one rule value that the
// candidate index reads (one empty variant for a value it cannot read).
func appendVariants(dst []variant, v *RuleValue, mods *modifiers, keyword bool) ([]variant, error) {
	switch classify(v, mods, keyword) {
	case classOpaque:
		return append(dst, variant{}), nil
	case classNumber:
		return append(dst, variant{num: v}), nil
	case classBool:
		return append(dst, variant{boolean: v.Text}), nil
	}
	var buf [1]pattern
	pats, op, err := stringPatterns(buf[:0], v, mods, keyword, false)
	if err != nil {
		return nil, err
	}
	for _, pat := range pats {
		dst = append(dst, variant{op: op, pat: pat, isStr: true})
	}
	return dst, nil
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

// stringPatterns turns one value into the patterns its string matchers
// test, appended to dst: wildcard parsing, transforms in written order, case
// folding; op is the placement the operator modifier asks for. pats is nil
// for a value with unresolved placeholders when those are allowed.
func stringPatterns(dst []pattern, v *RuleValue, mods *modifiers, keyword, allowPlaceholders bool) (pats []pattern, op strOp, err error) {
	var p pattern
	if v.Kind == RuleString {
		p = ParseSigmaString(v.Text, mods.expand)
	} else {
		p = pattern{{Kind: PartLiteral, Text: v.Text}}
	}
	for _, part := range p {
		if part.Kind == PartPlaceholder {
			if allowPlaceholders {
				return nil, 0, nil
			}
			return nil, 0, fmt.Errorf("unresolved placeholder %%%s%% (needs a pipeline with value_placeholders)", part.Text)
		}
	}
	pats = append(dst, p)
	for _, t := range mods.transforms {
		if pats, err = applyTransform(t, pats); err != nil {
			return nil, 0, err
		}
	}
	switch {
	case mods.op == "contains", keyword && mods.op == "", mods.op == "" && mods.has("base64offset"):
		op = strContains
	case mods.op == "startswith":
		op = strPrefix
	case mods.op == "endswith":
		op = strSuffix
	}
	switch {
	case mods.cased:
	case len(mods.transforms) == 0:
		lowerInPlace(p) // p is ours: parsed or built above
	default:
		for i, pat := range pats {
			pats[i] = lowerPattern(pat) // transform outputs may share parts
		}
	}
	return pats, op, nil
}

// lowerInPlace lower-cases the literals of p.
func lowerInPlace(p pattern) {
	for i := range p {
		if p[i].Kind == PartLiteral {
			p[i].Text = strings.ToLower(p[i].Text)
		}
	}
}

// lowerPattern returns p with lower-cased literals; p itself when they are
// lower-case already.
func lowerPattern(p pattern) pattern {
	var out pattern
	for i, part := range p {
		if part.Kind != PartLiteral {
			continue
		}
		lower := strings.ToLower(part.Text)
		if lower == part.Text {
			continue
		}
		if out == nil {
			out = append(pattern(nil), p...)
		}
		out[i].Text = lower
	}
	if out == nil {
		return p
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
