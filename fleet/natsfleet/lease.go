package natsfleet

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// lease is the value of a lease key.
type lease struct {
	Member string    `json:"member"`
	Since  time.Time `json:"since"`
}

// leaseMargin is the part of the TTL a member gives up at the end of its
// lease: it stops handing over a partition once its last successful
// renewal is older than TTL - TTL/leaseMargin, before the server can
// expire the key.
const leaseMargin = 4

// tickLeases renews the member heartbeat and the owned leases, then
// acquires or releases partitions towards the fair share.
func (mb *Member) tickLeases(ctx context.Context) {
	sent := time.Now()
	if _, err := mb.f.Leases.Put(ctx, memberKey(mb.cfg.ID), []byte(strconv.FormatInt(sent.Unix(), 10))); err != nil {
		mb.log.Warnf("fleet: member heartbeat: %v", err)
	}
	mb.renew(ctx, sent)
	members, taken, err := mb.survey(ctx)
	if err != nil {
		mb.log.Warnf("fleet: listing leases: %v", err)
		return
	}
	share := (mb.f.Partitions + members - 1) / max(members, 1)
	mb.mu.Lock()
	mb.members = members
	var mine []int
	for id, o := range mb.parts {
		if !o.releasing {
			mine = append(mine, id)
		}
	}
	mb.mu.Unlock()
	slices.Sort(mine)
	for len(mine) > share { // give the surplus back, highest first
		id := mine[len(mine)-1]
		mine = mine[:len(mine)-1]
		mb.mu.Lock()
		if o := mb.parts[id]; o != nil {
			o.releasing = true
		}
		mb.mu.Unlock()
	}
	if len(mine) >= share {
		return
	}
	want := share - len(mine)
	start := int(fnv32(mb.cfg.ID) % uint32(mb.f.Partitions))
	for i := 0; i < mb.f.Partitions && want > 0; i++ {
		p := (start + i) % mb.f.Partitions
		if taken[p] {
			continue
		}
		if mb.acquire(ctx, p) {
			want--
		}
	}
}

// renew extends every owned lease; a lease that another member holds now,
// or that could not be renewed before its deadline, is lost.
func (mb *Member) renew(ctx context.Context, sent time.Time) {
	mb.mu.Lock()
	type ren struct {
		id  int
		rev uint64
	}
	var todo []ren
	for id, o := range mb.parts {
		todo = append(todo, ren{id, o.lease})
	}
	mb.mu.Unlock()
	value, _ := json.Marshal(lease{Member: mb.cfg.ID, Since: sent})
	for _, r := range todo {
		rev, err := mb.f.Leases.Update(ctx, leaseKey(r.id), value, r.rev)
		mb.mu.Lock()
		o := mb.parts[r.id]
		switch {
		case o == nil:
		case err == nil:
			o.lease, o.until = rev, sent.Add(mb.f.LeaseTTL-mb.f.LeaseTTL/leaseMargin)
		case errors.Is(err, jetstream.ErrKeyRevisionMismatch), errors.Is(err, jetstream.ErrKeyNotFound):
			mb.loseLocked(o, "its lease moved to another member")
		case time.Now().After(o.until):
			mb.loseLocked(o, "its lease could not be renewed in time: "+err.Error())
		default:
			mb.log.Warnf("fleet: renewing %s: %v", describe(r.id, r.rev), err)
		}
		mb.mu.Unlock()
	}
}

// survey counts the live members and lists the leased partitions.
func (mb *Member) survey(ctx context.Context) (int, map[int]bool, error) {
	lister, err := mb.f.Leases.ListKeys(ctx)
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return 1, map[int]bool{}, nil
		}
		return 0, nil, err
	}
	members, taken := 0, map[int]bool{}
	for key := range lister.Keys() {
		switch {
		case strings.HasPrefix(key, "member."):
			members++
		case strings.HasPrefix(key, "partition."):
			if p, err := strconv.Atoi(strings.TrimPrefix(key, "partition.")); err == nil {
				taken[p] = true
			}
		}
	}
	return max(members, 1), taken, nil
}

// acquire takes partition p if no member holds it: lease, fence the
// checkpoint, restore the state.
func (mb *Member) acquire(ctx context.Context, p int) bool {
	now := time.Now()
	value, _ := json.Marshal(lease{Member: mb.cfg.ID, Since: now})
	rev, err := mb.f.Leases.Create(ctx, leaseKey(p), value)
	if err != nil {
		if !errors.Is(err, jetstream.ErrKeyExists) {
			mb.log.Warnf("fleet: leasing partition %d: %v", p, err)
		}
		return false
	}
	cp, cpRev, snapshot, err := mb.f.fence(ctx, p, rev, mb.cfg.ID)
	if err != nil {
		mb.log.Errorf("fleet: %s: %v; giving the lease back", describe(p, rev), err)
		_ = mb.f.Leases.Delete(ctx, leaseKey(p), jetstream.LastRevision(rev))
		return false
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	o := &owned{id: p, since: rev, lease: rev, until: now.Add(mb.f.LeaseTTL - mb.f.LeaseTTL/leaseMargin), cpRev: cpRev, cp: cp,
		epoch: mb.nextEpoch(), reorder: fleet.NewReorder(cp), checkpoint: time.Now()}
	if err := mb.cor.Install(p, o.epoch, snapshot); err != nil {
		mb.log.Errorf("fleet: %s: %v; its state starts empty", describe(p, rev), err)
	}
	mb.parts[p] = o
	o.layout = mb.relayout()
	call(mb.m.LeaseChange, "acquired")
	mb.log.Infof("fleet: acquired %s: state of %d bytes applied up to position %d, reading from sequence %d",
		describe(p, rev), len(snapshot), cp.Applied, max(cp.Resume, 1))
	return true
}

// loseLocked forgets a partition whose lease is gone. mb.mu is held.
func (mb *Member) loseLocked(o *owned, why string) {
	mb.cor.Drop(o.id, o.epoch)
	delete(mb.parts, o.id)
	mb.relayout()
	call(mb.m.LeaseChange, "lost")
	mb.log.Warnf("fleet: lost %s: %s; results it emitted since its last checkpoint will be emitted again by the new owner, with the same firing_id",
		describe(o.id, o.lease), why)
}

// release checkpoints partition p (if no handover is outstanding) and
// gives its lease back.
func (mb *Member) release(ctx context.Context, p int) {
	mb.mu.Lock()
	o := mb.parts[p]
	if o == nil {
		mb.mu.Unlock()
		return
	}
	clean := !o.inFlight && !o.failed
	mb.mu.Unlock()
	if clean {
		if err := mb.checkpoint(ctx, p, true); err != nil {
			mb.log.Warnf("fleet: final checkpoint of %s: %v; its next owner replays from the previous one", describe(p, o.lease), err)
		}
	}
	mb.mu.Lock()
	if mb.parts[p] != o { // lost meanwhile
		mb.mu.Unlock()
		return
	}
	mb.cor.Drop(p, o.epoch)
	delete(mb.parts, p)
	mb.relayout()
	rev := o.lease
	mb.mu.Unlock()
	if err := mb.f.Leases.Delete(ctx, leaseKey(p), jetstream.LastRevision(rev)); err != nil {
		mb.log.Warnf("fleet: giving back %s: %v (it expires with the TTL)", describe(p, rev), err)
	}
	call(mb.m.LeaseChange, "released")
	mb.log.Infof("fleet: released %s", describe(p, rev))
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
