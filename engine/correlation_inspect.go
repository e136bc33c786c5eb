package engine

import "github.com/rsigma-connect/rsigma-connect/correlation"

// InspectCorrelations runs fn with the live correlation engine under the
// lock that serialises it with evaluation, so fn sees the state between two
// events; fn must only read it, and return quickly (evaluation waits).
// Until an evaluator is attached (the state may still be being restored) fn
// does not run.
func (h *Hub) InspectCorrelations(fn func(*correlation.Engine)) {
	if evs := h.Evaluators(); len(evs) > 0 {
		evs[0].corr.inspect(fn)
	}
}

func (c *correlationStep) inspect(fn func(*correlation.Engine)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil {
		fn(c.current)
	}
}
