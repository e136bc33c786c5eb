package nats

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
)

// BenchmarkInputToCollector measures events/s through the sigma_nats_jetstream
// input of a Benthos stream (pull, batch, ack) with a no-op consumer.
func BenchmarkInputToCollector(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch_size_%d", batch), func(b *testing.B) {
			s := natstest.Start(b, nil)
			_, js := testJS(b, s)
			if _, err := EnsureStream(context.Background(), js, "rsigma-events", "events.>"); err != nil {
				b.Fatal(err)
			}
			publish(b, js, "events.x", events(b.N)...)
			var n atomic.Int64
			done := make(chan struct{})
			sb := service.NewStreamBuilder()
			sb.SetLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err := sb.AddInputYAML(inputYAML(natstest.URL(s), "events.>", fmt.Sprintf("batch_size: %d", batch))); err != nil {
				b.Fatal(err)
			}
			_ = sb.AddBatchConsumerFunc(func(_ context.Context, mb service.MessageBatch) error {
				if n.Add(int64(len(mb))) == int64(b.N) {
					close(done)
				}
				return nil
			})
			strm, err := sb.Build()
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			go func() { _ = strm.Run(context.Background()) }()
			select {
			case <-done:
			case <-time.After(5 * time.Minute):
				b.Fatalf("%d of %d events consumed after 5 minutes", n.Load(), b.N)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
			b.StopTimer()
			_ = strm.StopWithin(10 * time.Second)
		})
	}
}

// BenchmarkOutputPublish measures results/s through the sigma_nats_jetstream
// output (publish and wait for every ack), batches of 64.
func BenchmarkOutputPublish(b *testing.B) {
	s := natstest.Start(b, nil)
	sb := service.NewStreamBuilder()
	sb.SetLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	send, err := sb.AddBatchProducerFunc()
	if err != nil {
		b.Fatal(err)
	}
	if err := sb.AddOutputYAML("sigma_nats_jetstream:\n  url: " + natstest.URL(s) + "\n  subject: detections\n"); err != nil {
		b.Fatal(err)
	}
	strm, err := sb.Build()
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = strm.Run(context.Background()) }()
	defer func() { _ = strm.StopWithin(10 * time.Second) }()
	body := []byte(`{"rule_title":"Whoami Execution","rule_id":"6b3f0c2e","level":"medium","tags":[],"matched_selections":["selection_img"],"matched_fields":[]}`)
	b.ResetTimer()
	start := time.Now()
	for sent := 0; sent < b.N; sent += 64 {
		batch := make(service.MessageBatch, min(64, b.N-sent))
		for i := range batch {
			batch[i] = service.NewMessage(body)
		}
		if err := send(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "results/s")
}
