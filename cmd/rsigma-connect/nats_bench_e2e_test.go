package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// BenchmarkDaemonNATS measures events/s through the built binary: b.N
// matching events already in the input stream, one detection each published
// to the output stream with its ack awaited, input acked after delivery.
// Run with e.g. -bench DaemonNATS -benchtime 50000x.
func BenchmarkDaemonNATS(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch_size_%d", batch), func(b *testing.B) {
			url, js := jetStreamServer(b, nil)
			if _, err := js.CreateStream(context.Background(), jetstream.StreamConfig{Name: "rsigma-events", Subjects: []string{"events.>"}}); err != nil {
				b.Fatal(err)
			}
			publishLines(b, js, "events.win", whoamiEvents(b.N))
			b.ResetTimer()
			start := time.Now()
			d := daemontest.Start(b, natsDaemonArgs("--input", url+"/events.>", "--output", url+"/detections",
				"--batch-size", fmt.Sprint(batch))...)
			for deadline := time.Now().Add(5 * time.Minute); streamCount(js, "rsigma-detections") < uint64(b.N); time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					b.Fatalf("%d of %d detections after 5 minutes\n%s", streamCount(js, "rsigma-detections"), b.N, d.Stderr())
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			_ = d.Cmd.Process.Kill()
		})
	}
}
