package pipeline

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/source"
	"gopkg.in/yaml.v3"
)

// Resolve returns pl with dynamic-source references applied: `${source.*}`
// inside `vars:` values are expanded from snap, and every `include:` item is
// replaced by the processing items its source yields (a JSON array of item
// objects; an unresolved null value includes nothing). Includes of remote
// sources (http, nats) need allowRemote. pl itself is not modified; it is
// returned as is when it has no references.
func (pl *Pipeline) Resolve(snap *source.Snapshot, allowRemote bool) (*Pipeline, error) {
	if !pl.hasReferences() {
		return pl, nil
	}
	out := *pl
	out.Vars = make([]Var, 0, len(pl.Vars))
	for _, v := range pl.Vars {
		var vals []string
		for _, text := range v.Values {
			if !source.HasReference(text) {
				vals = append(vals, text)
				continue
			}
			exp, err := snap.ExpandVar(text)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: vars.%s: %v", ErrPipeline, pl.File, v.Name, err)
			}
			vals = append(vals, exp...)
		}
		if vals == nil {
			vals = []string{}
		}
		out.Vars = append(out.Vars, Var{Name: v.Name, Values: vals})
	}
	out.Items = nil
	for _, it := range pl.Items {
		if it.Include == "" {
			out.Items = append(out.Items, it)
			continue
		}
		items, err := includeItems(it, snap, allowRemote)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPipeline, err)
		}
		out.Items = append(out.Items, items...)
	}
	return &out, nil
}

func (pl *Pipeline) hasReferences() bool {
	for _, v := range pl.Vars {
		for _, text := range v.Values {
			if source.HasReference(text) {
				return true
			}
		}
	}
	for _, it := range pl.Items {
		if it.Include != "" {
			return true
		}
	}
	return false
}

func includeItems(it *Item, snap *source.Snapshot, allowRemote bool) ([]*Item, error) {
	val, src, err := snap.Lookup(it.Include)
	if err != nil {
		return nil, fmt.Errorf("%s: include: %v", it.where, err)
	}
	if src != nil && src.Type.Remote() && !allowRemote {
		return nil, fmt.Errorf("%s: include: source %q is remote (type %s); remote includes need --allow-remote-include",
			it.where, src.ID, src.Type)
	}
	if val == nil {
		return nil, nil
	}
	list, ok := val.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: include: %s must resolve to an array of processing items", it.where, it.Include)
	}
	var out []*Item
	for i, raw := range list {
		var n yaml.Node
		if err := n.Encode(raw); err != nil {
			return nil, fmt.Errorf("%s: include[%d]: %v", it.where, i, err)
		}
		inc, err := parseItem(fmt.Sprintf("%s: include %s[%d]", it.where, it.Include, i), &n, 0)
		if err != nil {
			return nil, err
		}
		if inc.Include != "" {
			return nil, fmt.Errorf("%s: include %s[%d]: nested includes are not allowed", it.where, it.Include, i)
		}
		out = append(out, inc)
	}
	return out, nil
}

// ResolveAll resolves every pipeline (see Pipeline.Resolve), keeping order.
func ResolveAll(pls []*Pipeline, snap *source.Snapshot, allowRemote bool) ([]*Pipeline, error) {
	out := make([]*Pipeline, len(pls))
	for i, pl := range pls {
		r, err := pl.Resolve(snap, allowRemote)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}
