package processor

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// BenchmarkProcessBatchSysmon measures the sigma processor on the Sysmon
// lane with the full corpus, one message per batch (the daemon's default
// --batch-size 1) and 100 per batch, to show what the processor adds to the
// evaluator alone (sigma's BenchmarkEngineSysmonLane).
func BenchmarkProcessBatchSysmon(b *testing.B) {
	lane := filepath.Join(b.TempDir(), "lanes")
	gen := exec.Command("python3", filepath.Join(daemontest.SharedDir(), "lanes", "gen_lanes.py"), "--out-dir", lane, "--count", "20000")
	if out, err := gen.CombinedOutput(); err != nil {
		b.Skipf("lane generator: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(lane, "sysmon_proc.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	f.Close()
	p := newTestProcessor(b, "rules: ["+filepath.Join(daemontest.SharedDir(), "sigma-rules")+"]\ninput_format: json\n")
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
