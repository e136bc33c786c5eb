package sink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// DeliveryOutputName is the name of the per-sink delivery wrapper.
const DeliveryOutputName = "sigma_sink"

// On-full policies of a sink (the ?on_full= URL option).
const (
	OnFullBlock = "block"
	OnFullDrop  = "drop"
)

// DeliverySpec is the config spec of the sigma_sink output.
func DeliverySpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Utility").
		Summary("Delivers results to one sink: bounded retries with exponential backoff, per-sink metrics, and what to do when the sink cannot keep up.").
		Description("With `on_full: block` (the default) a batch is written and retried before it is acknowledged: a slow or "+
			"failing sink holds its results back, and with them the source (at-least-once). A batch still failing "+
			"after `max_retries` retries fails, for a `fallback` to dead-letter it. With `on_full: drop` the sink "+
			"has a queue of `queue_size` results and a batch is acknowledged once queued; a batch that finds the "+
			"queue full is dropped and counted, and one still failing after its retries goes to the "+
			"`dead_letter` output resource, marked with `fallback_error`. Metrics, labelled `sink`: "+
			"`rsigma_sink_queue_depth` (results taken and not yet delivered), `rsigma_sink_retries_total`, "+
			"`rsigma_sink_dropped_total`, `rsigma_sink_delivery_failures_total`.").
		Fields(
			service.NewStringField("sink").Description("The sink's label in the metrics (stdout, file, nats, otlp)."),
			service.NewStringEnumField("on_full", OnFullBlock, OnFullDrop).Default(OnFullBlock),
			service.NewIntField("queue_size").Default(10000).Description("Results the queue holds with `on_full: drop`."),
			service.NewIntField("max_retries").Default(3).Description("Retries of a failing batch."),
			service.NewDurationField("backoff_base").Default("100ms").Description("Wait before the first retry; doubles per retry."),
			service.NewDurationField("backoff_max").Default("5s").Description("The longest wait between retries."),
			service.NewStringField("dead_letter").Optional().Description("Output resource for batches that fail with `on_full: drop`."),
			service.NewDurationField("drain_timeout").Default("5s").Description("How long closing waits for the queue of `on_full: drop` to empty."),
			service.NewOutputField("output").Description("The sink."),
		)
}

// RegisterDelivery registers the sigma_sink output on env.
func RegisterDelivery(env *service.Environment) error {
	return env.RegisterBatchOutput(DeliveryOutputName, DeliverySpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			d, err := newDelivery(conf, res)
			return d, service.BatchPolicy{}, 1, err // one batch at a time: results leave in order
		})
}

// Delivery is the sigma_sink output.
type Delivery struct {
	label, onFull, deadLetter string
	queueSize, maxRetries     int
	base, max, drainTimeout   time.Duration
	out                       *service.OwnedOutput
	res                       *service.Resources
	log                       *service.Logger

	depth                      *sinkDepth
	retries, dropped, failures *service.MetricCounter

	// The queue of drop mode, drained by one worker.
	mu      sync.Mutex
	queued  int // results in jobs and in the batch being delivered
	jobs    chan service.MessageBatch
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once

	prime    sync.Once // the owned output consumes from the first Connect
	primeErr error
}

func newDelivery(conf *service.ParsedConfig, res *service.Resources) (*Delivery, error) {
	d := &Delivery{res: res, log: res.Logger()}
	var err error
	if d.label, err = conf.FieldString("sink"); err != nil {
		return nil, err
	}
	if d.onFull, err = conf.FieldString("on_full"); err != nil {
		return nil, err
	}
	if d.queueSize, err = conf.FieldInt("queue_size"); err != nil {
		return nil, err
	}
	if d.maxRetries, err = conf.FieldInt("max_retries"); err != nil {
		return nil, err
	}
	if d.base, err = conf.FieldDuration("backoff_base"); err != nil {
		return nil, err
	}
	if d.max, err = conf.FieldDuration("backoff_max"); err != nil {
		return nil, err
	}
	if d.drainTimeout, err = conf.FieldDuration("drain_timeout"); err != nil {
		return nil, err
	}
	if conf.Contains("dead_letter") {
		if d.deadLetter, err = conf.FieldString("dead_letter"); err != nil {
			return nil, err
		}
	}
	if d.queueSize < 1 || d.maxRetries < 0 {
		return nil, fmt.Errorf("queue_size must be at least 1 and max_retries not negative")
	}
	if d.out, err = conf.FieldOutput("output"); err != nil {
		return nil, err
	}
	m := res.Metrics()
	d.depth = sharedDepth(res, d.label)
	d.retries = m.NewCounter("rsigma_sink_retries_total", "sink")
	d.dropped = m.NewCounter("rsigma_sink_dropped_total", "sink")
	d.failures = m.NewCounter("rsigma_sink_delivery_failures_total", "sink")
	d.depth.add(0) // every series exists from the start
	for _, c := range []*service.MetricCounter{d.retries, d.dropped, d.failures} {
		c.Incr(0, d.label)
	}
	if d.onFull == OnFullDrop {
		d.jobs = make(chan service.MessageBatch, d.queueSize)
		d.stop, d.stopped = make(chan struct{}), make(chan struct{})
		go d.work()
	}
	return d, nil
}

