package nats

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/processor"
)

// Metadata keys set by the input on every message.
const (
	MetaSubject       = "nats_subject"
	MetaSequence      = "nats_sequence"
	MetaTimestampUnix = "nats_timestamp_unix"
	MetaTimestampNano = "nats_timestamp_unix_nano"
	MetaNumDelivered  = "nats_num_delivered"
)

// ComponentName is the name of the JetStream input and output.
const ComponentName = "sigma_nats_jetstream"

// registerInput registers the sigma_nats_jetstream input on env.
func registerInput(env *service.Environment) error {
	return env.RegisterBatchInput(ComponentName, inputSpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchInput, error) {
			cfg, err := parseInputConfig(conf)
			if err != nil {
				return nil, err
			}
			return newInput(cfg, res), nil
		})
}

// input reads a durable pull consumer. The consumer's callback hands
// messages to ReadBatch through msgs; ReadBatch forms batches from what has
// arrived and the returned AckFunc acks (or naks) every message of a batch.
type input struct {
	cfg      InputConfig
	log      *service.Logger
	position *processor.Position
	depth    *queueGauge            // rsigma_input_queue_depth: pulled, not yet handed to the pipeline
	pressure *service.MetricCounter // rsigma_back_pressure_events_total: pulls that found the queue full

	mu      sync.Mutex
	conn    *Conn
	consume jetstream.ConsumeContext
	msgs    chan jetstream.Msg
	stop    chan struct{} // closed when this connection's consumption stops
	ended   chan struct{} // closed when the connection closed by itself
	closing bool
	rebind  bool // the durable vanished under us; wait for it on the next Connect
}

func newInput(cfg InputConfig, res *service.Resources) *input {
	return &input{cfg: cfg.withDefaults(), log: res.Logger(), position: processor.SharedPosition(res),
		depth:    &queueGauge{g: res.Metrics().NewGauge("rsigma_input_queue_depth")},
		pressure: res.Metrics().NewCounter("rsigma_back_pressure_events_total")}
}

// Connect prepares stream and durable and starts pulling.
func (in *input) Connect(ctx context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.conn != nil {
		return nil
	}
	ended := make(chan struct{})
	var once sync.Once
	var self *Conn // written and read under in.mu
	onClosed := func() {
		in.mu.Lock()
		current := self != nil && in.conn == self && !in.closing
		in.mu.Unlock()
		if current { // closed for good by the client, not by Close or a reconnect
			once.Do(func() { close(ended) })
		}
	}
	var await time.Duration
	if in.rebind { // our durable was deleted: let the member that did it recreate it
		await = rebindWait
	}
	conn, cons, err := prepareInput(ctx, in.cfg, in.log, onClosed, await)
	if err != nil {
		return err
	}
	self = conn
	msgs := make(chan jetstream.Msg, in.cfg.BatchSize)
	stop := make(chan struct{})
	cc, err := cons.Consume(
		func(m jetstream.Msg) { in.enqueue(msgs, stop, m) },
		jetstream.PullMaxMessages(max(2*in.cfg.BatchSize, 16)),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			in.log.Warnf("NATS consumer %s: %v", in.cfg.Durable, err)
		}),
	)
	if err != nil {
		conn.Close()
		return err
	}
	in.conn, in.consume, in.msgs, in.stop, in.ended = conn, cc, msgs, stop, ended
	in.rebind = false
	in.log.Infof("NATS input consuming %s (stream %s, durable %s, %s)", in.cfg.Subject, in.cfg.Stream, in.cfg.Durable, in.cfg.Replay)
	return nil
}

// enqueue hands a pulled message to ReadBatch, counting back-pressure when
// the queue is full (the pull then waits), and naks it if consumption stops
// meanwhile.
func (in *input) enqueue(msgs chan jetstream.Msg, stop chan struct{}, m jetstream.Msg) {
	in.depth.add(1) // before the send, so that the reader's decrement never comes first
	select {
	case msgs <- m:
		return
	default:
	}
	in.pressure.Incr(1)
	select {
	case msgs <- m:
	case <-stop:
		in.depth.add(-1)
		_ = m.Nak() // pulled while stopping: hand it back at once
	}
}

// queueGauge keeps a depth changed from two goroutines and exports it with
// Set: the framework's MetricGauge.Incr does not accumulate across calls
// (each call wraps a fresh zero gauge), and the lock keeps the Sets in the
// order of the changes.
type queueGauge struct {
	mu    sync.Mutex
	depth int64
	g     *service.MetricGauge
}

func (q *queueGauge) add(n int64) {
	q.mu.Lock()
	q.depth += n
	q.g.Set(q.depth)
	q.mu.Unlock()
}

