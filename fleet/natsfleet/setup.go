package natsfleet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrPartitionCount is returned by Ensure when the fleet already runs with
// another partition count: partitions place groups, so the count is fixed
// for the life of a fleet's streams.
var ErrPartitionCount = errors.New("the fleet runs with another partition count")

// Fleet is a fleet's JetStream objects, opened (or created) by Ensure.
type Fleet struct {
	Names       Names
	Partitions  int
	Stream      jetstream.Stream
	Leases      jetstream.KeyValue
	Checkpoints jetstream.KeyValue
	State       jetstream.ObjectStore
	// LeaseTTL is the leases bucket's TTL, which may be another member's
	// choice when the bucket existed.
	LeaseTTL time.Duration
}

// StreamSettings are the limits of a new contribution stream.
type StreamSettings struct {
	// MaxBytes bounds the stream (-1 or 0: unbounded). When it is full a
	// publish is refused (DiscardNew), so stage 1 retries the event later
	// instead of the stream dropping batches not yet applied.
	MaxBytes int64
	// Replicas of the stream, buckets and object store (0: 1).
	Replicas int
}

// Ensure opens the objects of fleet name, creating those missing, and
// checks that the fleet runs with partitions partitions (recording it for
// a new fleet). Existing objects are used as they are.
func Ensure(ctx context.Context, js jetstream.JetStream, name string, partitions int, leaseTTL time.Duration, s StreamSettings) (*Fleet, error) {
	n := NamesFor(name)
	f := &Fleet{Names: n, Partitions: partitions}
	replicas := max(s.Replicas, 1)
	var err error
	if f.Stream, err = OpenStream(ctx, js, n, s); err != nil {
		return nil, err
	}
	if f.Leases, err = keyValue(ctx, js, jetstream.KeyValueConfig{Bucket: n.Leases, TTL: leaseTTL, Replicas: replicas,
		Description: "rsigma-connect fleet correlation: partition leases and member heartbeats"}); err != nil {
		return nil, err
	}
	status, err := f.Leases.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease bucket %s: %w", n.Leases, err)
	}
	if f.LeaseTTL = status.TTL(); f.LeaseTTL <= 0 {
		return nil, fmt.Errorf("lease bucket %s has no TTL: leases of a dead member would never expire", n.Leases)
	}
	if f.Checkpoints, err = keyValue(ctx, js, jetstream.KeyValueConfig{Bucket: n.Checkpoints, Replicas: replicas,
		Description: "rsigma-connect fleet correlation: partition checkpoints"}); err != nil {
		return nil, err
	}
	f.State, err = js.ObjectStore(ctx, n.State)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		f.State, err = js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: n.State, Replicas: replicas,
			Description: "rsigma-connect fleet correlation: partition state snapshots"})
		if errors.Is(err, jetstream.ErrBucketExists) {
			f.State, err = js.ObjectStore(ctx, n.State)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("state object store %s: %w", n.State, err)
	}
	return f, f.checkPartitions(ctx)
}

// OpenStream opens the contribution stream of n, creating it with s when
// missing.
func OpenStream(ctx context.Context, js jetstream.JetStream, n Names, s StreamSettings) (jetstream.Stream, error) {
	maxBytes := s.MaxBytes
	if maxBytes == 0 {
		maxBytes = -1
	}
	st, err := js.Stream(ctx, n.Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		st, err = js.CreateStream(ctx, jetstream.StreamConfig{
			Name:        n.Stream,
			Description: "rsigma-connect fleet correlation: contribution batches by partition",
			Subjects:    []string{n.Prefix + ".*"},
			Retention:   jetstream.LimitsPolicy,
			Discard:     jetstream.DiscardNew,
			MaxBytes:    maxBytes,
			Replicas:    max(s.Replicas, 1),
		})
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			st, err = js.Stream(ctx, n.Stream)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("contribution stream %s: %w", n.Stream, err)
	}
	return st, nil
}

func keyValue(ctx context.Context, js jetstream.JetStream, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, cfg.Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, cfg)
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = js.KeyValue(ctx, cfg.Bucket)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", cfg.Bucket, err)
	}
	return kv, nil
}

// checkPartitions records the partition count of a new fleet, or compares
// it with the recorded one.
func (f *Fleet) checkPartitions(ctx context.Context) error {
	want := strconv.Itoa(f.Partitions)
	_, err := f.Checkpoints.Create(ctx, partitionsKey, []byte(want))
	if err == nil || !errors.Is(err, jetstream.ErrKeyExists) {
		if err != nil {
			return fmt.Errorf("bucket %s: recording the partition count: %w", f.Names.Checkpoints, err)
		}
		return nil
	}
	e, err := f.Checkpoints.Get(ctx, partitionsKey)
	if err != nil {
		return fmt.Errorf("bucket %s: reading the partition count: %w", f.Names.Checkpoints, err)
	}
	if string(e.Value()) != want {
		return fmt.Errorf("%w: %s partitions in bucket %s, %s asked for (delete the fleet's stream and buckets to change it)",
			ErrPartitionCount, e.Value(), f.Names.Checkpoints, want)
	}
	return nil
}
