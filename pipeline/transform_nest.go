package pipeline

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// maxNestDepth bounds nest-in-nest recursion.
const maxNestDepth = 8

// nest applies a group of items; the outer item's rule conditions gate the
// group and its detection-item/field-name conditions are added to every
// inner item's own (pipelines.md §5).
type nest struct {
	items []*Item
}

func newNest(p *params, depth int) (transformation, error) {
	if depth >= maxNestDepth {
		return nil, fmt.Errorf("%s: nest deeper than %d levels", p.where, maxNestDepth)
	}
	key, n := p.first("items", "transformations")
	if isNull(n) || n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, p.errf("items", "required: a list of processing items")
	}
	nt := &nest{}
	for i, c := range n.Content {
		it, err := parseItem(fmt.Sprintf("%s: %s[%d]", p.where, key, i), c, depth+1)
		if err != nil {
			return nil, err
		}
		if it.Include != "" {
			return nil, fmt.Errorf("%s: %s[%d]: include is not allowed inside nest", p.where, key, i)
		}
		nt.items = append(nt.items, it)
	}
	return nt, nil
}

// adopt records outer as an enclosing item of every inner item, so the
// outer item/field conditions apply to them.
func (nt *nest) adopt(outer *Item) {
	for _, it := range nt.items {
		it.parents = append(append([]*Item(nil), outer.parents...), outer)
		if inner, ok := it.tr.(*nest); ok {
			inner.adopt(it)
		}
	}
}

func (nt *nest) apply(t *target, _ *Item) (bool, error) {
	fired := false
	for _, it := range nt.items {
		f, err := applyItem(t, it)
		if err != nil {
			return false, err
		}
		fired = fired || f
	}
	return fired, nil
}

func (nt *nest) applyCorrelation(t *target, _ *Item) (bool, error) {
	return nt.apply(t, nil)
}
