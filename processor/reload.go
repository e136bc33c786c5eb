package processor

// Reload support: the daemon builds a new State (LoadState) and swaps it into
// every processor of the stream; a failed build leaves the old State active.

// InstallAll makes st the active state of every attached processor. Events
// already being evaluated finish on the state they started with.
func (h *Hub) InstallAll(st *State) {
	for _, p := range h.Processors() {
		p.install(st)
	}
}

// CountReload adds one reload pass, and failed failed components, to
// rsigma_reloads_total and rsigma_reloads_failed_total. It does nothing
// before a processor is attached (the metrics belong to the stream).
func (h *Hub) CountReload(failed int) {
	procs := h.Processors()
	if len(procs) == 0 {
		return
	}
	m := procs[0].metrics
	m.reloads.Incr(1)
	if failed > 0 {
		m.reloadsFailed.Incr(int64(failed))
	}
}

// dynamicInUse is the Dynamic (sources and enrichers) the stream's processors
// use, or nil.
func (h *Hub) dynamicInUse() *Dynamic {
	if procs := h.Processors(); len(procs) > 0 && procs[0].dyn != nil {
		return procs[0].dyn
	}
	return h.dynamicFor()
}

// LoadState builds a State for s with the dynamic sources the stream's
// processors use (pipelines re-read, sources re-templated), for a reload.
// Any rejected rule fails it (State.ReloadError): the error wraps
// ErrRulesLoad and names file, rule and YAML path.
func (h *Hub) LoadState(s Settings) (*State, error) {
	d := h.dynamicInUse()
	d.refresh() // re-resolve pipeline sources first (daemon.md §8 step 2; dynamic.go)
	st, err := LoadStateWith(s, d)
	if err != nil {
		return nil, err
	}
	if err := st.ReloadError(); err != nil { // engine_policy.go
		return nil, err
	}
	return st, nil
}

// ReloadEnrichers re-reads the enrichers file of the stream's Dynamic; the
// previous enrichers stay active on error. Without enrichers it does
// nothing.
func (h *Hub) ReloadEnrichers() error {
	if d := h.dynamicInUse(); d != nil {
		return d.ReloadEnrichers()
	}
	return nil
}
