package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
)

// MaxExplainBytes is the largest POST /api/v1/explain body.
const MaxExplainBytes = 1 << 20

// Errors an Explain func returns, by the status they answer.
var (
	// ErrExplainInput: the body holds no event (400).
	ErrExplainInput = errors.New("no event to explain")
	// ErrExplainRule: ?rule names no loaded detection rule (404).
	ErrExplainRule = errors.New("no such rule")
	// ErrExplainNotReady: the rules are not loaded yet (503).
	ErrExplainNotReady = errors.New("rules not loaded yet")
)

// ExplainAnswer is what an Explain func found: the JSON document and a
// writer of the text form.
type ExplainAnswer struct {
	JSON any
	Text func(io.Writer) error
}

// Explain explains the events of body (one JSON event, or one event per
// line) against the live rules, for the rule with id rule ("" for every
// rule), without feeding them to the stream. Its errors wrap one of the
// ErrExplain* errors. It must be safe for concurrent calls.
type Explain func(body []byte, rule string) (ExplainAnswer, error)

// HandleExplain registers POST /api/v1/explain (?rule=ID, ?format=json
// (default) or text): docs/http-api.md "Explain". The body is at most
// MaxExplainBytes (413 beyond).
func HandleExplain(m *Mux, explain Explain) {
	m.HandleFunc("/api/v1/explain", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodPost) {
			return
		}
		q := r.URL.Query()
		format := q.Get("format")
		if format != "" && format != "json" && format != "text" {
			writeAPIJSON(w, http.StatusBadRequest, map[string]string{"error": "format must be json or text"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxExplainBytes))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeAPIJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "body over 1 MiB"})
			return
		case err != nil:
			writeAPIJSON(w, http.StatusBadRequest, map[string]string{"error": "reading the body: " + err.Error()})
			return
		}
		answer, err := explain(body, q.Get("rule"))
		if err != nil {
			writeAPIJSON(w, explainStatus(err), map[string]string{"error": err.Error()})
			return
		}
		if format != "text" {
			writeAPIJSON(w, http.StatusOK, answer.JSON)
			return
		}
		var text bytes.Buffer
		if err := answer.Text(&text); err != nil {
			writeAPIJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(text.Bytes())
	})
}

func explainStatus(err error) int {
	switch {
	case errors.Is(err, ErrExplainRule):
		return http.StatusNotFound
	case errors.Is(err, ErrExplainNotReady):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrExplainInput):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}
