package nats

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
	"github.com/rsigma-connect/rsigma-connect/processor"
)

// seedStream creates rsigma-events and publishes ten events one by one,
// returning the publish time of each stream sequence (index 1..10).
func seedStream(t *testing.T, s *server.Server) (jetstream.JetStream, []time.Time) {
	t.Helper()
	_, js := testJS(t, s)
	st, err := EnsureStream(testCtx(t), js, "rsigma-events", "events.>")
	if err != nil {
		t.Fatal(err)
	}
	times := make([]time.Time, 11)
	for i := 1; i <= 10; i++ {
		publish(t, js, "events.x", fmt.Sprintf(`{"i":%d}`, i))
		raw, err := st.GetMsg(testCtx(t), uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		times[i] = raw.Time
		for !time.Now().After(raw.Time) { // the next message is stamped later (same clock)
			runtime.Gosched()
		}
	}
	return js, times
}

// firstSequences runs a stream until it received n messages, stops it and
// returns their stream sequences in arrival order.
func firstSequences(t *testing.T, url string, n int, extra ...string) []int64 {
	t.Helper()
	c := &collector{}
	stop := runStream(t, inputYAML(url, "events.>", extra...), "", c)
	poll.Wait(t, 10*time.Second, fmt.Sprintf("%d messages", n), func() bool { return len(c.snapshot()) >= n })
	stop()
	var seqs []int64
	for _, r := range c.snapshot() {
		seqs = append(seqs, r.seq)
	}
	return seqs
}

func TestReplayStartsWhereAsked(t *testing.T) {
	tests := []struct {
		name  string
		extra func(times []time.Time) string
		want  []int64
	}{
		{"no_flag_starts_a_new_durable_at_the_beginning", func([]time.Time) string { return "durable: d0" }, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"from_sequence", func([]time.Time) string { return "replay_from_sequence: 7" }, []int64{7, 8, 9, 10}},
		{"from_time", func(ts []time.Time) string {
			return "replay_from_time: " + ts[6].UTC().Format(time.RFC3339Nano)
		}, []int64{6, 7, 8, 9, 10}},
		{"from_latest", func([]time.Time) string { return "replay_from_latest: true" }, []int64{10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := natstest.Start(t, nil)
			_, times := seedStream(t, s)
			got := firstSequences(t, natstest.URL(s), len(tc.want), tc.extra(times))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("sequences %v, want %v", got, tc.want)
			}
		})
	}
}

// After replay from latest, new messages follow the last one.
func TestReplayFromLatestThenNewMessages(t *testing.T) {
	s := natstest.Start(t, nil)
	js, _ := seedStream(t, s)
	c := &collector{}
	runStream(t, inputYAML(natstest.URL(s), "events.>", "replay_from_latest: true"), "", c)
	poll.Wait(t, 10*time.Second, "the latest message", func() bool { return len(c.snapshot()) == 1 })
	publish(t, js, "events.y", `{"new":true}`)
	poll.Wait(t, 10*time.Second, "the new message", func() bool { return len(c.snapshot()) == 2 })
	if got := c.snapshot(); got[0].seq != 10 || got[1].seq != 11 {
		t.Fatalf("got %+v, want sequences 10 then 11", got)
	}
}

// An existing durable resumes from its ack floor without replay flags; a
// replay flag with a different start repositions it; the same flag again
// resumes (spec/nats-and-tls.md §1.5 decision).
func TestExistingDurableResumesOrIsRepositioned(t *testing.T) {
	s := natstest.Start(t, nil)
	js, _ := seedStream(t, s)
	url := natstest.URL(s)
	waitAcked := func(floor uint64) {
		poll.Wait(t, 10*time.Second, fmt.Sprintf("ack floor %d", floor), func() bool {
			return consumerState(t, js, "rsigma-events", "rsigma-daemon-events").AckFloor.Stream == floor
		})
	}
	if got := firstSequences(t, url, 10); got[0] != 1 {
		t.Fatalf("first run starts at %d", got[0])
	}
	waitAcked(10)

	publish(t, js, "events.x", `{"i":11}`)
	if got := firstSequences(t, url, 1); fmt.Sprint(got) != "[11]" {
		t.Fatalf("resume delivered %v, want [11]", got)
	}
	waitAcked(11)

	if got := firstSequences(t, url, 9, "replay_from_sequence: 3"); fmt.Sprint(got) != "[3 4 5 6 7 8 9 10 11]" {
		t.Fatalf("reposition delivered %v", got)
	}
	waitAcked(11)

	publish(t, js, "events.x", `{"i":12}`)
	if got := firstSequences(t, url, 1, "replay_from_sequence: 3"); fmt.Sprint(got) != "[12]" {
		t.Fatalf("same replay flag again delivered %v, want [12] (resume)", got)
	}
}

