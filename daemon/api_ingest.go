package daemon

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/processor"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// httpEventsInput is the stream input of `--input http`: it reads the lines
// that POST /api/v1/events queued (daemon.md §6.1). Inside the daemon, which
// owns the queue and the API listener, registerHTTPEventsInput wires it;
// Register gives the binary a standalone one for `run`
// (api_ingest_standalone.go).
const httpEventsInput = "sigma_http_events"

// ingestQueue is the input queue shared by the HTTP handlers (producers) and
// the stream input (consumer), with the queue metrics bound once the
// framework hands the input its metrics.
type ingestQueue struct {
	*server.LineQueue
	metrics atomic.Pointer[ingestMetrics]
	mu      sync.Mutex // orders depth updates with their Set
	depth   int64
}

func (iq *ingestQueue) addDepth(n int64) {
	iq.mu.Lock()
	defer iq.mu.Unlock()
	iq.depth += n
	if m := iq.metrics.Load(); m != nil {
		m.depth.Set(iq.depth)
	}
}

type ingestMetrics struct {
	depth    *service.MetricGauge
	pressure *service.MetricCounter
}

func newIngestQueue(capacity int) *ingestQueue {
	iq := &ingestQueue{}
	iq.LineQueue = server.NewLineQueue(capacity, server.QueueHooks{
		// The framework's gauge Incr/Decr do not accumulate across calls
		// (each call starts from 0), so the depth is kept here and Set.
		Enqueued: func() { iq.addDepth(1) },
		Dequeued: func() { iq.addDepth(-1) },
		BackPressure: func() {
			if m := iq.metrics.Load(); m != nil {
				m.pressure.Incr(1)
			}
		},
	})
	return iq
}

// Field names of sigma_http_events.
const (
	fieldEventsBatchSize  = "batch_size"
	fieldEventsAddress    = "address"
	fieldEventsBufferSize = "buffer_size"
)

// httpEventsSpec is the config spec of sigma_http_events, the same inside
// the daemon and standalone (api_ingest_standalone.go).
func httpEventsSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Summary("Reads the events POSTed to /api/v1/events (one message per NDJSON line).").
		Description("Inside `engine daemon` the daemon's API listener serves the endpoint and `address` is not used. " +
			"Run by `rsigma-connect run` (a config `engine daemon --input http --print-config` printed), the input " +
			"serves `POST /api/v1/events`, `/healthz` and `/readyz` itself on `address`, with the daemon's body, line " +
			"and memory limits.").
		Field(service.NewIntField(fieldEventsBatchSize).
			Description("Most lines handed to the pipeline at once; whatever is queued, without waiting to fill.").
			Default(1)).
		Field(service.NewStringField(fieldEventsAddress).
			Description("The listener of a standalone run (IP:port).").
			Default("")).
		Field(service.NewIntField(fieldEventsBufferSize).
			Description("Lines queued between the endpoint and the pipeline in a standalone run (`--buffer-size`).").
			Default(10000))
}

// registerHTTPEventsInput registers the input on env, reading from iq.
func registerHTTPEventsInput(env *service.Environment, iq *ingestQueue) error {
	return env.RegisterBatchInput(httpEventsInput, httpEventsSpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchInput, error) {
			n, err := conf.FieldInt(fieldEventsBatchSize)
			if err != nil {
				return nil, err
			}
			iq.bindMetrics(res)
			return &queueInput{q: iq.LineQueue, batch: max(n, 1)}, nil
		})
}

// bindMetrics binds the queue's depth and back-pressure metrics to the
// stream's.
func (iq *ingestQueue) bindMetrics(res *service.Resources) {
	iq.metrics.Store(&ingestMetrics{
		depth:    res.Metrics().NewGauge("rsigma_input_queue_depth"),
		pressure: res.Metrics().NewCounter("rsigma_back_pressure_events_total"),
	})
}

// queueInput drains a LineQueue; the source is at-most-once, so acks are
// no-ops (daemon.md §5: the HTTP answer only means "queued").
type queueInput struct {
	q     *server.LineQueue
	batch int
}

func (in *queueInput) Connect(context.Context) error { return nil }

func (in *queueInput) ReadBatch(ctx context.Context) (service.MessageBatch, service.AckFunc, error) {
	batch, err := popBatch(ctx, in.q, in.batch)
	if errors.Is(err, server.ErrQueueClosed) {
		return nil, nil, service.ErrEndOfInput
	}
	if err != nil {
		return nil, nil, err
	}
	return batch, func(context.Context, error) error { return nil }, nil
}

// popBatch waits for one queued line and takes whatever else is queued, up
// to max lines, as messages. Lines pushed as JSON records (OTLP) carry
// processor.MetaEventJSON so that they bypass --input-format.
func popBatch(ctx context.Context, q *server.LineQueue, max int) (service.MessageBatch, error) {
	line, isJSON, err := q.PopItem(ctx)
	if err != nil {
		return nil, err
	}
	batch := service.MessageBatch{queuedMessage(line, isJSON)}
	for len(batch) < max {
		next, nextJSON, ok := q.TryPopItem()
		if !ok {
			break
		}
		batch = append(batch, queuedMessage(next, nextJSON))
	}
	return batch, nil
}

func queuedMessage(line []byte, isJSON bool) *service.Message {
	m := service.NewMessage(line)
	if isJSON {
		m.MetaSet(processor.MetaEventJSON, "true")
	}
	return m
}

// Close refuses further ingest; requests still waiting get 503.
func (in *queueInput) Close(context.Context) error {
	in.q.Close()
	return nil
}
