package sigma_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/corpusgrow"
	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// BenchmarkScale measures how loading and evaluating grow with the rule
// count: the SigmaHQ corpus grown to 1, 3 and 10 corpora by mutated copies
// that keep each rule's shape and rarely fire (internal/corpusgrow). Per
// size:
//
//   - load: LoadPath plus Compile; cpu-ms/op is the process CPU time of one
//     load (all cores), the figure other load on the machine distorts least;
//   - live: the heap an Engine keeps once the RuleSet is dropped (live-MB);
//   - gc: one forced collection with the loaded Engine live (ns/op and
//     cpu-ms/op, all cores): the marking every collection of a running
//     daemon pays for the corpus;
//   - <lane>: one op = JSONEvent.Reset + Engine.Evaluate of one lane event,
//     with events/cpu-s, matches/event and candidates/event (the rules the
//     candidate index leaves to evaluate).
//
// The corpora are generated once into the temporary directory. Use
// -benchtime 20000x for the lanes (each event once) and 1x-3x for load:
//
//	go test ./sigma -run '^$' -bench 'Scale/.*/load' -benchtime 3x
//	go test ./sigma -run '^$' -bench 'Scale/.*/(live|sysmon|syslog)' -benchtime 20000x
func BenchmarkScale(b *testing.B) {
	for _, times := range []int{1, 3, 10} {
		b.Run(fmt.Sprintf("%dx", times), func(b *testing.B) {
			dir, err := corpusgrow.SigmaHQ(times)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("load", func(b *testing.B) { benchmarkScaleLoad(b, dir) })
			b.Run("live", func(b *testing.B) { benchmarkScaleLive(b, dir) })
			b.Run("gc", func(b *testing.B) { benchmarkScaleGC(b, dir) })
			for _, lane := range lanes.All {
				b.Run(string(lane), func(b *testing.B) { benchmarkScaleLane(b, dir, lane) })
			}
		})
	}
}

func loadAndCompile(b *testing.B, dir string) *sigma.Engine {
	rs, err := sigma.LoadPath(dir)
	if err != nil {
		b.Fatal(err)
	}
	e, rejected, err := sigma.Compile(rs, sigma.CompileOptions{})
	if err != nil || len(rs.Rejected)+len(rejected) > 0 {
		b.Fatalf("%s: %v, %d rejected", dir, err, len(rs.Rejected)+len(rejected))
	}
	return e
}

func benchmarkScaleLoad(b *testing.B, dir string) {
	rules := 0
	runtime.GC()
	cpu := sigma.ProcessCPU()
	for i := 0; i < b.N; i++ {
		rules = len(loadAndCompile(b, dir).Rules())
	}
	b.ReportMetric(float64((sigma.ProcessCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(rules), "rules")
}

func benchmarkScaleLive(b *testing.B, dir string) {
	var live uint64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e := loadAndCompile(b, dir)
		runtime.GC()
		runtime.ReadMemStats(&after)
		live += after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(e)
	}
	b.ReportMetric(float64(live)/float64(b.N)/1e6, "live-MB")
}

// benchmarkScaleGC times forced collections with the engine of dir live
// (and any engine an earlier benchmark of the process loaded: run it alone
// for one size, e.g. -bench 'Scale/10x/gc').
func benchmarkScaleGC(b *testing.B, dir string) {
	eng := scaleEngine(b, dir)
	runtime.GC()
	b.ResetTimer()
	cpu := sigma.ProcessCPU()
	for i := 0; i < b.N; i++ {
		runtime.GC()
	}
	b.StopTimer()
	b.ReportMetric(float64((sigma.ProcessCPU()-cpu).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	runtime.KeepAlive(eng)
}

var (
	scaleMu      sync.Mutex
	scaleEngines = map[string]*sigma.Engine{}
)

// scaleEngine loads and compiles dir once per benchmark process.
func scaleEngine(b *testing.B, dir string) *sigma.Engine {
	scaleMu.Lock()
	defer scaleMu.Unlock()
	if e := scaleEngines[dir]; e != nil {
		return e
	}
	e := loadAndCompile(b, dir)
	scaleEngines[dir] = e
	return e
}

const scaleLaneSize = 20000

func benchmarkScaleLane(b *testing.B, dir string, lane lanes.Lane) {
	lines, err := lanes.Lines(lane, scaleLaneSize)
	if err != nil {
		b.Fatal(err)
	}
	eng := scaleEngine(b, dir)
	ev := sigma.NewJSONEvent(eng.Fields())
	candidates := 0
	for _, line := range lines {
		if err := ev.Reset(line); err != nil {
			b.Fatal(err)
		}
		candidates += sigma.CandidateCount(eng, ev)
	}
	var matches []sigma.Match
	total := 0
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	report := sigma.StartClocks()
	for i := 0; i < b.N; i++ {
		if err := ev.Reset(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
		matches = eng.Evaluate(ev, matches[:0])
		total += len(matches)
	}
	report(b)
	b.ReportMetric(float64(total)/float64(b.N), "matches/event")
	b.ReportMetric(float64(candidates)/float64(len(lines)), "candidates/event")
}
