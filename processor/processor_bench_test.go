package processor

import (
	"context"
	"fmt"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// BenchmarkProcessBatchSysmon measures the sigma processor on the Sysmon
// lane with the full corpus, one message per batch (the daemon's default
// --batch-size 1) and 100 per batch, to show what the processor adds to the
// evaluator alone (sigma's BenchmarkEngineSysmonLane).
func BenchmarkProcessBatchSysmon(b *testing.B) {
	lines, err := lanes.Lines(lanes.SysmonProc, 20000)
	if err != nil {
		b.Fatal(err)
	}
	p := newTestProcessor(b, "rules: ["+sigmahq.Dir()+"]\ninput_format: json\n")
	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch_%d", size), func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for i := 0; i < b.N; i += size {
				batch := make(service.MessageBatch, 0, size)
				for j := 0; j < size; j++ {
					batch = append(batch, service.NewMessage(lines[(i+j)%len(lines)]))
				}
				if _, err := p.ProcessBatch(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
