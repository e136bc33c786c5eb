package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// maxBranches caps the OR branches a one-to-many rewrite may create in one
// search identifier (pipelines.md §5, field_name_mapping).
const maxBranches = 4096

// renamer maps a field name to its new name(s); nil means "not handled".
type renamer func(field string) []string

// fieldRename is every field-name transformation: it renames the selected
// detection items, fieldref targets and the rule's `fields:` list.
type fieldRename struct {
	rename renamer
}

func (f *fieldRename) apply(t *target, item *Item) (bool, error) {
	fired := false
	for _, s := range t.rule.Detection.Searches {
		var groups []*sigma.Group
		for _, g := range s.Groups {
			out, changed, err := f.renameGroup(t, item, g)
			if err != nil {
				return false, fmt.Errorf("search %q: %w", s.Name, err)
			}
			fired = fired || changed
			groups = append(groups, out...)
			if len(groups) > maxBranches {
				return false, fmt.Errorf("search %q: one-to-many field mapping creates more than %d branches", s.Name, maxBranches)
			}
		}
		s.Groups = groups
	}
	var fields []string
	for _, name := range t.rule.Fields {
		if to := f.rename(name); to != nil && item.selectsField(t, name, nil) {
			fields = append(fields, to...)
			fired = true
			continue
		}
		fields = append(fields, name)
	}
	t.rule.Fields = fields
	return fired, nil
}

// renameGroup renames the selected items of g. An item mapped to several
// names turns g into the Cartesian product of its alternatives (an OR of
// AND groups).
func (f *fieldRename) renameGroup(t *target, item *Item, g *sigma.Group) ([]*sigma.Group, bool, error) {
	alts := make([][]*sigma.Item, len(g.Items))
	changed, width := false, 1
	for i, di := range g.Items {
		alts[i] = []*sigma.Item{di}
		if hasModifier(di, "fieldref") && item.selectsField(t, di.Field, di) {
			changed = f.renameRefs(di) || changed
		}
		if di.Keyword() || !item.selects(t, di) {
			continue
		}
		to := f.rename(di.Field)
		if to == nil {
			continue
		}
		changed = true
		alts[i] = alts[i][:0]
		for _, name := range to {
			c := copyItem(di)
			c.Field = name
			t.state.inherit(c, di)
			t.state.markItem(c, item.ID)
			alts[i] = append(alts[i], c)
		}
		width *= len(to)
		if width > maxBranches {
			return nil, false, fmt.Errorf("one-to-many field mapping creates more than %d branches", maxBranches)
		}
	}
	if width == 1 {
		out := &sigma.Group{Items: make([]*sigma.Item, len(alts))}
		for i, a := range alts {
			out.Items[i] = a[0]
		}
		return []*sigma.Group{out}, changed, nil
	}
	slots := make([][][]*sigma.Item, len(alts))
	for i, a := range alts {
		for _, x := range a {
			slots[i] = append(slots[i], []*sigma.Item{x})
		}
	}
	groups, err := product(t, slots)
	return groups, true, err
}

// product expands slots (per original item: OR alternatives, each an AND
// list of items) into the OR of all combinations. Every combination gets
// its own item copies so later transformations never touch shared items.
func product(t *target, slots [][][]*sigma.Item) ([]*sigma.Group, error) {
	groups := []*sigma.Group{{}}
	for _, alts := range slots {
		next := make([]*sigma.Group, 0, len(groups)*len(alts))
		for _, base := range groups {
			for _, a := range alts {
				next = append(next, &sigma.Group{Items: append(append([]*sigma.Item(nil), base.Items...), a...)})
			}
		}
		if groups = next; len(groups) > maxBranches {
			return nil, fmt.Errorf("one-to-many rewrite creates more than %d branches", maxBranches)
		}
	}
	if len(groups) > 1 {
		for _, g := range groups {
			for i, x := range g.Items {
				c := copyItem(x)
				t.state.inherit(c, x)
				g.Items[i] = c
			}
		}
	}
	return groups, nil
}

// renameRefs renames the field names held as values of a fieldref item.
func (f *fieldRename) renameRefs(di *sigma.Item) bool {
	changed := false
	var vals []*sigma.RuleValue
	for _, v := range di.Values {
		if to := f.rename(v.Text); v.Kind == sigma.RuleString && to != nil {
			for _, name := range to {
				vals = append(vals, sigma.StringValue(name))
			}
			changed = true
			continue
		}
		vals = append(vals, v)
	}
	di.Values = vals
	return changed
}

// copyItem returns a copy of di with its own modifier and value slices.
func copyItem(di *sigma.Item) *sigma.Item {
	c := *di
	c.Modifiers = append([]string(nil), di.Modifiers...)
	c.Values = make([]*sigma.RuleValue, len(di.Values))
	for i, v := range di.Values {
		vv := *v
		c.Values[i] = &vv
	}
	return &c
}

func newFieldNameMapping(p *params, _ int) (transformation, error) {
	_, m, err := p.stringMap("mapping")
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, p.errf("mapping", "required")
	}
	return &fieldRename{rename: func(f string) []string { return m[f] }}, nil
}

func newFieldNamePrefixMapping(p *params, _ int) (transformation, error) {
	keys, m, err := p.stringMap("mapping")
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, p.errf("mapping", "required")
	}
	for _, k := range keys {
		if len(m[k]) != 1 {
			return nil, p.errf("mapping."+k, "expected one replacement prefix")
		}
	}
	// Longest matching prefix wins (DECISION, pipelines.md §5).
	sort.SliceStable(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	return &fieldRename{rename: func(f string) []string {
		for _, k := range keys {
			if strings.HasPrefix(f, k) {
				return []string{m[k][0] + f[len(k):]}
			}
		}
		return nil
	}}, nil
}

func newFieldNamePrefix(p *params, _ int) (transformation, error) {
	pre, err := p.required("prefix")
	return &fieldRename{rename: func(f string) []string { return []string{pre + f} }}, err
}

func newFieldNameSuffix(p *params, _ int) (transformation, error) {
	suf, err := p.required("suffix")
	return &fieldRename{rename: func(f string) []string { return []string{f + suf} }}, err
}

func newFieldNameTransform(p *params, _ int) (transformation, error) {
	name, err := p.str("transform_func", "lower")
	if err != nil {
		return nil, err
	}
	var fn func(string) string
	switch name {
	case "lower", "lowercase":
		fn = strings.ToLower
	case "upper", "uppercase":
		fn = strings.ToUpper
	case "title":
		fn = titleCase
	case "snake_case":
		fn = snakeCase
	default:
		return nil, p.errf("transform_func", "unknown function %q (lower, upper, title, snake_case)", name)
	}
	_, overrides, err := p.stringMap("mapping")
	if err != nil {
		return nil, err
	}
	return &fieldRename{rename: func(f string) []string {
		if to, ok := overrides[f]; ok {
			return to
		}
		return []string{fn(f)}
	}}, nil
}

func titleCase(s string) string {
	r := []rune(strings.ToLower(s))
	start := true
	for i, c := range r {
		if start && unicode.IsLetter(c) {
			r[i] = unicode.ToUpper(c)
		}
		start = !unicode.IsLetter(c) && !unicode.IsDigit(c)
	}
	return string(r)
}

// snakeCase turns CamelCase, kebab-case and spaced names into snake_case.
func snakeCase(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		switch {
		case c == '-' || c == ' ':
			b.WriteByte('_')
		case unicode.IsUpper(c):
			if i > 0 && r[i-1] != '_' && r[i-1] != '-' && r[i-1] != ' ' && r[i-1] != '.' &&
				(unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(c))
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