// Connect implements service.BatchOutput: it starts the output the sink
// owns (which then connects on its own). An owned output that was never
// started cannot be closed (its Close waits for a consumer that never ran),
// so a sink that receives no result must still have started it.
func (d *Delivery) Connect(context.Context) error { return d.primeOutput() }

func (d *Delivery) primeOutput() error {
	d.prime.Do(func() { d.primeErr = d.out.Prime() })
	return d.primeErr
}

// WriteBatch delivers batch (block) or queues it (drop).
func (d *Delivery) WriteBatch(ctx context.Context, batch service.MessageBatch) error {
	n := len(batch)
	if d.onFull == OnFullBlock {
		d.depth.add(n)
		defer d.depth.add(-n)
		return d.deliver(ctx, batch)
	}
	d.mu.Lock()
	full := d.queued+n > d.queueSize
	if !full {
		d.queued += n
	}
	d.mu.Unlock()
	if full {
		d.dropped.Incr(int64(n), d.label)
		return nil
	}
	copied := make(service.MessageBatch, n)
	for i, m := range batch {
		copied[i] = m.Copy()
	}
	d.depth.add(n)
	d.jobs <- copied // never blocks: queued counts at most queueSize results in at most queueSize batches
	return nil
}

// work delivers the queued batches of drop mode, in order.
func (d *Delivery) work() {
	defer close(d.stopped)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-d.stop
		cancel()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case batch := <-d.jobs:
			if err := d.deliver(ctx, batch); err != nil && ctx.Err() == nil {
				d.toDeadLetter(ctx, batch, err)
			}
			d.mu.Lock()
			d.queued -= len(batch)
			d.mu.Unlock()
			d.depth.add(-len(batch))
		}
	}
}

// deliver writes batch, retrying up to maxRetries times with exponential
// backoff; the error of the last attempt is returned and counted as a
// delivery failure.
func (d *Delivery) deliver(ctx context.Context, batch service.MessageBatch) error {
	wait := d.base
	for attempt := 0; ; attempt++ {
		err := d.out.WriteBatch(ctx, batch)
		if err == nil {
			return nil
		}
		if attempt == d.maxRetries || ctx.Err() != nil {
			d.failures.Incr(int64(len(batch)), d.label)
			return err
		}
		d.retries.Incr(1, d.label)
		select {
		case <-ctx.Done():
			d.failures.Incr(int64(len(batch)), d.label)
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, d.max)
	}
}

// toDeadLetter hands a batch that failed in drop mode to the dead_letter
// resource, marked as a fallback output marks what it passes on.
func (d *Delivery) toDeadLetter(ctx context.Context, batch service.MessageBatch, cause error) {
	if d.deadLetter == "" {
		d.log.Warnf("%s sink: %d results lost: %v", d.label, len(batch), cause)
		return
	}
	for _, m := range batch {
		m.MetaSet("fallback_error", cause.Error())
	}
	var werr error
	if err := d.res.AccessOutput(ctx, d.deadLetter, func(out *service.ResourceOutput) {
		werr = out.WriteBatch(ctx, batch)
	}); err != nil {
		werr = err
	}
	if werr != nil {
		d.log.Errorf("%s sink: %d results lost, the dead-letter output failed too: %v (after %v)", d.label, len(batch), werr, cause)
	}
}

// Close waits up to drain_timeout for the queue to empty, stops the queue
// worker (results still queued are lost, as the acknowledged results of a
// drop sink may be) and closes the sink.
func (d *Delivery) Close(ctx context.Context) error {
	d.once.Do(func() {
		if d.stop != nil {
			dctx, cancel := context.WithTimeout(ctx, d.drainTimeout)
			d.drain(dctx)
			cancel()
			close(d.stop)
			<-d.stopped
		}
	})
	if err := d.primeOutput(); err != nil { // closed before any Connect
		return err
	}
	return d.out.Close(ctx)
}

// drain waits, until ctx ends, for the queue to empty.
func (d *Delivery) drain(ctx context.Context) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		d.mu.Lock()
		empty := d.queued == 0
		d.mu.Unlock()
		if empty {
			return
		}
		select {
		case <-ctx.Done():
			d.mu.Lock()
			lost := d.queued
			d.mu.Unlock()
			d.log.Warnf("%s sink: %d queued results not delivered at shutdown", d.label, lost)
			return
		case <-t.C:
		}
	}
}

// sinkDepth is rsigma_sink_queue_depth of one sink label, shared by the
// sinks of a stream with that label (two file sinks add up). The
// framework's gauge Incr/Decr do not keep a total across calls, so the
// total is kept here and Set.
type sinkDepth struct {
	mu    sync.Mutex // orders the Sets as the additions
	n     int64
	gauge *service.MetricGauge
	label string
}

// depthKey keys the sinkDepth of a label among the stream's resources.
type depthKey struct{ label string }

func sharedDepth(res *service.Resources, label string) *sinkDepth {
	d := &sinkDepth{gauge: res.Metrics().NewGauge("rsigma_sink_queue_depth", "sink"), label: label}
	actual, _ := res.GetOrSetGeneric(depthKey{label}, d)
	return actual.(*sinkDepth)
}

func (s *sinkDepth) add(n int) {
	s.mu.Lock()
	s.n += int64(n)
	s.gauge.Set(s.n, s.label)
	s.mu.Unlock()
}
