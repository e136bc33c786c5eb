package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// writeAPIJSON answers with status and v as compact JSON (no HTML escaping),
// the convention of every /api/v1 endpoint (http-api.md §1).
func writeAPIJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"encoding response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// allowMethods answers 405 with an Allow header and an empty body when the
// request's method is not one of methods; it reports whether it answered.
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return false
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	w.WriteHeader(http.StatusMethodNotAllowed)
	return true
}
