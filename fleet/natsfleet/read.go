package natsfleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/fleet"
)

// subjectEnds reads, for each owned partition that the new watermark would
// move, the stream sequence of the last batch its subject holds (0: none).
// Every batch of an event at or below the watermark was stored before the
// watermark was read (stage 1 acknowledges an event only after the PubAck
// of its batches), so, read after it, the end bounds them all. It is read
// from the stream's store, never from the reader's pending count: the
// server acknowledges a publish before it counts the message for the
// stream's consumers, so for a moment a no-wait fetch is told "no messages"
// and the consumer's info says nothing is pending while the batch is
// stored (TestMemberReadsThroughAPendingCountThatLags).
func (mb *Member) subjectEnds(ctx context.Context, watermark uint64) (map[int]uint64, bool) {
	mb.mu.Lock()
	var ids []int
	for id, o := range mb.parts {
		if o.watermark < watermark && !o.failed {
			ids = append(ids, id)
		}
	}
	mb.mu.Unlock()
	ends := make(map[int]uint64, len(ids))
	for _, id := range ids {
		last, err := mb.f.Stream.GetLastMsgForSubject(ctx, mb.f.Names.Subject(id))
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
			ends[id] = 0
		case err != nil:
			if ctx.Err() == nil {
				mb.log.Warnf("fleet: reading the end of partition %d: %v", id, err)
			}
			return nil, false
		default:
			ends[id] = last.Sequence
		}
	}
	return ends, true
}

// advance lets each partition whose subject was read through its end
// (subjectEnds, read after watermark) release up to watermark; the
// member's own watermark moves once every owned partition has.
func (mb *Member) advance(watermark uint64, ends map[int]uint64) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	all := true
	for id, o := range mb.parts {
		end, known := ends[id]
		switch {
		case o.watermark >= watermark:
		case known && !o.failed && o.reorder.Next() > end:
			o.watermark = watermark
		default:
			all = false
		}
	}
	if all {
		mb.watermark = max(mb.watermark, watermark)
	}
}

// readWatermark reads the ack floor of the stage-1 consumer group: every
// event at or below it was acknowledged, so its batches are all in the
// contribution stream.
func (mb *Member) readWatermark(ctx context.Context) (uint64, bool) {
	if mb.events == nil {
		c, err := mb.js.Consumer(ctx, mb.cfg.EventsStream, mb.cfg.EventsDurable)
		if err != nil {
			return 0, false // stage 1 has not created it yet
		}
		mb.events = c
	}
	info, err := mb.events.Info(ctx)
	if err != nil {
		if errors.Is(err, jetstream.ErrConsumerNotFound) {
			mb.events = nil // repositioned (replay): bind again
		}
		return 0, false
	}
	return info.AckFloor.Stream, true
}

// read fetches what the owned partitions' subjects hold, at most
// fetchesPerRound fetches, and stops early once every partition in ends
// has been read through its end; it reports whether it took anything.
func (mb *Member) read(ctx context.Context, ends map[int]uint64) (took bool) {
	if err := mb.ensureReader(ctx); err != nil {
		mb.log.Warnf("fleet: reading partitions: %v", err)
		return false
	}
	if mb.reader == nil {
		return false
	}
	for range fetchesPerRound {
		batch, err := mb.reader.FetchNoWait(mb.cfg.MaxBatch * 4)
		if err != nil {
			mb.dropReader(ctx, err)
			return took
		}
		n, err := mb.collect(batch)
		took = took || n > 0
		if err != nil {
			mb.dropReader(ctx, err)
			return took
		}
		if n == 0 {
			if err := mb.checkDelivered(ctx); err != nil {
				mb.dropReader(ctx, err)
			}
			return took
		}
		if ends != nil && mb.readThrough(ends) {
			return took
		}
	}
	return took
}

// readThrough reports whether every partition in ends has been read
// through its end.
func (mb *Member) readThrough(ends map[int]uint64) bool {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	for id, end := range ends {
		if o := mb.parts[id]; o != nil && !o.failed && o.reorder.Next() <= end {
			return false
		}
	}
	return true
}

// checkDelivered asks the server, after a fetch that returned nothing,
// whether the reader has read every batch it delivered. nats.go ends a
// no-wait fetch on its own after a second without a message (as when the
// member was stopped or starved of CPU), and the batches the server
// delivered into it meanwhile are never read: they would never be read
// again and their partitions never read through their ends. A reader that
// was delivered more than it read fails. The reader's pending count is
// kept for the replay-lag gauge only: it is an estimate (see subjectEnds).
func (mb *Member) checkDelivered(ctx context.Context) error {
	info, err := mb.reader.Info(ctx)
	if err != nil {
		return fmt.Errorf("reader info: %w", err)
	}
	if info.Delivered.Consumer != mb.consumed {
		return fmt.Errorf("consumer sequence %d delivered, %d read: batches were skipped", info.Delivered.Consumer, mb.consumed)
	}
	mb.mu.Lock()
	mb.pendingMsg = int(info.NumPending)
	mb.mu.Unlock()
	return nil
}

