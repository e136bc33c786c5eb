package server

import "net/http"

// HandleHealth registers GET /healthz (always 200 while the process serves)
// and GET /readyz (200 when ready() is true, else 503) on m, with the bodies
// of spec/http-api.md §3.1-3.2.
func HandleHealth(m *Mux, ready func() bool) {
	m.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		writeJSON(w, http.StatusOK, `{"status":"ok"}`)
	})
	m.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		if ready() {
			writeJSON(w, http.StatusOK, `{"status":"ready","rules_loaded":true}`)
			return
		}
		writeJSON(w, http.StatusServiceUnavailable, `{"status":"not_ready","rules_loaded":false}`)
	})
}

func writeJSON(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}