// The input stamps each message with its stream position and, once acked,
// raises the shared high-water mark.
func TestInputMetadataAndAckedPosition(t *testing.T) {
	s := natstest.Start(t, nil)
	_, times := seedStream(t, s)
	res := serviceResources()
	in := newInput(InputConfig{Server: natstest.URL(s), Subject: "events.>", BatchSize: 4}, res)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := in.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer in.Close(ctx)
	batch, ack, err := in.ReadBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(batch) == 0 || len(batch) > 4 {
		t.Fatalf("batch of %d, want 1..4", len(batch))
	}
	pos := processor.SharedPosition(res)
	if _, _, ok := pos.Load(); ok {
		t.Fatal("position set before the ack")
	}
	last := batch[len(batch)-1]
	seq, _ := last.MetaGetMut(MetaSequence)
	ts, _ := last.MetaGetMut(MetaTimestampUnix)
	subj, _ := last.MetaGet(MetaSubject)
	n := int64(len(batch))
	if seq != n || ts != times[n].Unix() || subj != "events.x" {
		t.Fatalf("metadata seq=%v ts=%v subject=%v, want %d %d events.x", seq, ts, subj, n, times[n].Unix())
	}
	if err := ack(ctx, nil); err != nil {
		t.Fatal(err)
	}
	gotSeq, gotUnix, ok := pos.Load()
	if !ok || int64(gotSeq) != n || gotUnix != times[n].Unix() {
		t.Fatalf("position %d %d %v, want %d %d", gotSeq, gotUnix, ok, n, times[n].Unix())
	}
}

// When another member of the group repositions the shared durable (delete
// and recreate), a running input binds the new durable and keeps reading.
func TestGroupMemberSurvivesRepositioning(t *testing.T) {
	s := natstest.Start(t, nil)
	js, _ := seedStream(t, s)
	// A short ack_wait, kept through the repositioning: a message pulled by
	// a subscription that the deletion cut off comes back within a second.
	st, err := js.Stream(testCtx(t), "rsigma-events")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateConsumer(testCtx(t), jetstream.ConsumerConfig{Durable: "g", FilterSubject: "events.>",
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: time.Second}); err != nil {
		t.Fatal(err)
	}
	a := &collector{}
	runStream(t, inputYAML(natstest.URL(s), "events.>", "consumer_group: g"), "", a)
	poll.Wait(t, 10*time.Second, "first member reads the seed", func() bool { return len(a.snapshot()) == 10 })

	b := &collector{}
	stopB := runStream(t, inputYAML(natstest.URL(s), "events.>", "consumer_group: g", "replay_from_sequence: 9"), "", b)
	poll.Wait(t, 10*time.Second, "replay through the group", func() bool { return len(a.snapshot())+len(b.snapshot()) >= 12 })
	stopB()
	if info := consumerState(t, js, "rsigma-events", "g"); info.Config.AckWait != time.Second || info.Config.OptStartSeq != 9 {
		t.Fatalf("repositioned durable: ack_wait %v, start %d; want 1s kept and start 9", info.Config.AckWait, info.Config.OptStartSeq)
	}

	publish(t, js, "events.x", events(20)...)
	poll.Wait(t, 20*time.Second, "first member reads new events after the repositioning", func() bool {
		n := 0
		for _, r := range a.snapshot() {
			if r.seq > 10 {
				n++
			}
		}
		return n == 20
	})
}
