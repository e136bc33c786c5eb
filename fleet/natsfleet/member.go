package natsfleet

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// HeaderMsgID carries a contribution message's fleet.Message ID, by which
// JetStream drops a second copy within the stream's duplicate window.
const HeaderMsgID = "Nats-Msg-Id"

// Logger is what a Member reports to.
type Logger interface {
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
	Errorf(format string, args ...any)
}

// Metrics are the member's instruments; nil funcs are skipped.
type Metrics struct {
	Owned           func(n int)           // rsigma_fleet_partitions_owned
	LeaseChange     func(change string)   // rsigma_fleet_lease_changes_total{change}
	CheckpointAge   func(seconds float64) // rsigma_fleet_checkpoint_age_seconds: the oldest owned partition's
	ReplayLag       func(batches int)     // rsigma_fleet_replay_lag_batches: not read yet from owned partitions
	Waiting         func(batches int)     // rsigma_fleet_watermark_waiting_batches: read, held back by the watermark
	CheckpointBytes func(bytes int)       // rsigma_fleet_checkpoint_bytes: the last checkpoint's state size
	Watermark       func(position uint64) // rsigma_fleet_watermark_position
}

// MemberConfig configures one member.
type MemberConfig struct {
	ID string // unique in the fleet
	// Events names the durable consumer whose ack floor is the watermark:
	// the stage-1 consumer group on the event stream.
	EventsStream, EventsDurable string
	CheckpointInterval          time.Duration
	PollInterval                time.Duration
	MaxBatch                    int // batches handed over at once for one partition
}

// Handover is one partition's batches, in source order, for the
// correlation stage. Done must be called once when they were applied and
// their results delivered (err nil) or not (err set: the partition goes
// back to its last checkpoint and replays, so nothing is lost).
type Handover struct {
	Partition int
	Epoch     uint64 // the Correlator epoch of this ownership
	Entries   []fleet.Entry
	Done      func(err error)
}

// Member is one fleet member's stage 2: it holds leases on its fair share
// of the partitions, restores and checkpoints their state in the
// Correlator, reads their batches and hands them over in source order.
type Member struct {
	f   *Fleet
	cfg MemberConfig
	js  jetstream.JetStream
	cor *fleet.Correlator
	log Logger
	m   Metrics

	ready chan Handover
	wake  chan struct{}

	mu      sync.Mutex
	parts   map[int]*owned
	epochs  uint64
	objects uint64
	members int
	reader  jetstream.Consumer // read by Run's loop only
	// consumed is the reader's last consumer sequence.
	consumed uint64
	// layout changes whenever the reader must start again; readerLayout
	// is the layout the reader was made for.
	layout, readerLayout uint64
	events               jetstream.Consumer
	watermark            uint64
	pendingMsg           int
	stopped              bool
}

// owned is one partition this member holds.
type owned struct {
	id         int
	since      uint64    // revision of our lease key when acquired: the fencing epoch
	lease      uint64    // revision of our lease key
	until      time.Time // local deadline of the lease
	cpRev      uint64    // revision of the checkpoint key we wrote last
	cp         fleet.Checkpoint
	epoch      uint64 // Correlator epoch
	reorder    *fleet.Reorder
	layout     uint64 // the reader layout that first covers it
	watermark  uint64 // what may be released: a watermark after which its subject was read through its end (subjectEnds)
	inFlight   bool
	failed     bool // a handover was not delivered: rewind to the checkpoint
	releasing  bool
	dirty      bool // applied something since the last checkpoint
	checkpoint time.Time
}

// NewMember returns a member of f applying to cor; Run starts it.
func NewMember(f *Fleet, js jetstream.JetStream, cor *fleet.Correlator, cfg MemberConfig, log Logger, m Metrics) *Member {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 256
	}
	return &Member{f: f, cfg: cfg, js: js, cor: cor, log: log, m: m,
		ready: make(chan Handover, f.Partitions+1), wake: make(chan struct{}, 1), parts: map[int]*owned{}}
}

// Ready is where handovers arrive; at most one per partition is
// outstanding.
func (mb *Member) Ready() <-chan Handover { return mb.ready }

