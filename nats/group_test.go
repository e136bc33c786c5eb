package nats

import (
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// Two streams in one consumer group share a durable: 10k events are split
// between them and every event is processed by exactly one of them.
func TestConsumerGroupSplitsTheStream(t *testing.T) {
	const total = 10000
	s := natstest.Start(t, nil)
	_, js := testJS(t, s)
	if _, err := EnsureStream(testCtx(t), js, "rsigma-events", "events.>"); err != nil {
		t.Fatal(err)
	}
	a, b := &collector{}, &collector{}
	in := inputYAML(natstest.URL(s), "events.>", "consumer_group: detectors", "batch_size: 32")
	runStream(t, in, "", a)
	runStream(t, in, "", b)
	poll.Wait(t, 10*time.Second, "both members pulling", func() bool {
		cons, err := js.Consumer(testCtx(t), "rsigma-events", "detectors")
		if err != nil {
			return false // not created yet
		}
		info, err := cons.Info(testCtx(t))
		return err == nil && info.NumWaiting >= 2
	})
	publish(t, js, "events.x", events(total)...)

	poll.Wait(t, 60*time.Second, "all events processed", func() bool {
		return len(a.snapshot())+len(b.snapshot()) >= total
	})
	poll.Wait(t, 10*time.Second, "every message acked", func() bool {
		info := consumerState(t, js, "rsigma-events", "detectors")
		return info.NumAckPending == 0 && info.AckFloor.Stream == total
	})
	seen := make(map[int64]int, total)
	for _, r := range append(a.snapshot(), b.snapshot()...) {
		seen[r.seq]++
	}
	for seq := int64(1); seq <= total; seq++ {
		if seen[seq] != 1 {
			t.Fatalf("event %d processed %d times", seq, seen[seq])
		}
	}
	na, nb := len(a.snapshot()), len(b.snapshot())
	if na == 0 || nb == 0 {
		t.Fatalf("work not split: %d / %d", na, nb)
	}
	t.Logf("split %d events: %d / %d", total, na, nb)
}
