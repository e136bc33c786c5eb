package nats

import (
	"context"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// PublishAll publishes msgs asynchronously, in order, and waits for every
// JetStream acknowledgement (or for ctx). failed is called with the index
// of each message whose publish or acknowledgement failed; nil messages
// are skipped. It returns how many were acknowledged.
func PublishAll(ctx context.Context, js jetstream.JetStream, msgs []*natsgo.Msg, failed func(i int, err error)) int {
	futures := make([]jetstream.PubAckFuture, len(msgs))
	for i, m := range msgs {
		if m == nil {
			continue
		}
		f, err := js.PublishMsgAsync(m)
		if err != nil {
			failed(i, err)
			continue
		}
		futures[i] = f
	}
	acked := 0
	for i, f := range futures {
		if f == nil {
			continue
		}
		select {
		case <-f.Ok():
			acked++
		case err := <-f.Err():
			failed(i, err)
		case <-ctx.Done():
			failed(i, ctx.Err())
		}
	}
	return acked
}

// BatchFailures collects the messages of a written batch that failed, for
// an output's WriteBatch: Err is nil when none did, else a
// *service.BatchError naming them.
type BatchFailures struct {
	batch service.MessageBatch
	err   *service.BatchError
}

// NewBatchFailures starts collecting the failures of batch.
func NewBatchFailures(batch service.MessageBatch) *BatchFailures {
	return &BatchFailures{batch: batch}
}

// Fail marks message i as failed with err.
func (f *BatchFailures) Fail(i int, err error) {
	if f.err == nil {
		f.err = service.NewBatchError(f.batch, err)
	}
	f.err.Failed(i, err)
}

// Err is the batch error, nil when nothing failed.
func (f *BatchFailures) Err() error {
	if f.err == nil {
		return nil
	}
	return f.err
}
