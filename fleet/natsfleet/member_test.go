package natsfleet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/internal/fleettest"
	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
)

// jetStream starts an embedded JetStream server on a random loopback port.
func jetStream(t *testing.T) jetstream.JetStream {
	t.Helper()
	s := natstest.Start(t, nil)
	nc, err := natsgo.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

type testLog struct{ t *testing.T }

func (l testLog) Infof(f string, a ...any)  { l.t.Logf("INFO "+f, a...) }
func (l testLog) Warnf(f string, a ...any)  { l.t.Logf("WARN "+f, a...) }
func (l testLog) Errorf(f string, a ...any) { l.t.Logf("ERROR "+f, a...) }

// A member whose lease expired cannot overwrite the checkpoint of the
// member that took the partition over: the new owner fences it at
// acquisition, and the old owner's next write fails with ErrFenced.
func TestCheckpointFencing(t *testing.T) {
	js, ctx := jetStream(t), testContext(t)
	f, err := Ensure(ctx, js, "fence", 4, time.Second, StreamSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Ensure(ctx, js, "fence", 5, time.Second, StreamSettings{}); !errors.Is(err, ErrPartitionCount) {
		t.Fatalf("another partition count: %v, want ErrPartitionCount", err)
	}

	leaseA, err := f.Leases.Create(ctx, leaseKey(2), []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	_, revA, _, err := f.fence(ctx, 2, leaseA, "a")
	if err != nil {
		t.Fatal(err)
	}
	cpA := fleet.Checkpoint{Partition: 2, Epoch: leaseA, Member: "a", Applied: 40, Resume: 17, Object: objectName(2, leaseA, 1)}
	if revA, err = f.save(ctx, cpA, revA, []byte(`{"state":"a"}`)); err != nil {
		t.Fatal(err)
	}

	// a stops renewing: the lease expires with the bucket's TTL.
	fleettest.Eventually(t, 10*time.Second, "the lease expires", func() bool {
		_, err := f.Leases.Get(ctx, leaseKey(2))
		return errors.Is(err, jetstream.ErrKeyNotFound)
	})
	leaseB, err := f.Leases.Create(ctx, leaseKey(2), []byte("b"))
	if err != nil {
		t.Fatalf("b takes the expired lease: %v", err)
	}
	cp, _, snapshot, err := f.fence(ctx, 2, leaseB, "b")
	if err != nil {
		t.Fatal(err)
	}
	if cp.Applied != 40 || cp.Resume != 17 || string(snapshot) != `{"state":"a"}` {
		t.Fatalf("b restores %+v %s, want a's checkpoint", cp, snapshot)
	}

	late := fleet.Checkpoint{Partition: 2, Epoch: leaseA, Member: "a", Applied: 55, Resume: 30, Object: objectName(2, leaseA, 2)}
	if _, err := f.save(ctx, late, revA, []byte(`{"state":"late"}`)); !errors.Is(err, ErrFenced) {
		t.Fatalf("a's late checkpoint: %v, want ErrFenced", err)
	}
	if _, err := f.State.GetInfo(ctx, late.Object); !errors.Is(err, jetstream.ErrObjectNotFound) {
		t.Fatalf("a's late state object is left behind: %v", err)
	}
	e, err := f.Checkpoints.Get(ctx, checkpointKey(2))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := fleet.DecodeCheckpoint(e.Value()); got.Member != "b" || got.Applied != 40 {
		t.Fatalf("checkpoint after a's late write: %+v", got)
	}
}

// A member releases a partition's batches only up to a watermark that a
// complete read of the partition's subject followed: published in
// reverse position order and more than one round can read, they must
// still come out once each, in position order.
func TestMemberReleasesOnlyWhatItReadCompletely(t *testing.T) {
	js, ctx := jetStream(t), testContext(t)
	const batches = 3000
	events, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "events", Subjects: []string{"events.>"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Ensure(ctx, js, "order", 1, 5*time.Second, StreamSettings{})
	if err != nil {
		t.Fatal(err)
	}
	// The events are all acknowledged: the watermark is their last one.
	for i := range batches {
		if _, err := js.Publish(ctx, "events.x", []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	group, err := events.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: "order", AckPolicy: jetstream.AckAllPolicy})
	if err != nil {
		t.Fatal(err)
	}
	for acked := 0; acked < batches; { // at most MaxAckPending (1000) at a time
		fetched, err := group.Fetch(1000, jetstream.FetchMaxWait(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var last jetstream.Msg
		for m := range fetched.Messages() {
			last = m
			acked++
		}
		if last == nil {
			t.Fatalf("%d events delivered, want %d", acked, batches)
		}
		if err := last.DoubleAck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for pos := batches; pos >= 1; pos -= 3 { // three events' batches a message
		var m fleet.Message
		for p := pos; p > max(pos-3, 0); p-- {
			m.Add(&fleet.Batch{Partition: 0, Position: uint64(p)})
		}
		if _, err := js.Publish(ctx, f.Names.Subject(0), m.Bytes()); err != nil {
			t.Fatal(err)
		}
	}

	m := NewMember(f, js, fleet.NewCorrelator(), MemberConfig{ID: "m", EventsStream: "events", EventsDurable: "order",
		CheckpointInterval: time.Hour, PollInterval: 10 * time.Millisecond, MaxBatch: 16}, testLog{t}, Metrics{})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); m.Run(runCtx) }()
	defer func() { stop(); <-done; m.Stop(5 * time.Second) }()

	next := uint64(1)
	for next <= batches {
		select {
		case h := <-m.Ready():
			for _, e := range h.Entries {
				if e.Position != next {
					t.Fatalf("position %d handed over after %d", e.Position, next-1)
				}
				next++
			}
			h.Done(nil)
		case <-time.After(30 * time.Second):
			t.Fatalf("only positions up to %d were handed over", next-1)
		}
	}
}

// onePartition is a fleet of one partition whose watermark is the ack
// floor of a real consumer group, and a member of it that tests drive
// round by round.
type onePartition struct {
	t      *testing.T
	ctx    context.Context
	js     jetstream.JetStream
	f      *Fleet
	group  jetstream.Consumer
	m      *Member
	acked  int
	handed []uint64 // positions handed over, in order
}

func newOnePartition(t *testing.T, name string) *onePartition {
	js, ctx := jetStream(t), testContext(t)
	events, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "events", Subjects: []string{"events.>"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Ensure(ctx, js, name, 1, 5*time.Second, StreamSettings{})
	if err != nil {
		t.Fatal(err)
	}
	group, err := events.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: name, AckPolicy: jetstream.AckAllPolicy})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMember(f, js, fleet.NewCorrelator(), MemberConfig{ID: "m", EventsStream: "events", EventsDurable: name,
		CheckpointInterval: time.Hour, PollInterval: 10 * time.Millisecond, MaxBatch: 256}, testLog{t}, Metrics{})
	o := &onePartition{t: t, ctx: ctx, js: js, f: f, group: group, m: m}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("handed over %v", o.handed)
		}
	})
	return o
}

// ackEvents publishes events up to n and acknowledges them all: the
// watermark becomes n.
func (o *onePartition) ackEvents(n int) {
	more := n - o.acked
	for ; o.acked < n; o.acked++ {
		if _, err := o.js.Publish(o.ctx, "events.x", []byte("e")); err != nil {
			o.t.Fatal(err)
		}
	}
	fetched, err := o.group.Fetch(more, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		o.t.Fatal(err)
	}
	var last jetstream.Msg
	for m := range fetched.Messages() {
		last = m
	}
	if last != nil {
		if err := last.DoubleAck(o.ctx); err != nil {
			o.t.Fatal(err)
		}
	}
}

// publish stores the batches of positions from to to, one a message.
func (o *onePartition) publish(from, to int) {
	for pos := from; pos <= to; pos++ {
		var m fleet.Message
		m.Add(&fleet.Batch{Partition: 0, Position: uint64(pos)})
		if _, err := o.js.Publish(o.ctx, o.f.Names.Subject(0), m.Bytes()); err != nil {
			o.t.Fatal(err)
		}
	}
}

// drain takes the handovers ready now and reports them delivered.
func (o *onePartition) drain() {
	for {
		select {
		case h := <-o.m.Ready():
			for _, e := range h.Entries {
				o.handed = append(o.handed, e.Position)
			}
			h.Done(nil)
		default:
			return
		}
	}
}

// handsOverInOrder runs rounds until positions 1 to n were handed over
// and checks that they came once each, in order.
func (o *onePartition) handsOverInOrder(n int) {
	o.t.Helper()
	fleettest.Eventually(o.t, 10*time.Second, fmt.Sprintf("positions up to %d handed over", n), func() bool {
		o.m.round(o.ctx)
		o.drain()
		return len(o.handed) >= n
	})
	for i, pos := range o.handed {
		if pos != uint64(i+1) {
			o.t.Fatalf("handed over %v, want positions 1 to %d in order", o.handed, n)
		}
	}
}

// A partition given back and taken again by the same member is fed only by
// a reader made for the new ownership: the reader of the old one may be
// past the new ownership's resume point, and the batches between would
// never be read again.
func TestMemberRetakenPartitionReadsFromItsCheckpoint(t *testing.T) {
	o := newOnePartition(t, "retake")
	m, ctx := o.m, o.ctx
	m.tickLeases(ctx)
	o.publish(1, 10)
	o.ackEvents(10)
	m.round(ctx)
	o.drain()
	o.publish(11, 15)
	m.round(ctx) // reads 11-15; the watermark (10) holds them back
	o.publish(16, 20)
	m.release(ctx, 0) // checkpoint: applied 10, resume at the batch of position 11
	if !m.acquire(ctx, 0) {
		t.Fatal("the partition could not be taken again")
	}
	n, err := m.collect(mustFetch(t, m.reader)) // the old reader delivers 16-20
	if err != nil || n != 5 {
		t.Fatalf("old reader: %d batches, %v", n, err)
	}
	o.ackEvents(20)
	o.handsOverInOrder(20)
}

func mustFetch(t *testing.T, c jetstream.Consumer) jetstream.MessageBatch {
	t.Helper()
	b, err := c.FetchNoWait(100)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A fetch may end without the member reading what the server delivered
// into it: nats.go gives a no-wait fetch up after 1 s without a message
// (the member was stopped, or starved of CPU), so the messages delivered
// meanwhile are never read. A fetch that returned nothing is then no
// proof that the member read its partitions to their end: releasing by
// the watermark there would apply a later position first, and the
// skipped batch, read again, would be dropped as applied already.
func TestMemberReleasesNothingPastAFetchItNeverRead(t *testing.T) {
	o := newOnePartition(t, "unread")
	m, ctx := o.m, o.ctx
	m.tickLeases(ctx)
	o.publish(2, 2) // stage 1 stored event 2's batch first
	fleettest.Eventually(t, 10*time.Second, "position 2 read and held back", func() bool {
		m.round(ctx) // the ack floor is 0: nothing is released
		got := m.Status().Owned
		return len(got) == 1 && got[0].Waiting == 1 && m.reader != nil
	})
	o.publish(1, 1)
	// The server delivers event 1's batch into a fetch the member gives up
	// on before reading it.
	fleettest.Eventually(t, 10*time.Second, "the reader delivered event 1's batch elsewhere", func() bool {
		for range mustFetch(t, m.reader).Messages() {
		}
		info, err := m.reader.Info(ctx)
		return err == nil && info.Delivered.Consumer == m.consumed+1
	})
	o.ackEvents(2)
	m.round(ctx)
	o.publish(3, 3)
	o.ackEvents(3)
	o.handsOverInOrder(3)
}

// A consumer's pending count is the server's estimate: nats-server
// acknowledges a publish before it counts the message for the stream's
// consumers (stream.go: the PubAck goes out, then the message is queued
// for the goroutine that signals them). Until then a no-wait fetch is
// answered "no messages" and the consumer's info says nothing is pending,
// although the message is stored. Stage 1 acknowledges an event only after
// that PubAck, so the ack floor can pass an event whose batch the owner's
// reader is told is not there: a read that trusted the count would release
// a later position first and drop the batch, read in the next round, as
// applied already. lagStream answers as the server does in that window.
func TestMemberReadsThroughAPendingCountThatLags(t *testing.T) {
	o := newOnePartition(t, "lag")
	m, ctx := o.m, o.ctx
	lag := &lagStream{Stream: o.f.Stream}
	o.f.Stream = lag
	m.tickLeases(ctx)
	o.publish(2, 2) // stage 1 stored event 2's batch first
	fleettest.Eventually(t, 10*time.Second, "position 2 read and held back", func() bool {
		m.round(ctx) // the ack floor is 0: nothing is released
		got := m.Status().Owned
		return len(got) == 1 && got[0].Waiting == 1
	})
	o.publish(1, 1)
	lag.hidden.Store(true) // the server has not counted event 1's batch yet
	o.ackEvents(2)
	m.round(ctx)
	o.drain()
	if len(o.handed) > 0 {
		t.Fatalf("handed over %v while the batch of position 1 was stored and not read", o.handed)
	}
	lag.hidden.Store(false)
	o.publish(3, 3)
	o.ackEvents(3)
	o.handsOverInOrder(3)
}

// A message on a partition's subject that is no contribution batch is
// logged and skipped; the partition is still read through its end, which
// that message may be, and releases what came before it.
func TestMemberReadsPastAMessageThatIsNoBatch(t *testing.T) {
	o := newOnePartition(t, "garbage")
	m, ctx := o.m, o.ctx
	m.tickLeases(ctx)
	o.publish(1, 1)
	if _, err := o.js.Publish(ctx, o.f.Names.Subject(0), []byte("not a batch")); err != nil {
		t.Fatal(err)
	}
	o.ackEvents(1)
	o.handsOverInOrder(1)
}

// lagStream is the contribution stream whose consumers, while hidden is
// set, answer as the server does before it counted newly stored messages
// for them: a no-wait fetch gets nothing (the server's "404 No Messages")
// and the consumer's info reports nothing pending.
type lagStream struct {
	jetstream.Stream
	hidden atomic.Bool
}

func (s *lagStream) CreateConsumer(ctx context.Context, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error) {
	c, err := s.Stream.CreateConsumer(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &lagConsumer{Consumer: c, s: s}, nil
}

type lagConsumer struct {
	jetstream.Consumer
	s *lagStream
}

func (c *lagConsumer) FetchNoWait(batch int) (jetstream.MessageBatch, error) {
	if c.s.hidden.Load() {
		return noMessages{}, nil
	}
	return c.Consumer.FetchNoWait(batch)
}

func (c *lagConsumer) Info(ctx context.Context) (*jetstream.ConsumerInfo, error) {
	info, err := c.Consumer.Info(ctx)
	if err == nil && c.s.hidden.Load() {
		info.NumPending = 0
	}
	return info, err
}

// noMessages is a fetch the server answered with "no messages".
type noMessages struct{}

func (noMessages) Messages() <-chan jetstream.Msg {
	ch := make(chan jetstream.Msg)
	close(ch)
	return ch
}

func (noMessages) Error() error { return nil }
