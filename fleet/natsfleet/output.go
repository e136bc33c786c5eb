package natsfleet

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/nats"
)

// OutputName is the output that publishes stage-1 contribution batches.
const OutputName = "sigma_fleet_contributions"

// OutputConfig is a parsed sigma_fleet_contributions output.
type OutputConfig struct {
	Server string
	Auth   nats.Auth
	Fleet  string
	Stream StreamSettings
}

func outputSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Services").
		Summary("Stage 1 of fleet correlation over NATS JetStream: publishes each contribution batch a `sigma` processor made to its partition's subject and waits for the JetStream acknowledgement.").
		Description(`A message must carry the metadata `+"`"+fleet.MetaPartition+"`"+` (it goes to `+"`rsigma.fleet.<fleet>.corr.<partition>`"+`);
`+"`"+fleet.MetaPosition+"`"+` becomes the header `+"`"+HeaderPosition+"`"+` the partition owners order by, and `+"`"+fleet.MetaBatchID+"`"+` the
`+"`Nats-Msg-Id`"+` JetStream drops a second copy of within the stream's duplicate window (a redelivered event). A publish
that fails fails the message, so the event is redelivered rather than acknowledged: never route these messages to a
dead-letter queue, or their event would be acknowledged without its batches.`).
		Fields(nats.ConnectionFields()...).
		Fields(
			service.NewStringField("fleet").Description("The fleet's name (its stage-1 consumer group)."),
			service.NewIntField("stream_max_bytes").Default(-1).Advanced().Description("Size bound of the stream if this output creates it."),
			service.NewIntField("max_in_flight").Default(64).Advanced().Description("Batches written in parallel."),
		)
}

func parseOutputConfig(conf *service.ParsedConfig) (OutputConfig, error) {
	var c OutputConfig
	var err error
	if c.Server, c.Auth, err = nats.ParseConnection(conf); err != nil {
		return c, err
	}
	if c.Fleet, err = conf.FieldString("fleet"); err != nil {
		return c, err
	}
	if c.Fleet == "" {
		return c, fmt.Errorf("%s: fleet is empty", OutputName)
	}
	maxBytes, err := conf.FieldInt("stream_max_bytes")
	c.Stream.MaxBytes = int64(maxBytes)
	return c, err
}

// output publishes contribution batches.
type output struct {
	cfg       OutputConfig
	names     Names
	log       *service.Logger
	published *service.MetricCounter

	mu   sync.RWMutex
	conn *nats.Conn
}

// Connect dials and opens (or creates) the contribution stream.
func (o *output) Connect(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.conn != nil {
		return nil
	}
	conn, err := nats.Connect(ctx, o.cfg.Server, o.cfg.Auth, o.log, nil)
	if err != nil {
		return err
	}
	if _, err := OpenStream(ctx, conn.JS, o.names, o.cfg.Stream); err != nil {
		conn.Close()
		return fmt.Errorf("%s: %w", OutputName, err)
	}
	o.conn = conn
	return nil
}

// WriteBatch publishes every message and waits for all acknowledgements;
// a *service.BatchError names the messages that failed.
func (o *output) WriteBatch(ctx context.Context, batch service.MessageBatch) error {
	o.mu.RLock()
	conn := o.conn
	o.mu.RUnlock()
	if conn == nil {
		return service.ErrNotConnected
	}
	var berr *service.BatchError
	fail := func(i int, err error) {
		if berr == nil {
			berr = service.NewBatchError(batch, err)
		}
		berr.Failed(i, err)
	}
	futures := make([]jetstream.PubAckFuture, len(batch))
	for i, m := range batch {
		msg, err := o.message(m)
		if err != nil {
			fail(i, err)
			continue
		}
		if futures[i], err = conn.JS.PublishMsgAsync(msg); err != nil {
			fail(i, err)
		}
	}
	published := 0
	for i, f := range futures {
		if f == nil {
			continue
		}
		select {
		case <-f.Ok():
			published++
		case err := <-f.Err():
			fail(i, err)
		case <-ctx.Done():
			fail(i, ctx.Err())
		}
	}
	o.published.Incr(int64(published))
	if berr != nil {
		return berr
	}
	return nil
}

// message builds the publish of one batch message.
func (o *output) message(m *service.Message) (*natsgo.Msg, error) {
	part, ok := m.MetaGet(fleet.MetaPartition)
	if !ok {
		return nil, fmt.Errorf("%s: message without %s metadata", OutputName, fleet.MetaPartition)
	}
	p, err := strconv.Atoi(part)
	if err != nil || p < 0 {
		return nil, fmt.Errorf("%s: %s %q is not a partition", OutputName, fleet.MetaPartition, part)
	}
	data, err := m.AsBytes()
	if err != nil {
		return nil, err
	}
	msg := &natsgo.Msg{Subject: o.names.Subject(p), Data: data, Header: natsgo.Header{}}
	if pos, ok := m.MetaGet(fleet.MetaPosition); ok && pos != "" {
		msg.Header.Set(HeaderPosition, pos)
	}
	if id, ok := m.MetaGet(fleet.MetaBatchID); ok && id != "" {
		msg.Header.Set(HeaderMsgID, id)
	}
	return msg, nil
}

// Close closes the connection; WriteBatch has awaited every ack.
func (o *output) Close(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.conn.Close()
	o.conn = nil
	return nil
}
