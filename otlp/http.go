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
	"github.com/rsigma-connect/rsigma-connect/server"
)

// Body limits of POST /v1/logs: MaxBodyBytes applies to the body as sent,
// MaxDecompressedBytes to a gzip body once inflated.
const (
	MaxBodyBytes         = 2 << 20
	MaxDecompressedBytes = 32 << 20
)

// inflaterBytes is the memory of one gzip reader (window, Huffman tables,
// buffers), paid for when a request opens one.
const inflaterBytes = 64 << 10

// successJSON is the OTLP/HTTP success body (http-api.md §4.1).
const successJSON = `{"partialSuccess":{"rejectedLogRecords":0,"errorMessage":""}}`

// ServeLogs handles POST /v1/logs. The body (at most MaxBodyBytes as sent)
// is read whole, then inflated and decoded as a stream: protobuf one log
// record at a time, JSON whole (at most MaxDecompressedBytes either way).
// Everything it holds is paid for by a claim on the ingest budget; a
// spent budget is 429 with Retry-After, a request that cannot fit in it 413.
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
	claim := r.budget.Claim(server.IngestOTLPHTTP)
	defer claim.Release()
	err := r.decodeLogs(w, req, claim, encoding)
	if err != nil {
		r.log.Debug("OTLP/HTTP request refused", "error", err.Error())
		r.writeRefusal(w, claim, err)
		return
	}
	r.metrics.decoded("http", encoding)
	writeSuccess(w, req.Header.Get("Accept"))
}

// decodeLogs reads, inflates and decodes the body and delivers its records.
func (r *Receiver) decodeLogs(w http.ResponseWriter, req *http.Request, claim *server.Claim, encoding string) error {
	if req.ContentLength > MaxBodyBytes {
		return errBodyTooLarge
	}
	body, err := claim.ReadAll(http.MaxBytesReader(w, req.Body, MaxBodyBytes), req.ContentLength)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return errBodyTooLarge
	case errors.Is(err, server.ErrIngestBusy), errors.Is(err, server.ErrIngestTooLarge):
		return err
	case err != nil:
		return &decodeError{err: fmt.Errorf("read body: %w", err)}
	}
	var src io.Reader = bytes.NewReader(body)
	gzipped := req.Header.Get("Content-Encoding") == "gzip"
	if gzipped {
		if src, err = inflate(src, claim); err != nil {
			return err
		}
	}
	d := r.delivery(req.Context(), claim)
	if encoding == "protobuf" {
		return streamProtobuf(src, d)
	}
	if gzipped {
		if body, err = claim.ReadAll(src, -1); err != nil {
			return err
		}
	}
	return deliverJSON(body, d)
}

// errBodyTooLarge is a body over MaxBodyBytes as sent.
var errBodyTooLarge = errors.New("request body too large")

// inflate opens a gzip reader on src, paid for by claim, that fails with
// errInflatedTooLarge past MaxDecompressedBytes and wraps gzip errors in
// decompressionError.
func inflate(src io.Reader, claim *server.Claim) (io.Reader, error) {
	if err := claim.Grow(inflaterBytes); err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(src)
	if err != nil {
		return nil, &decompressionError{err: err}
	}
	return &inflated{zr: zr, left: MaxDecompressedBytes}, nil
}

// inflated is the bounded output of a gzip reader.
type inflated struct {
	zr   *gzip.Reader
	left int64
}

func (z *inflated) Read(p []byte) (int, error) {
	if z.left <= 0 {
		// One byte more than the limit tells a body of exactly the limit
		// from a larger one.
		var one [1]byte
		if n, err := z.zr.Read(one[:]); n > 0 {
			return 0, errInflatedTooLarge
		} else if err != nil && !errors.Is(err, io.EOF) {
			return 0, &decompressionError{err: err}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > z.left {
		p = p[:z.left]
	}
	n, err := z.zr.Read(p)
	z.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &decompressionError{err: err}
	}
	return n, err
}

// writeRefusal answers a refused request and counts it: 413 (plain text)
// over a size cap or the whole budget, 429 with Retry-After when the budget
// is spent for now, 400 for a body that does not inflate or decode, 503
// when the stream no longer takes events.
func (r *Receiver) writeRefusal(w http.ResponseWriter, claim *server.Claim, err error) {
	var (
		zErr *decompressionError
		dErr *decodeError
	)
	switch {
	case errors.Is(err, errBodyTooLarge), errors.Is(err, errInflatedTooLarge), errors.Is(err, server.ErrIngestTooLarge):
		claim.Refuse(server.ReasonTooLarge)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = io.WriteString(w, err.Error())
	case errors.Is(err, server.ErrIngestBusy):
		w.Header().Set("Retry-After", server.RetryAfterSeconds)
		writeError(w, http.StatusTooManyRequests, err.Error())
	case errors.As(err, &zErr):
		r.metrics.rejected("http", ReasonDecompression)
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.As(err, &dErr):
		r.metrics.rejected("http", ReasonDecode)
		writeError(w, http.StatusBadRequest, err.Error())
	default: // the sink refused: the stream is shutting down
		r.metrics.rejected("http", ReasonChannelClosed)
		writeError(w, http.StatusServiceUnavailable, sinkErrorMessage(err))
	}
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