// fetchesPerRound bounds the reading of one round, so that hand-overs and
// checkpoints keep up while the partitions' subjects are being written.
const fetchesPerRound = 4

// fetchTimeout bounds the wait for a fetch's answer (the server answers a
// no-wait fetch at once; only a lost connection makes it wait).
const fetchTimeout = 10 * time.Second

// collect adds every message of a fetch and returns how many there were.
func (mb *Member) collect(batch jetstream.MessageBatch) (int, error) {
	timer := time.NewTimer(fetchTimeout)
	defer timer.Stop()
	n := 0
	for {
		select {
		case msg, ok := <-batch.Messages():
			if !ok {
				if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
					return n, err
				}
				return n, nil
			}
			if err := mb.add(msg); err != nil {
				return n, err
			}
			n++
		case <-timer.C:
			return n, fmt.Errorf("no answer to a fetch within %v", fetchTimeout)
		}
	}
}

// add hands one read batch to its partition's Reorder.
// A message the reader skipped (its consumer sequence jumps) fails it, so
// that a new reader reads again from what each partition took last.
func (mb *Member) add(msg jetstream.Msg) error {
	md, err := msg.Metadata()
	if err != nil {
		return fmt.Errorf("batch on %s: %w", msg.Subject(), err)
	}
	if md.Sequence.Consumer != mb.consumed+1 {
		return fmt.Errorf("batch %d on %s: consumer sequence %d after %d, batches were skipped",
			md.Sequence.Stream, msg.Subject(), md.Sequence.Consumer, mb.consumed)
	}
	mb.consumed = md.Sequence.Consumer
	p, ok := mb.f.Names.partitionOf(msg.Subject())
	if !ok {
		mb.log.Warnf("fleet: batch on unexpected subject %s ignored", msg.Subject())
		return nil
	}
	frames, err := fleet.Frames(msg.Data())
	mb.mu.Lock()
	defer mb.mu.Unlock()
	mb.pendingMsg = int(md.NumPending)
	// A reader made before this ownership began (the partition was given
	// back and taken again, or rewound) may already be past the
	// ownership's resume point: only a reader made for it feeds it.
	o := mb.parts[p]
	if o == nil || o.failed || o.layout > mb.readerLayout {
		return nil
	}
	if err != nil {
		mb.log.Errorf("fleet: message %d on %s is not a contribution message, skipped: %v", md.Sequence.Stream, msg.Subject(), err)
		o.reorder.Skip(md.Sequence.Stream)
		return nil
	}
	for _, f := range frames {
		o.reorder.Add(fleet.Entry{Sequence: md.Sequence.Stream, Position: f.Position, Data: f.Data})
	}
	return nil
}

// ensureReader (re)creates the reader when the owned partitions changed
// (mb.layout moved on): an ephemeral consumer without acks on their
// subjects, starting at the earliest sequence one of them still needs.
func (mb *Member) ensureReader(ctx context.Context) error {
	mb.mu.Lock()
	layout := mb.layout
	var subjects []string
	start := uint64(0)
	for id, o := range mb.parts {
		if o.failed {
			continue
		}
		subjects = append(subjects, mb.f.Names.Subject(id))
		if next := o.reorder.Next(); start == 0 || next < start {
			start = next
		}
	}
	current := layout == mb.readerLayout && (mb.reader != nil || len(subjects) == 0)
	mb.mu.Unlock()
	if current {
		return nil
	}
	if mb.reader != nil {
		_ = mb.f.Stream.DeleteConsumer(ctx, mb.reader.CachedInfo().Name)
		mb.reader = nil
	}
	if len(subjects) == 0 {
		mb.readerLayout = layout
		return nil
	}
	slices.Sort(subjects)
	c, err := mb.f.Stream.CreateConsumer(ctx, jetstream.ConsumerConfig{
		Description:       "rsigma-connect fleet member " + mb.cfg.ID,
		FilterSubjects:    subjects,
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       max(start, 1),
		AckPolicy:         jetstream.AckNonePolicy,
		InactiveThreshold: max(mb.f.LeaseTTL, 30*time.Second),
		MemoryStorage:     true,
	})
	if err != nil {
		return err
	}
	mb.reader, mb.readerLayout, mb.consumed = c, layout, 0
	return nil
}

// relayout makes the next round read again from the earliest sequence an
// owned partition needs, and returns the layout that will cover them all.
// mb.mu is held.
func (mb *Member) relayout() uint64 {
	mb.layout++
	return mb.layout
}

func (mb *Member) dropReader(ctx context.Context, err error) {
	if ctx.Err() == nil {
		mb.log.Warnf("fleet: partition reader: %v; reading again", err)
	}
	mb.reader = nil
}
