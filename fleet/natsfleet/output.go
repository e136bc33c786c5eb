package natsfleet

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	natsgo "github.com/nats-io/nats.go"
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
		Description(`A message must be one encoded batch and carry the metadata `+"`"+fleet.MetaPartition+"`"+`. The batches of one
partition in one written batch go out as one JetStream message on `+"`rsigma.fleet.<fleet>.corr.<partition>`"+`, with a
`+"`Nats-Msg-Id`"+` naming their positions, by which JetStream drops a second copy within the stream's duplicate window (the
same events redelivered). A publish that fails fails its messages, so their events are redelivered rather than
acknowledged: never route these messages to a dead-letter queue, or their events would be acknowledged without their
batches.`).
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

// WriteBatch publishes the batch messages of each partition together as
// one JetStream message (fleet.Message; a batch without a position goes
// alone) and waits for every acknowledgement; a *service.BatchError names
// the messages that failed.
func (o *output) WriteBatch(ctx context.Context, batch service.MessageBatch) error {
	o.mu.RLock()
	conn := o.conn
	o.mu.RUnlock()
	if conn == nil {
		return service.ErrNotConnected
	}
	fails := nats.NewBatchFailures(batch)
	groups := o.group(batch, fails.Fail)
	msgs := make([]*natsgo.Msg, len(groups))
	for j, g := range groups {
		msgs[j] = &natsgo.Msg{Subject: o.names.Subject(g.partition), Data: g.msg.Bytes(), Header: natsgo.Header{}}
		if id := g.msg.ID(g.partition); id != "" {
			msgs[j].Header.Set(HeaderMsgID, id)
		}
	}
	published := 0
	for _, g := range groups {
		published += len(g.members)
	}
	nats.PublishAll(ctx, conn.JS, msgs, func(j int, err error) {
		published -= len(groups[j].members)
		groups[j].fail(fails.Fail, err)
	})
	o.published.Incr(int64(published))
	return fails.Err()
}

// outgoing is one JetStream message being made: batches of one partition.
type outgoing struct {
	partition int
	msg       fleet.Message
	members   []int // their indexes in the written batch
}

func (g *outgoing) fail(fail func(int, error), err error) {
	for _, i := range g.members {
		fail(i, err)
	}
}

// group sorts the batch messages by partition, keeping their order.
func (o *output) group(batch service.MessageBatch, fail func(int, error)) []*outgoing {
	var groups []*outgoing
	open := map[int]*outgoing{}
	for i, m := range batch {
		p, pos, data, err := o.batchOf(m)
		if err != nil {
			fail(i, err)
			continue
		}
		g := open[p]
		if g == nil || pos == 0 {
			g = &outgoing{partition: p}
			groups = append(groups, g)
			if pos > 0 {
				open[p] = g
			}
		}
		g.msg.AddEncoded(data, pos)
		g.members = append(g.members, i)
	}
	return groups
}

// batchOf reads a batch message: its partition, position and encoding.
func (o *output) batchOf(m *service.Message) (int, uint64, []byte, error) {
	part, ok := m.MetaGet(fleet.MetaPartition)
	if !ok {
		return 0, 0, nil, fmt.Errorf("%s: message without %s metadata", OutputName, fleet.MetaPartition)
	}
	p, err := strconv.Atoi(part)
	if err != nil || p < 0 {
		return 0, 0, nil, fmt.Errorf("%s: %s %q is not a partition", OutputName, fleet.MetaPartition, part)
	}
	data, err := m.AsBytes()
	if err != nil {
		return 0, 0, nil, err
	}
	frames, err := fleet.Frames(data)
	if err != nil || len(frames) != 1 {
		return 0, 0, nil, fmt.Errorf("%s: %w: want one encoded batch", OutputName, fleet.ErrBatch)
	}
	return p, frames[0].Position, data, nil
}

// Close closes the connection; WriteBatch has awaited every ack.
func (o *output) Close(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.conn.Close()
	o.conn = nil
	return nil
}
