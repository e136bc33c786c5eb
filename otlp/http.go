package otlp

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

// Body limits of POST /v1/logs: MaxBodyBytes applies to the body as sent,
// MaxDecompressedBytes to a gzip body once inflated.
const (
	MaxBodyBytes         = 2 << 20
	MaxDecompressedBytes = 32 << 20
)

// successJSON is the OTLP/HTTP success body (http-api.md §4.1).
const successJSON = `{"partialSuccess":{"rejectedLogRecords":0,"errorMessage":""}}`

// ServeLogs handles POST /v1/logs.
func (r *Receiver) ServeLogs(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	encoding, ok := contentEncoding(req.Header.Get("Content-Type"))
	if !ok {
		r.metrics.rejected("http", ReasonUnsupportedContentType)
		writeError(w, http.StatusUnsupportedMediaType, fmt.Sprintf(
			"unsupported content-type: %s (expected application/x-protobuf or application/json)", req.Header.Get("Content-Type")))
		return
	}
	body, bodyErr := readBody(w, req)
	if bodyErr != nil {
		if bodyErr.reason != "" {
			r.metrics.rejected("http", bodyErr.reason)
		}
		r.log.Debug("OTLP/HTTP body rejected", "error", bodyErr.Error())
		writeBodyError(w, bodyErr)
		return
	}
	decode := decodeProtobuf
	if encoding == "json" {
		decode = decodeJSON
	}
	logs, err := decode(body)
	if err != nil {
		r.metrics.rejected("http", ReasonDecode)
		r.log.Debug("OTLP/HTTP decode failed", "error", err.Error())
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	r.metrics.accepted("http", encoding, RecordCount(logs))
	if err := r.deliver(req.Context(), logs); err != nil {
		r.metrics.rejected("http", ReasonChannelClosed)
		writeError(w, http.StatusServiceUnavailable, sinkErrorMessage(err))
		return
	}
	writeSuccess(w, req.Header.Get("Accept"))
}

// contentEncoding classifies Content-Type: missing or protobuf → "protobuf",
// application/json → "json".
func contentEncoding(contentType string) (string, bool) {
	switch {
	case contentType == "",
		strings.HasPrefix(contentType, "application/x-protobuf"),
		strings.HasPrefix(contentType, "application/protobuf"):
		return "protobuf", true
	case strings.HasPrefix(contentType, "application/json"):
		return "json", true
	}
	return "", false
}

// bodyError is a refused request body: the status to answer and the
// rsigma_otlp_errors_total reason ("" when not counted).
type bodyError struct {
	status int
	reason string
	err    error
}

func (e *bodyError) Error() string { return e.err.Error() }

// readBody reads the capped body and inflates it for Content-Encoding: gzip:
// an oversized body is 413, a read or decompression failure 400.
func readBody(w http.ResponseWriter, req *http.Request) ([]byte, *bodyError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &bodyError{http.StatusRequestEntityTooLarge, "", err}
		}
		return nil, &bodyError{http.StatusBadRequest, ReasonDecode, fmt.Errorf("read body: %w", err)}
	}
	if req.Header.Get("Content-Encoding") != "gzip" {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, &bodyError{http.StatusBadRequest, ReasonDecompression, fmt.Errorf("decompression error: %w", err)}
	}
	inflated, err := io.ReadAll(io.LimitReader(zr, MaxDecompressedBytes+1))
	if err != nil {
		return nil, &bodyError{http.StatusBadRequest, ReasonDecompression, fmt.Errorf("decompression error: %w", err)}
	}
	if len(inflated) > MaxDecompressedBytes {
		return nil, &bodyError{http.StatusRequestEntityTooLarge, "",
			fmt.Errorf("decompressed body exceeds %d bytes", MaxDecompressedBytes)}
	}
	return inflated, nil
}

func writeBodyError(w http.ResponseWriter, e *bodyError) {
	if e.status == http.StatusRequestEntityTooLarge {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(e.status)
		_, _ = io.WriteString(w, "request body too large")
		return
	}
	writeError(w, e.status, e.err.Error())
}

// writeSuccess answers JSON, or a protobuf ExportLogsServiceResponse when the
// client asks for application/x-protobuf.
func writeSuccess(w http.ResponseWriter, accept string) {
	if strings.Contains(accept, "application/x-protobuf") {
		out, _ := proto.Marshal(&collogspb.ExportLogsServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, successJSON)
}

// writeError answers {"error": message}.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	buf := jsontext.AppendString([]byte(`{"error":`), message)
	_, _ = w.Write(append(buf, '}'))
}

// sinkErrorMessage is the client-facing text for a refused delivery.
func sinkErrorMessage(err error) string {
	if errors.Is(err, ErrSinkClosed) {
		return ErrSinkClosed.Error()
	}
	return err.Error()
}
