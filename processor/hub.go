package processor

import (
	"sync"
	"sync/atomic"
)

// Hub connects the `sigma` processors a stream builds to the code that runs
// the stream (the daemon). A nil *Hub is valid and does nothing, which is how
// processors built by `rsigma-connect run` behave.
type Hub struct {
	mu        sync.Mutex
	preloaded *State
	procs     []*Processor
	ready     atomic.Bool
	dynamic   *Dynamic // dynamic_hub.go
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{} }

// Preload hands st to the next processor built, so that rules loaded (and
// checked) before the stream starts are not loaded twice. It does not make
// the hub ready: the processor still has to install st and restore the
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

func (h *Hub) attach(p *Processor) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.procs = append(h.procs, p)
	h.mu.Unlock()
	h.ready.Store(true)
}

// Processors returns the processors attached so far.
func (h *Hub) Processors() []*Processor {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*Processor(nil), h.procs...)
}

// Active returns the rules state the processors evaluate with (the one
// preloaded while none is attached yet), or nil before any is loaded.
func (h *Hub) Active() *State {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.procs) > 0 {
		return h.procs[0].State()
	}
	return h.preloaded
}

// Ready reports whether a processor serves: its rules and pipelines are
// loaded and installed and its saved correlation state is restored. It
// turns true when the first processor attaches.
func (h *Hub) Ready() bool { return h != nil && h.ready.Load() }
