package daemon

import (
	"github.com/rsigma-connect/rsigma-connect/server"
	"github.com/rsigma-connect/rsigma-connect/source"
)

// resolverControl exposes the dynamic-source resolver to the
// /api/v1/sources endpoints (http-api.md §3.8-3.11).
type resolverControl struct{ r *source.Resolver }

func (c resolverControl) Sources() []server.SourceInfo {
	out := []server.SourceInfo{}
	for _, s := range c.r.Sources() {
		out = append(out, server.SourceInfo{SourceID: s.ID, Origin: s.Origin, Type: s.TypeName(),
			Refresh: s.RefreshName(), Required: s.Required})
	}
	return out
}

func (c resolverControl) Resolve(id string) bool { return c.r.Trigger(id) }
func (c resolverControl) Invalidate(id string)   { c.r.Invalidate(id) }

// dynamicSourcesStatus is the `dynamic_sources` object of /api/v1/status,
// nil without dynamic sources.
func (d *daemon) dynamicSourcesStatus() *server.DynamicSourcesStatus {
	r := d.hub.Sources()
	if r == nil {
		return nil
	}
	st := r.Stats()
	return &server.DynamicSourcesStatus{Total: len(r.Sources()), ResolvesTotal: st.Resolves,
		ErrorsTotal: st.Errors, CacheHits: st.CacheHits}
}
