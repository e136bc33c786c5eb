package engine

// Reload support: the daemon builds a new State (Hub.Load) and swaps it into
// every evaluator of the stream; a failed build leaves the old State active.

// InstallAll makes st the active state of every attached evaluator. Events
// already being evaluated finish on the state they started with.
func (h *Hub) InstallAll(st *State) {
	for _, e := range h.Evaluators() {
		e.install(st)
	}
}

// CountReload adds one reload pass, and failed failed components, to
// rsigma_reloads_total and rsigma_reloads_failed_total. It does nothing
// before an evaluator is attached (the metrics belong to the stream).
func (h *Hub) CountReload(failed int) {
	evals := h.Evaluators()
	if len(evals) == 0 {
		return
	}
	m := evals[0].metrics
	m.reloads.Incr(1)
	if failed > 0 {
		m.reloadsFailed.Incr(int64(failed))
	}
}

// dynamicInUse is the Dynamic (sources and enrichers) the stream's
// evaluators use, or nil.
func (h *Hub) dynamicInUse() *Dynamic {
	if evals := h.Evaluators(); len(evals) > 0 && evals[0].dyn != nil {
		return evals[0].dyn
	}
	return h.dynamicFor()
}

// Load builds a State for s with the dynamic sources the stream's
// evaluators use (pipelines re-read, sources re-templated), for a reload.
// Any rejected rule fails it (State.ReloadError): the error wraps
// ErrRulesLoad and names file, rule and YAML path.
func (h *Hub) Load(s Settings) (*State, error) {
	d := h.dynamicInUse()
	d.refresh() // re-resolve pipeline sources first (daemon.md §8 step 2; dynamic.go)
	st, err := LoadWith(s, d)
	if err != nil {
		return nil, err
	}
	if err := st.ReloadError(); err != nil { // state_policy.go
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

// Reload reloads the evaluator's own rules from its settings (rule files
// and pipeline files re-read, dynamic sources re-resolved), as a SIGHUP
// does to a stream that `rsigma-connect run` runs. Any rejected rule fails
// it (State.ReloadError) and the active rules stay; the error wraps
// ErrRulesLoad and names file, rule and YAML path. It counts one pass in
// rsigma_reloads_total and a failure in rsigma_reloads_failed_total.
func (e *Evaluator) Reload() error {
	e.metrics.reloads.Incr(1)
	e.dyn.refresh()
	st, err := LoadWith(e.settings, e.dyn)
	if err == nil {
		err = st.ReloadError()
	}
	if err != nil {
		e.metrics.reloadsFailed.Incr(1)
		return err
	}
	e.install(st)
	return nil
}
