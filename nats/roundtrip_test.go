package nats

import (
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// A Benthos stream sigma_nats_jetstream → sigma_nats_jetstream moves every event from
// events.> to the detections subject and acks every input message.
func TestRoundTripThroughBenthosStream(t *testing.T) {
	s := natstest.Start(t, nil)
	_, js := testJS(t, s)
	runStream(t, inputYAML(natstest.URL(s), "events.>"),
		"sigma_nats_jetstream:\n  url: "+natstest.URL(s)+"\n  subject: detections\n", nil)

	// The input creates its stream at connect; wait for it before publishing.
	poll.Wait(t, 10*time.Second, "input stream", func() bool {
		_, err := js.Stream(testCtx(t), "rsigma-events")
		return err == nil
	})
	want := events(200)
	publish(t, js, "events.win", want[:100]...)
	publish(t, js, "events.linux", want[100:]...)

	cons, err := js.CreateOrUpdateConsumer(testCtx(t), "rsigma-detections", jetstream.ConsumerConfig{Durable: "check", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatalf("output stream rsigma-detections: %v", err)
	}
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for len(got) < len(want) && time.Now().Before(deadline) {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			got = append(got, string(m.Data()))
			_ = m.Ack()
		}
	}
	sort.Strings(got)
	sorted := append([]string(nil), want...)
	sort.Strings(sorted)
	if len(got) != len(sorted) {
		t.Fatalf("got %d detections, want %d", len(got), len(sorted))
	}
	for i := range got {
		if got[i] != sorted[i] {
			t.Fatalf("detection %d = %s, want %s", i, got[i], sorted[i])
		}
	}
	poll.Wait(t, 10*time.Second, "all input messages acked", func() bool {
		info := consumerState(t, js, "rsigma-events", "rsigma-daemon-events")
		return info.NumAckPending == 0 && info.NumPending == 0 && info.AckFloor.Stream == 200
	})
}

// Blank messages are acked and skipped: not passed on, not redelivered.
func TestBlankMessagesAreAckedAndSkipped(t *testing.T) {
	s := natstest.Start(t, nil)
	_, js := testJS(t, s)
	if _, err := EnsureStream(testCtx(t), js, "rsigma-in", "in"); err != nil {
		t.Fatal(err)
	}
	publish(t, js, "in", "", "  \n", `{"a":1}`)
	c := &collector{}
	runStream(t, inputYAML(natstest.URL(s), "in"), "", c)
	poll.Wait(t, 10*time.Second, "the one real event", func() bool { return len(c.snapshot()) == 1 })
	poll.Wait(t, 10*time.Second, "every message acked", func() bool {
		info := consumerState(t, js, "rsigma-in", "rsigma-daemon-in")
		return info.NumAckPending == 0 && info.AckFloor.Stream == 3
	})
	if got := c.snapshot()[0].body; got != `{"a":1}` {
		t.Fatalf("got %q", got)
	}
}

// A message the output could not take is not acked: it is redelivered and
// reaches the output on a later attempt (at-least-once).
func TestFailedDeliveryIsRedelivered(t *testing.T) {
	s := natstest.Start(t, nil)
	_, js := testJS(t, s)
	if _, err := EnsureStream(testCtx(t), js, "rsigma-in", "in"); err != nil {
		t.Fatal(err)
	}
	publish(t, js, "in", `{"x":1}`)
	failures := 0
	c := &collector{fail: func(received) error {
		if failures < 1 {
			failures++
			return errors.New("sink down")
		}
		return nil
	}}
	runStream(t, inputYAML(natstest.URL(s), "in", "nak_delay: 10ms"), "", c)
	poll.Wait(t, 15*time.Second, "redelivered event", func() bool { return len(c.snapshot()) == 1 })
	poll.Wait(t, 10*time.Second, "ack after redelivery", func() bool {
		info := consumerState(t, js, "rsigma-in", "rsigma-daemon-in")
		return info.NumAckPending == 0 && info.AckFloor.Stream == 1
	})
}

// An output subject caught by the input's wildcard makes the second stream
// overlap the first, so preparing the output fails.
func TestOutputInsideInputWildcardFails(t *testing.T) {
	s := natstest.Start(t, nil)
	ctx := testCtx(t)
	conn, _, err := PrepareInput(ctx, InputConfig{Server: natstest.URL(s), Subject: "events.>"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	err = CheckOutput(ctx, OutputConfig{Server: natstest.URL(s), Subject: "events.detections"}, nil)
	if err == nil {
		t.Fatal("overlapping output stream was created")
	}
	if err := CheckOutput(ctx, OutputConfig{Server: natstest.URL(s), Subject: "detections"}, nil); err != nil {
		t.Fatalf("separate subject: %v", err)
	}
}

// A core-NATS server without JetStream is refused.
func TestServerWithoutJetStreamIsRefused(t *testing.T) {
	s := natstest.Start(t, func(o *server.Options) { o.JetStream = false })
	if err := CheckInput(testCtx(t), InputConfig{Server: natstest.URL(s), Subject: "in"}, nil); err == nil {
		t.Fatal("core-only server accepted")
	}
}
