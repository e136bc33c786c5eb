package nats

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// received is what a test stream's consumer saw: payload and stream sequence.
type received struct {
	body string
	seq  int64
}

// collector gathers messages reaching a stream's output.
type collector struct {
	mu   sync.Mutex
	msgs []received
	fail func(received) error // optional: error → the batch is nacked
}

func (c *collector) handle(_ context.Context, m *service.Message) error {
	b, _ := m.AsBytes()
	seq, _ := m.MetaGetMut(MetaSequence)
	r := received{body: string(b)}
	if s, ok := seq.(int64); ok {
		r.seq = s
	}
	if c.fail != nil {
		if err := c.fail(r); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.msgs = append(c.msgs, r)
	c.mu.Unlock()
	return nil
}

func (c *collector) snapshot() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.msgs...)
}

// runStream builds and runs a Benthos stream from an input YAML and either
// an output YAML or a collector. The stream is stopped at cleanup (or by the
// returned stop func).
func runStream(t *testing.T, inputYAML, outputYAML string, c *collector) (stop func()) {
	t.Helper()
	sb := service.NewStreamBuilder()
	level := slog.LevelWarn
	if os.Getenv("NATS_TEST_LOG") == "debug" {
		level = slog.LevelDebug
	}
	sb.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	if err := sb.AddInputYAML(inputYAML); err != nil {
		t.Fatalf("input yaml: %v", err)
	}
	if c != nil {
		if err := sb.AddConsumerFunc(c.handle); err != nil {
			t.Fatal(err)
		}
	} else if err := sb.AddOutputYAML(outputYAML); err != nil {
		t.Fatalf("output yaml: %v", err)
	}
	strm, err := sb.Build()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- strm.Run(context.Background()) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			if err := strm.StopWithin(10 * time.Second); err != nil {
				t.Errorf("stop: %v", err)
			}
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Error("the stream's Run did not return within 30s of StopWithin")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// inputYAML is a sigma_nats_jetstream input block; extra lines are indented under it.
func inputYAML(url, subject string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sigma_nats_jetstream:\n  url: %s\n  subject: %q\n", url, subject)
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	return b.String()
}

// publishWindow bounds the publishes awaiting their ack: far below the
// client's limit (4000), past which PublishAsync stalls and fails when the
// server acks slowly (a loaded machine).
const publishWindow = 256

// publish sends bodies to subject and waits for every publish ack.
func publish(t testing.TB, js jetstream.JetStream, subject string, bodies ...string) {
	t.Helper()
	for len(bodies) > 0 {
		window := bodies[:min(publishWindow, len(bodies))]
		bodies = bodies[len(window):]
		futures := make([]jetstream.PubAckFuture, 0, len(window))
		for _, body := range window {
			f, err := js.PublishAsync(subject, []byte(body))
			if err != nil {
				t.Fatalf("publish: %v", err)
			}
			futures = append(futures, f)
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				t.Fatalf("publish ack: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("publish ack timeout")
			}
		}
	}
}

// events returns n distinct JSON event lines.
func events(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(`{"n":%d}`, i)
	}
	return out
}

// consumerState returns the durable's pending counts.
func consumerState(t *testing.T, js jetstream.JetStream, stream, durable string) *jetstream.ConsumerInfo {
	t.Helper()
	cons, err := js.Consumer(testCtx(t), stream, durable)
	if err != nil {
		t.Fatalf("consumer %s/%s: %v", stream, durable, err)
	}
	info, err := cons.Info(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return info
}
