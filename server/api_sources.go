package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// SourceInfo is one entry of GET /api/v1/sources (http-api.md §3.8).
type SourceInfo struct {
	SourceID string `json:"source_id"`
	Origin   string `json:"origin"`
	Type     string `json:"type"`
	Refresh  string `json:"refresh"`
	Required bool   `json:"required"`
}

// SourceControl is the dynamic-source registry behind the /api/v1/sources
// endpoints. Resolve queues a re-resolution (all sources when id is "") and
// reports false when its trigger queue is full; Invalidate drops one cache
// entry (unknown ids are a no-op).
type SourceControl interface {
	Sources() []SourceInfo
	Resolve(id string) bool
	Invalidate(id string)
}

const (
	sourcesPath        = "/api/v1/sources"
	sourcesResolvePath = "/api/v1/sources/resolve"
	sourcesCachePath   = "/api/v1/sources/cache/"
)

var errNoSources = map[string]string{"error": "no dynamic sources configured"}

// HandleSources registers the dynamic-source endpoints. A nil sc means the
// daemon has no dynamic sources: the list is empty and the actions are 404.
func HandleSources(m *Mux, sc SourceControl) {
	m.HandleFunc(sourcesPath, func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodGet) {
			return
		}
		list := []SourceInfo{}
		if sc != nil {
			list = append(list, sc.Sources()...)
		}
		writeAPIJSON(w, http.StatusOK, map[string][]SourceInfo{"sources": list})
	})
	resolve := func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodPost) {
			return
		}
		if sc == nil {
			writeAPIJSON(w, http.StatusNotFound, errNoSources)
			return
		}
		id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, sourcesResolvePath), "/")
		if id == "" {
			id = bodySourceID(r)
		}
		if !sc.Resolve(id) {
			writeAPIJSON(w, http.StatusTooManyRequests, map[string]string{"status": "resolve_already_pending"})
			return
		}
		body := map[string]string{"status": "resolve_triggered"}
		if id != "" {
			body["source_id"] = id
		}
		writeAPIJSON(w, http.StatusOK, body)
	}
	m.HandleFunc(sourcesResolvePath, resolve)
	m.HandleFunc(sourcesResolvePath+"/", resolve)
	m.HandleFunc(sourcesCachePath, func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodDelete) {
			return
		}
		if sc == nil {
			writeAPIJSON(w, http.StatusNotFound, errNoSources)
			return
		}
		id := strings.TrimPrefix(r.URL.Path, sourcesCachePath)
		sc.Invalidate(id)
		writeAPIJSON(w, http.StatusOK, map[string]string{"status": "invalidated", "source_id": id})
	})
}

// bodySourceID reads an optional {"source_id": "..."} body; anything else
// means all sources.
func bodySourceID(r *http.Request) string {
	raw, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes))
	if err != nil || len(raw) == 0 {
		return ""
	}
	var body struct {
		SourceID string `json:"source_id"`
	}
	if json.Unmarshal(raw, &body) != nil {
		return ""
	}
	return body.SourceID
}
