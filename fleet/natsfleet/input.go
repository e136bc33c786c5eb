package natsfleet

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/nats"
)

// InputName is the input that hands a member's partitions to
// sigma_correlate.
const InputName = "sigma_fleet_partitions"

// InputConfig is a parsed sigma_fleet_partitions input.
type InputConfig struct {
	Server             string
	Auth               nats.Auth
	Fleet              string // the stage-1 consumer group
	Partitions         int
	EventsStream       string
	EventsDurable      string // default Fleet
	Member             string // default <hostname>-<pid>
	LeaseTTL           time.Duration
	CheckpointInterval time.Duration
	PollInterval       time.Duration
	MaxBatch           int
	Stream             StreamSettings
}

func inputSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Categories("Services").
		Summary("Stage 2 of fleet correlation over NATS JetStream: leases a fair share of the fleet's partitions and hands their contribution batches, in source order, to `sigma_correlate`.").
		Description(`Every member of a fleet runs this input (next to the stage-1 input of its consumer group). It keeps the fleet's
objects: the stream `+"`rsigma-fleet-<fleet>`"+` (subjects `+"`rsigma.fleet.<fleet>.corr.<p>`"+`), the KV buckets
`+"`rsigma-fleet-<fleet>-leases`"+` (TTL `+"`lease_ttl`"+`) and `+"`-checkpoints`"+` and the object store `+"`-state`"+`. A member
holds leases on ceil(partitions / members) partitions, restores their checkpointed state into the stream's
`+"`sigma_correlate`"+` processor, reads their batches and releases each one once the consumer group's ack floor on the
event stream has passed its source position, in position order. State is checkpointed every `+"`checkpoint_interval`"+`
(and when a partition is given back); a member that dies loses its leases after `+"`lease_ttl`"+` and the new owners
replay from its checkpoints. See docs/fleet-correlation.md.

Metadata set on every message: `+"`"+fleet.MetaEpoch+"`, `"+fleet.MetaOrigin+"`"+`.`).
		Fields(nats.ConnectionFields()...).
		Fields(
			service.NewStringField("fleet").Description("The fleet's name: the consumer group its members read the event stream with."),
			service.NewIntField("partitions").Description("Partition count; fixed for the life of the fleet's stream (a member with another count is refused)."),
			service.NewStringField("events_stream").Description("The event stream whose consumer group's ack floor is the watermark."),
			service.NewStringField("events_durable").Default("").Description("That consumer group's durable; default the fleet name."),
			service.NewStringField("member").Default("").Description("This member's unique name; default `<hostname>-<pid>`."),
			service.NewDurationField("lease_ttl").Default("10s").Description("How long a dead member's partitions stay leased before others take them over (the lease bucket's TTL, set by the member that creates it)."),
			service.NewDurationField("checkpoint_interval").Default("5s").Description("How often a partition that applied anything is checkpointed; it bounds what a new owner replays."),
			service.NewDurationField("poll_interval").Default("50ms").Advanced().Description("Wait between reads when nothing arrived."),
			service.NewIntField("max_batch").Default(256).Advanced().Description("Most contribution batches of one partition handed over at once."),
			service.NewIntField("stream_max_bytes").Default(-1).Advanced().Description("Size bound of a new contribution stream (-1: none); when full, stage 1 publishes are refused and retried, never dropped."),
		).
		Example("A fleet member's stage 2", "Partitions of the fleet `detectors` (the stage-1 consumer group) whose events come from stream `rsigma-events`.", `
input:
  sigma_fleet_partitions:
    url: nats://127.0.0.1:4222
    fleet: detectors
    partitions: 16
    events_stream: rsigma-events
`)
}

func parseInputConfig(conf *service.ParsedConfig) (InputConfig, error) {
	var c InputConfig
	var err error
	if c.Server, c.Auth, err = nats.ParseConnection(conf); err != nil {
		return c, err
	}
	for _, f := range []struct {
		dst  *string
		name string
	}{{&c.Fleet, "fleet"}, {&c.EventsStream, "events_stream"}, {&c.EventsDurable, "events_durable"}, {&c.Member, "member"}} {
		if *f.dst, err = conf.FieldString(f.name); err != nil {
			return c, err
		}
	}
	if c.Partitions, err = conf.FieldInt("partitions"); err != nil {
		return c, err
	}
	for _, f := range []struct {
		dst  *time.Duration
		name string
	}{{&c.LeaseTTL, "lease_ttl"}, {&c.CheckpointInterval, "checkpoint_interval"}, {&c.PollInterval, "poll_interval"}} {
		if *f.dst, err = conf.FieldDuration(f.name); err != nil {
			return c, err
		}
	}
	if c.MaxBatch, err = conf.FieldInt("max_batch"); err != nil {
		return c, err
	}
	maxBytes, err := conf.FieldInt("stream_max_bytes")
	if err != nil {
		return c, err
	}
	c.Stream.MaxBytes = int64(maxBytes)
	return c.withDefaults(), c.Validate()
}

