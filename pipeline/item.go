package pipeline

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"github.com/rsigma-connect/rsigma-connect/source"
	"gopkg.in/yaml.v3"
)

// Item is one processing item: a transformation plus the conditions that
// gate it. An item written `include: ${source.<id>}` without a `type` is a placeholder that
// Resolve replaces by the items the source yields.
type Item struct {
	// ID is the item's `id:` ("" when unset); recorded when the item fires.
	ID string
	// Type is the transformation type ("" for include placeholders).
	Type string
	// Include is the raw `include:` reference of a placeholder item.
	Include string

	where      string
	ruleConds  condSet[ruleCond]
	itemConds  condSet[itemCond]
	fieldConds condSet[fieldCond]
	parents    []*Item // enclosing nest items, whose item/field conditions also apply
	tr         transformation
}

// transformation is the effect of one item on a detection rule. fired reports
// whether the rule (or any of its detection items) was changed or, for
// rule-level transformations, whether the item applied at all.
type transformation interface {
	apply(t *target, item *Item) (fired bool, err error)
}

// correlationTransformation is implemented by the few transformations that
// also act on correlation rules (pipelines.md §6); others skip them.
type correlationTransformation interface {
	applyCorrelation(t *target, item *Item) (fired bool, err error)
}

// parseItem reads one processing item node. where names it in errors
// ("x.yml: transformations[3]").
func parseItem(where string, n *yaml.Node, depth int) (*Item, error) {
	p, err := newParams(where, n)
	if err != nil {
		return nil, err
	}
	it := &Item{}
	if it.ID, err = p.str("id", ""); err != nil {
		return nil, err
	}
	if it.ID != "" {
		p.where = fmt.Sprintf("%s (id %s)", where, it.ID)
	}
	// An item with a type is a transformation: value_placeholders and
	// wildcard_placeholders take `include:` as their list of names.
	if p.has("include") && !p.has("type") {
		inc := p.node("include")
		if inc.Kind != yaml.ScalarNode || !source.HasReference(inc.Value) {
			return nil, p.errf("include", "expected a ${source.<id>} reference")
		}
		it.Include, it.where = inc.Value, p.where
		return it, p.unknown()
	}
	if it.Type, err = p.required("type"); err != nil {
		return nil, err
	}
	if it.ruleConds, err = parseCondSet(p, "rule", parseRuleCond); err != nil {
		return nil, err
	}
	if it.itemConds, err = parseCondSet(p, "detection_item", parseItemCond); err != nil {
		return nil, err
	}
	if it.fieldConds, err = parseCondSet(p, "field_name", parseFieldCond); err != nil {
		return nil, err
	}
	build, ok := transformations[it.Type]
	if !ok {
		if unsupported[it.Type] {
			return nil, p.errf("type", "unsupported transformation %q", it.Type)
		}
		return nil, p.errf("type", "unknown transformation type %q", it.Type)
	}
	if it.tr, err = build(p, depth); err != nil {
		return nil, err
	}
	if nt, ok := it.tr.(*nest); ok {
		nt.adopt(it)
	}
	it.where = p.where
	return it, p.unknown()
}

// selects reports whether the item's (and enclosing nests') detection-item
// and field-name conditions hold for di.
func (it *Item) selects(t *target, di *sigma.Item) bool {
	for _, x := range append(it.parents, it) {
		if !x.itemConds.eval(func(c itemCond) bool { return c(t, di) }) {
			return false
		}
		if !x.selectsField(t, di.Field, di) {
			return false
		}
	}
	return true
}

// selectsField evaluates only the field-name conditions for one field name.
// Items without a field name (keywords) pass only when there are none.
func (it *Item) selectsField(t *target, field string, di *sigma.Item) bool {
	for _, x := range append(it.parents, it) {
		if x.fieldConds.empty() {
			continue
		}
		if field == "" {
			return false
		}
		if !x.fieldConds.eval(func(c fieldCond) bool { return c(t, field, di) }) {
			return false
		}
	}
	return true
}

// gate evaluates the rule conditions.
func (it *Item) gate(t *target) bool {
	return it.ruleConds.eval(func(c ruleCond) bool { return c(t) })
}

// unsupported lists pySigma transformation types we recognise but do not
// implement (pipelines.md §5).
var unsupported = map[string]bool{
	"extract_fields": true, "strict_field_mapping_failure": true,
	"file_placeholders": true, "http_placeholders": true, "command_placeholders": true,
}
