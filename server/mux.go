// Package server is the daemon's API listener: one address serving probes,
// metrics, the REST API and the stream's own endpoints, plain or over TLS.
package server

import (
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Mux routes by exact path, and by prefix for patterns ending in '/'. Unlike
// http.ServeMux, registering a path again replaces its handler: the stream
// framework re-registers endpoints when components stop (design notes §4),
// which would make http.ServeMux panic.
type Mux struct {
	mu     sync.RWMutex
	routes map[string]http.Handler
}

// NewMux returns an empty mux.
func NewMux() *Mux { return &Mux{routes: map[string]http.Handler{}} }

// HandleFunc registers h for pattern, replacing any earlier handler. It
// satisfies the framework's HTTPMultiplexer interface.
func (m *Mux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// Handle registers h for pattern, replacing any earlier handler.
func (m *Mux) Handle(pattern string, h http.Handler) {
	m.mu.Lock()
	m.routes[pattern] = h
	m.mu.Unlock()
}

// Paths lists the registered patterns in sorted order.
func (m *Mux) Paths() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	paths := make([]string, 0, len(m.routes))
	for p := range m.routes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// Routed reports whether a request for path reaches a handler (ServeHTTP
// does not answer it 404).
func (m *Mux) Routed(path string) bool {
	_, ok := m.handler(path)
	return ok
}

// handler is the handler of the exact path, else of the longest registered
// prefix pattern ending in '/'.
func (m *Mux) handler(path string) (http.Handler, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if h, ok := m.routes[path]; ok {
		return h, true
	}
	best := ""
	var h http.Handler
	for p, ph := range m.routes {
		if strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) && len(p) > len(best) {
			best, h = p, ph
		}
	}
	return h, best != ""
}

// ServeHTTP dispatches to the exact path, else to the longest registered
// prefix pattern ending in '/', else answers 404.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok := m.handler(r.URL.Path)
	if !ok {
		w.WriteHeader(http.StatusNotFound) // empty body (http-api.md §1)
		return
	}
	h.ServeHTTP(w, r)
}
