package sigma

import (
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
)

// Benchmarks of the evaluator alone: the full SigmaHQ corpus against the
// generated benchmark lanes (internal/lanes). One op is one event:
// JSONEvent.Reset plus Engine.Evaluate. Run with
//
//	go test ./sigma -run '^$' -bench Engine -benchmem
//
// Events/s is reported as a metric; allocs/op is per event.

const benchLaneSize = 20000

var (
	benchOnce sync.Once
	benchRS   *RuleSet
	benchErr  error
)

// generatedLane returns the count events of a benchmark lane, generated
// once per count and generator version and shared by every test binary
// (internal/lanes).
func generatedLane(tb testing.TB, lane string, count int) [][]byte {
	tb.Helper()
	lines, err := lanes.Lines(lanes.Lane(lane), count)
	if err != nil {
		tb.Fatal(err)
	}
	return lines
}

func benchLane(b *testing.B, lane string) [][]byte {
	return generatedLane(b, lane, benchLaneSize)
}

// benchEngine compiles the full corpus with opts (loading it once).
func benchEngine(b *testing.B, opts CompileOptions) *Engine {
	b.Helper()
	benchOnce.Do(func() { benchRS, benchErr = LoadPath(corpusDir) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	e, _, err := Compile(benchRS, opts)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func benchmarkLane(b *testing.B, lane string, opts CompileOptions) {
	lines := benchLane(b, lane)
	eng := benchEngine(b, opts)
	ev := NewJSONEvent(eng.Fields())
	var matches []Match
	total := 0
	// Collect the garbage of loading and compiling now: otherwise its
	// collection runs during the timed loop and, on a short lane run, is
	// charged to the events (events/cpu-s counts the GC workers too).
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	clock := startClocks()
	for i := 0; i < b.N; i++ {
		if err := ev.Reset(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
		matches = eng.Evaluate(ev, matches[:0])
		total += len(matches)
	}
	clock.report(b)
	b.ReportMetric(float64(total)/float64(b.N), "matches/event")
}

// clocks measures wall time and process CPU time: on the shared 2-core
// machine the wall-clock rate swings with other load, while events per
// CPU-second is the one-core figure the targets are stated in.
type clocks struct {
	wall time.Time
	cpu  time.Duration
}

func startClocks() clocks { return clocks{wall: time.Now(), cpu: processCPU()} }

func (c clocks) report(b *testing.B) {
	wall := time.Since(c.wall).Seconds()
	cpu := (processCPU() - c.cpu).Seconds()
	b.ReportMetric(float64(b.N)/wall, "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "events/cpu-s")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// prefilterVariants are the compile options the lane benchmarks compare.
var prefilterVariants = []struct {
	name string
	opts CompileOptions
}{
	{"default", CompileOptions{}},
	{"bloom", CompileOptions{BloomPrefilter: true}},
	{"crossac", CompileOptions{CrossRuleAC: true}},
	{"bloom+crossac", CompileOptions{BloomPrefilter: true, CrossRuleAC: true}},
}

func BenchmarkEngineSysmonLane(b *testing.B) {
	for _, v := range prefilterVariants {
		b.Run(v.name, func(b *testing.B) { benchmarkLane(b, "sysmon_proc", v.opts) })
	}
}

func BenchmarkEngineSyslogLane(b *testing.B) {
	for _, v := range prefilterVariants {
		b.Run(v.name, func(b *testing.B) { benchmarkLane(b, "syslog_raw", v.opts) })
	}
}

// BenchmarkJSONEventReset measures the extractor alone: validation plus
// recording the corpus's fields, without evaluation.
func BenchmarkJSONEventReset(b *testing.B) {
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		b.Run(lane, func(b *testing.B) {
			lines := benchLane(b, lane)
			ev := NewJSONEvent(benchEngine(b, CompileOptions{}).Fields())
			n := 0
			for _, l := range lines {
				n += len(l)
			}
			b.SetBytes(int64(n / len(lines)))
			b.ReportAllocs()
			b.ResetTimer()
			clock := startClocks()
			for i := 0; i < b.N; i++ {
				if err := ev.Reset(lines[i%len(lines)]); err != nil {
					b.Fatal(err)
				}
			}
			clock.report(b)
		})
	}
}

// BenchmarkJSONEventMaterialize measures what the index asks of an event:
// Reset, then every table field present built (decoded and folded), then
// every keyword leaf.
func BenchmarkJSONEventMaterialize(b *testing.B) {
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		b.Run(lane, func(b *testing.B) {
			lines := benchLane(b, lane)
			table := benchEngine(b, CompileOptions{}).Fields()
			fields := table.All()
			ev := NewJSONEvent(table)
			leaves := 0
			count := func(*Value) bool { leaves++; return false }
			b.ReportAllocs()
			b.ResetTimer()
			clock := startClocks()
			for i := 0; i < b.N; i++ {
				if err := ev.Reset(lines[i%len(lines)]); err != nil {
					b.Fatal(err)
				}
				ids, _ := ev.presentFields()
				for _, id := range ids {
					_ = ev.Field(fields[id])
				}
				ev.Keywords(count)
			}
			clock.report(b)
		})
	}
}