func (c InputConfig) withDefaults() InputConfig {
	if c.EventsDurable == "" {
		c.EventsDurable = c.Fleet
	}
	if c.Member == "" {
		host, _ := os.Hostname()
		c.Member = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	return c
}

// Validate reports a configuration that cannot run.
func (c InputConfig) Validate() error {
	switch {
	case c.Fleet == "":
		return fmt.Errorf("%s: fleet is empty", InputName)
	case c.Partitions < 1 || c.Partitions > fleet.MaxPartitions:
		return fmt.Errorf("%s: partitions %d: want 1 to %d", InputName, c.Partitions, fleet.MaxPartitions)
	case c.EventsStream == "":
		return fmt.Errorf("%s: events_stream is empty", InputName)
	case c.LeaseTTL < 100*time.Millisecond:
		return fmt.Errorf("%s: lease_ttl %v: want at least 100ms", InputName, c.LeaseTTL)
	case c.CheckpointInterval <= 0 || c.PollInterval <= 0:
		return fmt.Errorf("%s: checkpoint_interval and poll_interval must be positive", InputName)
	}
	return c.Auth.Validate()
}

// Board exposes the member a stream's input runs, for status pages.
type Board struct{ member atomic.Pointer[Member] }

// Status is the running member's status; ok is false before it connected.
func (b *Board) Status() (Status, bool) {
	if b == nil {
		return Status{}, false
	}
	m := b.member.Load()
	if m == nil {
		return Status{}, false
	}
	return m.Status(), true
}

// input is the sigma_fleet_partitions input.
type input struct {
	cfg     InputConfig
	log     *service.Logger
	cor     *fleet.Correlator
	metrics Metrics
	board   *Board

	mu     sync.Mutex
	conn   *nats.Conn
	member *Member
	stop   context.CancelFunc
	done   chan struct{}
}

// Connect connects, opens the fleet's objects and starts the member.
func (in *input) Connect(ctx context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.member != nil {
		return nil
	}
	conn, err := nats.Connect(ctx, in.cfg.Server, in.cfg.Auth, in.log, nil)
	if err != nil {
		return err
	}
	f, err := Ensure(ctx, conn.JS, in.cfg.Fleet, in.cfg.Partitions, in.cfg.LeaseTTL, in.cfg.Stream)
	if err != nil {
		conn.Close()
		return fmt.Errorf("%s: %w", InputName, err)
	}
	m := NewMember(f, conn.JS, in.cor, MemberConfig{ID: in.cfg.Member, EventsStream: in.cfg.EventsStream,
		EventsDurable: in.cfg.EventsDurable, CheckpointInterval: in.cfg.CheckpointInterval,
		PollInterval: in.cfg.PollInterval, MaxBatch: in.cfg.MaxBatch}, in.log, in.metrics)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(runCtx) }()
	in.conn, in.member, in.stop, in.done = conn, m, stop, done
	if in.board != nil {
		in.board.member.Store(m)
	}
	in.log.Infof("fleet member %s of %s: %d partitions, lease TTL %v", in.cfg.Member, in.cfg.Fleet, f.Partitions, f.LeaseTTL)
	return nil
}

// ReadBatch returns the next partition handover as one message per batch.
func (in *input) ReadBatch(ctx context.Context) (service.MessageBatch, service.AckFunc, error) {
	in.mu.Lock()
	m := in.member
	in.mu.Unlock()
	if m == nil {
		return nil, nil, service.ErrNotConnected
	}
	select {
	case h := <-m.Ready():
		batch := make(service.MessageBatch, len(h.Entries))
		for i, e := range h.Entries {
			msg := service.NewMessage(e.Data)
			msg.MetaSetMut(fleet.MetaEpoch, strconv.FormatUint(h.Epoch, 10))
			msg.MetaSetMut(fleet.MetaOrigin, fleet.BatchOrigin(e.Position, e.Sequence))
			batch[i] = msg
		}
		return batch, func(_ context.Context, err error) error { h.Done(err); return nil }, nil
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// stopTimeout bounds the wait for outstanding handovers at Close.
const stopTimeout = 5 * time.Second

// Close stops the member: partitions are checkpointed and their leases
// given back, so that the other members take them over at once.
func (in *input) Close(context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.member == nil {
		return nil
	}
	in.stop()
	<-in.done
	in.member.Stop(stopTimeout)
	in.conn.Close()
	in.member, in.conn = nil, nil
	return nil
}
