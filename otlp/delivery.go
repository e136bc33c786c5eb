package otlp

import (
	"context"
	"errors"
	"fmt"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// delivery flattens the log records of one request and hands each event to
// the sink as soon as it is made, paying for it from the request's claim:
// the request holds one record at a time, and the sink's queue holds the
// events.
type delivery struct {
	ctx     context.Context
	sink    Sink
	claim   *server.Claim
	metrics *Metrics
	obj     object
	records int
}

// record flattens rec and delivers the event. The record counts in
// rsigma_otlp_log_records_total (see count) once decoded, whether or not
// the sink takes it.
func (d *delivery) record(rec *logspb.LogRecord, resource []prefixedAttribute, scope *commonpb.InstrumentationScope) error {
	d.records++
	d.obj.reset()
	flattenRecord(&d.obj, rec, resource, scope)
	size := int64(d.obj.jsonLen())
	if err := d.claim.Grow(size); err != nil {
		return err
	}
	event := d.obj.appendJSON(make([]byte, 0, size))
	if err := d.sink(d.ctx, event, d.claim.Hold(size)); err != nil {
		return &deliveryError{err: err}
	}
	return nil
}

// count adds the request's decoded records to rsigma_otlp_log_records_total,
// once, when its decoding ends.
func (d *delivery) count() { d.metrics.LogRecords.Add(float64(d.records)) }

// deliveryError is a sink that refused an event (the stream is shutting
// down): 503 / UNAVAILABLE.
type deliveryError struct{ err error }

func (e *deliveryError) Error() string { return e.err.Error() }
func (e *deliveryError) Unwrap() error { return e.err }

// decodeError is a body that is not an ExportLogsServiceRequest: 400 /
// INVALID_ARGUMENT, counted with reason decode.
type decodeError struct {
	format string // "protobuf" or "JSON"; "" when the body could not be read
	err    error
}

func (e *decodeError) Error() string {
	if e.format == "" {
		return e.err.Error()
	}
	return fmt.Sprintf("%s decode error: %v", e.format, e.err)
}
func (e *decodeError) Unwrap() error { return e.err }

// decompressionError is a gzip body that does not inflate: 400, counted
// with reason decompression.
type decompressionError struct{ err error }

func (e *decompressionError) Error() string { return "decompression error: " + e.err.Error() }
func (e *decompressionError) Unwrap() error { return e.err }

// errInflatedTooLarge is a gzip body that inflates past MaxDecompressedBytes.
var errInflatedTooLarge = fmt.Errorf("decompressed body exceeds %d bytes", MaxDecompressedBytes)

// asDecodeError keeps errors that say why a request was refused other than
// its encoding (memory budget, gzip, size, sink) and makes every other
// error of decoding format a decodeError.
func asDecodeError(format string, err error) error {
	var (
		dErr *decodeError
		zErr *decompressionError
		sErr *deliveryError
	)
	switch {
	case err == nil,
		errors.Is(err, server.ErrIngestBusy), errors.Is(err, server.ErrIngestTooLarge),
		errors.Is(err, errInflatedTooLarge),
		errors.As(err, &dErr), errors.As(err, &zErr), errors.As(err, &sErr):
		return err
	}
	return &decodeError{format: format, err: err}
}
