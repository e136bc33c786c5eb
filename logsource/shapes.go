package logsource

import "github.com/rsigma-connect/rsigma-connect/sigma"

// mappingGroup holds the shapes whose first condition reads one field, so
// an event lacking that field skips them all after one lookup.
type mappingGroup struct {
	field    *sigma.Field
	mappings []compiledMapping
}

func (r *Recognizer) compileShapes(shapes []Mapping) {
	at := map[string]int{}
	for _, m := range shapes {
		first := m.When[0].Field
		i, ok := at[first]
		if !ok {
			i = len(r.shapes)
			at[first] = i
			r.shapes = append(r.shapes, mappingGroup{field: r.field(first)})
		}
		r.shapes[i].mappings = append(r.shapes[i].mappings, r.compileMapping(m))
	}
}

// recognizeShape returns the Key of the first builtin shape that matches:
// groups in order of their first appearance in Shapes, and table order
// within a group.
func (r *Recognizer) recognizeShape(ev sigma.Event) (Key, bool) {
	for gi := range r.shapes {
		g := &r.shapes[gi]
		v := ev.Field(g.field)
		if v.Kind == sigma.KindMissing {
			continue
		}
		for i := range g.mappings {
			if g.mappings[i].matches(ev, &v) {
				return g.mappings[i].key, true
			}
		}
	}
	return Key{}, false
}
