package sigma

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Benchmarks of the evaluator alone: the full SigmaHQ corpus against the
// generated benchmark lanes (../../shared/lanes). One op is one event:
// JSONEvent.Reset plus Engine.Evaluate. Run with
//
//	go test ./sigma -run '^$' -bench Engine -benchmem
//
// Events/s is reported as a metric; allocs/op is per event.

const (
	laneGenerator = "../../shared/lanes/gen_lanes.py"
	benchLaneSize = 20000
)

var (
	lanesMu   sync.Mutex
	laneDirs  = map[int]string{}
	benchOnce sync.Once
	benchRS   *RuleSet
	benchErr  error
)

// generatedLane returns the lines of a lane of count events. The generator
// is deterministic, so its output is kept in one directory per count and
// generator version under the temporary directory, shared by every test
// binary: a binary generates into a fresh directory and renames it into
// place (a concurrent one that loses the race removes its copy), so runs
// neither regenerate the lanes nor leave copies behind.
func generatedLane(tb testing.TB, lane string, count int) [][]byte {
	tb.Helper()
	lanesMu.Lock()
	dir, ok := laneDirs[count]
	if !ok {
		var err error
		if dir, err = sharedLaneDir(count); err != nil {
			lanesMu.Unlock()
			tb.Skipf("lane generator unavailable: %v", err)
		}
		laneDirs[count] = dir
	}
	lanesMu.Unlock()
	data, err := os.ReadFile(filepath.Join(dir, lane+".ndjson"))
	if err != nil {
		tb.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if len(lines) != count {
		tb.Fatalf("lane %s has %d lines, want %d", lane, len(lines), count)
	}
	return lines
}

// sharedLaneDir returns the directory holding the lanes of count events,
// generating them when no run has yet.
func sharedLaneDir(count int) (string, error) {
	script, err := os.ReadFile(laneGenerator)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(script)
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("sigma-lanes-%x-%d", sum[:6], count))
	if lanesComplete(dir) {
		return dir, nil
	}
	tmp, err := os.MkdirTemp("", "sigma-lanes-new-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	cmd := exec.Command("python3", laneGenerator, "--out-dir", tmp, "--count", strconv.Itoa(count))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v: %s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !lanesComplete(dir) {
		return "", err
	}
	return dir, nil
}

func lanesComplete(dir string) bool {
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		if _, err := os.Stat(filepath.Join(dir, lane+".ndjson")); err != nil {
			return false
		}
	}
	return true
}

func benchLane(b *testing.B, lane string) [][]byte {
	return generatedLane(b, lane, benchLaneSize)
}

// benchEngine compiles the full corpus with opts (loading it once).
func benchEngine(b *testing.B, opts CompileOptions) *Engine {
	b.Helper()
	benchOnce.Do(func() { benchRS, benchErr = LoadPath(corpusDir) })
	if benchErr != nil {
		b.Skipf("corpus not available: %v", benchErr)
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
