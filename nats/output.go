package nats

import (
	"context"
	"sync"

	natsgo "github.com/nats-io/nats.go"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// registerOutput registers the sigma_nats_jetstream output on env.
func registerOutput(env *service.Environment) error {
	return env.RegisterBatchOutput(ComponentName, outputSpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchOutput, service.BatchPolicy, int, error) {
			var policy service.BatchPolicy
			cfg, err := parseOutputConfig(conf)
			if err != nil {
				return nil, policy, 0, err
			}
			if policy, err = conf.FieldBatchPolicy(outputFieldBatching); err != nil {
				return nil, policy, 0, err
			}
			inFlight, err := conf.FieldInt("max_in_flight")
			if err != nil {
				return nil, policy, 0, err
			}
			return &output{cfg: cfg.withDefaults(), log: res.Logger()}, policy, max(inFlight, 1), nil
		})
}

// output publishes every message of a batch asynchronously, in order, then
// waits for all publish acknowledgements.
type output struct {
	cfg OutputConfig
	log *service.Logger

	mu   sync.RWMutex
	conn *Conn
}

// Connect dials the server and ensures the stream.
func (o *output) Connect(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.conn != nil {
		return nil
	}
	conn, err := PrepareOutput(ctx, o.cfg, o.log)
	if err != nil {
		return err
	}
	o.conn = conn
	o.log.Infof("NATS output publishing to %s", o.cfg.Subject)
	return nil
}

// WriteBatch returns nil when every message was acknowledged by JetStream,
// a *service.BatchError naming the failed messages otherwise.
func (o *output) WriteBatch(ctx context.Context, batch service.MessageBatch) error {
	o.mu.RLock()
	conn := o.conn
	o.mu.RUnlock()
	if conn == nil {
		return service.ErrNotConnected
	}
	fails := NewBatchFailures(batch)
	msgs := make([]*natsgo.Msg, len(batch))
	for i, m := range batch {
		data, err := m.AsBytes()
		if err != nil {
			fails.Fail(i, err)
			continue
		}
		msgs[i] = &natsgo.Msg{Subject: o.cfg.Subject, Data: data}
	}
	PublishAll(ctx, conn.JS, msgs, fails.Fail)
	return fails.Err()
}

// Close closes the connection; WriteBatch has already awaited every ack.
func (o *output) Close(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.conn.Close()
	o.conn = nil
	return nil
}
