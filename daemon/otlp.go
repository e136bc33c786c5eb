package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/otlp"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// errNoOTLPQueue refuses OTLP records while the daemon has no input queue
// that merges them into the evaluation stream.
var errNoOTLPQueue = errors.New("OTLP ingestion needs the daemon's input queue (start with --input http)")

// mountOTLP registers POST /v1/logs and OTLP/gRPC LogsService/Export on the
// API mux and the rsigma_otlp_* metrics on the registry. Records are pushed,
// one event per log record, into q, the input queue the stream reads (the
// same one POST /api/v1/events fills); with a nil q every export is refused
// with 503 / UNAVAILABLE.
func (d *daemon) mountOTLP(q *server.LineQueue) *otlp.Receiver {
	metrics := otlp.NewMetrics()
	d.reg.MustRegister(metrics.Collectors()...)
	recv := otlp.NewReceiver(queueSink(q), metrics, d.log)
	recv.Register(d.mux)
	return recv
}

// queueSink adapts a LineQueue to otlp.Sink: events are queued in order,
// waiting while the queue is full; a closed queue is otlp.ErrSinkClosed.
func queueSink(q *server.LineQueue) otlp.Sink {
	return func(ctx context.Context, events [][]byte) error {
		if q == nil {
			return errNoOTLPQueue
		}
		for i, e := range events {
			if err := q.Push(ctx, e); err != nil {
				if errors.Is(err, server.ErrQueueClosed) {
					return otlp.ErrSinkClosed
				}
				return fmt.Errorf("queueing OTLP record %d of %d: %w", i+1, len(events), err)
			}
		}
		return nil
	}
}