// ReadBatch blocks for one message, then adds whatever else has already
// arrived, up to the batch size. Blank messages are acked and skipped.
func (in *input) ReadBatch(ctx context.Context) (service.MessageBatch, service.AckFunc, error) {
	in.mu.Lock()
	msgs, ended, cc := in.msgs, in.ended, in.consume
	in.mu.Unlock()
	if msgs == nil {
		return nil, nil, service.ErrNotConnected
	}
	for {
		var taken []jetstream.Msg
		select {
		case m := <-msgs:
			taken = append(taken, m)
		case <-ended:
			return nil, nil, service.ErrEndOfInput
		case <-cc.Closed():
			return nil, nil, in.consumptionStopped(ended)
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	fill:
		for len(taken) < in.cfg.BatchSize {
			select {
			case m := <-msgs:
				taken = append(taken, m)
			default:
				break fill
			}
		}
		in.depth.add(-int64(len(taken)))
		batch, kept := in.toBatch(taken)
		if len(batch) > 0 {
			return batch, in.ackFunc(kept), nil
		}
	}
}

// consumptionStopped handles a pull subscription that ended without Close:
// the durable was deleted (another member of the group repositioned it) or
// the server refused further pulls. The connection is dropped so that the
// framework reconnects, which binds the durable again; a connection closed
// for good ends the input instead.
func (in *input) consumptionStopped(ended chan struct{}) error {
	select {
	case <-ended:
		return service.ErrEndOfInput
	default:
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.conn == nil {
		return service.ErrNotConnected
	}
	if in.conn.NC.IsClosed() { // closed for good; its ClosedHandler may not have run yet
		return service.ErrEndOfInput
	}
	in.log.Warnf("NATS input: consumption of durable %s stopped, reconnecting", in.cfg.Durable)
	in.stopConsuming()
	in.rebind = true
	return service.ErrNotConnected
}

// toBatch converts messages to Benthos messages, acking blank ones at once.
func (in *input) toBatch(taken []jetstream.Msg) (service.MessageBatch, []jetstream.Msg) {
	batch := make(service.MessageBatch, 0, len(taken))
	kept := taken[:0]
	for _, m := range taken {
		data := m.Data()
		if len(bytes.TrimSpace(data)) == 0 {
			in.ack(m)
			continue
		}
		if !utf8.Valid(data) {
			data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
		}
		msg := service.NewMessage(data)
		msg.MetaSetMut(MetaSubject, m.Subject())
		if md, err := m.Metadata(); err == nil {
			msg.MetaSetMut(MetaSequence, int64(md.Sequence.Stream))
			msg.MetaSetMut(MetaTimestampUnix, md.Timestamp.Unix())
			msg.MetaSetMut(MetaTimestampNano, md.Timestamp.UnixNano())
			msg.MetaSetMut(MetaNumDelivered, int64(md.NumDelivered))
		}
		batch = append(batch, msg)
		kept = append(kept, m)
	}
	return batch, kept
}

// ackFunc acks every message once the pipeline acked the batch, or naks them
// (redelivery after NakDelay) when it reports an error.
func (in *input) ackFunc(msgs []jetstream.Msg) service.AckFunc {
	return func(_ context.Context, err error) error {
		if err != nil {
			in.log.Warnf("NATS input: %d messages not delivered, redelivering after %v: %v", len(msgs), in.cfg.NakDelay, err)
			for _, m := range msgs {
				if nerr := m.NakWithDelay(in.cfg.NakDelay); nerr != nil {
					in.log.Warnf("NATS input: nak: %v", nerr)
				}
			}
			return nil
		}
		for _, m := range msgs {
			in.ack(m)
		}
		return nil
	}
}

// ack sends a plain ack and raises the high-water mark; a failed ack is only
// logged (the message will be redelivered).
func (in *input) ack(m jetstream.Msg) {
	if err := m.Ack(); err != nil {
		in.log.Warnf("NATS input: ack: %v", err)
		return
	}
	if md, err := m.Metadata(); err == nil {
		in.position.Observe(md.Sequence.Stream, md.Timestamp)
	}
}

// closeFlushTimeout bounds how long Close waits for the server to take the
// last acks; an ack lost here only means a redelivery.
const closeFlushTimeout = 2 * time.Second

// Close stops pulling, hands back messages that were pulled but never read
// (nak without delay) and closes the connection. Benthos calls it after
// every pending ack has resolved.
func (in *input) Close(context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closing = true
	if in.conn != nil {
		in.stopConsuming()
	}
	return nil
}

// stopConsuming stops pulling, hands back messages that were pulled but
// never read (nak without delay) and closes the connection. The caller
// holds in.mu and has checked in.conn != nil.
func (in *input) stopConsuming() {
	close(in.stop) // first: a callback blocked on a full msgs returns
	in.consume.Stop()
	for {
		select {
		case m := <-in.msgs:
			in.depth.add(-1)
			_ = m.Nak()
			continue
		default:
		}
		break
	}
	if in.conn.NC.IsConnected() {
		_ = in.conn.NC.FlushTimeout(closeFlushTimeout) // push the last acks out
	}
	in.conn.Close()
	in.conn, in.msgs, in.consume = nil, nil, nil
}
