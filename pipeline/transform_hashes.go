package pipeline

import (
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// hashesFields splits `Hashes: SHA256=…,MD5=…` values into one item per
// algorithm (`<prefix>SHA256: …`), OR-combined (pipelines.md §5 DECISION).
type hashesFields struct {
	algos      []string // upper-case; empty = all
	prefix     string
	dropPrefix bool
	source     []string // fields to parse
}

func newHashesFields(p *params, _ int) (transformation, error) {
	h := &hashesFields{}
	algos, err := p.strings("valid_hash_algos")
	if err != nil {
		return nil, err
	}
	for _, a := range algos {
		h.algos = append(h.algos, strings.ToUpper(a))
	}
	if h.prefix, err = p.str("field_prefix", "File"); err != nil {
		return nil, err
	}
	if h.dropPrefix, err = p.boolean("drop_algo_prefix", false); err != nil {
		return nil, err
	}
	if h.source, err = p.strings("field_to_parse"); err != nil {
		return nil, err
	}
	if h.source == nil {
		h.source = []string{"Hashes", "Hash"}
	}
	return h, nil
}

func (h *hashesFields) apply(t *target, item *Item) (bool, error) {
	fired := false
	for _, s := range t.rule.Detection.Searches {
		var groups []*sigma.Group
		for _, g := range s.Groups {
			out, err := h.splitGroup(t, item, g)
			if err != nil {
				return false, fmt.Errorf("search %q: %w", s.Name, err)
			}
			fired = fired || len(out) != 1 || out[0] != g
			groups = append(groups, out...)
		}
		if len(groups) > maxBranches {
			return false, fmt.Errorf("search %q: hashes_fields creates more than %d branches", s.Name, maxBranches)
		}
		s.Groups = groups
	}
	return fired, nil
}

// splitGroup replaces each hashes item of g by its per-algorithm items; the
// alternatives of one item are OR-ed (AND-ed with `all`), so g becomes a
// product of groups. g itself is returned when nothing was split.
func (h *hashesFields) splitGroup(t *target, item *Item, g *sigma.Group) ([]*sigma.Group, error) {
	slots := make([][][]*sigma.Item, len(g.Items)) // per item: alternatives, each an AND list
	split := false
	for i, di := range g.Items {
		slots[i] = [][]*sigma.Item{{di}}
		if !containsString(h.source, di.Field) || !item.selects(t, di) {
			continue
		}
		parts, err := h.split(di)
		if err != nil {
			return nil, err
		}
		for _, a := range parts {
			t.state.inherit(a, di)
			t.state.markItem(a, item.ID)
		}
		split = true
		if hasModifier(di, "all") {
			slots[i] = [][]*sigma.Item{parts}
			continue
		}
		slots[i] = slots[i][:0]
		for _, a := range parts {
			slots[i] = append(slots[i], []*sigma.Item{a})
		}
	}
	if !split {
		return []*sigma.Group{g}, nil
	}
	return product(t, slots)
}

// split turns one hashes item into one item per algorithm (values of the
// same algorithm stay together as an OR list).
func (h *hashesFields) split(di *sigma.Item) ([]*sigma.Item, error) {
	var order []string
	byField := map[string]*sigma.Item{}
	for _, v := range di.Values {
		for _, pair := range strings.Split(plainText(v), ",") {
			algo, hash := h.parse(strings.TrimSpace(pair))
			if algo == "" || (len(h.algos) > 0 && !containsString(h.algos, algo)) {
				continue
			}
			field := h.prefix + algo
			if h.dropPrefix {
				field = algo
			}
			it := byField[field]
			if it == nil {
				it = &sigma.Item{Field: field, Path: di.Path, Modifiers: withoutAll(di.Modifiers)}
				byField[field] = it
				order = append(order, field)
			}
			it.Values = append(it.Values, sigma.StringValue(hash))
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%s: no usable hash values (valid algorithms: %s)", itemName(di), strings.Join(h.algos, ", "))
	}
	out := make([]*sigma.Item, len(order))
	for i, f := range order {
		out[i] = byField[f]
	}
	return out, nil
}

func withoutAll(mods []string) []string {
	var out []string
	for _, m := range mods {
		if m != "all" {
			out = append(out, m)
		}
	}
	return out
}

// parse reads `ALGO=hex`, or infers the algorithm from the hex length.
func (h *hashesFields) parse(s string) (algo, hash string) {
	if i := strings.IndexByte(s, '='); i >= 0 {
		return strings.ToUpper(strings.TrimSpace(s[:i])), strings.TrimSpace(s[i+1:])
	}
	switch len(s) {
	case 32:
		return "MD5", s
	case 40:
		return "SHA1", s
	case 64:
		return "SHA256", s
	case 128:
		return "SHA512", s
	}
	return "", s
}
