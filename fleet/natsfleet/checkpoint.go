package natsfleet

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// ErrFenced is returned when a checkpoint write finds that another member
// has taken the partition over (the checkpoint key moved on).
var ErrFenced = errors.New("partition taken over by another member")

// fenceAttempts bounds the read-and-rewrite loop of fence; each retry
// means a concurrent write by the previous owner.
const fenceAttempts = 8

// fence makes the holder of lease (its revision) the only member that can
// write partition p's checkpoint: it reads the checkpoint and writes it
// back with lease as epoch, compare-and-swap on the revision read, so a
// previous owner's next write fails with ErrFenced. It returns the
// checkpoint (zero for a new partition), the revision to write the next
// one against, and the state snapshot it names.
func (f *Fleet) fence(ctx context.Context, p int, lease uint64, member string) (fleet.Checkpoint, uint64, []byte, error) {
	key := checkpointKey(p)
	for range fenceAttempts {
		var cp fleet.Checkpoint
		var rev uint64
		e, err := f.Checkpoints.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return cp, 0, nil, fmt.Errorf("reading checkpoint %s: %w", key, err)
		default:
			if cp, err = fleet.DecodeCheckpoint(e.Value()); err != nil {
				return cp, 0, nil, fmt.Errorf("checkpoint %s in bucket %s: %w", key, f.Names.Checkpoints, err)
			}
			rev = e.Revision()
		}
		mine := cp
		mine.Partition, mine.Epoch, mine.Member = p, lease, member
		var next uint64
		if rev == 0 {
			next, err = f.Checkpoints.Create(ctx, key, mine.Encode())
		} else {
			next, err = f.Checkpoints.Update(ctx, key, mine.Encode(), rev)
		}
		if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			continue // the previous owner wrote meanwhile: read again
		}
		if err != nil {
			return cp, 0, nil, fmt.Errorf("fencing checkpoint %s: %w", key, err)
		}
		var snapshot []byte
		if cp.Object != "" {
			if snapshot, err = f.State.GetBytes(ctx, cp.Object); err != nil {
				return cp, 0, nil, fmt.Errorf("partition %d: state %s in object store %s: %w", p, cp.Object, f.Names.State, err)
			}
		}
		return cp, next, snapshot, nil
	}
	return fleet.Checkpoint{}, 0, nil, fmt.Errorf("fencing checkpoint %s: %d concurrent writes", key, fenceAttempts)
}

// save stores snapshot as object cp.Object, then points partition
// cp.Partition's checkpoint at it with compare-and-swap on rev, and
// returns the new revision. ErrFenced means another member fenced the
// partition: the object is deleted again and this member must stop.
func (f *Fleet) save(ctx context.Context, cp fleet.Checkpoint, rev uint64, snapshot []byte) (uint64, error) {
	if _, err := f.State.PutBytes(ctx, cp.Object, snapshot); err != nil {
		return 0, fmt.Errorf("partition %d: writing state %s: %w", cp.Partition, cp.Object, err)
	}
	next, err := f.Checkpoints.Update(ctx, checkpointKey(cp.Partition), cp.Encode(), rev)
	if err != nil {
		_ = f.State.Delete(ctx, cp.Object)
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyNotFound) {
			return 0, fmt.Errorf("partition %d: %w", cp.Partition, ErrFenced)
		}
		return 0, fmt.Errorf("partition %d: writing checkpoint: %w", cp.Partition, err)
	}
	return next, nil
}

// purge drops partition p's batches before sequence resume, which its
// latest checkpoint no longer needs.
func (f *Fleet) purge(ctx context.Context, p int, resume uint64) error {
	if resume <= 1 {
		return nil
	}
	return f.Stream.Purge(ctx, jetstream.WithPurgeSubject(f.Names.Subject(p)), jetstream.WithPurgeSequence(resume))
}
