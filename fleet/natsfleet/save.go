package natsfleet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// checkpointDue checkpoints every partition whose interval has passed and
// that applied something since, and releases those given back, once no
// handover of theirs is outstanding.
func (mb *Member) checkpointDue(ctx context.Context) {
	mb.mu.Lock()
	var due, leaving []int
	for id, o := range mb.parts {
		switch {
		case o.inFlight || o.failed:
		case o.releasing:
			leaving = append(leaving, id)
		case o.dirty && time.Since(o.checkpoint) >= mb.cfg.CheckpointInterval:
			due = append(due, id)
		}
	}
	mb.mu.Unlock()
	for _, id := range due {
		if err := mb.checkpoint(ctx, id, false); err != nil {
			mb.log.Warnf("fleet: checkpoint of partition %d: %v", id, err)
		}
	}
	for _, id := range leaving {
		mb.release(ctx, id)
	}
}

// checkpoint saves partition p's state with the position Reorder.Mark
// gives, fenced by the checkpoint revision this member wrote last, then
// drops the batches the new checkpoint no longer needs. A partition that
// applied nothing since its last checkpoint is saved only when force is
// set. It must not run while a handover of p is outstanding.
func (mb *Member) checkpoint(ctx context.Context, p int, force bool) error {
	mb.mu.Lock()
	o := mb.parts[p]
	if o == nil || o.inFlight || o.failed {
		mb.mu.Unlock()
		return nil
	}
	if !o.dirty && !force {
		o.checkpoint = time.Now()
		mb.mu.Unlock()
		return nil
	}
	applied, resume, unordered := o.reorder.Mark()
	snapshot, err := mb.cor.Snapshot(p, o.epoch)
	if err != nil {
		mb.mu.Unlock()
		return fmt.Errorf("snapshot: %w", err)
	}
	mb.objects++
	cp := fleet.Checkpoint{Partition: p, Epoch: o.since, Member: mb.cfg.ID, Applied: applied, Resume: resume,
		Unordered: unordered, Object: objectName(p, o.since, mb.objects), Written: time.Now().UTC()}
	rev := o.cpRev
	mb.mu.Unlock()

	next, err := mb.f.save(ctx, cp, rev, snapshot)
	mb.mu.Lock()
	if errors.Is(err, ErrFenced) {
		if mb.parts[p] == o {
			mb.loseLocked(o, "another member fenced its checkpoint")
		}
		mb.mu.Unlock()
		return err
	}
	if err != nil {
		mb.mu.Unlock()
		return err
	}
	old := o.cp.Object
	o.cp, o.cpRev, o.dirty, o.checkpoint = cp, next, false, time.Now()
	mb.mu.Unlock()
	call(mb.m.CheckpointBytes, len(snapshot))
	if old != "" && old != cp.Object {
		if err := mb.f.State.Delete(ctx, old); err != nil {
			mb.log.Warnf("fleet: deleting the previous state %s of partition %d: %v", old, p, err)
		}
	}
	if err := mb.f.purge(ctx, p, resume); err != nil {
		mb.log.Warnf("fleet: dropping the applied batches of partition %d: %v", p, err)
	}
	return nil
}

// rewindFailed puts every partition whose last handover was not delivered
// back to its last checkpoint (a new epoch, so that nothing of the failed
// one is applied) and reads its batches again from there: the results of
// what was applied since are made again, with the same firing ids.
func (mb *Member) rewindFailed(ctx context.Context) bool {
	mb.mu.Lock()
	var todo []*owned
	for _, o := range mb.parts {
		if o.failed && !o.inFlight {
			todo = append(todo, o)
		}
	}
	mb.mu.Unlock()
	for _, o := range todo {
		var snapshot []byte
		if o.cp.Object != "" {
			var err error
			if snapshot, err = mb.f.State.GetBytes(ctx, o.cp.Object); err != nil {
				mb.log.Warnf("fleet: rewinding %s: reading state %s: %v", describe(o.id, o.lease), o.cp.Object, err)
				continue
			}
		}
		mb.mu.Lock()
		if mb.parts[o.id] == o {
			o.epoch = mb.nextEpoch()
			if err := mb.cor.Install(o.id, o.epoch, snapshot); err != nil {
				mb.log.Errorf("fleet: rewinding %s: %v", describe(o.id, o.lease), err)
			}
			o.reorder, o.failed, o.dirty, o.watermark = fleet.NewReorder(o.cp), false, false, 0
			o.layout = mb.relayout() // read again from the checkpoint
			mb.log.Warnf("fleet: results of %s were not delivered: replaying it from its checkpoint (position %d)",
				describe(o.id, o.lease), o.cp.Applied)
		}
		mb.mu.Unlock()
	}
	return len(todo) > 0
}
