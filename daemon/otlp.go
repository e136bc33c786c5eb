package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/otlp"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// mountOTLP registers POST /v1/logs and OTLP/gRPC LogsService/Export on the
// API mux and the rsigma_otlp_* metrics on the registry. Records are pushed,
// one event per log record, into iq, the input queue POST /api/v1/events
// fills. With --input http the stream reads that queue directly; with any
// other input the stream's input is wrapped in sigma_merged_input (see
// withOTLPInput), which reads the queue beside the primary source.
func (d *daemon) mountOTLP(iq *ingestQueue) (*otlp.Receiver, error) {
	if d.opts.Input != "http" {
		if err := registerMergedInput(d.env, iq, d.opts.BatchSize, d.merged.Store); err != nil {
			return nil, config.Configf("registering the OTLP input: %v", err)
		}
	}
	metrics := otlp.NewMetrics()
	d.reg.MustRegister(metrics.Collectors()...)
	recv := otlp.NewReceiver(otlp.ReceiverConfig{Sink: queueSink(iq.LineQueue), Metrics: metrics, Log: d.log,
		Budget: d.ops.budget})
	recv.Register(d.mux)
	return recv, nil
}

// withOTLPInput returns the stream configuration the daemon runs: the
// translated one, with its input merged with the OTLP queue unless the input
// already is that queue (--input http). --print-config shows the
// translation before this step.
func (d *daemon) withOTLPInput(streamYAML string) (string, error) {
	if d.opts.Input == "http" {
		return streamYAML, nil
	}
	merged, err := mergeInputYAML(streamYAML)
	if err != nil {
		return "", config.Configf("%v", err)
	}
	return merged, nil
}

// queueSink adapts a LineQueue to otlp.Sink: events are queued in order as
// JSON records (whatever --input-format says), waiting while the queue is
// full, and their budget share is released when the engine takes them; a
// closed queue is otlp.ErrSinkClosed.
func queueSink(q *server.LineQueue) otlp.Sink {
	return func(ctx context.Context, event []byte, hold *server.Hold) error {
		if err := q.PushHeld(ctx, event, true, hold); err != nil {
			if errors.Is(err, server.ErrQueueClosed) {
				return otlp.ErrSinkClosed
			}
			return fmt.Errorf("queueing an OTLP record: %w", err)
		}
		return nil
	}
}
