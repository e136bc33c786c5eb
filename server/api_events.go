package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"unicode/utf8"
)

// Ingest limits of POST /api/v1/events (http-api.md §1, §3.7).
const (
	MaxBodyBytes = 2 << 20
	MaxLineBytes = 1 << 20
)

// EventsHandler serves POST /api/v1/events: the NDJSON body is split into
// lines (a trailing \r removed, blank lines skipped) and each line is pushed
// onto q in order, waiting while q is full. It answers {"accepted": n} with
// the number of lines queued. A nil q means the daemon was not started with
// --input http, and every request gets 404.
func EventsHandler(q *LineQueue) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodPost) {
			return
		}
		if q == nil {
			writeAPIJSON(w, http.StatusNotFound, map[string]string{
				"error": "event ingestion not enabled (start with --input http)"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_, _ = io.WriteString(w, "request body exceeds 2 MiB")
				return
			}
			writeAPIJSON(w, http.StatusBadRequest, map[string]string{"error": "reading body: " + err.Error()})
			return
		}
		if !utf8.Valid(body) {
			writeAPIJSON(w, http.StatusBadRequest, map[string]string{"error": "request body is not valid UTF-8"})
			return
		}
		accepted, status, answer := queueLines(r, q, body)
		if answer != nil {
			writeAPIJSON(w, status, answer)
			return
		}
		writeAPIJSON(w, http.StatusOK, map[string]int{"accepted": accepted})
	}
}

// queueLines pushes the body's lines; a non-nil answer is the error response
// to send instead of the success body. Lines queued before a failure stay
// queued.
func queueLines(r *http.Request, q *LineQueue, body []byte) (accepted, status int, answer any) {
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) > MaxLineBytes {
			return accepted, http.StatusRequestEntityTooLarge,
				map[string]any{"error": "line exceeds maximum size", "max_bytes": MaxLineBytes}
		}
		if err := q.Push(r.Context(), line); err != nil {
			if errors.Is(err, ErrQueueClosed) {
				return accepted, http.StatusServiceUnavailable,
					map[string]any{"error": ErrQueueClosed.Error(), "accepted": accepted}
			}
			return accepted, http.StatusServiceUnavailable, map[string]any{"error": err.Error(), "accepted": accepted}
		}
		accepted++
	}
	return accepted, 0, nil
}