// Run leases, reads and checkpoints until ctx ends; Stop then releases
// what it holds. Leases are renewed on their own goroutine, so that a
// long round of reading never lets them expire.
func (mb *Member) Run(ctx context.Context) {
	leasing := make(chan struct{})
	go func() {
		defer close(leasing)
		tick := time.NewTicker(max(mb.f.LeaseTTL/4, 10*time.Millisecond))
		defer tick.Stop()
		for {
			mb.tickLeases(ctx)
			mb.signal()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	for ctx.Err() == nil {
		if mb.round(ctx) {
			continue
		}
		select {
		case <-ctx.Done():
		case <-mb.wake:
		case <-time.After(mb.cfg.PollInterval):
		}
	}
	<-leasing
}

// signal wakes Run's loop.
func (mb *Member) signal() {
	select {
	case mb.wake <- struct{}{}:
	default:
	}
}

// Stop releases every partition after ctx (Run's) ended: a partition
// whose handovers are all done is checkpointed first. It waits up to
// timeout for outstanding handovers.
func (mb *Member) Stop(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		mb.mu.Lock()
		busy := false
		for _, o := range mb.parts {
			busy = busy || o.inFlight
		}
		mb.mu.Unlock()
		if !busy {
			break
		}
		select {
		case <-ctx.Done():
		case <-mb.wake:
			continue
		case <-time.After(10 * time.Millisecond):
			continue
		}
		break
	}
	mb.mu.Lock()
	ids := make([]int, 0, len(mb.parts))
	for id := range mb.parts {
		ids = append(ids, id)
	}
	mb.stopped = true
	mb.mu.Unlock()
	for _, id := range ids {
		mb.release(ctx, id)
	}
	_ = mb.f.Leases.Delete(ctx, memberKey(mb.cfg.ID))
	if mb.reader != nil {
		_ = mb.f.Stream.DeleteConsumer(ctx, mb.reader.CachedInfo().Name)
	}
}

// done is a handover's Done.
func (mb *Member) done(p int, epoch uint64, err error) {
	mb.mu.Lock()
	if o := mb.parts[p]; o != nil && o.epoch == epoch {
		o.inFlight = false
		if err != nil {
			o.failed = true
		} else {
			o.dirty = true
		}
	}
	mb.mu.Unlock()
	mb.signal()
}

// Partition is the status of one partition a member holds.
type Partition struct {
	Partition int    `json:"partition"`
	Lease     uint64 `json:"lease"`
	Applied   uint64 `json:"applied"`
	// Watermark is what the partition may release: a watermark after
	// which the partition's subject was read through the end the stream
	// reported for it; 0 after a takeover until then (a partition just
	// taken over is not caught up even when the member's own watermark is).
	Watermark uint64 `json:"watermark"`
	Waiting   int    `json:"waiting"`
	InFlight  bool   `json:"in_flight"`
	// CheckpointAge is the time since the partition's state was last
	// known to be saved, in seconds.
	CheckpointAge float64 `json:"checkpoint_age_seconds"`
}

// Status is what /api/v1/status shows of a member.
type Status struct {
	Member     string `json:"member"`
	Members    int    `json:"members"`
	Partitions int    `json:"partitions_total"`
	Watermark  uint64 `json:"watermark"`
	// ReplayLag is the number of batches in the owned partitions' subjects
	// not read yet.
	ReplayLag int         `json:"replay_lag"`
	Owned     []Partition `json:"partitions"`
}

// Status reports the member's partitions.
func (mb *Member) Status() Status {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	s := Status{Member: mb.cfg.ID, Members: mb.members, Partitions: mb.f.Partitions, Watermark: mb.watermark,
		ReplayLag: mb.pendingMsg, Owned: []Partition{}}
	for _, o := range mb.parts {
		s.Owned = append(s.Owned, Partition{Partition: o.id, Lease: o.lease, Applied: o.reorder.Applied(),
			Watermark: o.watermark, Waiting: o.reorder.Waiting(), InFlight: o.inFlight, CheckpointAge: time.Since(o.checkpoint).Seconds()})
	}
	slices.SortFunc(s.Owned, func(a, b Partition) int { return a.Partition - b.Partition })
	return s
}

// round reads what arrived, checkpoints what is due and hands over what
// the watermark releases; it reports whether it did anything.
func (mb *Member) round(ctx context.Context) bool {
	worked := mb.rewindFailed(ctx)
	watermark, ok := mb.readWatermark(ctx)
	var ends map[int]uint64
	if ok {
		ends, ok = mb.subjectEnds(ctx, watermark)
	}
	took := mb.read(ctx, ends)
	if ok {
		mb.advance(watermark, ends)
	}
	worked = worked || took
	mb.checkpointDue(ctx)
	if mb.handOver() {
		worked = true
	}
	mb.observe()
	return worked
}

// handOver releases, for each partition without an outstanding handover,
// what the watermark allows.
func (mb *Member) handOver() bool {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	worked := false
	for id, o := range mb.parts {
		if o.inFlight || o.failed || o.releasing || mb.stopped || time.Now().After(o.until) {
			continue // a lease past its deadline may be another member's already
		}
		entries := o.reorder.Release(o.watermark, mb.cfg.MaxBatch)
		if len(entries) == 0 {
			continue
		}
		o.inFlight, worked = true, true
		epoch := o.epoch
		mb.ready <- Handover{Partition: id, Epoch: epoch, Entries: entries,
			Done: func(err error) { mb.done(id, epoch, err) }}
	}
	return worked
}

// observe updates the gauges.
func (mb *Member) observe() {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	oldest, waiting := 0.0, 0
	for _, o := range mb.parts {
		oldest = max(oldest, time.Since(o.checkpoint).Seconds())
		waiting += o.reorder.Waiting()
	}
	call(mb.m.Owned, len(mb.parts))
	call(mb.m.CheckpointAge, oldest)
	call(mb.m.Waiting, waiting)
	call(mb.m.ReplayLag, mb.pendingMsg)
	call(mb.m.Watermark, mb.watermark)
}

func call[T any](fn func(T), v T) {
	if fn != nil {
		fn(v)
	}
}

// nextEpoch numbers a new ownership (or rewind) of a partition.
func (mb *Member) nextEpoch() uint64 {
	mb.epochs++
	return mb.epochs
}

// describe names a partition in logs.
func describe(p int, lease uint64) string { return fmt.Sprintf("partition %d (lease %d)", p, lease) }
