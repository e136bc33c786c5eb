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
// --input http, and every request gets 404. The body is read within the
// ingest budget (nil: unbounded), and its bytes stay counted there until the
// engine has taken the last of its lines; a spent budget is 429 with
// Retry-After.
func EventsHandler(q *LineQueue, budget *IngestBudget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodPost) {
			return
		}
		if q == nil {
			writeAPIJSON(w, http.StatusNotFound, map[string]string{
				"error": "event ingestion not enabled (start with --input http)"})
			return
		}
		claim := budget.Claim(IngestEvents)
		defer claim.Release()
		body, err := readEventsBody(w, r, claim)
		if err != nil {
			writeBodyError(w, claim, err)
			return
		}
		if !utf8.Valid(body) {
			writeAPIJSON(w, http.StatusBadRequest, map[string]string{"error": "request body is not valid UTF-8"})
			return
		}
		hold := claim.Hold(int64(cap(body))) // shared by the queued lines
		defer hold.Release()
		accepted, status, answer := queueLines(r, q, body, hold)
		if answer != nil {
			if status == http.StatusRequestEntityTooLarge {
				claim.Refuse(ReasonTooLarge)
			}
			writeAPIJSON(w, status, answer)
			return
		}
		writeAPIJSON(w, http.StatusOK, map[string]int{"accepted": accepted})
	}
}

// errBodyTooLarge is a body over MaxBodyBytes.
var errBodyTooLarge = errors.New("request body exceeds 2 MiB")

// readEventsBody reads the body, at most MaxBodyBytes, paid for by claim.
func readEventsBody(w http.ResponseWriter, r *http.Request, claim *Claim) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, errBodyTooLarge
	}
	body, err := claim.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes), r.ContentLength)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errBodyTooLarge
	}
	return body, err
}

// writeBodyError answers a body that could not be read: 413 (plain text)
// over the size cap or the whole budget, 429 with Retry-After when the
// budget is spent for now, else 400.
func writeBodyError(w http.ResponseWriter, claim *Claim, err error) {
	switch {
	case errors.Is(err, errBodyTooLarge), errors.Is(err, ErrIngestTooLarge):
		claim.Refuse(ReasonTooLarge)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = io.WriteString(w, err.Error())
	case errors.Is(err, ErrIngestBusy):
		w.Header().Set("Retry-After", RetryAfterSeconds)
		writeAPIJSON(w, http.StatusTooManyRequests, map[string]string{"error": err.Error()})
	default:
		writeAPIJSON(w, http.StatusBadRequest, map[string]string{"error": "reading body: " + err.Error()})
	}
}

// RetryAfterSeconds is the Retry-After of ingest requests refused because
// the budget is spent: queued lines leave it within moments.
const RetryAfterSeconds = "1"

// queueLines pushes the body's lines, each with a share of hold; a non-nil
// answer is the error response to send instead of the success body. Lines
// queued before a failure stay queued.
func queueLines(r *http.Request, q *LineQueue, body []byte, hold *Hold) (accepted, status int, answer any) {
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
		if err := q.PushHeld(r.Context(), line, false, hold.Share()); err != nil {
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
