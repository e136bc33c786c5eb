package pipeline

import "github.com/rsigma-connect/rsigma-connect/sigma"

// ownDetection gives r a private copy of its searches, groups and items.
// Filters share their search groups between every rule they apply to, so
// an in-place rewrite of one rule would otherwise leak into the others.
// Condition expressions are shared: transformations replace them, never
// edit nodes in place.
func ownDetection(r *sigma.Rule) {
	d := r.Detection
	if d == nil {
		return
	}
	c := &sigma.Detection{Searches: make([]*sigma.Search, len(d.Searches)), Conditions: make([]*sigma.Condition, len(d.Conditions))}
	for i, s := range d.Searches {
		ns := *s
		ns.Groups = make([]*sigma.Group, len(s.Groups))
		for j, g := range s.Groups {
			ng := &sigma.Group{Items: make([]*sigma.Item, len(g.Items))}
			for k, it := range g.Items {
				ng.Items[k] = copyItem(it)
			}
			ns.Groups[j] = ng
		}
		c.Searches[i] = &ns
	}
	for i, cond := range d.Conditions {
		nc := *cond
		c.Conditions[i] = &nc
	}
	r.Detection = c
}
