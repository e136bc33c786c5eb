package engine

import (
	"sync"
	"sync/atomic"
)

// Hub connects the evaluators a stream builds (one per `sigma` processor)
// to the code that runs the stream (the daemon): it hands over preloaded
// rules and reaches every evaluator for reloads and status. A nil *Hub is
// valid and does nothing, which is how evaluators built by `rsigma-connect
// run` behave.
type Hub struct {
	mu        sync.Mutex
	preloaded *State
	evals     []*Evaluator
	ready     atomic.Bool
	dynamic   *Dynamic // dynamic_hub.go
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{} }

// Preload hands st to the next evaluator built, so that rules loaded (and
// checked) before the stream starts are not loaded twice. It does not make
// the hub ready: the evaluator still has to install st and restore the
// correlation state.
func (h *Hub) Preload(st *State) {
	h.mu.Lock()
	h.preloaded = st
	h.mu.Unlock()
}

func (h *Hub) takePreloaded() *State {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.preloaded
	h.preloaded = nil
	return st
}

func (h *Hub) attach(e *Evaluator) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.evals = append(h.evals, e)
	h.mu.Unlock()
	h.ready.Store(true)
}

// Evaluators returns the evaluators attached so far.
func (h *Hub) Evaluators() []*Evaluator {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*Evaluator(nil), h.evals...)
}

// Active returns the rules state the evaluators evaluate with (the one
// preloaded while none is attached yet), or nil before any is loaded.
func (h *Hub) Active() *State {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.evals) > 0 {
		return h.evals[0].State()
	}
	return h.preloaded
}

// Ready reports whether an evaluator serves: its rules and pipelines are
// loaded and installed and its saved correlation state is restored. It
// turns true when the first evaluator attaches.
func (h *Hub) Ready() bool { return h != nil && h.ready.Load() }
