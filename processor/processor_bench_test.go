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
// evaluator alone (sigma's BenchmarkEngineSysmonLane); the _no_metadata
// cases are the daemon's settings (result_metadata: false).
func BenchmarkProcessBatchSysmon(b *testing.B) {
	lines, err := lanes.Lines(lanes.SysmonProc, 20000)
	if err != nil {
		b.Fatal(err)
	}
	p := newTestProcessor(b, "rules: ["+sigmahq.Dir()+"]\ninput_format: json\n")
	for _, c := range []struct {
		size int
		meta bool
	}{{1, true}, {100, true}, {1, false}, {100, false}} {
		name := fmt.Sprintf("batch_%d", c.size)
		if !c.meta {
			name += "_no_metadata" // result_metadata: false, as engine daemon prints
		}
		size := c.size
		b.Run(name, func(b *testing.B) {
			p.meta.off = !c.meta
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
